import { chunks } from "../core/iterables.js";
import { AdapterError, type CompletionResponse, type ModelAdapter, type Timeouts } from "../models/types.js";
import type { WorkItem } from "../plan/types.js";
import type { Store } from "../store/store.js";
import type { Limiter } from "./adaptive.js";
import { decideRetry, FailureTally, type RetryPolicy, sleep } from "./retry.js";

/** Plan items are checked against the cache this many at a time, so the plan is streamed, never materialised. */
const PLAN_CHUNK = 256;

export interface ExecuteOptions {
  runId: string;
  adapter: ModelAdapter;
  modelKey: string;
  store: Store;
  /** The endpoint's limiter; shared by every stage that calls the same server. */
  limit: Limiter;
  timeouts: Timeouts;
  retry: RetryPolicy;
  signal?: AbortSignal;
  onEvent?: (event: RunnerEvent) => void;
  /** Injected for tests of the backoff; defaults to Math.random. */
  random?: () => number;
}

export interface RunnerCounts {
  total: number;
  cached: number;
  completed: number;
  failed: number;
  retries: number;
  inFlight: number;
}

export type RunnerEvent =
  | { type: "progress"; counts: RunnerCounts }
  | { type: "retry"; item: WorkItem; attempt: number; delayMs: number; error: AdapterError }
  | { type: "failure"; item: WorkItem; attempts: number; error: AdapterError; reason: string };

export interface ExecuteResult extends RunnerCounts {
  interrupted: boolean;
}

/**
 * Drives plan items through the model: cached items are skipped (resume is the set difference between plan and
 * store), the rest run under the endpoint's concurrency limit with retries, and each finished generation is queued
 * for the store's next batched transaction. Permanent failures are recorded per item; an abort stops scheduling,
 * cancels requests in flight and keeps everything finished.
 */
export async function executePlan(
  items: Iterable<WorkItem>,
  total: number,
  options: ExecuteOptions,
): Promise<ExecuteResult> {
  const counts: RunnerCounts = { total, cached: 0, completed: 0, failed: 0, retries: 0, inFlight: 0 };
  const emitProgress = () => options.onEvent?.({ type: "progress", counts: { ...counts } });
  // Items scheduled and not finished. A counter and one waiter, not Promise.race over the open tasks: racing
  // attached a reaction to every open task on every wait, quadratic at hundreds in flight.
  let open = 0;
  let wake: (() => void) | undefined;
  let crashed: { error: unknown } | undefined;
  const settle = () => {
    open--;
    const waiter = wake;
    wake = undefined;
    waiter?.();
  };
  const waitForSlot = () => new Promise<void>((resolve) => (wake = resolve));
  // Identical requests in one plan (e.g. duplicated items) are one model call. A duplicate is either in the store
  // (seen by the chunk's lookup), in flight, or finished since that lookup: only those two sets are kept, never
  // every key of the plan.
  const inFlightKeys = new Set<string>();
  let finishedSinceLookup = new Set<string>();
  const maxOpen = Math.max(2, options.limit.concurrency * 2);
  const aborted = () => options.signal?.aborted === true;

  emitProgress();
  outer: for (const chunk of chunks(items, PLAN_CHUNK)) {
    if (aborted() || crashed) break;
    finishedSinceLookup = new Set();
    const cached = options.store.existingKeys(chunk.map((item) => item.key));
    for (const item of chunk) {
      const { key } = item;
      if (cached.has(key) || inFlightKeys.has(key) || finishedSinceLookup.has(key)) {
        counts.cached++;
        continue;
      }
      while (open >= maxOpen) await waitForSlot();
      if (aborted() || crashed) break outer;
      open++;
      inFlightKeys.add(key);
      const done = () => {
        inFlightKeys.delete(key);
        finishedSinceLookup.add(key);
        settle();
      };
      runItem(item, options, counts, emitProgress).then(done, (error: unknown) => {
        crashed ??= { error };
        done();
      });
    }
    emitProgress();
  }
  while (open > 0) await waitForSlot();
  options.store.flush();
  if (crashed) throw crashed.error;
  emitProgress();
  return { ...counts, interrupted: aborted() };
}

async function runItem(
  item: WorkItem,
  options: ExecuteOptions,
  counts: RunnerCounts,
  emitProgress: () => void,
): Promise<void> {
  const tally = new FailureTally();
  for (let attempt = 1; ; attempt++) {
    if (options.signal?.aborted) return;
    let response: CompletionResponse;
    try {
      response = await options.limit(async () => {
        counts.inFlight++;
        try {
          return await options.adapter.complete({
            requestId: `${item.key.slice(0, 16)}-${attempt}`,
            messages: item.request.messages,
            sampling: item.request.sampling,
            timeouts: options.timeouts,
            ...(options.signal ? { signal: options.signal } : {}),
          });
        } finally {
          counts.inFlight--;
        }
      });
    } catch (caught) {
      const error = asAdapterError(caught);
      if (error.kind === "aborted" || options.signal?.aborted) return;
      const charged = options.limit.causedByProbing?.(caught) !== true;
      const decision = decideRetry(error, tally.record(error, charged), options.retry, options.random);
      if (!decision.retry) {
        counts.failed++;
        options.store.recordFailure({
          runId: options.runId,
          key: item.key,
          kind: error.kind,
          message: `${error.message} (${decision.reason})`,
          attempts: attempt,
        });
        options.onEvent?.({ type: "failure", item, attempts: attempt, error, reason: decision.reason });
        emitProgress();
        return;
      }
      counts.retries++;
      options.onEvent?.({ type: "retry", item, attempt, delayMs: decision.delayMs, error });
      try {
        await sleep(decision.delayMs, options.signal);
      } catch {
        return;
      }
      continue;
    }
    options.store.addGeneration({
      ...response,
      key: item.key,
      modelKey: options.modelKey,
      request: item.request,
      attempts: attempt,
      createdAt: new Date().toISOString(),
    });
    counts.completed++;
    emitProgress();
    return;
  }
}

/** Anything an adapter throws that is not classified is a bug in the adapter or a protocol surprise. */
function asAdapterError(caught: unknown): AdapterError {
  if (caught instanceof AdapterError) return caught;
  const message = caught instanceof Error ? caught.message : String(caught);
  return new AdapterError("protocol", `unexpected adapter failure: ${message}`, { cause: caught });
}
