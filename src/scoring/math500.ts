import type { Math500Plan } from "../plan/math500.js";
import type { Store } from "../store/store.js";
import { GRADER_VERSION, grade } from "./math/index.js";

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
 * Grades every generation in the plan that has no verdict from this grader version yet, and returns the verdicts
 * of all generations the plan has (items without a generation are absent).
 */
export function scoreMath500(plan: Math500Plan, store: Store): Map<string, MathVerdict> {
  const gold = new Map(plan.problems.map((p) => [p.id, p.answer]));
  const verdicts = new Map<string, MathVerdict>();
  let chunk: { key: string; itemId: string }[] = [];
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
    for (const [key, verdict] of known) verdicts.set(key, verdict);
    chunk = [];
  };
  for (const item of plan.items()) {
    chunk.push({ key: item.key, itemId: item.itemId });
    if (chunk.length === SCORE_CHUNK) flushChunk();
  }
  if (chunk.length > 0) flushChunk();
  store.flush();
  return verdicts;
}
