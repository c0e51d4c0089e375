/** One problem's result for one persona: a single graded sample, or the mean over S samples (mean@S). */

import { fail } from "./validate.js";

/** true/false for one sample, or the share of S samples that were correct (mean@S), in [0, 1]. */
export type ProblemScore = boolean | number;

/** The rule that turns a mean@S score into a yes/no verdict: strictly more than half of the samples correct. */
export const VERDICT_RULE = "strict-majority: score > 0.5 (ties count as wrong)" as const;

export function scoreValue(where: string, name: string, score: ProblemScore): number {
  if (typeof score === "boolean") return score ? 1 : 0;
  if (typeof score !== "number" || !(score >= 0 && score <= 1)) {
    fail(where, `${name} must be a boolean or a number in [0, 1] (got ${score})`);
  }
  return score;
}

/** Majority verdict of a validated score value (see VERDICT_RULE). */
export function verdictOf(value: number): boolean {
  return value > 0.5;
}
