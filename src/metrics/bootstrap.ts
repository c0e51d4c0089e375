/** Percentile bootstrap interval for a mean, reproducible through a seeded PRNG. */

import { mean, quantileOfSorted } from "./descriptive.js";
import { createRng } from "./random.js";
import { fail, requireInteger, requireLevel } from "./validate.js";

export interface BootstrapOptions {
  /** Number of resamples (default 2000). */
  resamples?: number;
  /** uint32 seed for createRng (default 1). */
  seed?: number;
  /** Two-sided confidence level in (0, 1) (default 0.95). */
  level?: number;
}

export interface BootstrapInterval {
  /** The statistic on the units as they are (for bootstrapMeanInterval, the mean of the values). */
  estimate: number;
  lo: number;
  hi: number;
  level: number;
  resamples: number;
  seed: number;
  method: "percentile";
}

export const DEFAULT_BOOTSTRAP = { resamples: 2000, seed: 1, level: 0.95 } as const;

/**
 * Resample `values` with replacement `resamples` times (each resample draws values.length indices with
 * rng.nextInt, in order, from createRng(seed)), take each resample's mean, and return the type-7 quantiles of those
 * means at (1 - level)/2 and (1 + level)/2.
 */
export function bootstrapMeanInterval(
  values: readonly number[],
  options: BootstrapOptions = {},
): BootstrapInterval {
  if (values.length === 0) fail("bootstrapMeanInterval", "values must not be empty");
  const [interval] = resample(
    "bootstrapMeanInterval",
    values.length,
    (indices) => [meanAt(values, indices)],
    options,
  );
  return { ...interval!, estimate: mean(values) };
}

/**
 * The one seeded bootstrap of the suite. Resamples `units` units (problems, personas) with replacement, draws
 * `units` indices per resample with rng.nextInt in order, and applies `statistics` (a vector of figures) to each
 * resample's indices; returns one percentile interval per figure, its estimate being the figure on the units as
 * they are. All figures see the same resamples, so the intervals of related figures (mean, worst, PSS of one run;
 * or differences of two runs paired by unit) stay consistent.
 */
export function bootstrapIntervals(
  units: number,
  statistics: (indices: Uint32Array) => readonly number[],
  options: BootstrapOptions = {},
): BootstrapInterval[] {
  return resample("bootstrapIntervals", units, statistics, options);
}

function resample(
  where: string,
  units: number,
  statistics: (indices: Uint32Array) => readonly number[],
  options: BootstrapOptions,
): BootstrapInterval[] {
  const resamples = options.resamples ?? DEFAULT_BOOTSTRAP.resamples;
  const seed = options.seed ?? DEFAULT_BOOTSTRAP.seed;
  const level = options.level ?? DEFAULT_BOOTSTRAP.level;
  requireInteger(where, "resamples", resamples, 1);
  if (!Number.isInteger(seed) || seed < 0 || seed >= 2 ** 32)
    fail(where, `seed must be an integer in [0, 2^32) (got ${seed})`);
  requireLevel(where, level);
  requireInteger(where, "units", units, 1);
  const estimates = statistics(Uint32Array.from({ length: units }, (_, i) => i));
  const draws = estimates.map(() => new Float64Array(resamples));
  const matrix = drawnIndices(seed, units, resamples);
  for (let r = 0; r < resamples; r++) {
    statistics(matrix.subarray(r * units, (r + 1) * units)).forEach((value, s) => {
      draws[s]![r] = value;
    });
  }
  return estimates.map((estimate, s) => {
    const sorted = draws[s]!.sort();
    return {
      estimate,
      lo: quantileOfSorted(sorted, (1 - level) / 2),
      hi: quantileOfSorted(sorted, (1 + level) / 2),
      level,
      resamples,
      seed,
      method: "percentile" as const,
    };
  });
}

/** Index matrices kept for reuse: a run computes dozens of intervals with the same seed over the same units. */
const drawCache = new Map<string, Uint32Array>();
const CACHED_DRAWS_MAX = 4_000_000;

/**
 * All resamples' indices, resample after resample, drawn with rng.nextInt(units) in order from createRng(seed).
 * The same (seed, units, resamples) always gives the same matrix, so it is drawn once and reused (bit-identical
 * intervals; the draws were most of a cached re-run's time: 37 paired comparisons x 2000 x 500 draws).
 */
function drawnIndices(seed: number, units: number, resamples: number): Uint32Array {
  const key = `${seed}:${units}:${resamples}`;
  const known = drawCache.get(key);
  if (known !== undefined) return known;
  const rng = createRng(seed);
  const matrix = new Uint32Array(units * resamples);
  // rng.nextInt(units) inlined (the same rejection rule, so the same indices): the bootstrap's hot loop.
  const limit = 2 ** 32 - (2 ** 32 % units);
  for (let i = 0; i < matrix.length; i++) {
    let x = rng.nextUint32();
    while (x >= limit) x = rng.nextUint32();
    matrix[i] = x % units;
  }
  if (matrix.length <= CACHED_DRAWS_MAX) {
    if (drawCache.size >= 4) drawCache.delete(drawCache.keys().next().value!);
    drawCache.set(key, matrix);
  }
  return matrix;
}

/** Mean of values[indices[i]], summed in draw order. */
export function meanAt(values: readonly number[], indices: Uint32Array): number {
  let sum = 0;
  for (let i = 0; i < indices.length; i++) sum += values[indices[i]!]!;
  return sum / indices.length;
}
