/**
 * What the harness itself costs per request, so it is never the bottleneck: planning, cache lookups, batched store
 * writes, scoring and progress events, measured in CPU time with an in-process adapter that answers at once; then
 * the same through HTTP with the real Ollama adapter against the loopback fake (its CPU included).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import pLimit from "p-limit";
import { loadBenchmark } from "../src/benchmark/benchmark.js";
import { type MathTaskConfig } from "../src/task-kinds/math/config.js";
import { createAdapter } from "../src/models/registry.js";
import type { CompletionRequest, CompletionResponse, ModelAdapter, Timeouts } from "../src/models/types.js";
import { planMath } from "../src/task-kinds/math/plan.js";
import { executePlan } from "../src/runner/execute.js";
import { DEFAULT_RETRY_POLICY } from "../src/runner/retry.js";
import { scoreGenerations } from "../src/runner/score-stage.js";
import { mathScorer, mathTargets } from "../src/task-kinds/math/score.js";
import { Store } from "../src/store/store.js";
import { loadMath500 } from "../src/task-kinds/math/problems.js";
import { startFakeOllama } from "../test/fakes/index.js";

const TIMEOUTS: Timeouts = { connectMs: 10_000, firstTokenMs: 60_000, idleMs: 60_000, totalMs: 120_000 };

/** Answers instantly with a boxed number, as a very fast server would. */
class InstantAdapter implements ModelAdapter {
  readonly provider = "instant";
  readonly spec = "instant:perf";
  async identify() {
    return { provider: "instant", name: "perf", endpoint: "memory", details: {} };
  }
  async complete(request: CompletionRequest): Promise<CompletionResponse> {
    return {
      text: `Reasoning about it.\n\nThe answer is $\\boxed{${request.sampling.seed! % 100}}$.`,
      finishReason: "stop",
      usage: { promptTokens: 100, completionTokens: 20 },
      timing: { startedAt: new Date().toISOString(), totalMs: 0 },
      served: {},
    };
  }
}

function cpuMs(start: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
}

export async function runHarnessPerf(opts: { dataDir: string; repoRoot: string }): Promise<string[]> {
  const benchmark = loadBenchmark(resolve(opts.repoRoot, "benchmarks/math500-stability.yaml"));
  const first = benchmark.tasks[0]!;
  if (first.task !== "math500") throw new Error("math500-stability.yaml must start with a math500 task");
  const task = first as MathTaskConfig;
  const problems = loadMath500(resolve(opts.dataDir, "math500/test.jsonl"));
  const lines = ["Harness performance (CPU per request, one process)"];
  const dir = mkdtempSync(join(tmpdir(), "persona-bench-perf-"));
  try {
    const plan = planMath(task, problems, "perf-model");
    let t = process.cpuUsage();
    let n = 0;
    for (const _ of plan.items()) n++;
    lines.push(`plan: ${n} items (500 problems x ${plan.personas.length} conditions), ${((cpuMs(t) * 1000) / n).toFixed(1)} µs CPU per item`);

    const store = Store.open(join(dir, "store.sqlite"));
    const run = () =>
      executePlan(plan.items(), plan.size, {
        runId: "perf",
        adapter: new InstantAdapter(),
        modelKey: "perf-model",
        store,
        limit: pLimit(16),
        timeouts: TIMEOUTS,
        retry: DEFAULT_RETRY_POLICY,
        onEvent: () => {},
      });
    t = process.cpuUsage();
    let wall = performance.now();
    const first = await run();
    lines.push(
      `run, cold cache: ${first.completed} requests, ${((cpuMs(t) * 1000) / first.completed).toFixed(0)} µs CPU per request ` +
        `(plan + cache lookup + SQLite commit + events), ${(first.completed / ((performance.now() - wall) / 1000)).toFixed(0)} requests/s`,
    );
    t = process.cpuUsage();
    wall = performance.now();
    const second = await run();
    lines.push(`run, warm cache: ${second.cached} cached requests skipped in ${(performance.now() - wall).toFixed(0)} ms (${((cpuMs(t) * 1000) / second.cached).toFixed(1)} µs CPU each)`);
    t = process.cpuUsage();
    const graded = await scoreGenerations(store, mathScorer(), mathTargets(plan));
    lines.push(`scoring: ${graded} generations graded and stored, ${((cpuMs(t) * 1000) / graded).toFixed(0)} µs CPU each`);
    store.close();

    const fake = await startFakeOllama({ models: [{ name: "perf:1b" }], respond: () => "The answer is $\\boxed{7}$.", tokenDelayMs: 1 });
    try {
      const adapter = createAdapter(`ollama:perf:1b@${fake.url}`, {});
      const httpStore = Store.open(join(dir, "http.sqlite"));
      const subset = planMath(task, problems.slice(0, 60), "perf-http");
      t = process.cpuUsage();
      wall = performance.now();
      const result = await executePlan(subset.items(), subset.size, {
        runId: "perf-http",
        adapter,
        modelKey: "perf-http",
        store: httpStore,
        limit: pLimit(8),
        timeouts: TIMEOUTS,
        retry: DEFAULT_RETRY_POLICY,
      });
      const seconds = (performance.now() - wall) / 1000;
      lines.push(
        `HTTP (real Ollama adapter, loopback fake in the same process, concurrency 8): ${result.completed} requests, ` +
          `${(result.completed / seconds).toFixed(0)} requests/s, ${((cpuMs(t) * 1000) / result.completed).toFixed(0)} µs CPU per request including the fake; max in flight ${fake.stats.maxInFlight}`,
      );
      httpStore.close();
      await adapter.close?.();
    } finally {
      await fake.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return lines;
}
