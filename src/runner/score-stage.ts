import { chunks } from "../core/iterables.js";
import type { Scorer } from "../scoring/scorer.js";
import type { Store } from "../store/store.js";

/** What the scorer stage reads and writes: a Store opened for writing (read-only Stores refuse addScore). */
export type ScoreStore = Pick<Store, "getScores" | "getGenerations" | "addScore" | "flush">;

/** A generation to score, by cache key, with the item it answers (a math problem's gold answer, ...). */
export interface ScoreTarget<Item> {
  key: string;
  item: Item;
}

/** Keys read and scored at a time: a plan is streamed, never held whole. */
const SCORE_CHUNK = 256;

/**
 * The scorer stage: scores every target that has a finished generation but no score from this scorer version yet,
 * and stores each score per generation (Store.addScore, committed in batches). Targets without a generation (not
 * run yet, or failed) are left alone. Returns how many scores it stored; the store holds the rest already.
 */
export async function scoreGenerations<Item, Value>(
  store: ScoreStore,
  scorer: Scorer<Item, Value>,
  targets: Iterable<ScoreTarget<Item>>,
): Promise<number> {
  let stored = 0;
  for (const chunk of chunks(targets, SCORE_CHUNK)) {
    const known = store.getScores<Value>(
      chunk.map((t) => t.key),
      scorer.id,
    );
    const missing = chunk.filter((t) => !known.has(t.key));
    if (missing.length === 0) continue;
    const generations = store.getGenerations(missing.map((t) => t.key));
    for (const { key, item } of missing) {
      const generation = generations.get(key);
      if (!generation) continue;
      store.addScore({ key, scorer: scorer.id, value: await scorer.score(generation, item) });
      stored++;
    }
  }
  store.flush();
  return stored;
}

/** How many of these keys have no score from this scorer version: what a scoring pass would have to look at. */
export function unscoredCount(
  store: Pick<Store, "getScores">,
  scorerId: string,
  keys: Iterable<string>,
): number {
  let unscored = 0;
  for (const chunk of chunks(keys, SCORE_CHUNK))
    unscored += chunk.length - store.getScores(chunk, scorerId).size;
  return unscored;
}
