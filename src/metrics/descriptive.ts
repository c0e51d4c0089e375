/** Descriptive statistics over plain number lists (also used by perf scripts for latency figures). */

import { fail, requireFiniteArray, requireNonEmpty } from "./validate.js";

/**
 * The arithmetic mean, kept inside [min, max] of the values: a rounded sum can put it one ulp outside (the mean of
 * [0.1, 0.1, 0.1] is 0.10000000000000002 in plain floating point), which would make a mean accuracy exceed the
 * best persona's.
 */
export function mean(values: readonly number[]): number {
  requireNonEmpty("mean", "values", values);
  requireFiniteArray("mean", "values", values);
  let sum = 0;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (const value of values) {
    sum += value;
    if (value < min) min = value;
    if (value > max) max = value;
  }
  return Math.min(max, Math.max(min, sum / values.length));
}

/** Population standard deviation: sqrt(sum((x - mean)^2) / N), divided by N, not N - 1. */
export function populationStd(values: readonly number[]): number {
  const centre = mean(values);
  let squares = 0;
  for (const value of values) squares += (value - centre) ** 2;
  return Math.sqrt(squares / values.length);
}

/**
 * Quantile of an ascending-sorted list by linear interpolation between order statistics (Hyndman & Fan type 7,
 * the default of R and NumPy): position h = (n - 1) * q, result = x[floor h] + (h - floor h) * (x[floor h + 1] - x[floor h]).
 * The caller guarantees the list is sorted, finite and non-empty.
 */
export function quantileOfSorted(sorted: ArrayLike<number>, q: number): number {
  const position = (sorted.length - 1) * q;
  const below = Math.floor(position);
  const lower = sorted[below]!;
  if (below + 1 >= sorted.length) return lower;
  return lower + (position - below) * (sorted[below + 1]! - lower);
}

/** Type-7 quantile (see quantileOfSorted) of an unsorted list; q in [0, 1], e.g. 0.99 for p99. */
export function quantile(values: readonly number[], q: number): number {
  requireNonEmpty("quantile", "values", values);
  requireFiniteArray("quantile", "values", values);
  if (typeof q !== "number" || !(q >= 0 && q <= 1)) fail("quantile", `q must be in [0, 1] (got ${q})`);
  return quantileOfSorted(
    [...values].sort((a, b) => a - b),
    q,
  );
}

/** Median = type-7 quantile at 0.5 (the mean of the two middle values for an even count). */
export function median(values: readonly number[]): number {
  return quantile(values, 0.5);
}
