import pLimit from "p-limit";
import {
  AdapterError,
  type CompletionResponse,
  type ModelAdapter,
  type ModelIdentity,
  type Timeouts,
} from "../models/types.js";
import { modelCacheKey } from "../plan/keys.js";
import type { WorkItem } from "../plan/types.js";
import type { Scorer } from "../scoring/scorer.js";
import type { Store } from "../store/store.js";
import type { MemberInput } from "../store/types.js";
import { AimdController, adaptiveLimit, DEFAULT_AIMD, type Limiter } from "./adaptive.js";
import { executePlan, type RunnerCounts, type RunnerEvent } from "./execute.js";
import type { RetryPolicy } from "./retry.js";
import { type ScoreTarget, scoreGenerations } from "./score-stage.js";

export type PipelineEvent = RunnerEvent & { stage: string };

/** A model the run talks to: the subject, a judge or the score-examples writer. */
export interface Endpoint {
  spec: string;
  adapter: ModelAdapter;
  identity: ModelIdentity;
}

/** What every stage of a run shares: the store, the run's policies and one concurrency limit per server. */
export class StageContext {
  readonly totals: RunnerCounts = { total: 0, cached: 0, completed: 0, failed: 0, retries: 0, inFlight: 0 };
  interrupted = false;
  private readonly limits = new Map<string, Limiter>();
  /** `--concurrency auto`: one controller per limiter key. */
  private readonly controllers = new Map<string, AimdController>();

  constructor(
    readonly runId: string,
    readonly store: Store,
    private readonly options: {
      concurrency: number;
      /** Find each server's capacity (AIMD) instead of a fixed limit; `concurrency` is the starting point. */
      autoConcurrency?: boolean;
      timeouts: Timeouts;
      retry: RetryPolicy;
      signal?: AbortSignal;
      random?: () => number;
      onEvent?: (event: PipelineEvent) => void;
    },
  ) {}

  /**
   * The limiter of an endpoint's adapter. The adapter may declare its own key and slots (a replica set: one slot
   * per replica and server slot; an in-process model: its own); otherwise two roles served by the same server (a
   * judge on the subject's Ollama) share the server's limit at the run's concurrency.
   */
  private limitFor(endpoint: Endpoint): Limiter {
    const auto = this.options.autoConcurrency === true;
    const declared = endpoint.adapter.concurrency?.(auto ? DEFAULT_AIMD.max : this.options.concurrency);
    const key = declared?.key ?? endpoint.identity.endpoint;
    let limit = this.limits.get(key);
    if (!limit) {
      if (auto) {
        const controller = new AimdController({ ...DEFAULT_AIMD, initial: this.options.concurrency });
        this.controllers.set(key, controller);
        limit = adaptiveLimit<CompletionResponse>(
          controller,
          (response, elapsedMs) => response.timing.ttftMs ?? elapsedMs,
          (error) =>
            error instanceof AdapterError && (error.kind === "rate_limited" || error.kind === "overloaded"),
          declared?.slots ?? DEFAULT_AIMD.max,
        );
      } else {
        limit = pLimit(declared?.slots ?? this.options.concurrency);
      }
      this.limits.set(key, limit);
    }
    return limit;
  }

  /** Where `--concurrency auto` settled for each server (empty with a fixed concurrency). */
  settledConcurrency(): { server: string; settled: number; last: number; rounds: number }[] {
    return [...this.controllers].map(([server, c]) => ({
      server,
      settled: c.settled(),
      last: c.limit,
      rounds: c.history.length,
    }));
  }

  /**
   * Runs one stage's items to completion (or interruption), records them as the run's members for the task (unless
   * an earlier invocation of the run recorded all `size` of them already), and adds the stage's counts to the run's
   * totals.
   */
  async execute(taskId: string, stage: string, endpoint: Endpoint, items: Iterable<WorkItem>, size: number) {
    const recorded = this.store.describedMembers({ runId: this.runId, taskId, stage }) === size;
    const outcome = await executePlan(recorded ? items : this.recordingMembers(taskId, stage, items), size, {
      runId: this.runId,
      adapter: endpoint.adapter,
      modelKey: modelCacheKey(endpoint.identity),
      store: this.store,
      limit: this.limitFor(endpoint),
      timeouts: this.options.timeouts,
      retry: this.options.retry,
      ...(this.options.signal ? { signal: this.options.signal } : {}),
      ...(this.options.random ? { random: this.options.random } : {}),
      onEvent: (event) => this.options.onEvent?.({ ...event, stage }),
    });
    for (const key of ["total", "cached", "completed", "failed", "retries"] as const)
      this.totals[key] += outcome[key];
    if (outcome.interrupted) this.interrupted = true;
    return outcome;
  }

  /**
   * The scorer stage of a task: every generation of `targets` without a score from this scorer version is scored
   * and its score stored, so the task's section is computed from stored scores only. Runs after the generations it
   * scores, also when the run was interrupted (what finished counts).
   *
   * Given the `stage` the targets were executed as (its task, stage name and plan size), the pass is skipped when
   * the store shows every item of the plan as a member of this run and every member's generation scored: a cached
   * re-run then never rebuilds its plan's keys for nothing. Anything less scores as above.
   */
  score<Item, Value>(
    scorer: Scorer<Item, Value>,
    targets: Iterable<ScoreTarget<Item>>,
    stage?: { taskId: string; stage: string; size: number },
  ): Promise<number> {
    if (stage) {
      const { members, unscored } = this.store.memberScoring({ runId: this.runId, ...stage }, scorer.id);
      if (members === stage.size && unscored === 0) return Promise.resolve(0);
    }
    return scoreGenerations(this.store, scorer, targets);
  }

  /**
   * Passes the plan through unchanged, writing its keys (with persona, item and sample) to run_members in batches
   * as the runner takes them.
   */
  private *recordingMembers(taskId: string, stage: string, items: Iterable<WorkItem>): Generator<WorkItem> {
    let keys: MemberInput[] = [];
    try {
      for (const item of items) {
        keys.push({
          key: item.key,
          personaId: item.personaId,
          itemId: item.itemId,
          sample: item.sample,
          ...(item.group === undefined ? {} : { group: item.group }),
        });
        if (keys.length === MEMBER_BATCH) {
          this.store.addRunMembers(this.runId, taskId, stage, keys);
          keys = [];
        }
        yield item;
      }
    } finally {
      this.store.addRunMembers(this.runId, taskId, stage, keys);
    }
  }
}

const MEMBER_BATCH = 500;

/** How many of these requests the store already holds, looked up in chunks so a plan is never materialised. */
export function countCached(store: Store, items: Iterable<{ key: string }>): number {
  let cached = 0;
  let keys: string[] = [];
  for (const item of items) {
    keys.push(item.key);
    if (keys.length === 500) {
      cached += store.existingKeys(keys).size;
      keys = [];
    }
  }
  return cached + store.existingKeys(keys).size;
}
