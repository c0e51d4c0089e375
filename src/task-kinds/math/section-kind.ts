import type { MathSection } from "../../results/types.js";
import { anySectionKind, type SectionKind } from "../section-kind.js";
import { mathRenderer } from "./render.js";
import { mathViewer } from "./viewer.js";

/** Every math task set writes a "math" section; this is how one is reported, gated, ranked and viewed. */
export const mathSectionKind: SectionKind = anySectionKind<MathSection>({
  kind: "math",
  report: mathRenderer,
  viewer: mathViewer,
});
