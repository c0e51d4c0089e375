import { onAbort } from "../models/abort.js";
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

/**
 * Kinds that a new attempt can cure, with the most failures of that kind each deserves (besides the policy's
 * `maxAttempts`, which also counts failures of one kind). A cap counts only failures of its own kind: a request
 * that met a 429 and then a 500 has one 500 behind it, not two.
 */
const ATTEMPT_CAPS: Partial<Record<AdapterErrorKind, number>> = {
  rate_limited: Number.POSITIVE_INFINITY,
  overloaded: Number.POSITIVE_INFINITY,
  connection: Number.POSITIVE_INFINITY,
  timeout: Number.POSITIVE_INFINITY,
  // 500, 502 and 504: three attempts of each status, as the official OpenAI client does. A 500 that names a bad
  // request (llama-server reports some bad parameters as 500) is classified bad_request and never retried.
  server: 3,
  // A stream cut short or malformed: the whole request again, but not forever.
  protocol: 3,
};

/**
 * However the kinds alternate, a request stops after this many attempts in all times the policy's cap: each kind is
 * bounded on its own, this only guards against a server that cycles through every failure there is.
 */
const TOTAL_ATTEMPTS_FACTOR = 4;

export type RetryDecision = { retry: true; delayMs: number } | { retry: false; reason: string };

export function isRetryableKind(kind: AdapterErrorKind): boolean {
  return ATTEMPT_CAPS[kind] !== undefined;
}

/** What a cap counts: the kind, and for server errors the status (500, 502 and 504 each have their own three). */
export function failureClass(error: AdapterError): string {
  return error.kind === "server" && error.details.status !== undefined
    ? `${error.kind} ${error.details.status}`
    : error.kind;
}

/** One request's failures so far, by class; feed every failure to `record` and pass the result to decideRetry. */
export class FailureTally {
  private readonly byClass = new Map<string, number>();
  private total = 0;

  /**
   * Counts this failure; returns the attempt number it ended and how many failures of its class there were.
   * A failure the client caused (`charged` false: an overload met while `--concurrency auto` probed above the
   * server's capacity) counts towards the total bound only, never towards its kind's cap.
   */
  record(error: AdapterError, charged = true): FailureCount {
    const key = failureClass(error);
    const ofKind = (this.byClass.get(key) ?? 0) + (charged ? 1 : 0);
    this.byClass.set(key, ofKind);
    this.total++;
    return { attempt: this.total, ofKind };
  }
}

export interface FailureCount {
  /** 1-based number of the attempt that just failed (all kinds). */
  attempt: number;
  /** Failures of this error's class so far, this one included. */
  ofKind: number;
}

/**
 * Whether the request should be tried again after this failure, and after how long: the server's Retry-After when
 * it gave one (clamped), else exponential backoff with full jitter. `count` is a number when every earlier failure
 * was of the same class (attempt = failures of the kind).
 */
export function decideRetry(
  error: AdapterError,
  count: number | FailureCount,
  policy: RetryPolicy,
  random: () => number = Math.random,
): RetryDecision {
  const { attempt, ofKind } = typeof count === "number" ? { attempt: count, ofKind: count } : count;
  const cap = ATTEMPT_CAPS[error.kind];
  if (cap === undefined) return { retry: false, reason: `${error.kind} is not retryable` };
  const kindCap = Math.min(cap, policy.maxAttempts);
  if (ofKind >= kindCap) {
    const times = ofKind === attempt ? "" : ` (${ofKind} of them ${failureClass(error)})`;
    return { retry: false, reason: `gave up after ${attempt} attempt${attempt === 1 ? "" : "s"}${times}` };
  }
  if (attempt >= policy.maxAttempts * TOTAL_ATTEMPTS_FACTOR) {
    return { retry: false, reason: `gave up after ${attempt} attempts of mixed failures` };
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
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (Math.min(attempt, 30) - 1));
  return { retry: true, delayMs: Math.floor(random() * ceiling) };
}

/** Resolves after `ms`, or rejects with the signal's reason as soon as it aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      unsubscribe?.();
      resolve();
    }, ms);
    const unsubscribe = signal
      ? onAbort(signal, () => {
          clearTimeout(timer);
          reject(signal.reason);
        })
      : undefined;
  });
}
