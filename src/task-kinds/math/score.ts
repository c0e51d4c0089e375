import type { WorkItem } from "../../plan/types.js";
import { extractAnswer, GRADER_VERSION, type GradeResult, isEquivalent } from "../../scoring/math/index.js";
import type { Store } from "../../store/store.js";
import type { Math500Plan } from "./plan.js";

/** Verdicts are stored per grader version: a better grader re-scores cached generations without new model calls. */
export const MATH_SCORER = `math@${GRADER_VERSION}`;

const SCORE_CHUNK = 256;

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
 * Grades every generation in the plan that has no verdict from this grader version yet, and hands each plan item
 * with its verdict (undefined when it has no generation) to `visit`, in plan order, a chunk at a time: nothing is
 * kept for the whole plan (a million-item plan must not hold a million verdicts). Returns how many had a verdict.
 */
export function scoreMath500(
  plan: Math500Plan,
  store: Store,
  visit: (item: WorkItem, verdict: MathVerdict | undefined) => void = () => {},
): number {
  const gold = new Map(plan.problems.map((p) => [p.id, p.answer]));
  // grade() is extraction plus an equivalence check; answers to one problem repeat across personas and samples, so
  // each (gold, extracted) pair is compared once per scoring pass (it was most of the harness's CPU per request).
  const equivalent = new Map<string, boolean>();
  const grade = (goldAnswer: string, text: string): GradeResult => {
    const { extracted, found, path } = extractAnswer(text);
    if (!found || extracted === null) return { extracted, found, path, correct: false };
    const pair = `${goldAnswer}\u0000${extracted}`;
    let correct = equivalent.get(pair);
    if (correct === undefined) {
      correct = isEquivalent(goldAnswer, extracted);
      equivalent.set(pair, correct);
    }
    return { extracted, found, path, correct };
  };
  let graded = 0;
  let chunk: WorkItem[] = [];
  const flushChunk = () => {
    const keys = chunk.map((c) => c.key);
    const known = store.getScores<MathVerdict>(keys, MATH_SCORER);
    const missing = chunk.filter((c) => !known.has(c.key));
    const generations = missing.length > 0 ? store.getGenerations(missing.map((c) => c.key)) : new Map();
    for (const { key, itemId } of missing) {
      const generation = generations.get(key);
      if (!generation) continue;
      const verdict: MathVerdict = {
        ...grade(gold.get(itemId)!, generation.text),
        truncated: generation.finishReason === "length",
        gold: gold.get(itemId)!,
      };
      store.addScore({ key, scorer: MATH_SCORER, value: verdict });
      known.set(key, verdict);
    }
    for (const item of chunk) {
      const verdict = known.get(item.key);
      if (verdict !== undefined) graded++;
      visit(item, verdict);
    }
    chunk = [];
  };
  for (const item of plan.items()) {
    chunk.push(item);
    if (chunk.length === SCORE_CHUNK) flushChunk();
  }
  if (chunk.length > 0) flushChunk();
  store.flush();
  return graded;
}
