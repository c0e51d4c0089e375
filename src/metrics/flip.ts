/** How often the persona changes the verdict on a problem, and how much personas agree per problem. */

import { fail } from "./validate.js";
import { type ProblemScore, scoreValue, VERDICT_RULE, verdictOf } from "./verdict.js";

export interface FlipStats {
  personas: number;
  problems: number;
  /** Problems on which at least two personas reach different verdicts. */
  flippedProblems: number;
  /** flippedProblems / problems. */
  flipRate: number;
  /**
   * Mean over problems of the share of persona pairs with the same verdict (SCORE-style consistency rate):
   * per problem (C(r, 2) + C(P - r, 2)) / C(P, 2), where r of the P personas are right.
   */
  consistencyRate: number;
  verdictRule: typeof VERDICT_RULE;
}

/**
 * matrix[persona][problem]: a boolean, or a mean@S score turned into a verdict by VERDICT_RULE. Verdicts are about
 * correctness only: two personas with different wrong answers agree. Needs at least 2 personas and 1 problem.
 */
export function flipStats(matrix: readonly (readonly ProblemScore[])[]): FlipStats {
  const where = "flipStats";
  const personas = matrix.length;
  if (personas < 2) fail(where, `needs at least 2 personas (got ${personas})`);
  const problems = matrix[0]!.length;
  if (problems === 0) fail(where, "needs at least 1 problem");
  const rightCounts = new Array<number>(problems).fill(0);
  matrix.forEach((row, p) => {
    if (row.length !== problems) fail(where, `row ${p} has ${row.length} problems, row 0 has ${problems}`);
    row.forEach((score, i) => {
      if (verdictOf(scoreValue(where, `matrix[${p}][${i}]`, score))) rightCounts[i]!++;
    });
  });
  const pairs = (personas * (personas - 1)) / 2;
  let flipped = 0;
  let agreementSum = 0;
  for (const right of rightCounts) {
    const wrong = personas - right;
    if (right !== 0 && wrong !== 0) flipped++;
    agreementSum += ((right * (right - 1)) / 2 + (wrong * (wrong - 1)) / 2) / pairs;
  }
  return {
    personas,
    problems,
    flippedProblems: flipped,
    flipRate: flipped / problems,
    consistencyRate: agreementSum / problems,
    verdictRule: VERDICT_RULE,
  };
}
