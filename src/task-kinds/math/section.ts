import type { Math500TaskConfig } from "../../config/math-task.js";
import {
  type GenerationState,
  personaStability,
  stabilityIntervalMethods,
  stabilityPairedTest,
} from "../../metrics/index.js";
import { personaSystemText } from "../../personas/render.js";
import type { Math500Plan } from "../../plan/math500.js";
import { mathHeadline } from "../../results/headline.js";
import type { MathPersonaResult, MathSection, StatisticalSettings } from "../../results/types.js";
import { encodeMathOutcomes } from "../../results/verdicts.js";
import { GRADER_VERSION } from "../../scoring/math/index.js";
import type { MathVerdict } from "../../scoring/math500.js";

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
  verdicts: ReadonlyMap<string, MathVerdict>,
  failedKeys: ReadonlySet<string>,
  dataset: MathDatasetRecord,
  alpha: number,
): MathSection {
  const generations = generationStates(plan, verdicts, failedKeys);
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

/** [condition][problem][sample]: the verdict, "failed" for a permanent failure, undefined when not run yet. */
function generationStates(
  plan: Math500Plan,
  verdicts: ReadonlyMap<string, MathVerdict>,
  failedKeys: ReadonlySet<string>,
): GenerationState[][][] {
  const personaIndex = new Map(plan.personas.map((p, i) => [p.id, i]));
  const problemIndex = new Map(plan.problems.map((p, i) => [p.id, i]));
  const states: GenerationState[][][] = plan.personas.map(() =>
    plan.problems.map(() => new Array<GenerationState>(plan.samples).fill(undefined)),
  );
  for (const item of plan.items()) {
    const verdict = verdicts.get(item.key);
    states[personaIndex.get(item.personaId)!]![problemIndex.get(item.itemId)!]![item.sample] = verdict
      ? { correct: verdict.correct, found: verdict.found, truncated: verdict.truncated }
      : failedKeys.has(item.key)
        ? "failed"
        : undefined;
  }
  return states;
}
