import { InputError } from "../../core/input-error.js";
import { PROBLEM_PLACEHOLDER } from "./config.js";
import { findMathDataset, loadMathProblems, type MathProblem } from "./sources.js";

export { MAX_LINE_BYTES, type MathProblem } from "./sources.js";

/**
 * Loads MATH500-style JSONL (one object per line with `unique_id`, `problem`, `answer`, `subject`, `level` and
 * optionally `solution`; other keys are ignored). Blank lines are skipped. Any bad row is an InputError naming
 * the file, line and field.
 */
export function loadMath500(path: string): MathProblem[] {
  const math500 = findMathDataset("math500")!;
  return loadMathProblems(path, math500.readRow, math500.idField);
}

/**
 * The first `limit` problems in file order (all of them when `limit` is undefined or larger than the file).
 * File order rather than a random sample keeps subsets identical across runs and machines, and nested:
 * the first 50 are always part of the first 100.
 */
export function selectProblems(problems: MathProblem[], limit?: number): MathProblem[] {
  if (limit === undefined) return [...problems];
  if (!Number.isSafeInteger(limit) || limit < 1) {
    throw new InputError(`must be an integer >= 1 (got ${limit})`, { field: "limit" });
  }
  return problems.slice(0, limit);
}

/** The user prompt for a problem. Problems are full of `$` (LaTeX), so no String.replace patterns here. */
export function renderMathPrompt(prompt: string, problem: Pick<MathProblem, "problem">): string {
  return prompt.split(PROBLEM_PLACEHOLDER).join(problem.problem);
}
