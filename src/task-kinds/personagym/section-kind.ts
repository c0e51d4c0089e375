import type { PersonaGymSection } from "../../results/types.js";
import { anySectionKind, type SectionKind } from "../section-kind.js";
import { personaGymRenderer } from "./render.js";
import { personaGymViewer } from "./viewer.js";

/** How a PersonaGym section is reported, gated, ranked and viewed. */
export const personaGymSectionKind: SectionKind = anySectionKind<PersonaGymSection>({
  kind: "personagym",
  report: personaGymRenderer,
  viewer: personaGymViewer,
});
