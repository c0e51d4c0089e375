/**
 * The harness next to a bare client, end to end: the fake server runs in its own process and answers every chat
 * completion after 50 ms; a bare Node `fetch` loop (non-streaming) and `persona-bench run` (plan, cache lookup,
 * streaming request, grade, store) each send the same number of requests at the same number in flight. Rates are
 * taken from the server's clock (first request in to last answer out), CPU from each whole client process.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { type ProcessRun, runNode, spawnPerfServer, type ServerStats } from "./processes.js";

const here = fileURLToPath(new URL(".", import.meta.url));
export const DELAY_MS = 50;
/** `benchmarks/math500-stability.yaml --limit 100`: 38 conditions x 100 problems. */
const LIMIT = 100;

export interface ThroughputFigure {
  inFlight: number;
  requests: number;
  idealPerS: number;
  bare: { perS: number; cpuMsPerRequest: number; meanInFlight: number };
  harness: {
    perS: number;
    cpuMsPerRequest: number;
    wallS: number;
    maxRssMb: number;
    code: number | null;
    connections: number;
    meanInFlight: number;
  };
}

function rate(stats: ServerStats): number {
  return stats.completions / ((stats.lastEnd - stats.firstStart) / 1000);
}

/** Requests the client really kept open on average (Little's law: rate x time in the system). */
function meanInFlight(stats: ServerStats): number {
  return (stats.latencySumMs / (stats.lastEnd - stats.firstStart)) * 1;
}

export function cliArgs(opts: {
  repoRoot: string;
  dataDir: string;
  benchmark: string;
  url: string;
  concurrency: number | string;
  dir: string;
  extra?: string[];
}): string[] {
  return [
    resolve(opts.repoRoot, "dist/cli/bin.js"),
    "run",
    resolve(opts.repoRoot, opts.benchmark),
    "--model",
    `openai:perf-model@${opts.url}`,
    "--concurrency",
    String(opts.concurrency),
    "--data-dir",
    opts.dataDir,
    "--no-download",
    "--store",
    join(opts.dir, "store.sqlite"),
    "--out",
    join(opts.dir, "reports"),
    ...(opts.extra ?? []),
  ];
}

function check(run: ProcessRun, what: string): void {
  if (run.code !== 0) throw new Error(`${what} exited with ${run.code}: ${run.stderr.slice(-2000)}`);
}

export async function runThroughputPerf(opts: {
  repoRoot: string;
  dataDir: string;
  inFlights: number[];
  profileDir?: string;
}): Promise<{ lines: string[]; figures: ThroughputFigure[] }> {
  const server = await spawnPerfServer(["--delay", String(DELAY_MS)]);
  const figures: ThroughputFigure[] = [];
  const lines = [
    `Throughput next to a bare client (fake server in its own process, answers after ${DELAY_MS} ms)`,
    `  server:  node dist-perf/perf/fake-server.js --delay ${DELAY_MS}`,
    "  bare:    node dist-perf/perf/bare-client.js <url>/v1 <requests> <in flight>   (fetch loop, non-streaming)",
    `  harness: node dist/cli/bin.js run benchmarks/math500-stability.yaml --limit ${LIMIT} --model openai:perf-model@<url>/v1 --concurrency <in flight> --store <fresh> (streaming)`,
    "  in flight | ideal req/s | bare req/s | harness req/s | harness/bare | bare CPU ms/req | harness CPU ms/req | harness/bare CPU | harness peak RSS",
  ];
  try {
    for (const inFlight of opts.inFlights) {
      const dir = mkdtempSync(join(tmpdir(), "persona-bench-perf-"));
      try {
        const requests = LIMIT * 38;
        await server.reset();
        const bare = await runNode([join(here, "bare-client.js"), `${server.url}/v1`, String(requests), String(inFlight)]);
        check(bare, "bare client");
        const bareStats = await server.stats();
        await server.reset();
        const profiling = opts.profileDir !== undefined && inFlight === 64;
        const harness = await runNode(
          cliArgs({
            repoRoot: opts.repoRoot,
            dataDir: opts.dataDir,
            benchmark: "benchmarks/math500-stability.yaml",
            url: `${server.url}/v1`,
            concurrency: inFlight,
            dir,
            extra: ["--limit", String(LIMIT)],
          }),
          profiling ? { nodeFlags: ["--cpu-prof", "--cpu-prof-dir", opts.profileDir!] } : {},
        );
        check(harness, "persona-bench run");
        const harnessStats = await server.stats();
        if (harnessStats.completions !== requests)
          throw new Error(`harness sent ${harnessStats.completions} requests, expected ${requests}`);
        const figure: ThroughputFigure = {
          inFlight,
          requests,
          idealPerS: inFlight / (DELAY_MS / 1000),
          bare: {
            perS: rate(bareStats),
            cpuMsPerRequest: (bare.cpuMs ?? Number.NaN) / requests,
            meanInFlight: meanInFlight(bareStats),
          },
          harness: {
            perS: rate(harnessStats),
            cpuMsPerRequest: (harness.cpuMs ?? Number.NaN) / requests,
            wallS: harness.wallMs / 1000,
            maxRssMb: (harness.maxRssKb ?? 0) / 1024,
            code: harness.code,
            connections: harnessStats.connections,
            meanInFlight: meanInFlight(harnessStats),
          },
        };
        figures.push(figure);
        lines.push(
          `  ${String(inFlight).padStart(9)} | ${figure.idealPerS.toFixed(0).padStart(11)} | ${figure.bare.perS.toFixed(0).padStart(10)} | ` +
            `${figure.harness.perS.toFixed(0).padStart(13)} | ${((figure.harness.perS / figure.bare.perS) * 100).toFixed(0).padStart(11)}% | ` +
            `${figure.bare.cpuMsPerRequest.toFixed(2).padStart(15)} | ${figure.harness.cpuMsPerRequest.toFixed(2).padStart(18)} | ` +
            `${(figure.harness.cpuMsPerRequest / figure.bare.cpuMsPerRequest).toFixed(2).padStart(15)}x | ${figure.harness.maxRssMb.toFixed(0)} MB, ${figure.harness.connections} connections; ` +
            `mean in flight at the server: bare ${figure.bare.meanInFlight.toFixed(1)}, harness ${figure.harness.meanInFlight.toFixed(1)}`,
        );
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
  } finally {
    await server.close();
  }
  lines.push("  targets: harness >= 90% of the bare client's requests/s; harness CPU per request <= 1.5x the bare client's");
  return { lines, figures };
}
