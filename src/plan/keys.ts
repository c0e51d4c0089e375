import { createHash } from "node:crypto";
import { sha256Hex } from "../core/canonical.js";
import type { ChatMessage, ModelIdentity, Sampling } from "../models/types.js";

/** Bump when the meaning of a cached generation changes; old rows then stop matching instead of lying. */
export const CACHE_KEY_VERSION = 1;

/**
 * The part of a model's identity that decides what it answers. With a weights digest the endpoint is irrelevant
 * (the same weights behind two servers share a cache); without one, the endpoint and name must stand in for it.
 */
export function modelCacheKey(identity: ModelIdentity): string {
  return JSON.stringify(
    identity.digest
      ? { provider: identity.provider, name: identity.name, digest: identity.digest }
      : { provider: identity.provider, name: identity.name, endpoint: identity.endpoint },
  );
}

/** Everything that can change an answer: model, full rendered messages, decoding (with its seed) and sample index. */
export function generationKey(
  modelKey: string,
  messages: readonly ChatMessage[],
  sampling: Sampling,
  sample: number,
): string {
  return sha256Hex(
    JSON.stringify([
      CACHE_KEY_VERSION,
      modelKey,
      messages.map((m) => [m.role, m.content]),
      Object.entries(sampling)
        .filter(([, value]) => value !== undefined)
        .sort(([a], [b]) => (a < b ? -1 : 1)),
      sample,
    ]),
  );
}

/**
 * Per-request seed from the run seed. The persona is deliberately left out: every persona sees the same seed for
 * the same problem and sample (common random numbers), so paired differences measure the persona, not the dice.
 */
export function deriveSeed(runSeed: number, itemId: string, sample: number): number {
  return (
    createHash("sha256").update(`${runSeed}\u0000${itemId}\u0000${sample}`).digest().readUInt32BE(0) >>> 1
  );
}
