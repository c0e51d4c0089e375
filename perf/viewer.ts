/**
 * The viewer's paging speed on a store of 1,000,000 generations (synthetic rows): the time of one page of 50 for
 * the filters a user picks, first page and deep pages, and of the other endpoints. Reported, not asserted; the
 * target is under 100 ms per page.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadResults } from "../src/results/load.js";
import { ViewerData } from "../src/viewer/data.js";
import type { GenerationFilter } from "../src/viewer/types.js";
import { startViewerServer } from "../src/viewer/server.js";
import { buildSyntheticStore } from "./viewer-store.js";

const PERSONAS = ["none", ...Array.from({ length: 9 }, (_, i) => `persona-${i + 1}`)];
const PROBLEMS = 2000;
const SAMPLES = 50;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function time(fn: () => unknown, repeats = 5): { ms: number; result: unknown } {
  let result: unknown;
  const times: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const start = performance.now();
    result = fn();
    times.push(performance.now() - start);
  }
  return { ms: median(times), result };
}

export async function runViewerPerf(): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), "persona-bench-viewer-perf-"));
  try {
    const path = join(dir, "store.sqlite");
    const started = performance.now();
    const { generations } = buildSyntheticStore(path, [
      {
        runId: "big",
        personas: PERSONAS,
        problems: PROBLEMS,
        samples: SAMPLES,
        // One problem near the end failed for every persona: a rare verdict whose rows sit at the far end.
        failedProblems: [PROBLEMS - 2],
      },
    ]);
    const built = (performance.now() - started) / 1000;
    const lines = [
      `viewer: synthetic store of ${(generations + PERSONAS.length * SAMPLES).toLocaleString("en")} members (${generations.toLocaleString("en")} generations, ${PERSONAS.length} personas x ${PROBLEMS} problems x ${SAMPLES} samples) built in ${built.toFixed(1)} s`,
    ];
    const data = new ViewerData(path, join(dir, "reports"), loadResults);
    const page = (filter: Omit<GenerationFilter, "run">, paging: { after?: number; before?: number } = {}) =>
      data.generations({ run: "big", ...filter }, { limit: 50, ...paging });
    const last = (data.db.prepare("SELECT MAX(rowid) AS r FROM run_members").get() as { r: number }).r;
    const indexStart = performance.now();
    data.verdictIndex("big");
    lines.push(
      `viewer: ${"first verdict filter of a run (builds its verdict index, once)".padEnd(52)} ${(performance.now() - indexStart).toFixed(1).padStart(7)} ms`,
    );
    const cases: [string, () => unknown][] = [
      ["first page, no filter", () => page({})],
      ["deep page (after row 900,000), no filter", () => page({}, { after: 900_000 })],
      ["previous page from the end", () => page({}, { before: last })],
      ["one persona", () => page({ persona: "persona-5" })],
      ["one persona, deep page", () => page({ persona: "persona-5" }, { after: 900_000 })],
      ["one persona's wrong answers", () => page({ persona: "persona-5", verdict: "wrong" })],
      ["no answer (5%), any persona", () => page({ verdict: "none" })],
      ["extraction path none", () => page({ path: "none" })],
      ["failed (rows only at the end of the run)", () => page({ verdict: "failed" })],
      ["one problem (compare's rows)", () => page({ item: "test/algebra/1234.json" })],
      ["compare: one problem, every persona, full texts", () => data.compare("big", "math500", "test/algebra/1234.json")],
      ["transcript", () => data.transcript("big", "big-3-1500-7")?.generation?.text.length],
      ["run facets (personas, tasks, stages)", () => data.facets("big")],
      ["runs list", () => data.runs()],
    ];
    for (const [name, fn] of cases) {
      const { ms, result } = time(fn);
      const count = (result as { count?: number; countCapped?: boolean } | undefined)?.count;
      const capped = (result as { countCapped?: boolean } | undefined)?.countCapped;
      const counted = count === undefined ? "" : `  (${capped ? ">" : ""}${count.toLocaleString("en")} matching)`;
      lines.push(`viewer: ${name.padEnd(52)} ${ms.toFixed(1).padStart(7)} ms${counted}`);
    }
    const server = await startViewerServer({ data, port: 0 });
    try {
      const times: number[] = [];
      for (let i = 0; i < 5; i++) {
        const start = performance.now();
        const response = await fetch(`${server.url}api/generations?run=big&persona=persona-5&verdict=wrong&limit=50`);
        await response.json();
        times.push(performance.now() - start);
      }
      lines.push(`viewer: ${"HTTP GET one persona's wrong answers (JSON, loopback)".padEnd(52)} ${median(times).toFixed(1).padStart(7)} ms`);
    } finally {
      await server.close();
      data.close();
    }
    return lines;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
