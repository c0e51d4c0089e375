/** Accuracy of one persona and its Wilson score interval. */

import { fail, requireFinite, requireInteger } from "./validate.js";

/** Inclusive lower and upper bound. */
export type Interval = readonly [lo: number, hi: number];

function requireCounts(where: string, correct: number, n: number): void {
  requireInteger(where, "n", n, 0);
  requireFinite(where, "correct", correct);
  // `correct` may be fractional: the sum of per-problem mean@S scores.
  if (correct < 0 || correct > n) fail(where, `correct must be in [0, n] (got correct=${correct}, n=${n})`);
}

/** correct / n. `correct` may be a sum of mean@S scores. Throws for n = 0: an accuracy of nothing is undefined. */
export function accuracy(correct: number, n: number): number {
  requireCounts("accuracy", correct, n);
  if (n === 0) fail("accuracy", "n must be > 0 (accuracy of zero problems is undefined)");
  return correct / n;
}

/**
 * Wilson score interval for a binomial proportion:
 *   centre = (p + z^2/(2n)) / (1 + z^2/n),  half = z / (1 + z^2/n) * sqrt(p(1-p)/n + z^2/(4n^2)),  p = correct/n.
 * n = 0 returns [0, 1] (no data: every proportion is possible). With mean@S scores `correct` is fractional and the
 * interval is conservative, since a [0, 1] score with mean p has variance at most p(1 - p).
 */
export function wilsonInterval(correct: number, n: number, z = 1.96): Interval {
  const where = "wilsonInterval";
  requireCounts(where, correct, n);
  requireFinite(where, "z", z);
  if (z <= 0) fail(where, `z must be > 0 (got ${z})`);
  if (n === 0) return [0, 1];
  const p = correct / n;
  const z2n = (z * z) / n;
  const centre = (p + z2n / 2) / (1 + z2n);
  const half = (z / (1 + z2n)) * Math.sqrt((p * (1 - p)) / n + z2n / (4 * n));
  // At p = 0 or 1 one bound is exactly 0 or 1 in real arithmetic; pin it so rounding cannot leak outside [0, 1].
  const lo = correct === 0 ? 0 : Math.max(0, centre - half);
  const hi = correct === n ? 1 : Math.min(1, centre + half);
  return [lo, hi];
}
