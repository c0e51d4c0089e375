import type { ExtractionPath } from "../../scoring/math/extract.js";
import type { ScoreDescription, SectionViewer, StoredVerdict } from "../section-viewer.js";
import { MATH_SCORER, type MathVerdict } from "./score.js";

const PATHS: readonly ExtractionPath[] = ["boxed", "fbox", "answer_phrase", "truncated_box", "none"];

/** A math task has one stage, named as the task: every member is an answer graded by the math grader. */
export const mathViewer: SectionViewer = {
  stageRole: (stage, taskId) => (stage === taskId ? "subject" : "other"),
  verdicts: {
    scorer: MATH_SCORER,
    sql: {
      verdict: (value) =>
        `CASE WHEN json_extract(${value}, '$.correct') THEN 'correct' WHEN json_extract(${value}, '$.found') THEN 'wrong' ELSE 'none' END`,
      extracted: (value) => `json_extract(${value}, '$.extracted')`,
      path: (value) => `json_extract(${value}, '$.path')`,
    },
    paths: PATHS,
    help: "The math grader's verdict: wrong means an answer was extracted and it differs from the gold",
    describe: describeMathVerdict,
  },
};

function describeMathVerdict(value: unknown): ScoreDescription | null {
  if (typeof value !== "object" || value === null) return null;
  const v = value as Partial<MathVerdict>;
  const verdict: StoredVerdict = v.correct ? "correct" : v.found ? "wrong" : "none";
  return {
    verdict,
    extracted: v.found && typeof v.extracted === "string" ? v.extracted : null,
    path: typeof v.path === "string" ? v.path : null,
    gold: typeof v.gold === "string" ? v.gold : null,
    notes: v.truncated ? ["the response hit the token limit"] : [],
  };
}
