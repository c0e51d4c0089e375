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
  /** Mean of the original values (the point estimate). */
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
  const where = "bootstrapMeanInterval";
  const resamples = options.resamples ?? DEFAULT_BOOTSTRAP.resamples;
  const seed = options.seed ?? DEFAULT_BOOTSTRAP.seed;
  const level = options.level ?? DEFAULT_BOOTSTRAP.level;
  requireInteger(where, "resamples", resamples, 1);
  if (!Number.isInteger(seed) || seed < 0 || seed >= 2 ** 32)
    fail(where, `seed must be an integer in [0, 2^32) (got ${seed})`);
  requireLevel(where, level);
  if (values.length === 0) fail(where, "values must not be empty");
  const estimate = mean(values);
  const rng = createRng(seed);
  const n = values.length;
  const means = new Float64Array(resamples);
  for (let r = 0; r < resamples; r++) {
    let sum = 0;
    for (let i = 0; i < n; i++) sum += values[rng.nextInt(n)]!;
    means[r] = sum / n;
  }
  means.sort();
  return {
    estimate,
    lo: quantileOfSorted(means, (1 - level) / 2),
    hi: quantileOfSorted(means, (1 + level) / 2),
    level,
    resamples,
    seed,
    method: "percentile",
  };
}
