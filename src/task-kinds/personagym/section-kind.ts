import type { PersonaGymSection } from "../../results/types.js";
import { anySectionKind, type SectionKind } from "../section-kind.js";
import { personaGymGate } from "./gate.js";
import { personaGymLeaderboard } from "./leaderboard.js";
import { personaGymRenderer } from "./render.js";

/** How a PersonaGym section is reported, gated, ranked and viewed. */
export const personaGymSectionKind: SectionKind = anySectionKind<PersonaGymSection>({
  kind: "personagym",
  report: personaGymRenderer,
  gate: personaGymGate,
  leaderboard: personaGymLeaderboard,
});
