/** Agreement between judges: Krippendorff's alpha (interval metric) and Spearman's rank correlation. */

import { fail, requireFinite } from "./validate.js";

export interface AlphaResult {
  /** null when undefined: fewer than 2 pairable values, or no variation at all among them (expected disagreement 0). */
  alpha: number | null;
  /** Units with at least 2 values (the only ones that carry agreement information). */
  pairableUnits: number;
  /** Values inside pairable units (Krippendorff's n). */
  pairableValues: number;
}

/**
 * Krippendorff's alpha with the interval metric delta(c, k) = (c - k)^2, for any number of judges and missing
 * values. units[u] lists the values the judges gave unit u; null (or a shorter row) is a missing value.
 *   D_o = (1/n) * sum_u [ sum_{i != j in u} (v_i - v_j)^2 / (m_u - 1) ]
 *   D_e = (1 / (n (n - 1))) * sum_{i != j over all pairable values} (v_i - v_j)^2
 *   alpha = 1 - D_o / D_e
 * using sum_{i != j} (v_i - v_j)^2 = 2 (m * sum v^2 - (sum v)^2), which is exact for small integer scores.
 */
export function krippendorffAlphaInterval(units: readonly (readonly (number | null)[])[]): AlphaResult {
  const where = "krippendorffAlphaInterval";
  let n = 0;
  let pairableUnits = 0;
  let sum = 0;
  let sumSquares = 0;
  let observed = 0;
  units.forEach((unit, u) => {
    const values: number[] = [];
    unit.forEach((value, j) => {
      if (value === null) return;
      requireFinite(where, `units[${u}][${j}]`, value);
      values.push(value);
    });
    const m = values.length;
    if (m < 2) return;
    pairableUnits++;
    n += m;
    let unitSum = 0;
    let unitSquares = 0;
    for (const v of values) {
      unitSum += v;
      unitSquares += v * v;
    }
    sum += unitSum;
    sumSquares += unitSquares;
    // A sum of squared differences: never negative, though rounding can make m * sum v^2 - (sum v)^2 a hair below 0
    // for non-integer values, which would push alpha past its maximum of 1.
    observed += (2 * Math.max(0, m * unitSquares - unitSum * unitSum)) / (m - 1);
  });
  const expected = 2 * (n * sumSquares - sum * sum);
  const alpha = n < 2 || expected === 0 ? null : 1 - ((n - 1) * observed) / expected;
  return { alpha, pairableUnits, pairableValues: n };
}

/** Ranks 1..n with ties given the average of the ranks they span (e.g. [10, 20, 20] -> [1, 2.5, 2.5]). */
export function averageRanks(values: readonly number[]): number[] {
  values.forEach((value, index) => {
    requireFinite("averageRanks", `values[${index}]`, value);
  });
  const order = values.map((_, index) => index).sort((a, b) => values[a]! - values[b]!);
  const ranks = new Array<number>(values.length);
  let start = 0;
  while (start < order.length) {
    let end = start;
    while (end + 1 < order.length && values[order[end + 1]!] === values[order[start]!]) end++;
    const rank = (start + end) / 2 + 1;
    for (let i = start; i <= end; i++) ranks[order[i]!] = rank;
    start = end + 1;
  }
  return ranks;
}

/**
 * Spearman's rho: the Pearson correlation of the average ranks (the exact form under ties, not the
 * 1 - 6 sum d^2 / (n (n^2 - 1)) shortcut). null when undefined: fewer than 2 pairs or either side constant.
 */
export function spearmanRho(x: readonly number[], y: readonly number[]): number | null {
  if (x.length !== y.length)
    fail("spearmanRho", `x and y must have the same length (${x.length} vs ${y.length})`);
  if (x.length < 2) return null;
  const rx = averageRanks(x);
  const ry = averageRanks(y);
  const centre = (x.length + 1) / 2; // the mean of average ranks is always (n + 1) / 2
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  rx.forEach((r, i) => {
    const dx = r - centre;
    const dy = ry[i]! - centre;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  });
  if (sxx === 0 || syy === 0) return null;
  // Clamp: rounding can push a perfect correlation a hair past +-1.
  return Math.max(-1, Math.min(1, sxy / Math.sqrt(sxx * syy)));
}
