import { CONTROL_PERSONA_ID, type Persona } from "../../personas/catalog.js";
import { renderMessages } from "../../personas/render.js";
import { generationKey } from "../../plan/keys.js";
import { samplingFor } from "../../plan/sampling.js";
import type { WorkItem } from "../../plan/types.js";
import type { MathTaskConfig } from "./config.js";
import { type MathProblem, renderMathPrompt } from "./problems.js";

export const MATH500_TASK = "math500";

export interface MathPlan {
  /** The control first, then the catalog personas in selection order. */
  personas: { id: string; persona: Persona | null }[];
  problems: MathProblem[];
  samples: number;
  size: number;
  items(): Generator<WorkItem>;
}

/**
 * Personas x problems x samples. Items are yielded problem by problem, every persona for a problem before the next
 * problem, so an interrupted run still holds complete pairs for the problems it reached.
 */
export function planMath(task: MathTaskConfig, problems: MathProblem[], modelKey: string): MathPlan {
  const personas = [
    { id: CONTROL_PERSONA_ID, persona: null },
    ...task.personas.map((persona) => ({ id: persona.id, persona })),
  ];
  return {
    personas,
    problems,
    samples: task.samples,
    size: personas.length * problems.length * task.samples,
    *items() {
      for (const problem of problems) {
        const userText = renderMathPrompt(task.prompt, problem);
        for (const { id, persona } of personas) {
          const messages = renderMessages({
            persona,
            catalog: task.catalog,
            userText,
            placement: task.personaPlacement,
          });
          for (let sample = 0; sample < task.samples; sample++) {
            const sampling = samplingFor(task.decoding, problem.id, sample);
            yield {
              key: generationKey(modelKey, messages, sampling, sample),
              task: MATH500_TASK,
              personaId: id,
              itemId: problem.id,
              sample,
              request: { messages, sampling },
            };
          }
        }
      }
    },
  };
}
