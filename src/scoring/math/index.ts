/** The MATH answer grader: strict extraction plus structure-driven exact equivalence (policy: docs/grading.md). */
export { type AnswerKind, classifyGold } from "./compare.js";
export { type Extraction, type ExtractionPath, extractAnswer } from "./extract.js";
export { type GradeResult, grade, gradePrediction, isEquivalent } from "./grade.js";
export { type BadLineHandler, type GradeJsonlSummary, gradeJsonl } from "./grade-jsonl.js";

/** Part of the score cache key: bump whenever any verdict can change. */
export const GRADER_VERSION = "math-grader-4";
