import type { BenchmarkDefinition } from "../config/benchmark.js";
import { sha256Hex } from "../config/canonical.js";
import type { ModelIdentity, Timeouts } from "../models/types.js";
import { modelCacheKey } from "../plan/keys.js";
import { buildPersonaGymResults } from "../report/personagym.js";
import { assembleResults } from "../report/results.js";
import type { Results } from "../report/types.js";
import type { RunnerCounts } from "../runner/execute.js";
import type { RetryPolicy } from "../runner/retry.js";
import type { Store } from "../store/store.js";
import type { RunStatus } from "../store/types.js";
import type { DatasetOptions } from "../tasks/datasets.js";
import { HARNESS_VERSION } from "../version.js";
import {
  buildMath500Section,
  executeMath500,
  type PreparedMath500,
  planPrepared,
  prepareMath500,
} from "./math500.js";
import {
  executePersonaGym,
  type PersonaGymCollected,
  type PreparedPersonaGym,
  planPersonaGymCounts,
  preparePersonaGym,
} from "./personagym.js";
import { countCached, type Endpoint, type PipelineEvent, StageContext } from "./stage.js";

export type PreparedTask =
  | ({ kind: "math500" } & PreparedMath500)
  | ({ kind: "personagym" } & PreparedPersonaGym);

/** Loads every dataset the benchmark needs; all input validation happens here, before any store is touched. */
export async function prepareBenchmark(
  benchmark: BenchmarkDefinition,
  data: DatasetOptions,
): Promise<PreparedTask[]> {
  const prepared: PreparedTask[] = [];
  for (const config of benchmark.tasks) {
    prepared.push(
      config.task === "math500"
        ? { kind: "math500", ...(await prepareMath500(config, data)) }
        : { kind: "personagym", ...(await preparePersonaGym(config, data)) },
    );
  }
  return prepared;
}

/** Stable across invocations of the same benchmark on the same model, so a repeated command resumes its run. */
export function runIdFor(benchmark: BenchmarkDefinition, identity: ModelIdentity): string {
  const slug = identity.name.replace(/[^A-Za-z0-9._-]+/g, "-").replace(/^-+|-+$/g, "") || "model";
  return `${benchmark.id}--${slug}--${sha256Hex(`${benchmark.hash}\n${modelCacheKey(identity)}`).slice(0, 12)}`;
}

export interface StageCount {
  stage: string;
  requests: number;
  /** null when it cannot be known yet (judge calls depend on answers not yet given). */
  cached: number | null;
}

/** What a run would do, stage by stage: model calls needed and how many the store already holds. */
export function dryRun(
  prepared: PreparedTask[],
  subject: Endpoint,
  judges: readonly Endpoint[],
  store: Store | undefined,
): StageCount[] {
  const counts: StageCount[] = [];
  for (const task of prepared) {
    if (task.kind === "math500") {
      const plan = planPrepared(task, subject);
      counts.push({
        stage: "math500",
        requests: plan.size,
        cached: store ? countCached(store, plan.items()) : 0,
      });
    } else {
      counts.push(...planPersonaGymCounts(task, subject, judges, store));
    }
  }
  return counts;
}

export interface RunBenchmarkOptions {
  benchmark: BenchmarkDefinition;
  prepared: PreparedTask[];
  subject: Endpoint;
  /** Judges for PersonaGym; the first also writes the score examples. */
  judges: Endpoint[];
  store: Store;
  concurrency: number;
  timeouts: Timeouts;
  retry: RetryPolicy;
  signal?: AbortSignal;
  onEvent?: (event: PipelineEvent) => void;
  random?: () => number;
}

export interface BenchmarkOutcome {
  runId: string;
  status: RunStatus;
  counts: RunnerCounts;
  /** Absent when nothing could be graded yet (e.g. interrupted before the first answer). */
  results?: Results;
}

/**
 * The whole one-way pipeline for a model: plan, generate (cache first), grade, compute metrics, assemble the
 * schema-validated results. Reports are written by the caller.
 */
export async function runBenchmark(options: RunBenchmarkOptions): Promise<BenchmarkOutcome> {
  const { benchmark, store, subject } = options;
  const runId = runIdFor(benchmark, subject.identity);
  const run = store.beginRun({
    runId,
    benchmarkId: benchmark.id,
    benchmarkHash: benchmark.hash,
    modelSpec: subject.spec,
    model: subject.identity,
    config: { benchmark: benchmark.file, hash: benchmark.hash, concurrency: options.concurrency },
    harnessVersion: HARNESS_VERSION,
  });
  store.clearFailures(runId);
  const ctx = new StageContext(runId, store, options);

  const collected = new Map<PreparedTask, PersonaGymCollected>();
  const skipped: Results["skipped"] = [];
  for (const task of options.prepared) {
    if (ctx.interrupted) break;
    if (task.kind === "math500") {
      await executeMath500(ctx, task, subject);
      continue;
    }
    if (options.judges.length === 0) {
      skipped.push({
        task: "personagym",
        reason:
          "no judge: pass --judge <model spec> (or list judges in the benchmark file) to grade persona fidelity",
      });
      continue;
    }
    collected.set(task, await executePersonaGym(ctx, task, subject, options.judges));
  }

  const failures = store.failures(runId);
  const status: RunStatus = ctx.interrupted ? "interrupted" : failures.length > 0 ? "incomplete" : "complete";
  store.finishRun(runId, status);

  const failedKeys = new Set(failures.map((f) => f.key));
  const tasks: Results["tasks"] = {};
  const keys: string[] = [];
  for (const task of options.prepared) {
    if (task.kind === "math500") {
      const built = buildMath500Section(ctx, task, subject, failedKeys);
      if (!built) continue;
      tasks.math500 = built.section;
      keys.push(...built.keys);
      continue;
    }
    const gathered = collected.get(task);
    const section = gathered && buildPersonaGymResults(task, gathered, subject.identity);
    if (!gathered || !section) continue;
    tasks.personagym = section;
    keys.push(...gathered.keys);
  }
  if (Object.keys(tasks).length === 0) return { runId, status, counts: ctx.totals };
  const usage = store.usageTotals(keys);
  const results = assembleResults({
    run,
    status,
    modelSpec: subject.spec,
    identity: subject.identity,
    benchmark,
    tasks,
    skipped,
    failures,
    usage: {
      promptTokens: usage.promptTokens,
      completionTokens: usage.completionTokens,
      modelCalls: ctx.totals.completed,
      cachedCalls: ctx.totals.cached,
    },
  });
  return { runId, status, counts: ctx.totals, results };
}
