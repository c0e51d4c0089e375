/**
 * `--concurrency auto` against servers of known capacity k: one that queues beyond k slots (llama-server, Ollama)
 * and one that answers 429 above k in flight (a rate-limited API). Prints where the limit settled.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runNode, spawnPerfServer } from "./processes.js";
import { cliArgs } from "./throughput.js";

const LIMIT = 50;

export async function runAutoPerf(opts: { repoRoot: string; dataDir: string; ks: number[] }): Promise<{ lines: string[]; figures: unknown[] }> {
  const lines = [
    "Concurrency auto: node dist/cli/bin.js run benchmarks/math500-stability.yaml --limit 50 --concurrency auto (1,900 requests)",
    "  against node dist-perf/perf/fake-server.js --delay 50 --slots k (queues beyond k) or --reject-above k (429 above k)",
  ];
  const figures: unknown[] = [];
  for (const k of opts.ks) {
    for (const mode of ["slots", "reject-above"] as const) {
      const server = await spawnPerfServer(["--delay", "50", `--${mode}`, String(k)]);
      const dir = mkdtempSync(join(tmpdir(), "persona-bench-perf-auto-"));
      try {
        const run = await runNode(
          cliArgs({
            repoRoot: opts.repoRoot,
            dataDir: opts.dataDir,
            benchmark: "benchmarks/math500-stability.yaml",
            url: `${server.url}/v1`,
            concurrency: "auto",
            dir,
            extra: ["--limit", String(LIMIT)],
          }),
        );
        const stats = await server.stats();
        const settled = /settled near (\d+) in flight \(last (\d+), after (\d+) rounds\)/.exec(run.stderr);
        const figure = {
          k,
          mode,
          code: run.code,
          settled: settled ? Number(settled[1]) : null,
          rounds: settled ? Number(settled[3]) : null,
          serverMaxInFlight: stats.maxInFlight,
          rejected: stats.rejected,
          wallS: run.wallMs / 1000,
          perS: stats.completions / ((stats.lastEnd - stats.firstStart) / 1000),
        };
        figures.push(figure);
        lines.push(
          `  k=${String(k).padStart(2)} ${mode === "slots" ? "queues beyond k " : "429 above k     "}: settled near ${figure.settled} in flight after ${figure.rounds} rounds; ` +
            `${figure.perS.toFixed(0)} answers/s (capacity ${(k / 0.05).toFixed(0)}/s), ${figure.rejected} requests rejected, exit ${run.code}, ${figure.wallS.toFixed(1)} s`,
        );
      } finally {
        rmSync(dir, { recursive: true, force: true });
        await server.close();
      }
    }
  }
  return { lines, figures };
}
