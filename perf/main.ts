/** npm run perf: prints the harness's and the grader's speed figures. Targets live here, not in tests. */
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { runGradingPerf } from "./grading.js";
import { runHarnessPerf } from "./harness.js";
import { runViewerPerf } from "./viewer.js";

/** This file runs compiled from dist-perf/perf/, two levels below the repository. */
const repoRoot = fileURLToPath(new URL("../..", import.meta.url));
const dataDir = process.env.PERSONA_BENCH_TEST_DATA ?? resolve(repoRoot, "../shared/data");

for (const line of await runGradingPerf({ dataDir, fixturesDir: resolve(repoRoot, "fixtures") })) console.log(line);
console.log("");
for (const line of await runHarnessPerf({ dataDir, repoRoot })) console.log(line);
console.log("");
for (const line of await runViewerPerf()) console.log(line);
