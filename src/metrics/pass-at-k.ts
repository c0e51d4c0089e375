/** pass@k with several samples per problem (Chen et al. 2021, "Evaluating Large Language Models Trained on Code"). */

import { fail, requireInteger } from "./validate.js";

/**
 * The unbiased estimate of the chance that at least one of k samples drawn without replacement from n is correct,
 * given c of the n are: 1 - C(n-c, k) / C(n, k), as the numerically stable product 1 - prod_{i=n-c+1..n} (1 - k/i).
 */
export function passAtK(n: number, c: number, k: number): number {
  const where = "passAtK";
  requireInteger(where, "n", n, 1);
  requireInteger(where, "c", c, 0);
  requireInteger(where, "k", k, 1);
  if (c > n) fail(where, `c must be at most n (got c = ${c}, n = ${n})`);
  if (k > n) fail(where, `k must be at most n (got k = ${k}, n = ${n})`);
  if (n - c < k) return 1;
  let none = 1;
  for (let i = n - c + 1; i <= n; i++) none *= 1 - k / i;
  return 1 - none;
}

/** The k reported for S samples: powers of two below S, then S itself. */
export function passAtKValues(samples: number): number[] {
  const ks: number[] = [];
  for (let k = 1; k < samples; k *= 2) ks.push(k);
  ks.push(samples);
  return ks;
}

/** Mean over problems of pass@k, for every k of passAtKValues; keys are the k as strings. */
export function passAtKCurve(
  problems: readonly { n: number; c: number }[],
  samples: number,
): Record<string, number> {
  if (problems.length === 0) fail("passAtKCurve", "problems must not be empty");
  return Object.fromEntries(
    passAtKValues(samples).map((k) => [
      String(k),
      problems.reduce((sum, { n, c }) => sum + passAtK(n, c, k), 0) / problems.length,
    ]),
  );
}
