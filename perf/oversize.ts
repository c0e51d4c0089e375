/**
 * Peak memory of answers far beyond max_tokens: the CLI runs one MATH500 problem under the control and three
 * personas (max_tokens 256, so 4 requests) against a fake that answers every request with a 50 MB stream. The
 * adapters stop reading at the response bound (src/models/response-limit.ts), so peak RSS and the store stay small;
 * before the bound the same run peaked at 839 MB of RSS and left a 210 MB store.
 */
import { mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startFakeOpenAI } from "../test/fakes/index.js";
import { runNode } from "./processes.js";
import { cliArgs } from "./throughput.js";

const FLOOD_BYTES = 50 * 1024 * 1024;

function writeBenchmark(dir: string): string {
  const catalog = [
    "id: oversize-personas",
    'version: "1"',
    'default_template: "You are {persona}."',
    "personas:",
    ...["a night watchman", "a tax accountant", "a ship captain"].flatMap((text, i) => [
      `  - id: persona-${i}`,
      `    text: "${text}"`,
      "    category: perf",
    ]),
    "",
  ].join("\n");
  writeFileSync(join(dir, "catalog.yaml"), catalog);
  const bench = [
    "id: perf-oversize",
    "tasks:",
    "  - task: math500",
    `    catalog: ${JSON.stringify(join(dir, "catalog.yaml"))}`,
    "    limit: 1",
    "    samples: 1",
    '    prompt: "{problem}\\n\\nPlease reason step by step, and put your final answer within \\\\boxed{}."',
    "    persona_placement: system",
    "    decoding:",
    "      temperature: 0",
    "      top_p: 1",
    "      max_tokens: 256",
    "      seed: 7",
    "",
  ].join("\n");
  const file = join(dir, "bench.yaml");
  writeFileSync(file, bench);
  return file;
}

export async function runOversizePerf(opts: {
  repoRoot: string;
  dataDir: string;
}): Promise<{ lines: string[]; figures: unknown }> {
  const fake = await startFakeOpenAI({
    respond: () => ({ fault: "flood", bytes: FLOOD_BYTES, eventBytes: 64 * 1024 }),
  });
  const dir = mkdtempSync(join(tmpdir(), "persona-bench-perf-oversize-"));
  try {
    const bench = writeBenchmark(dir);
    const run = await runNode(
      cliArgs({ repoRoot: opts.repoRoot, dataDir: opts.dataDir, benchmark: bench, url: fake.baseUrl, concurrency: 4, dir }),
    );
    if (run.code !== 0) throw new Error(`oversize run exited with ${run.code}: ${run.stderr.slice(-2000)}`);
    const store = join(dir, "store.sqlite");
    const storeKb = [store, `${store}-wal`].reduce((n, f) => n + (statSafe(f) ?? 0), 0) / 1024;
    const peakMb = (run.maxRssKb ?? 0) / 1024;
    const sentMb = fake.stats.floodBytes / (1024 * 1024);
    return {
      lines: [
        "Oversized answers: 4 requests (max_tokens 256) each answered with a 50 MB stream",
        "  node dist/cli/bin.js run <bench.yaml: one problem, control + 3 personas> --model openai:perf-model@<url>/v1 --concurrency 4",
        `  ${fake.stats.generations} requests, exit ${run.code}, peak RSS ${peakMb.toFixed(0)} MB, store ${storeKb.toFixed(0)} KB, ` +
          `${sentMb.toFixed(1)} MB of ${((4 * FLOOD_BYTES) / (1024 * 1024)).toFixed(0)} MB sent before the client left; ` +
          "before the response bound: 839 MB peak RSS and a 210 MB store",
      ],
      figures: { requests: fake.stats.generations, peakRssMb: peakMb, storeKb, sentMb, wallS: run.wallMs / 1000 },
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await fake.close();
  }
}

function statSafe(file: string): number | undefined {
  try {
    return statSync(file).size;
  } catch {
    return undefined;
  }
}
