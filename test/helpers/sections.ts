import type { Results } from "../../src/results/types.js";
import { isMathSection, type MathSection } from "../../src/task-kinds/math/section-types.js";
import {
  isPersonaGymSection,
  type PersonaGymSection,
} from "../../src/task-kinds/personagym/section-types.js";

/** A math section of results by its task id (default: the MATH500 block's); throws when it is not there. */
export function mathSection(results: Results, id = "math500"): MathSection {
  const section = results.tasks[id];
  if (!section || !isMathSection(section)) throw new Error(`results have no math section "${id}"`);
  return section;
}

export function personaGymSection(results: Results, id = "personagym"): PersonaGymSection {
  const section = results.tasks[id];
  if (!section || !isPersonaGymSection(section))
    throw new Error(`results have no PersonaGym section "${id}"`);
  return section;
}
