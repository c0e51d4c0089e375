/** Persona vs control on the same problems: accuracy difference with a paired interval, and exact McNemar test. */

import { type BootstrapInterval, type BootstrapOptions, bootstrapMeanInterval } from "./bootstrap.js";
import { fail, requireInteger } from "./validate.js";
import { type ProblemScore, scoreValue, VERDICT_RULE, verdictOf } from "./verdict.js";

export interface McNemarResult {
  /** Problems where the persona's verdict is right and the control's wrong. */
  b: number;
  /** Problems where the persona's verdict is wrong and the control's right. */
  c: number;
  /** Exact two-sided p-value: min(1, 2 * P(X <= min(b, c))), X ~ Binomial(b + c, 1/2); 1 when b + c = 0. */
  pValue: number;
  /** One pair per problem from the majority verdicts (not one pair per sample: samples of a problem are not independent). */
  pairing: "majority-vote";
  verdictRule: typeof VERDICT_RULE;
}

export interface PairedComparison {
  /** Number of shared problems (the arrays' common length). */
  problems: number;
  /** Mean of the persona's per-problem scores (mean@S accuracy). */
  accuracyPersona: number;
  accuracyControl: number;
  /** accuracyPersona - accuracyControl. */
  delta: number;
  /** Paired bootstrap over problems of the per-problem differences persona - control. */
  deltaInterval: BootstrapInterval;
  mcnemar: McNemarResult;
}

/** x / 2^e for x >= 0 and e >= 0, accurate to double precision even when both exceed the double range. */
function bigRatioOverPowerOfTwo(x: bigint, e: number): number {
  const bits = x.toString(2).length;
  const shift = Math.max(0, bits - 64);
  const mantissa = Number(x >> BigInt(shift));
  // Two steps so that an exponent below -1022 still lands on a subnormal instead of flushing the factor to 0 early.
  const exponent = shift - e;
  const halfExponent = Math.trunc(exponent / 2);
  return mantissa * 2 ** halfExponent * 2 ** (exponent - halfExponent);
}

/** P(X <= k) for X ~ Binomial(n, 1/2), summed exactly in BigInt and rounded once at the end. */
export function binomialHalfCdf(k: number, n: number): number {
  const where = "binomialHalfCdf";
  requireInteger(where, "n", n, 0);
  requireInteger(where, "k", k, 0);
  if (k >= n) return 1;
  let term = 1n; // C(n, 0)
  let sum = 1n;
  for (let i = 0; i < k; i++) {
    term = (term * BigInt(n - i)) / BigInt(i + 1); // C(n, i+1), exact: the division has no remainder
    sum += term;
  }
  return bigRatioOverPowerOfTwo(sum, n);
}

/** Exact two-sided McNemar p-value from the discordant counts b and c. */
export function mcnemarExactPValue(b: number, c: number): number {
  requireInteger("mcnemarExactPValue", "b", b, 0);
  requireInteger("mcnemarExactPValue", "c", c, 0);
  if (b + c === 0) return 1;
  return Math.min(1, 2 * binomialHalfCdf(Math.min(b, c), b + c));
}

/**
 * Compare a persona with the control on the same problems. persona[i] and control[i] must be the same problem;
 * the caller aligns both arrays to the shared problems. Scores are booleans or mean@S values in [0, 1].
 */
export function comparePaired(
  persona: readonly ProblemScore[],
  control: readonly ProblemScore[],
  options: BootstrapOptions = {},
): PairedComparison {
  const where = "comparePaired";
  if (persona.length !== control.length) {
    fail(
      where,
      `persona and control must score the same problems (lengths ${persona.length} vs ${control.length})`,
    );
  }
  if (persona.length === 0) fail(where, "no shared problems");
  const differences: number[] = [];
  let sumPersona = 0;
  let sumControl = 0;
  let b = 0;
  let c = 0;
  persona.forEach((score, i) => {
    const x = scoreValue(where, `persona[${i}]`, score);
    const y = scoreValue(where, `control[${i}]`, control[i]!);
    sumPersona += x;
    sumControl += y;
    differences.push(x - y);
    const personaRight = verdictOf(x);
    const controlRight = verdictOf(y);
    if (personaRight && !controlRight) b++;
    if (!personaRight && controlRight) c++;
  });
  const problems = persona.length;
  const accuracyPersona = sumPersona / problems;
  const accuracyControl = sumControl / problems;
  return {
    problems,
    accuracyPersona,
    accuracyControl,
    delta: accuracyPersona - accuracyControl,
    deltaInterval: bootstrapMeanInterval(differences, options),
    mcnemar: { b, c, pValue: mcnemarExactPValue(b, c), pairing: "majority-vote", verdictRule: VERDICT_RULE },
  };
}
