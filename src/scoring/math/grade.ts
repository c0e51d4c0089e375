/** Grading one model response (or one already extracted answer) against a gold answer. */
import { isEquivalent } from "./compare.js";
import { type ExtractionPath, extractAnswer } from "./extract.js";

export interface GradeResult {
  /** The answer taken from the response, or null when none was found. */
  extracted: string | null;
  /** False for a missing or truncated answer: format compliance, reported apart from accuracy. */
  found: boolean;
  path: ExtractionPath | "pred";
  correct: boolean;
}

/** Extracts the final answer from a full response and compares it with the gold answer. */
export function grade(gold: string, response: string): GradeResult {
  const { extracted, found, path } = extractAnswer(response);
  return { extracted, found, path, correct: found && extracted !== null && isEquivalent(gold, extracted) };
}

/** Grades an answer that was already extracted: nothing to find, so `found` means "non-empty". */
export function gradePrediction(gold: string, pred: string): GradeResult {
  const found = pred.trim().length > 0;
  return { extracted: pred, found, path: "pred", correct: found && isEquivalent(gold, pred) };
}

export { isEquivalent };
