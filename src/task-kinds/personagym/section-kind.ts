import { anySectionKind, type SectionKind } from "../section-kind.js";
import { personaGymGate } from "./gate.js";
import { personaGymLeaderboard } from "./leaderboard.js";
import { personaGymRenderer } from "./render.js";
import type { PersonaGymSection } from "./section-types.js";
import { personaGymViewer } from "./viewer.js";

/** How a PersonaGym section is reported, gated, ranked and viewed. */
export const personaGymSectionKind: SectionKind = anySectionKind<PersonaGymSection>({
  kind: "personagym",
  report: personaGymRenderer,
  gate: personaGymGate,
  leaderboard: personaGymLeaderboard,
  viewer: personaGymViewer,
});
