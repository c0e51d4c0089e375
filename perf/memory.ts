/**
 * Peak RSS of a large plan: a generated catalog of 199 personas plus the control over the 500 MATH500 problems,
 * with `samples` samples each (10 samples = 1,000,000 requests), run through the CLI against the fake server
 * (answers at once) in its own process. The plan, the results and the store lookups must stream: peak RSS stays
 * flat as the plan grows.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runNode, spawnPerfServer } from "./processes.js";
import { cliArgs } from "./throughput.js";

const PERSONAS = 199;

function writeLargeBenchmark(dir: string, samples: number): string {
  const catalog = [
    "id: perf-personas",
    'version: "1"',
    'default_template: "You are {persona}."',
    "personas:",
    ...Array.from({ length: PERSONAS }, (_, i) => [
      `  - id: perf-persona-${i}`,
      `    text: "persona number ${i}, who has opinions about the number ${i * 7}"`,
      "    category: perf",
    ]).flat(),
    "",
  ].join("\n");
  writeFileSync(join(dir, "catalog.yaml"), catalog);
  const bench = [
    "id: perf-large",
    "tasks:",
    "  - task: math500",
    `    catalog: ${JSON.stringify(join(dir, "catalog.yaml"))}`,
    `    samples: ${samples}`,
    '    prompt: "{problem}\\n\\nPlease reason step by step, and put your final answer within \\\\boxed{}."',
    "    persona_placement: system",
    "    decoding:",
    "      temperature: 0.7",
    "      top_p: 1",
    "      max_tokens: 4096",
    "      seed: 1234",
    "",
  ].join("\n");
  const file = join(dir, "bench.yaml");
  writeFileSync(file, bench);
  return file;
}

/** A full PersonaGym run (benchmarks/personagym.yaml, 200 personas) with two judges, against the same fake. */
export async function runPersonaGymMemoryPerf(opts: {
  repoRoot: string;
  dataDir: string;
}): Promise<{ lines: string[]; figures: unknown }> {
  const server = await spawnPerfServer(["--delay", "0"]);
  const dir = mkdtempSync(join(tmpdir(), "persona-bench-perf-pg-"));
  try {
    const run = await runNode(
      cliArgs({
        repoRoot: opts.repoRoot,
        dataDir: opts.dataDir,
        benchmark: "benchmarks/personagym.yaml",
        url: `${server.url}/v1`,
        concurrency: 64,
        dir,
        extra: ["--judge", `openai:judge-a@${server.url}/v1`, "--judge", `openai:judge-b@${server.url}/v1`],
      }),
    );
    const sent = (await server.stats()).completions;
    const peakMb = (run.maxRssKb ?? 0) / 1024;
    return {
      lines: [
        "Memory: a full PersonaGym run, two judges",
        "  node dist/cli/bin.js run benchmarks/personagym.yaml --model openai:perf-model@<url>/v1 --judge openai:judge-a@<url>/v1 --judge openai:judge-b@<url>/v1 --concurrency 64",
        `  ${sent} requests in ${(run.wallMs / 1000).toFixed(0)} s, exit ${run.code}, peak RSS ${peakMb.toFixed(0)} MB; target < 300 MB`,
      ],
      figures: { requests: sent, wallS: run.wallMs / 1000, peakRssMb: peakMb, code: run.code },
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await server.close();
  }
}

export async function runMemoryPerf(opts: {
  repoRoot: string;
  dataDir: string;
  samples: number;
}): Promise<{ lines: string[]; figures: unknown }> {
  const server = await spawnPerfServer(["--delay", "0"]);
  const dir = mkdtempSync(join(tmpdir(), "persona-bench-perf-memory-"));
  try {
    const bench = writeLargeBenchmark(dir, opts.samples);
    const items = (PERSONAS + 1) * 500 * opts.samples;
    const run = await runNode(
      cliArgs({ repoRoot: opts.repoRoot, dataDir: opts.dataDir, benchmark: bench, url: `${server.url}/v1`, concurrency: 256, dir }),
    );
    if (run.code !== 0) throw new Error(`large run exited with ${run.code}: ${run.stderr.slice(-2000)}`);
    const sent = (await server.stats()).completions;
    const peakMb = (run.maxRssKb ?? 0) / 1024;
    return {
      lines: [
        `Memory: a ${items.toLocaleString("en-US")}-item plan (${PERSONAS} personas + control x 500 problems x ${opts.samples} samples)`,
        `  node dist/cli/bin.js run <generated bench.yaml> --model openai:perf-model@<url>/v1 --concurrency 256 (fake answers at once)`,
        `  ${sent} requests in ${(run.wallMs / 1000).toFixed(0)} s, peak RSS ${peakMb.toFixed(0)} MB; target < 400 MB for 1,000,000 items` +
          (opts.samples < 10 ? " (this run is smaller: npm run perf -- --only memory --samples 10 for the full plan)" : ""),
      ],
      figures: { items, requests: sent, wallS: run.wallMs / 1000, peakRssMb: peakMb },
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await server.close();
  }
}
