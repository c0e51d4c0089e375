import { loadBenchmark } from "../../src/benchmark/benchmark.js";
import type { DatasetOptions } from "../../src/datasets/datasets.js";
import { createAdapter } from "../../src/models/registry.js";
import { type BenchmarkOutcome, prepareBenchmark, runBenchmark } from "../../src/pipeline/run.js";
import { DEFAULT_RETRY_POLICY } from "../../src/runner/retry.js";
import { Store } from "../../src/store/store.js";
import { HANG_MS } from "./hang.js";

/**
 * A benchmark run through the library in this process (where a test has registered a task kind or dataset that a
 * CLI child process would not see): deadlines only a hang reaches, no backoff, the store closed afterwards.
 */
export async function runInProcess(
  benchmarkFile: string,
  modelSpec: string,
  storePath: string,
  data: DatasetOptions = {},
): Promise<BenchmarkOutcome> {
  const benchmark = loadBenchmark(benchmarkFile);
  const prepared = await prepareBenchmark(benchmark, data);
  const adapter = createAdapter(modelSpec, {});
  const store = Store.open(storePath);
  try {
    return await runBenchmark({
      benchmark,
      prepared,
      subject: { spec: adapter.spec, adapter, identity: await adapter.identify() },
      judges: [],
      store,
      concurrency: 2,
      timeouts: { connectMs: HANG_MS, firstTokenMs: HANG_MS, idleMs: HANG_MS, totalMs: HANG_MS },
      retry: { ...DEFAULT_RETRY_POLICY, baseDelayMs: 0 },
    });
  } finally {
    store.close();
    await adapter.close?.();
  }
}
