import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadBenchmark } from "../../src/benchmark/benchmark.js";
import type { Results } from "../../src/results/types.js";
import { Store } from "../../src/store/store.js";
import { type FakeOllama, startFakeOllama } from "../fakes/index.js";
import { runCli } from "../helpers/cli.js";
import { thrown } from "../helpers/errors.js";
import { fixturesDir } from "../helpers/paths.js";
import { mathSection } from "../helpers/sections.js";
import { SYNTHETIC_EXPECTED, syntheticRespond, syntheticRunArgs } from "../helpers/synthetic.js";

const bench = join(fixturesDir, "config", "bench-two-blocks.yaml");

describe("a benchmark with two blocks of one task kind", () => {
  let dir: string;
  let fake: FakeOllama;
  let results: Results;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "persona-bench-two-blocks-"));
    fake = await startFakeOllama({ models: [{ name: "synthetic:1b" }], respond: syntheticRespond });
    const run = await runCli(syntheticRunArgs(bench, fake.url, dir, ["--json"]));
    expect(run.stderr).not.toMatch(/internal error/);
    expect(run.code).toBe(0);
    results = JSON.parse(run.stdout) as Results;
  });
  afterAll(async () => {
    await fake.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("keeps one section per block, each with its own problems, personas and figures", () => {
    expect(Object.keys(results.tasks)).toEqual(["plain", "terse"]);
    const plain = mathSection(results, "plain");
    const terse = mathSection(results, "terse");
    expect(plain.prompt).toBe("Solve: {problem}");
    expect(terse.prompt).toBe("{problem}\nGive only the final answer.");
    expect(plain.items).toHaveLength(8);
    expect(terse.items).toEqual(plain.items!.slice(0, 4));
    for (const persona of plain.personas) {
      expect(persona.correct).toBe(SYNTHETIC_EXPECTED[persona.id]!.correct);
    }
    // The sailor misses "7 times 6" and "square root of 81", both among the first four problems.
    expect(terse.personas.map((p) => [p.id, p.correct, p.n])).toEqual([
      ["none", 4, 4],
      ["sailor", 2, 4],
    ]);
    expect(fake.stats.generations).toBe(8 * 4 + 4 * 2);
  });

  it("writes one CSV per block and records which generations each block used", () => {
    expect(readdirSync(join(dir, "reports", results.runId)).sort()).toEqual([
      "personas-plain.csv",
      "personas-terse.csv",
      "report.html",
      "results.json",
      "summary.md",
    ]);
    const store = Store.open(join(dir, "store.sqlite"));
    const members = store.runMembers(results.runId);
    store.close();
    expect(members.filter((m) => m.taskId === "plain")).toHaveLength(32);
    expect(members.filter((m) => m.taskId === "terse")).toHaveLength(8);
  });

  it("refuses two blocks with the same id, naming both", () => {
    const error = thrown(() => loadBenchmark(join(fixturesDir, "config", "bench-duplicate-ids.yaml")));
    expect(error.message).toMatch(
      /bench-duplicate-ids\.yaml:9: tasks\[1\]: duplicate task id "math500" \(also the id of tasks\[0\] on line 4\)/,
    );
  });
});
