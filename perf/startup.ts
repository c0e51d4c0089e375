/** Start-up and the cached re-run: how long a user waits when there is nothing to send. */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { runNode, spawnPerfServer } from "./processes.js";
import { cliArgs } from "./throughput.js";

export async function runStartupPerf(opts: { repoRoot: string }): Promise<{ lines: string[]; figures: unknown }> {
  const cli = resolve(opts.repoRoot, "dist/cli/bin.js");
  const times: number[] = [];
  for (let i = 0; i < 7; i++) times.push((await runNode([cli, "--help"])).wallMs);
  times.sort((a, b) => a - b);
  const median = times[3]!;
  return {
    lines: [
      "Start-up: node dist/cli/bin.js --help, wall time from spawn to exit, median of 7",
      `  ${median.toFixed(0)} ms (fastest ${times[0]!.toFixed(0)} ms, slowest ${times[6]!.toFixed(0)} ms); target < 300 ms`,
    ],
    figures: { helpMs: median },
  };
}

/** The default benchmark (19,000 requests without a judge) once to fill the store, then again, timed. */
export async function runCachedPerf(opts: { repoRoot: string; dataDir: string }): Promise<{ lines: string[]; figures: unknown }> {
  const server = await spawnPerfServer(["--delay", "0"]);
  const dir = mkdtempSync(join(tmpdir(), "persona-bench-perf-cached-"));
  try {
    const args = cliArgs({
      repoRoot: opts.repoRoot,
      dataDir: opts.dataDir,
      benchmark: "benchmarks/default.yaml",
      url: `${server.url}/v1`,
      concurrency: 64,
      dir,
    });
    const cold = await runNode(args);
    if (cold.code !== 0) throw new Error(`cold run exited with ${cold.code}: ${cold.stderr.slice(-2000)}`);
    const sent = (await server.stats()).completions;
    await server.reset();
    const warm = await runNode(args);
    if (warm.code !== 0) throw new Error(`cached run exited with ${warm.code}: ${warm.stderr.slice(-2000)}`);
    const again = (await server.stats()).completions;
    return {
      lines: [
        "Cached re-run: node dist/cli/bin.js run benchmarks/default.yaml --model openai:perf-model@<url>/v1 --concurrency 64 --store <same>",
        `  first run: ${sent} requests in ${(cold.wallMs / 1000).toFixed(1)} s (${(cold.cpuMs! / 1000).toFixed(1)} s CPU, peak RSS ${(cold.maxRssKb! / 1024).toFixed(0)} MB)`,
        `  re-run, all cached: ${(warm.wallMs / 1000).toFixed(2)} s start to exit, ${again} requests, ${(warm.cpuMs! / 1000).toFixed(2)} s CPU, peak RSS ${(warm.maxRssKb! / 1024).toFixed(0)} MB; target < 3 s with 0 requests`,
      ],
      figures: { coldRequests: sent, coldS: cold.wallMs / 1000, cachedS: warm.wallMs / 1000, cachedRequests: again },
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await server.close();
  }
}
