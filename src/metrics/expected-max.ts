/**
 * "Persona lottery": the expected best score when k personas are tried, for k = 1..N.
 * Exact formulas over the sorted scores a_(1) <= ... <= a_(N); no sampling.
 */

import { fail, requireFiniteArray, requireInteger } from "./validate.js";

function sortedAscending(where: string, values: readonly number[]): number[] {
  if (values.length === 0) fail(where, "values must not be empty");
  requireFiniteArray(where, "values", values);
  return [...values].sort((a, b) => a - b);
}

/**
 * E[max] over k personas drawn uniformly WITHOUT replacement, as the best value less what the draw falls short of it:
 *   E[max_k] = a_(N) - sum_{i=k..N-1} (a_(i+1) - a_(i)) * P(max_k <= a_(i)),   P(max_k <= a_(i)) = C(i, k) / C(N, k)
 * (the maximum is at most a_(i) iff all k drawn are among the i smallest; tied values have a gap of 0, so they are
 * harmless). Every gap is >= 0 and every probability in [0, 1], so the result can never exceed a_(N): with many
 * perfect personas the top gaps are exactly 0 and the curve is exactly 1. (The weighted sum of the values, whose
 * rounded weights need not add up to 1, gave 1.0000000000000002 for five perfect personas.) The probabilities are
 * built from the top by the ratio recurrence P_N = 1, P_i = P_{i+1} * (i+1-k)/(i+1): nothing overflows and every
 * step multiplies by a factor in [0, 1], stable for N in the thousands.
 */
function expectedMaxSorted(a: readonly number[], k: number): number {
  const n = a.length;
  let shortfall = 0;
  let atMost = 1;
  for (let i = n - 1; i >= k; i--) {
    atMost *= (i + 1 - k) / (i + 1);
    shortfall += (a[i]! - a[i - 1]!) * atMost;
  }
  return a[n - 1]! - shortfall;
}

/** E[max] of k personas drawn without replacement (1 <= k <= N). k = 1 gives the mean, k = N the maximum. */
export function expectedMaxAtK(values: readonly number[], k: number): number {
  const where = "expectedMaxAtK";
  const a = sortedAscending(where, values);
  requireInteger(where, "k", k, 1);
  if (k > a.length) fail(where, `k must be <= number of values (got k=${k}, N=${a.length})`);
  return expectedMaxSorted(a, k);
}

/** [E[max_1], ..., E[max_N]] without replacement; index k-1 holds k. O(N^2). */
export function expectedMaxCurve(values: readonly number[]): number[] {
  const a = sortedAscending("expectedMaxCurve", values);
  return a.map((_, index) => expectedMaxSorted(a, index + 1));
}

/**
 * The alternative estimator, k draws WITH replacement, for k = 1..N, in the same shortfall form (so it never exceeds
 * a_(N), and twelve perfect personas give exactly 1 rather than 0.9999999999999999):
 *   E[max_k] = a_(N) - sum_{i=1..N-1} (a_(i+1) - a_(i)) * (i/N)^k.
 */
export function expectedMaxCurveWithReplacement(values: readonly number[]): number[] {
  const a = sortedAscending("expectedMaxCurveWithReplacement", values);
  const n = a.length;
  return a.map((_, index) => {
    const k = index + 1;
    let shortfall = 0;
    for (let i = 1; i < n; i++) shortfall += (a[i]! - a[i - 1]!) * (i / n) ** k;
    return a[n - 1]! - shortfall;
  });
}
