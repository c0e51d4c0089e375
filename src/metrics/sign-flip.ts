/** Paired sign-flip (randomization) test on per-unit differences, for clustered data such as mean@S per problem. */

import { createRng } from "./random.js";
import { fail, requireFiniteArray } from "./validate.js";

/** Up to this many non-zero differences every sign pattern is enumerated (2^16 = 65,536); beyond, it is sampled. */
export const EXACT_SIGN_FLIP_LIMIT = 16;
export const SIGN_FLIP_RESAMPLES = 20_000;

/**
 * Two-sided p-value of H0 "the differences are symmetric around 0" (under H0 each unit's difference is as likely
 * to have either sign): the share of sign patterns whose |sum| is at least the observed |sum|. Zero differences
 * carry no sign and drop out. Exact with up to EXACT_SIGN_FLIP_LIMIT non-zero differences; beyond that a Monte
 * Carlo estimate from SIGN_FLIP_RESAMPLES seeded patterns, (1 + hits) / (1 + resamples), which is never 0.
 */
export function signFlipPValue(differences: readonly number[], seed: number): number {
  const where = "signFlipPValue";
  requireFiniteArray(where, "differences", differences);
  if (!Number.isInteger(seed) || seed < 0 || seed >= 2 ** 32)
    fail(where, `seed must be an integer in [0, 2^32) (got ${seed})`);
  const nonZero = differences.filter((d) => d !== 0);
  if (nonZero.length === 0) return 1;
  const observed = Math.abs(nonZero.reduce((a, b) => a + b, 0));
  // Sums of the same values in another order can differ in the last bits: ties must count as ties.
  const atLeast = (sum: number) => Math.abs(sum) >= observed - 1e-9 * Math.max(1, observed);
  if (nonZero.length <= EXACT_SIGN_FLIP_LIMIT) {
    let hits = 0;
    const patterns = 2 ** nonZero.length;
    for (let pattern = 0; pattern < patterns; pattern++) {
      let sum = 0;
      for (let i = 0; i < nonZero.length; i++) sum += pattern & (1 << i) ? -nonZero[i]! : nonZero[i]!;
      if (atLeast(sum)) hits++;
    }
    return hits / patterns;
  }
  const rng = createRng(seed);
  let hits = 0;
  for (let r = 0; r < SIGN_FLIP_RESAMPLES; r++) {
    let sum = 0;
    for (const d of nonZero) sum += rng.nextInt(2) === 0 ? d : -d;
    if (atLeast(sum)) hits++;
  }
  return (1 + hits) / (1 + SIGN_FLIP_RESAMPLES);
}
