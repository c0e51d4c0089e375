import type { Decoding } from "../config/decoding.js";
import type { Sampling } from "../models/types.js";
import { deriveSeed } from "./keys.js";

/** The request's decoding: the task's settings with a seed derived for this item and sample. */
export function samplingFor(decoding: Decoding, itemId: string, sample: number): Sampling {
  return {
    temperature: decoding.temperature,
    topP: decoding.topP,
    ...(decoding.topK === undefined ? {} : { topK: decoding.topK }),
    maxTokens: decoding.maxTokens,
    ...(decoding.contextLength === undefined ? {} : { contextLength: decoding.contextLength }),
    seed: deriveSeed(decoding.seed, itemId, sample),
  };
}
