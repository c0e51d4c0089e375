import type { WorkItem } from "../../plan/types.js";
import type { ScoreTarget } from "../../runner/score-stage.js";
import { extractAnswer, GRADER_VERSION, type GradeResult, isEquivalent } from "../../scoring/math/index.js";
import { type Scorer, scorerId } from "../../scoring/scorer.js";
import type { Store } from "../../store/store.js";
import type { MathPlan } from "./plan.js";

/** The id math verdicts of a grader version are stored under (`math@math-grader-N`, as in every older store). */
export function mathScorerId(graderVersion: string): string {
  return scorerId("math", graderVersion);
}

/** Verdicts are stored per grader version: a better grader re-scores cached generations without new model calls. */
export const MATH_SCORER = mathScorerId(GRADER_VERSION);

export interface MathVerdict {
  extracted: string | null;
  found: boolean;
  path: string;
  correct: boolean;
  /** The model stopped at the token limit. */
  truncated: boolean;
  /** The gold answer graded against, kept so a transcript can show it (absent in verdicts stored before it). */
  gold?: string;
}

/**
 * The math grader as a scorer: the item is the problem's gold answer. One scorer per scoring pass: answers to one
 * problem repeat across personas and samples, so each (gold, extracted) pair is compared once per pass (the
 * equivalence check was most of the harness's CPU per request).
 */
export function mathScorer(): Scorer<string, MathVerdict> {
  const equivalent = new Map<string, boolean>();
  const grade = (gold: string, text: string): GradeResult => {
    const { extracted, found, path } = extractAnswer(text);
    if (!found || extracted === null) return { extracted, found, path, correct: false };
    const pair = `${gold}\u0000${extracted}`;
    let correct = equivalent.get(pair);
    if (correct === undefined) {
      correct = isEquivalent(gold, extracted);
      equivalent.set(pair, correct);
    }
    return { extracted, found, path, correct };
  };
  return {
    id: MATH_SCORER,
    score: async (generation, gold) => ({
      ...grade(gold, generation.text),
      truncated: generation.finishReason === "length",
      gold,
    }),
  };
}

/** Every generation of a math plan with the gold answer it is graded against, streamed in plan order. */
export function* mathTargets(plan: MathPlan): Generator<ScoreTarget<string>> {
  const gold = new Map(plan.problems.map((p) => [p.id, p.answer]));
  for (const item of plan.items()) yield { key: item.key, item: gold.get(item.itemId)! };
}

const READ_CHUNK = 256;

/**
 * Hands each plan item with its stored verdict from this grader version (undefined when it has none: not run, or
 * failed) to `visit`, in plan order, a chunk at a time: nothing is kept for the whole plan (a million-item plan must
 * not hold a million verdicts). Returns how many had a verdict. Grades nothing: the scorer stage did.
 */
export function readMathVerdicts(
  plan: MathPlan,
  store: Pick<Store, "getScores">,
  visit: (item: WorkItem, verdict: MathVerdict | undefined) => void,
): number {
  let graded = 0;
  let chunk: WorkItem[] = [];
  const flushChunk = () => {
    const known = store.getScores<MathVerdict>(
      chunk.map((c) => c.key),
      MATH_SCORER,
    );
    for (const item of chunk) {
      const verdict = known.get(item.key);
      if (verdict !== undefined) graded++;
      visit(item, verdict);
    }
    chunk = [];
  };
  for (const item of plan.items()) {
    chunk.push(item);
    if (chunk.length === READ_CHUNK) flushChunk();
  }
  if (chunk.length > 0) flushChunk();
  return graded;
}
