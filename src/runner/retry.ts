import type { AdapterError, AdapterErrorKind } from "../models/types.js";

export interface RetryPolicy {
  /** Attempts per item, first one included. */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** A server asking for a longer wait than this fails the item at once instead of stalling the run. */
  maxRetryAfterMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 5,
  baseDelayMs: 1_000,
  maxDelayMs: 30_000,
  maxRetryAfterMs: 60_000,
};

/** Kinds that a new attempt can cure, with the most attempts each deserves. */
const ATTEMPT_CAPS: Partial<Record<AdapterErrorKind, number>> = {
  rate_limited: Number.POSITIVE_INFINITY,
  overloaded: Number.POSITIVE_INFINITY,
  connection: Number.POSITIVE_INFINITY,
  timeout: Number.POSITIVE_INFINITY,
  // Some servers (llama-server) report bad parameters as 500: one more try, not a loop.
  server: 2,
  // A stream cut short or malformed: the whole request again, but not forever.
  protocol: 3,
};

export type RetryDecision = { retry: true; delayMs: number } | { retry: false; reason: string };

export function isRetryableKind(kind: AdapterErrorKind): boolean {
  return ATTEMPT_CAPS[kind] !== undefined;
}

/**
 * Whether attempt number `attempt` (1-based, the one that just failed) should be followed by another, and after
 * how long: the server's Retry-After when it gave one (clamped), else exponential backoff with full jitter.
 */
export function decideRetry(
  error: AdapterError,
  attempt: number,
  policy: RetryPolicy,
  random: () => number = Math.random,
): RetryDecision {
  const cap = ATTEMPT_CAPS[error.kind];
  if (cap === undefined) return { retry: false, reason: `${error.kind} is not retryable` };
  if (attempt >= Math.min(cap, policy.maxAttempts)) {
    return { retry: false, reason: `gave up after ${attempt} attempt${attempt === 1 ? "" : "s"}` };
  }
  const retryAfter = error.details.retryAfterMs;
  if (retryAfter !== undefined) {
    if (retryAfter > policy.maxRetryAfterMs) {
      return {
        retry: false,
        reason: `server asked to wait ${Math.round(retryAfter / 1000)} s, more than the ${Math.round(policy.maxRetryAfterMs / 1000)} s allowed`,
      };
    }
    return { retry: true, delayMs: Math.max(0, retryAfter) };
  }
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return { retry: true, delayMs: Math.floor(random() * ceiling) };
}

/** Resolves after `ms`, or rejects with the signal's reason as soon as it aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
