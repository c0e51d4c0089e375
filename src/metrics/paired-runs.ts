/**
 * Two runs of the same task on the same units (a baseline and a candidate model answering the same problems under
 * the same personas): paired estimates of candidate - baseline with one-sided bounds, per-condition drops with an
 * exact McNemar test, and how many units would decide a question the data leave open. Pure functions; the release
 * gate (src/gate) is their consumer.
 */

import { type BootstrapInterval, type BootstrapOptions, bootstrapIntervals } from "./bootstrap.js";
import { holmAdjust } from "./holm.js";
import { mcnemarExactPValue } from "./paired.js";
import { fail, requireUnitInterval } from "./validate.js";
import { verdictOf } from "./verdict.js";

/**
 * One run's per-problem scores (mean@S in [0, 1]) over the shared problems, in the same problem order for both
 * runs: the no-persona control, and each catalog persona in the same persona order for both runs.
 */
export interface RunScores {
  control: ArrayLike<number>;
  personas: readonly ArrayLike<number>[];
}

/** The figures the gate compares; mean, worst and PSS* are over the catalog personas (the control is not one). */
export const PAIRED_FIGURES = ["control", "mean", "worst", "pss"] as const;
export type PairedFigure = (typeof PAIRED_FIGURES)[number];

export interface PairedFigureEstimate {
  /** The figure of the baseline on the shared problems. */
  baseline: number;
  /** The candidate's figure alone, with its interval. */
  candidate: BootstrapInterval;
  /** candidate - baseline, with its paired interval. */
  difference: BootstrapInterval;
}

export type PairedRunFigures = Record<PairedFigure, PairedFigureEstimate> & { problems: number };

/**
 * Paired percentile bootstrap over problems of control accuracy, mean accuracy over personas, worst persona and
 * PSS* (mean - population std): a resample draws problems with replacement and keeps each drawn problem with all
 * its personas in both runs, so the correlation between personas and between the two runs on a problem is kept.
 * All eight figures (four differences, four candidate values) see the same resamples (one bootstrapIntervals call).
 * For one-sided 95% bounds pass `level: 0.9`: lo and hi are then the 5th and 95th percentiles.
 */
export function pairedRunFigures(
  baseline: RunScores,
  candidate: RunScores,
  options: BootstrapOptions = {},
): PairedRunFigures {
  const where = "pairedRunFigures";
  const rows = checkRuns(where, baseline, candidate);
  const personas = baseline.personas.length;
  const conditions = personas + 1;
  const base = [baseline.control, ...baseline.personas].map((row) => Float64Array.from(row));
  const cand = [candidate.control, ...candidate.personas].map((row) => Float64Array.from(row));
  const baseAcc = new Float64Array(conditions);
  const candAcc = new Float64Array(conditions);
  const figuresOf = (accuracies: Float64Array): [number, number, number, number] => {
    let sum = 0;
    let worst = Number.POSITIVE_INFINITY;
    for (let j = 1; j < conditions; j++) {
      sum += accuracies[j]!;
      if (accuracies[j]! < worst) worst = accuracies[j]!;
    }
    const mean = sum / personas;
    let squares = 0;
    for (let j = 1; j < conditions; j++) squares += (accuracies[j]! - mean) ** 2;
    return [accuracies[0]!, mean, worst, mean - Math.sqrt(squares / personas)];
  };
  // One pass per condition with the sums in locals: several times faster than one pass with an array of sums.
  const accumulate = (indices: ArrayLike<number>) => {
    const n = indices.length;
    for (let j = 0; j < conditions; j++) {
      const b = base[j]!;
      const c = cand[j]!;
      let sb = 0;
      let sc = 0;
      for (let i = 0; i < n; i++) {
        const k = indices[i]!;
        sb += b[k]!;
        sc += c[k]!;
      }
      baseAcc[j] = sb / n;
      candAcc[j] = sc / n;
    }
  };
  const intervals = bootstrapIntervals(
    rows,
    (indices) => {
      accumulate(indices);
      const fb = figuresOf(baseAcc);
      const fc = figuresOf(candAcc);
      return [fc[0] - fb[0], fc[1] - fb[1], fc[2] - fb[2], fc[3] - fb[3], fc[0], fc[1], fc[2], fc[3]];
    },
    options,
  );
  accumulate(Uint32Array.from({ length: rows }, (_, i) => i));
  const baselineFigures = figuresOf(baseAcc);
  const result = { problems: rows } as PairedRunFigures;
  PAIRED_FIGURES.forEach((figure, f) => {
    result[figure] = {
      baseline: baselineFigures[f]!,
      difference: intervals[f]!,
      candidate: intervals[f + PAIRED_FIGURES.length]!,
    };
  });
  return result;
}

function checkRuns(where: string, baseline: RunScores, candidate: RunScores): number {
  if (baseline.personas.length === 0) fail(where, "at least one persona is needed besides the control");
  if (baseline.personas.length !== candidate.personas.length) {
    fail(
      where,
      `baseline and candidate must have the same personas (${baseline.personas.length} vs ${candidate.personas.length})`,
    );
  }
  const rows = baseline.control.length;
  if (rows === 0) fail(where, "no shared problems");
  const all = [
    ["baseline.control", baseline.control],
    ["candidate.control", candidate.control],
    ...baseline.personas.map((row, j) => [`baseline.personas[${j}]`, row] as const),
    ...candidate.personas.map((row, j) => [`candidate.personas[${j}]`, row] as const),
  ] as const;
  for (const [name, row] of all) {
    if (row.length !== rows) fail(where, `${name} has ${row.length} problems, expected ${rows}`);
    for (let i = 0; i < row.length; i++) requireUnitInterval(where, `${name}[${i}]`, row[i]!);
  }
  return rows;
}

export interface ConditionDrop {
  /** Index in [control, ...personas]: 0 is the control. */
  condition: number;
  /** Mean score of the candidate minus the baseline's on the shared problems. */
  delta: number;
  /** Problems the candidate gets right (majority verdict) and the baseline wrong. */
  candidateOnly: number;
  /** Problems the baseline gets right and the candidate wrong. */
  baselineOnly: number;
  /** Exact two-sided McNemar p-value on the per-problem majority verdicts. */
  pValue: number;
  /** Holm-adjusted across every condition compared (the control included). */
  pValueHolm: number;
}

/**
 * For each condition (the control and every persona), the candidate's change against the baseline on the same
 * problems: the difference of mean@S accuracy and an exact McNemar test on per-problem majority verdicts, Holm-
 * adjusted across the conditions.
 */
export function pairedConditionDrops(baseline: RunScores, candidate: RunScores): ConditionDrop[] {
  checkRuns("pairedConditionDrops", baseline, candidate);
  const base = [baseline.control, ...baseline.personas];
  const cand = [candidate.control, ...candidate.personas];
  const drops = base.map((b, condition) => {
    const c = cand[condition]!;
    let sum = 0;
    let candidateOnly = 0;
    let baselineOnly = 0;
    for (let i = 0; i < b.length; i++) {
      sum += c[i]! - b[i]!;
      const right = verdictOf(c[i]!);
      const wasRight = verdictOf(b[i]!);
      if (right && !wasRight) candidateOnly++;
      if (!right && wasRight) baselineOnly++;
    }
    return {
      condition,
      delta: sum / b.length,
      candidateOnly,
      baselineOnly,
      pValue: mcnemarExactPValue(candidateOnly, baselineOnly),
      pValueHolm: 1,
    };
  });
  const adjusted = holmAdjust(drops.map((d) => d.pValue));
  drops.forEach((d, i) => {
    d.pValueHolm = adjusted[i]!;
  });
  return drops;
}

/**
 * Paired bootstrap over units (e.g. PersonaGym personas) of the mean of candidate - baseline, and of the
 * candidate's mean alone, from the same resamples. baseline[i] and candidate[i] are the same unit.
 */
export function pairedMeanDifference(
  baseline: readonly number[],
  candidate: readonly number[],
  options: BootstrapOptions = {},
): { baseline: number; candidate: BootstrapInterval; difference: BootstrapInterval; units: number } {
  const where = "pairedMeanDifference";
  if (baseline.length !== candidate.length)
    fail(
      where,
      `baseline and candidate must have the same units (${baseline.length} vs ${candidate.length})`,
    );
  if (baseline.length === 0) fail(where, "no shared units");
  [...baseline, ...candidate].forEach((value, i) => {
    if (!Number.isFinite(value)) fail(where, `value ${i} must be a finite number (got ${value})`);
  });
  const [difference, candidateMean] = bootstrapIntervals(
    baseline.length,
    (indices) => {
      let sb = 0;
      let sc = 0;
      for (let i = 0; i < indices.length; i++) {
        sb += baseline[indices[i]!]!;
        sc += candidate[indices[i]!]!;
      }
      return [(sc - sb) / indices.length, sc / indices.length];
    },
    options,
  );
  let sum = 0;
  for (const value of baseline) sum += value;
  return {
    baseline: sum / baseline.length,
    candidate: candidateMean!,
    difference: difference!,
    units: baseline.length,
  };
}

export interface UnitsToDecide {
  /** Units (problems, personas) at which the bound would clear the threshold at this estimate; null when never. */
  units: number | null;
  /** The estimate sits on the threshold: no amount of data decides at this effect size. */
  atThreshold: boolean;
}

/**
 * How many units would make the one-sided bound clear `threshold` if the estimate stayed where it is: the bound's
 * distance from the estimate shrinks like 1/sqrt(n), so n' = n * (distance / |estimate - threshold|)^2, with the
 * distance on the side that faces the threshold (estimate - lo above it, hi - estimate below it).
 */
export function unitsToDecide(
  units: number,
  interval: Pick<BootstrapInterval, "estimate" | "lo" | "hi">,
  threshold: number,
): UnitsToDecide {
  const gap = interval.estimate - threshold;
  if (Math.abs(gap) < 1e-12) return { units: null, atThreshold: true };
  const distance = gap > 0 ? interval.estimate - interval.lo : interval.hi - interval.estimate;
  if (!(distance > 0)) return { units, atThreshold: false };
  // The tolerance keeps float noise (0.03 - 0.025 is not exactly 0.005) from adding a unit.
  return { units: Math.ceil(units * (distance / Math.abs(gap)) ** 2 - 1e-9), atThreshold: false };
}
