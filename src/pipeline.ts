import pLimit from "p-limit";
import type { BenchmarkDefinition, Math500TaskConfig } from "./config/benchmark.js";
import { sha256Hex } from "./config/canonical.js";
import type { ModelAdapter, ModelIdentity, Timeouts } from "./models/types.js";
import { modelCacheKey } from "./plan/keys.js";
import { type Math500Plan, planMath500 } from "./plan/math500.js";
import { buildMath500Results, type DatasetRecord } from "./report/math500.js";
import { assembleResults } from "./report/results.js";
import type { Results } from "./report/types.js";
import { executePlan, type RunnerCounts, type RunnerEvent } from "./runner/execute.js";
import type { RetryPolicy } from "./runner/retry.js";
import { scoreMath500 } from "./scoring/math500.js";
import type { Store } from "./store/store.js";
import type { RunStatus } from "./store/types.js";
import { type DatasetOptions, resolveDataset } from "./tasks/datasets.js";
import { loadMath500, type MathProblem, selectProblems } from "./tasks/math500.js";
import { HARNESS_VERSION } from "./version.js";

export interface PreparedMath500 {
  config: Math500TaskConfig;
  problems: MathProblem[];
  dataset: DatasetRecord;
}

/** Loads every dataset the benchmark needs; all input validation happens here, before any store is touched. */
export async function prepareBenchmark(
  benchmark: BenchmarkDefinition,
  data: DatasetOptions,
): Promise<PreparedMath500[]> {
  const prepared: PreparedMath500[] = [];
  for (const config of benchmark.tasks) {
    const resolved = await resolveDataset("math500", data);
    prepared.push({
      config,
      problems: selectProblems(loadMath500(resolved.path), config.limit),
      dataset: { sha256: resolved.sha256, pinned: resolved.pinned, origin: resolved.origin },
    });
  }
  return prepared;
}

/** Stable across invocations of the same benchmark on the same model, so a repeated command resumes its run. */
export function runIdFor(benchmark: BenchmarkDefinition, identity: ModelIdentity): string {
  const slug = identity.name.replace(/[^A-Za-z0-9._-]+/g, "-").replace(/^-+|-+$/g, "") || "model";
  return `${benchmark.id}--${slug}--${sha256Hex(`${benchmark.hash}\n${modelCacheKey(identity)}`).slice(0, 12)}`;
}

export interface PlanSummary {
  requests: number;
  cached: number;
  toDo: number;
}

/** What a run would do: model calls needed, and how many of them the store already holds. */
export function dryRun(
  prepared: PreparedMath500[],
  identity: ModelIdentity,
  store: Store | undefined,
): PlanSummary {
  const modelKey = modelCacheKey(identity);
  let requests = 0;
  let cached = 0;
  for (const task of prepared) {
    const plan = planMath500(task.config, task.problems, modelKey);
    requests += plan.size;
    if (!store) continue;
    let keys: string[] = [];
    for (const item of plan.items()) {
      keys.push(item.key);
      if (keys.length === 500) {
        cached += store.existingKeys(keys).size;
        keys = [];
      }
    }
    cached += store.existingKeys(keys).size;
  }
  return { requests, cached, toDo: requests - cached };
}

export interface RunBenchmarkOptions {
  benchmark: BenchmarkDefinition;
  prepared: PreparedMath500[];
  modelSpec: string;
  adapter: ModelAdapter;
  identity: ModelIdentity;
  store: Store;
  concurrency: number;
  timeouts: Timeouts;
  retry: RetryPolicy;
  signal?: AbortSignal;
  onEvent?: (event: RunnerEvent & { task: string }) => void;
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
  const { benchmark, store, identity } = options;
  const runId = runIdFor(benchmark, identity);
  const modelKey = modelCacheKey(identity);
  const run = store.beginRun({
    runId,
    benchmarkId: benchmark.id,
    benchmarkHash: benchmark.hash,
    modelSpec: options.modelSpec,
    model: identity,
    config: { benchmark: benchmark.file, hash: benchmark.hash, concurrency: options.concurrency },
    harnessVersion: HARNESS_VERSION,
  });
  store.clearFailures(runId);
  const limit = pLimit(options.concurrency);
  const totals: RunnerCounts = { total: 0, cached: 0, completed: 0, failed: 0, retries: 0, inFlight: 0 };
  const plans: { task: PreparedMath500; plan: Math500Plan }[] = [];
  let interrupted = false;

  for (const task of options.prepared) {
    const plan = planMath500(task.config, task.problems, modelKey);
    plans.push({ task, plan });
    const outcome = await executePlan(plan.items(), plan.size, {
      runId,
      adapter: options.adapter,
      modelKey,
      store,
      limit,
      timeouts: options.timeouts,
      retry: options.retry,
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.random ? { random: options.random } : {}),
      onEvent: (event) => options.onEvent?.({ ...event, task: task.config.task }),
    });
    for (const key of ["total", "cached", "completed", "failed", "retries"] as const)
      totals[key] += outcome[key];
    if (outcome.interrupted) {
      interrupted = true;
      break;
    }
  }

  const failures = store.failures(runId);
  const status: RunStatus = interrupted ? "interrupted" : failures.length > 0 ? "incomplete" : "complete";
  store.finishRun(runId, status);

  const failedKeys = new Set(failures.map((f) => f.key));
  const [first] = plans;
  if (!first) return { runId, status, counts: totals };
  const verdicts = scoreMath500(first.plan, store);
  if (verdicts.size === 0) return { runId, status, counts: totals };
  const math500 = buildMath500Results(
    first.task.config,
    first.plan,
    verdicts,
    failedKeys,
    first.task.dataset,
  );
  const allKeys = plans.flatMap(({ plan }) => [...plan.items()].map((item) => item.key));
  const usage = store.usageTotals(allKeys);
  const results = assembleResults({
    run,
    status,
    modelSpec: options.modelSpec,
    identity,
    benchmark,
    tasks: { math500 },
    failures,
    usage: {
      promptTokens: usage.promptTokens,
      completionTokens: usage.completionTokens,
      modelCalls: totals.completed,
      cachedCalls: totals.cached,
    },
  });
  return { runId, status, counts: totals, results };
}
