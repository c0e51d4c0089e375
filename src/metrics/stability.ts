/**
 * Persona stability of one task from its per-generation verdicts: per condition accuracy with an interval and a
 * paired test against the control, then the spread across personas. Every rule that decides which numbers are
 * compared lives here, so results assembly, the gate and the viewer compute the same figures from the same verdicts.
 */

import { type BootstrapInterval, bootstrapIntervals, bootstrapMeanInterval } from "./bootstrap.js";
import { mean, populationStd } from "./descriptive.js";
import { expectedMaxCurve } from "./expected-max.js";
import { flipStats } from "./flip.js";
import { holmAdjust } from "./holm.js";
import { comparePaired } from "./paired.js";
import { passAtKCurve } from "./pass-at-k.js";
import { type PersonaSummary, summarizePersonas } from "./persona-summary.js";
import { wilsonInterval } from "./proportions.js";
import { signFlipPValue } from "./sign-flip.js";

/** [lo, hi], as results.json stores it. */
export type Bounds = [number, number];

/** One graded generation. */
export interface GradedGeneration {
  correct: boolean;
  /** A final answer could be extracted. */
  found: boolean;
  /** The model stopped at the token limit. */
  truncated: boolean;
}

/** A generation's state: graded, failed permanently, or not run (undefined). */
export type GenerationState = GradedGeneration | "failed" | undefined;

export interface StabilityCondition {
  id: string;
  /** Part of the catalog's lottery subset (the paper's Figure 1). */
  lottery: boolean;
  /** [problem][sample]; every condition has the same problems in the same order. */
  generations: readonly (readonly GenerationState[])[];
}

export interface StabilitySettings {
  /** Resamples, seed and level of every bootstrap of the task. */
  bootstrap: { resamples: number; seed: number; level: number };
}

export interface ConditionStats {
  n: number;
  correct: number;
  accuracy: number | null;
  ci95: Bounds | null;
  extractionFailures: number;
  accuracyWhenExtracted: number | null;
  truncated: number;
  deltaVsControl: number;
  deltaCi95: Bounds | null;
  pValue: number | null;
  pValueHolm: number | null;
  discordant: { personaOnly: number; controlOnly: number } | null;
  /** Problems with at least one generation that failed permanently. */
  errors: number;
  /**
   * With several samples per problem: unbiased pass@k by k (1, 2, 4, ..., S), averaged over the problems answered
   * in full; absent with one sample (pass@1 is the accuracy) or when no problem was answered in full.
   */
  passAtK?: Record<string, number>;
}

export interface StabilitySummary extends PersonaSummary {
  flipRate: number;
  consistencyRate: number;
  expectedMaxAtK: number[];
  lottery: { personas: string[]; expectedMaxAtK: number[] } | null;
  /** Bootstrap over the problems every persona answered in full; null when there are none. */
  intervals: { mean: Bounds; worst: Bounds; pss: Bounds } | null;
}

export interface StabilityResult {
  /** In input order: the control first. */
  conditions: ConditionStats[];
  /** null when no persona (the control excluded) has a graded generation. */
  summary: StabilitySummary | null;
}

/**
 * `conditions[0]` is the control (no persona), the rest the catalog personas. Only problems that every compared
 * condition answered in full enter a paired statistic, so a partial run never compares different problem sets.
 */
export function personaStability(
  conditions: readonly StabilityCondition[],
  settings: StabilitySettings,
): StabilityResult {
  const samples = conditions[0]?.generations[0]?.length ?? 1;
  const rows = conditions.map((c) => conditionRows(c.generations));
  const stats = conditions.map((_, index) => conditionStats(rows[index]!, samples, settings));
  const control = rows[0]!;
  const pValues: { index: number; p: number }[] = [];
  for (let index = 1; index < conditions.length; index++) {
    const persona = rows[index]!;
    const shared = sharedProblems([persona.perProblem, control.perProblem]);
    if (shared.length === 0) continue;
    const comparison = comparePaired(
      shared.map((p) => meanCorrect(persona.perProblem[p]!)),
      shared.map((p) => meanCorrect(control.perProblem[p]!)),
      settings.bootstrap,
    );
    const result = stats[index]!;
    result.deltaVsControl = comparison.delta;
    result.deltaCi95 = [comparison.deltaInterval.lo, comparison.deltaInterval.hi];
    // One sample: exact McNemar on the verdicts. Several: majority verdicts would throw away most of what the
    // samples say (on a hard set every persona's majority is wrong), so the test is a sign-flip test on the
    // per-problem differences of mean@S, still with the problem as the unit.
    const p =
      samples === 1
        ? comparison.mcnemar.pValue
        : signFlipPValue(
            shared.map((i) => meanCorrect(persona.perProblem[i]!) - meanCorrect(control.perProblem[i]!)),
            settings.bootstrap.seed,
          );
    result.pValue = p;
    result.discordant = { personaOnly: comparison.mcnemar.b, controlOnly: comparison.mcnemar.c };
    pValues.push({ index, p });
  }
  const adjusted = holmAdjust(pValues.map((x) => x.p));
  pValues.forEach(({ index }, i) => {
    stats[index]!.pValueHolm = adjusted[i]!;
  });
  return {
    conditions: stats,
    summary: summarize(conditions.slice(1), rows.slice(1), stats, settings),
  };
}

interface ConditionRows {
  /** Per problem: the verdicts of its samples, or undefined when any sample is not graded. */
  perProblem: (GradedGeneration[] | undefined)[];
  graded: GradedGeneration[];
  failedProblems: number;
}

function conditionRows(generations: readonly (readonly GenerationState[])[]): ConditionRows {
  const graded = (g: GenerationState): g is GradedGeneration => g !== undefined && g !== "failed";
  return {
    perProblem: generations.map((s) => (s.every(graded) ? [...s] : undefined)),
    graded: generations.flat().filter(graded),
    failedProblems: generations.filter((s) => s.includes("failed")).length,
  };
}

function conditionStats(rows: ConditionRows, samples: number, settings: StabilitySettings): ConditionStats {
  const { graded } = rows;
  const correct = graded.filter((v) => v.correct).length;
  const found = graded.filter((v) => v.found);
  const complete = rows.perProblem.filter((s): s is GradedGeneration[] => s !== undefined);
  const passAtK =
    samples > 1 && complete.length > 0
      ? passAtKCurve(
          complete.map((s) => ({ n: s.length, c: s.filter((v) => v.correct).length })),
          samples,
        )
      : undefined;
  return {
    n: graded.length,
    correct,
    accuracy: graded.length === 0 ? null : correct / graded.length,
    ci95: graded.length === 0 ? null : accuracyInterval(rows, samples, settings),
    extractionFailures: graded.length - found.length,
    accuracyWhenExtracted: found.length === 0 ? null : found.filter((v) => v.correct).length / found.length,
    truncated: graded.filter((v) => v.truncated).length,
    deltaVsControl: 0,
    deltaCi95: null,
    pValue: null,
    pValueHolm: null,
    discordant: null,
    errors: rows.failedProblems,
    ...(passAtK ? { passAtK } : {}),
  };
}

/**
 * With one sample per problem, generations are independent trials: Wilson. With several, samples of a problem are
 * correlated, so the interval is a bootstrap over problems of their mean@S (a Wilson interval over all generations
 * would be too narrow).
 */
function accuracyInterval(rows: ConditionRows, samples: number, settings: StabilitySettings): Bounds {
  if (samples === 1) {
    const [lo, hi] = wilsonInterval(rows.graded.filter((v) => v.correct).length, rows.graded.length);
    return [lo, hi];
  }
  const complete = rows.perProblem.filter((s): s is GradedGeneration[] => s !== undefined);
  if (complete.length === 0) return [0, 1];
  const interval = bootstrapMeanInterval(complete.map(meanCorrect), settings.bootstrap);
  return [interval.lo, interval.hi];
}

/** The paired test personaStability uses against the control, as recorded in results. */
export function stabilityPairedTest(samples: number): string {
  return samples === 1
    ? "exact two-sided McNemar on per-problem verdicts"
    : "two-sided sign-flip permutation test on per-problem differences of mean@S (exact up to 16 non-zero differences, else 20,000 seeded resamples); discordant counts are of majority verdicts";
}

/** The interval methods personaStability uses, as recorded in results. */
export function stabilityIntervalMethods(samples: number): Record<string, string> {
  return {
    accuracy:
      samples === 1
        ? "Wilson score interval over generations"
        : "percentile bootstrap over problems of mean@S",
    deltaVsControl: "paired percentile bootstrap over problems of the per-problem difference of mean@S",
    summary:
      "percentile bootstrap over problems answered in full by every persona (a resample keeps a problem with all its personas)",
  };
}

function summarize(
  personas: readonly StabilityCondition[],
  rows: readonly ConditionRows[],
  stats: readonly ConditionStats[],
  settings: StabilitySettings,
): StabilitySummary | null {
  const measured = personas.flatMap((p, i) => {
    const accuracy = stats[i + 1]!.accuracy;
    return accuracy === null ? [] : [{ personaId: p.id, accuracy, lottery: p.lottery }];
  });
  if (measured.length === 0) return null;
  const summary = summarizePersonas(measured, stats[0]!.accuracy);
  const shared = sharedProblems(rows.map((r) => r.perProblem));
  const matrix = rows.map((r) => shared.map((i) => meanCorrect(r.perProblem[i]!)));
  // Verdicts are compared generation by generation: sample s of every persona had the same seed (common random
  // numbers), so with several samples a (problem, sample) pair is the unit. Majority verdicts per problem would say
  // "no flip" on a hard set where every persona is mostly wrong, hiding the samples where they differ.
  const verdicts = rows.map((r) => shared.flatMap((i) => r.perProblem[i]!.map((v) => v.correct)));
  // With one persona, or none answered in full, no verdict can differ: nothing flips.
  const flips =
    personas.length >= 2 && shared.length > 0 ? flipStats(verdicts) : { flipRate: 0, consistencyRate: 1 };
  const lottery = measured.filter((p) => p.lottery);
  return {
    ...summary,
    flipRate: flips.flipRate,
    consistencyRate: flips.consistencyRate,
    expectedMaxAtK: expectedMaxCurve(measured.map((p) => p.accuracy)),
    // A curve over fewer than two personas says nothing a single accuracy does not.
    lottery:
      lottery.length >= 2
        ? {
            personas: lottery.map((p) => p.personaId),
            expectedMaxAtK: expectedMaxCurve(lottery.map((p) => p.accuracy)),
          }
        : null,
    intervals: shared.length === 0 ? null : spreadIntervals(matrix, settings),
  };
}

/** Mean, worst and PSS* over personas, with problems resampled together across personas. */
function spreadIntervals(
  matrix: readonly (readonly number[])[],
  settings: StabilitySettings,
): StabilitySummary["intervals"] {
  const accuracies = (indices: Uint32Array) =>
    matrix.map((row) => {
      let sum = 0;
      for (let i = 0; i < indices.length; i++) sum += row[indices[i]!]!;
      return sum / indices.length;
    });
  const [m, w, p] = bootstrapIntervals(
    matrix[0]!.length,
    (indices) => {
      const a = accuracies(indices);
      return [mean(a), Math.min(...a), mean(a) - populationStd(a)];
    },
    settings.bootstrap,
  );
  const pair = (b: BootstrapInterval): Bounds => [b.lo, b.hi];
  return { mean: pair(m!), worst: pair(w!), pss: pair(p!) };
}

/** Indices of the problems every given row answered in full. */
export function sharedProblems(rows: readonly (readonly (GradedGeneration[] | undefined)[])[]): number[] {
  const length = rows[0]?.length ?? 0;
  const indices: number[] = [];
  for (let i = 0; i < length; i++) if (rows.every((row) => row[i] !== undefined)) indices.push(i);
  return indices;
}

/** mean@S of one problem: the share of its samples that are correct. */
export function meanCorrect(samples: readonly GradedGeneration[]): number {
  return samples.filter((v) => v.correct).length / samples.length;
}
