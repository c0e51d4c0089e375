/**
 * A scorer turns one stored generation (and the item it answers) into a score that is stored beside it, under the
 * scorer's versioned id (in the spirit of inspect_ai's scorers). Scoring is its own stage: generations are stored
 * first, then every one without a score from this scorer version is scored, and every figure is computed from the
 * stored scores, so a new grader or parser version re-scores cached generations, without a model call, in one path.
 */

/** The part of a stored generation a scorer reads. */
export interface ScorableGeneration {
  key: string;
  text: string;
  /** "length" when the model stopped at the token limit. */
  finishReason: string;
}

export interface Scorer<Item, Value> {
  /**
   * `name@version`, the key scores are stored under. Bump the version whenever a stored value could change: the
   * old values stay in the store, and the next scoring pass stores new ones under the new id.
   */
  readonly id: string;
  score(generation: ScorableGeneration, item: Item): Promise<Value>;
}

/** The id a scorer's values are stored under. */
export function scorerId(name: string, version: string): string {
  return `${name}@${version}`;
}
