import {
  type GenerationState,
  personaStability,
  stabilityIntervalMethods,
  stabilityPairedTest,
} from "../../metrics/index.js";
import { personaSystemText } from "../../personas/render.js";
import { mathHeadline } from "../../results/headline.js";
import type { StatisticalSettings } from "../../results/types.js";
import { encodeMathOutcomes } from "../../results/verdicts.js";
import { GRADER_VERSION } from "../../scoring/math/index.js";
import type { Store } from "../../store/store.js";
import type { Math500TaskConfig } from "./config.js";
import type { Math500Plan } from "./plan.js";
import { type MathVerdict, scoreMath500 } from "./score.js";
import type { MathPersonaResult, MathSection } from "./section-types.js";

/** Seed of every bootstrap of a math section, so the same verdicts always give the same intervals. */
export const MATH_BOOTSTRAP = { resamples: 2000, seed: 20_260_410, level: 0.95 } as const;

export interface MathDatasetRecord {
  name: string;
  sha256: string;
  pinned: boolean;
  origin: string;
}

/**
 * Turns the verdicts of a math plan into the results section: per-generation outcomes (which travel in the file),
 * and the figures metrics/ computes from exactly those outcomes.
 */
export function buildMathSection(
  task: Math500TaskConfig,
  plan: Math500Plan,
  generations: GenerationState[][][],
  dataset: MathDatasetRecord,
  alpha: number,
): MathSection {
  const stability = personaStability(
    plan.personas.map((p, index) => ({
      id: p.id,
      lottery: p.persona?.lottery === true,
      generations: generations[index]!,
    })),
    { bootstrap: MATH_BOOTSTRAP },
  );
  const personas: MathPersonaResult[] = plan.personas.map((entry, index) => ({
    id: entry.id,
    category: entry.persona?.category ?? "control",
    text: entry.persona ? personaSystemText(entry.persona, task.catalog) : "",
    ...(entry.persona?.expectedEffect ? { expectedEffect: entry.persona.expectedEffect } : {}),
    ...stability.conditions[index]!,
    outcomes: encodeMathOutcomes(generations[index]!),
  }));
  const summary = stability.summary && {
    ...withoutPersonaIds(stability.summary),
    worst: stability.summary.worstPersonaIds,
    best: stability.summary.bestPersonaIds,
  };
  const statistics: StatisticalSettings = {
    alpha,
    bootstrap: { ...MATH_BOOTSTRAP, method: "percentile" },
    intervals: stabilityIntervalMethods(plan.samples),
    pairedTest: stabilityPairedTest(plan.samples),
    multipleComparisons: "Holm across the task's personas",
  };
  return {
    id: task.id,
    kind: "math",
    dataset: { ...dataset, hash: dataset.sha256 },
    scorer: { name: "math-grader", version: GRADER_VERSION },
    headline: mathHeadline(personas[0], summary),
    statistics,
    problems: plan.problems.length,
    samples: plan.samples,
    prompt: task.prompt,
    personaPlacement: task.personaPlacement,
    decoding: { ...task.decoding },
    catalog: { id: task.catalog.id, version: task.catalog.version, sha256: task.catalog.sha256 },
    items: plan.problems.map((p) => p.id),
    personas,
    summary,
  };
}

function withoutPersonaIds<T extends { worstPersonaIds: string[]; bestPersonaIds: string[] }>(
  summary: T,
): Omit<T, "worstPersonaIds" | "bestPersonaIds"> {
  const { worstPersonaIds: _worst, bestPersonaIds: _best, ...rest } = summary;
  return rest;
}

/** The three flags a generation state carries take 6 values: one shared object each, not one per generation. */
const STATES = new Map<number, GenerationState>();
function stateOf(verdict: MathVerdict): GenerationState {
  const code = (verdict.correct ? 1 : 0) | (verdict.found ? 2 : 0) | (verdict.truncated ? 4 : 0);
  let state = STATES.get(code);
  if (state === undefined) {
    state = Object.freeze({ correct: verdict.correct, found: verdict.found, truncated: verdict.truncated });
    STATES.set(code, state);
  }
  return state;
}

/**
 * Grades what the store holds for the plan and returns [condition][problem][sample]: the verdict, "failed" for a
 * permanent failure, undefined when not run yet; and how many generations had a verdict. Streams the plan.
 */
export function mathGenerationStates(
  plan: Math500Plan,
  store: Store,
  failedKeys: ReadonlySet<string>,
): { states: GenerationState[][][]; graded: number } {
  const personaIndex = new Map(plan.personas.map((p, i) => [p.id, i]));
  const problemIndex = new Map(plan.problems.map((p, i) => [p.id, i]));
  const states: GenerationState[][][] = plan.personas.map(() =>
    plan.problems.map(() => new Array<GenerationState>(plan.samples).fill(undefined)),
  );
  const graded = scoreMath500(plan, store, (item, verdict) => {
    states[personaIndex.get(item.personaId)!]![problemIndex.get(item.itemId)!]![item.sample] = verdict
      ? stateOf(verdict)
      : failedKeys.has(item.key)
        ? "failed"
        : undefined;
  });
  return { states, graded };
}
