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
 * E[max] over k personas drawn uniformly WITHOUT replacement:
 *   E[max_k] = sum_{i=k..N} C(i-1, k-1) / C(N, k) * a_(i)
 * (the i-th smallest is the maximum of the draw iff it is drawn with k-1 of the i-1 below it; ties are harmless
 * because tied values contribute the same amount whichever of them is "the" maximum).
 * The weights are built from the top by the ratio recurrence w_N = k/N, w_{i-1} = w_i * (i-k)/(i-1), so nothing
 * overflows and every step multiplies by a factor in [0, 1]: stable for N in the thousands.
 */
function expectedMaxSorted(a: readonly number[], k: number): number {
  const n = a.length;
  let weight = k / n;
  let total = weight * a[n - 1]!;
  for (let i = n; i > k; i--) {
    weight *= (i - k) / (i - 1);
    total += weight * a[i - 2]!;
  }
  return total;
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
 * The alternative estimator, k draws WITH replacement, for k = 1..N:
 *   E[max_k] = sum_i a_(i) * ((i/N)^k - ((i-1)/N)^k).
 */
export function expectedMaxCurveWithReplacement(values: readonly number[]): number[] {
  const a = sortedAscending("expectedMaxCurveWithReplacement", values);
  const n = a.length;
  return a.map((_, index) => {
    const k = index + 1;
    let total = 0;
    a.forEach((value, j) => {
      total += value * (((j + 1) / n) ** k - (j / n) ** k);
    });
    return total;
  });
}
