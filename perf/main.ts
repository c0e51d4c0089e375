/**
 * npm run perf: prints the harness's and the grader's speed figures and keeps them in reports/perf/. Targets live
 * here, not in tests. `npm run perf -- --only throughput,startup` runs a subset; `--profile` writes a CPU profile
 * of the harness at 64 in flight to reports/perf/profiles/.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { availableParallelism, cpus } from "node:os";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { runGradingPerf } from "./grading.js";
import { runHarnessPerf } from "./harness.js";
import { runAutoPerf } from "./auto.js";
import { runMemoryPerf, runPersonaGymMemoryPerf } from "./memory.js";
import { runOversizePerf } from "./oversize.js";
import { runCachedPerf, runStartupPerf } from "./startup.js";
import { runThroughputPerf } from "./throughput.js";
import { runViewerPerf } from "./viewer.js";

/** This file runs compiled from dist-perf/perf/, two levels below the repository. */
const repoRoot = fileURLToPath(new URL("../..", import.meta.url));
const dataDir = process.env.PERSONA_BENCH_TEST_DATA ?? resolve(repoRoot, "../shared/data");

const { values } = parseArgs({
  options: {
    only: { type: "string" },
    profile: { type: "boolean" },
    "in-flight": { type: "string" },
    samples: { type: "string" },
  },
});
const sections = values.only?.split(",") ?? ["grading", "harness", "viewer", "startup", "throughput", "cached", "auto", "memory", "personagym", "oversize"];
const stamp = new Date().toISOString().replace(/[:.]/g, "-");
const outDir = resolve(repoRoot, "reports/perf");
mkdirSync(outDir, { recursive: true });

const output: string[] = [];
const figures: Record<string, unknown> = {};
const print = (lines: string[]) => {
  for (const line of lines) console.log(line);
  output.push(...lines, "");
  console.log("");
};
print([
  `persona-bench perf ${stamp}`,
  `machine: ${availableParallelism()} cores (${cpus()[0]?.model ?? "unknown CPU"}), Node ${process.version}`,
  `command: npm run perf${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(" ")}` : ""}`,
]);

if (sections.includes("grading")) print(await runGradingPerf({ dataDir, fixturesDir: resolve(repoRoot, "fixtures") }));
if (sections.includes("harness")) print(await runHarnessPerf({ dataDir, repoRoot }));
if (sections.includes("viewer")) print(await runViewerPerf());
if (sections.includes("throughput")) {
  const inFlights = values["in-flight"]?.split(",").map(Number) ?? [8, 64, 256];
  const profileDir = values.profile ? resolve(outDir, "profiles") : undefined;
  const result = await runThroughputPerf({ repoRoot, dataDir, inFlights, ...(profileDir ? { profileDir } : {}) });
  figures.throughput = result.figures;
  print(result.lines);
}

if (sections.includes("startup")) {
  const result = await runStartupPerf({ repoRoot });
  figures.startup = result.figures;
  print(result.lines);
}
if (sections.includes("cached")) {
  const result = await runCachedPerf({ repoRoot, dataDir });
  figures.cached = result.figures;
  print(result.lines);
}
if (sections.includes("auto")) {
  const result = await runAutoPerf({ repoRoot, dataDir, ks: [4, 32] });
  figures.auto = result.figures;
  print(result.lines);
}
if (sections.includes("memory")) {
  // One sample (100,000 items) by default so npm run perf stays in minutes; --samples 10 runs the million.
  const result = await runMemoryPerf({ repoRoot, dataDir, samples: Number(values.samples ?? 1) });
  figures.memory = result.figures;
  print(result.lines);
}
if (sections.includes("personagym")) {
  const result = await runPersonaGymMemoryPerf({ repoRoot, dataDir });
  figures.personagym = result.figures;
  print(result.lines);
}
if (sections.includes("oversize")) {
  const result = await runOversizePerf({ repoRoot, dataDir });
  figures.oversize = result.figures;
  print(result.lines);
}

writeFileSync(resolve(outDir, `${stamp}.txt`), `${output.join("\n")}\n`);
writeFileSync(resolve(outDir, `${stamp}.json`), `${JSON.stringify({ stamp, cores: availableParallelism(), node: process.version, figures }, null, 2)}\n`);
console.log(`figures kept in reports/perf/${stamp}.txt and .json`);
