import { anySectionKind, type SectionKind } from "../section-kind.js";
import { mathGate } from "./gate.js";
import { mathLeaderboard } from "./leaderboard.js";
import { mathRenderer } from "./render.js";
import type { MathSection } from "./section-types.js";
import { mathViewer } from "./viewer.js";

/** Every math task set writes a "math" section; this is how one is reported, gated, ranked and viewed. */
export const mathSectionKind: SectionKind = anySectionKind<MathSection>({
  kind: "math",
  report: mathRenderer,
  gate: mathGate,
  leaderboard: mathLeaderboard,
  viewer: mathViewer,
});
