import type { DatasetOptions } from "../../src/datasets/datasets.js";
import { evaluate } from "../../src/pipeline/evaluate.js";
import type { BenchmarkOutcome } from "../../src/pipeline/run.js";
import { HANG_MS } from "./hang.js";

/**
 * A benchmark run through the library's door in this process (where a test has registered a task kind or dataset
 * that a CLI child process would not see): deadlines only a hang reaches, no backoff.
 */
export async function runInProcess(
  benchmarkFile: string,
  modelSpec: string,
  storePath: string,
  data: Pick<DatasetOptions, "cacheDir" | "env"> = {},
): Promise<BenchmarkOutcome> {
  const env = { ...(data.env ?? process.env) };
  if (data.cacheDir) env.PERSONA_BENCH_CACHE_DIR = data.cacheDir;
  return evaluate(benchmarkFile, {
    model: modelSpec,
    store: storePath,
    env,
    concurrency: 2,
    timeouts: { connectMs: HANG_MS, firstTokenMs: HANG_MS, idleMs: HANG_MS, totalMs: HANG_MS },
    retry: { baseDelayMs: 0 },
  });
}
