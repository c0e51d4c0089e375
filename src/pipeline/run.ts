import type { BenchmarkDefinition } from "../benchmark/benchmark.js";
import { sha256Hex } from "../core/canonical.js";
import type { DatasetOptions } from "../datasets/datasets.js";
import type { ModelIdentity, Timeouts } from "../models/types.js";
import { modelCacheKey } from "../plan/keys.js";
import { assembleResults } from "../results/assemble.js";
import type { Results } from "../results/types.js";
import type { RunnerCounts } from "../runner/execute.js";
import type { RetryPolicy } from "../runner/retry.js";
import { type Endpoint, type PipelineEvent, StageContext } from "../runner/stage.js";
import type { Store } from "../store/store.js";
import type { RunStatus } from "../store/types.js";
import { taskKindFor } from "../task-kinds/registry.js";
import type { PreparedTask, StageCount, TaskModels } from "../task-kinds/types.js";
import { HARNESS_VERSION } from "../version.js";

export type { PreparedTask, StageCount };

/** Loads every dataset the benchmark needs; all input validation happens here, before any store is touched. */
export async function prepareBenchmark(
  benchmark: BenchmarkDefinition,
  data: DatasetOptions,
): Promise<PreparedTask[]> {
  const prepared: PreparedTask[] = [];
  for (const config of benchmark.tasks) prepared.push(await taskKindFor(config.task).prepare(config, data));
  return prepared;
}

/** Stable across invocations of the same benchmark on the same model, so a repeated command resumes its run. */
export function runIdFor(benchmark: BenchmarkDefinition, identity: ModelIdentity): string {
  const slug = identity.name.replace(/[^A-Za-z0-9._-]+/g, "-").replace(/^-+|-+$/g, "") || "model";
  return `${benchmark.id}--${slug}--${sha256Hex(`${benchmark.hash}\n${modelCacheKey(identity)}`).slice(0, 12)}`;
}

/** What a run would do, stage by stage: model calls needed and how many the store already holds. */
export function dryRun(
  prepared: readonly PreparedTask[],
  subject: Endpoint,
  judges: readonly Endpoint[],
  store: Store | undefined,
): StageCount[] {
  return prepared.flatMap((task) => task.dryRun({ subject, judges }, store));
}

export interface RunBenchmarkOptions {
  benchmark: BenchmarkDefinition;
  prepared: PreparedTask[];
  subject: Endpoint;
  /** Judges for tasks that need them; the first also writes PersonaGym's score examples. */
  judges: Endpoint[];
  store: Store;
  /** Requests in flight per server; with `autoConcurrency`, where the search starts. */
  concurrency: number;
  /** `--concurrency auto`: find each server's capacity (AIMD). */
  autoConcurrency?: boolean;
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
  /** With `--concurrency auto`: where each server's limit settled. */
  settledConcurrency?: { server: string; settled: number; last: number; rounds: number }[];
}

/**
 * The whole one-way pipeline for a model: plan, generate (cache first), grade, compute metrics, assemble the
 * results (validated against the schema where they are written). Reports are written by the caller.
 */
export async function runBenchmark(options: RunBenchmarkOptions): Promise<BenchmarkOutcome> {
  const { benchmark, store, subject } = options;
  const models: TaskModels = { subject, judges: options.judges };
  const runId = runIdFor(benchmark, subject.identity);
  const run = store.beginRun({
    runId,
    benchmarkId: benchmark.id,
    benchmarkHash: benchmark.hash,
    modelSpec: subject.spec,
    model: subject.identity,
    config: {
      benchmark: benchmark.file,
      hash: benchmark.hash,
      tasks: benchmark.tasks.map((task) => ({
        id: task.id,
        task: task.task,
        kind: taskKindFor(task.task).kind,
      })),
      judges: options.judges.map((judge) => judge.spec),
      concurrency: options.autoConcurrency ? "auto" : options.concurrency,
    },
    harnessVersion: HARNESS_VERSION,
  });
  store.clearFailures(runId);
  const ctx = new StageContext(runId, store, options);

  const skipped: Results["skipped"] = [];
  const ran: PreparedTask[] = [];
  for (const task of options.prepared) {
    if (ctx.interrupted) break;
    const reason = task.skipReason(models);
    if (reason !== undefined) {
      skipped.push({ task: task.config.id, reason });
      continue;
    }
    await task.execute(ctx, models);
    ran.push(task);
  }

  const failures = store.failures(runId);
  const status: RunStatus = ctx.interrupted ? "interrupted" : failures.length > 0 ? "incomplete" : "complete";
  store.finishRun(runId, status);

  const tasks: Results["tasks"] = {};
  const suiteChoices: Results["suiteChoices"] = {};
  for (const task of ran) {
    const built = task.section(ctx, models, { alpha: benchmark.alpha });
    if (!built) continue;
    tasks[task.config.id] = built.section;
    Object.assign(suiteChoices, taskKindFor(task.config.task).suiteChoices);
  }
  const settled = options.autoConcurrency ? { settledConcurrency: ctx.settledConcurrency() } : {};
  if (Object.keys(tasks).length === 0) return { runId, status, counts: ctx.totals, ...settled };
  // Every generation the sections cover is a member of the run (recorded as the stages took them).
  const usage = store.usageOfRun(runId, Object.keys(tasks));
  const results = assembleResults({
    run,
    status,
    modelSpec: subject.spec,
    identity: subject.identity,
    benchmark,
    tasks,
    skipped,
    failures,
    suiteChoices,
    ...(subject.adapter.replicaUsage ? { replicas: subject.adapter.replicaUsage() } : {}),
    usage: {
      promptTokens: usage.promptTokens,
      completionTokens: usage.completionTokens,
      modelCalls: ctx.totals.completed,
      cachedCalls: ctx.totals.cached,
    },
  });
  return { runId, status, counts: ctx.totals, results, ...settled };
}
