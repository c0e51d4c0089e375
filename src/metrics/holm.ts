/** Holm-Bonferroni step-down adjustment for a family of tests (e.g. every persona vs control). */

import { requireUnitInterval } from "./validate.js";

/**
 * Holm-adjusted p-values, returned in input order. With p sorted ascending (p_(1) <= ... <= p_(m)):
 *   adj_(i) = max_{j <= i} min(1, (m - j + 1) * p_(j)).
 * Rejecting every hypothesis whose adjusted p is <= alpha is exactly Holm's procedure at level alpha.
 * Ties get equal adjusted values. An empty list returns [].
 */
export function holmAdjust(pValues: readonly number[]): number[] {
  pValues.forEach((p, index) => {
    requireUnitInterval("holmAdjust", `pValues[${index}]`, p);
  });
  const m = pValues.length;
  const order = pValues.map((_, index) => index).sort((a, b) => pValues[a]! - pValues[b]! || a - b);
  const adjusted = new Array<number>(m);
  let runningMax = 0;
  order.forEach((original, rank) => {
    runningMax = Math.max(runningMax, Math.min(1, (m - rank) * pValues[original]!));
    adjusted[original] = runningMax;
  });
  return adjusted;
}
