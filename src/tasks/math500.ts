import { InputError } from "../config/errors.js";
import { PROBLEM_PLACEHOLDER } from "../config/math-task.js";
import { readLinesSync } from "./lines.js";

export interface MathProblem {
  /** The dataset's `unique_id`, e.g. a path-like id; unique within the file. */
  id: string;
  problem: string;
  /** Gold answer, as graders should read it. */
  answer: string;
  subject: string;
  /** Difficulty 1 (easiest) to 5. */
  level: number;
  solution?: string;
}

/** No MATH500 row is near this; a longer line means a wrong or damaged file. */
export const MAX_LINE_BYTES = 1024 * 1024;

/**
 * Loads MATH500-style JSONL (one object per line with `unique_id`, `problem`, `answer`, `subject`, `level` and
 * optionally `solution`; other keys are ignored). Blank lines are skipped. Any bad row is an InputError naming
 * the file, line and field.
 */
export function loadMath500(path: string): MathProblem[] {
  const problems: MathProblem[] = [];
  const lineOfId = new Map<string, number>();
  for (const { line, text } of readLinesSync(path, MAX_LINE_BYTES)) {
    if (text.trim() === "") continue;
    const problem = parseRow(text, path, line);
    const earlier = lineOfId.get(problem.id);
    if (earlier !== undefined) {
      throw new InputError(`duplicate unique_id "${problem.id}" (first at line ${earlier})`, {
        file: path,
        line,
        field: "unique_id",
      });
    }
    lineOfId.set(problem.id, line);
    problems.push(problem);
  }
  if (problems.length === 0) throw new InputError("contains no problems", { file: path });
  return problems;
}

function parseRow(text: string, file: string, line: number): MathProblem {
  let row: unknown;
  try {
    row = JSON.parse(text);
  } catch (error) {
    throw new InputError(
      `invalid JSON: ${(error as Error).message.replace(/, ".*" is not valid JSON$/s, "")}`,
      {
        file,
        line,
      },
    );
  }
  if (typeof row !== "object" || row === null || Array.isArray(row)) {
    throw new InputError("must be a JSON object", { file, line });
  }
  const fields = row as Record<string, unknown>;
  const requiredString = (field: string) => {
    const value = fields[field];
    if (value === undefined) throw new InputError("missing", { file, line, field });
    if (typeof value !== "string") throw new InputError("must be a string", { file, line, field });
    if (value.trim() === "") throw new InputError("must not be empty", { file, line, field });
    return value;
  };
  const level = fields.level;
  if (level === undefined) throw new InputError("missing", { file, line, field: "level" });
  if (!Number.isInteger(level) || (level as number) < 1 || (level as number) > 5) {
    throw new InputError(`must be an integer from 1 to 5 (got ${JSON.stringify(level)})`, {
      file,
      line,
      field: "level",
    });
  }
  const problem: MathProblem = {
    id: requiredString("unique_id"),
    problem: requiredString("problem"),
    answer: requiredString("answer"),
    subject: requiredString("subject"),
    level: level as number,
  };
  if (fields.solution !== undefined) {
    if (typeof fields.solution !== "string") {
      throw new InputError("must be a string", { file, line, field: "solution" });
    }
    problem.solution = fields.solution;
  }
  return problem;
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
