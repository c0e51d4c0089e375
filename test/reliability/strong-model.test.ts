/**
 * A strong model must not crash the run after its model calls: with every persona perfect, the persona lottery came
 * out as 1.0000000000000002, the results schema refused it, and `run` exited 70 after all the calls, on every
 * re-run. The repro, through the built CLI: `run benchmarks/math500-quick.yaml --limit 1 --seed 1` against a
 * fake server whose model answers every problem right.
 */
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadResults } from "../../src/results/load.js";
import { SimulatedModel } from "../e2e/simulated-model.js";
import { type FakeOpenAI, startFakeOpenAI } from "../fakes/index.js";
import { runArgs, runCli } from "../helpers/cli.js";
import { requireSharedData } from "../helpers/paths.js";
import { mathSection } from "../helpers/sections.js";
import { tempDir } from "../helpers/tmp.js";

describe("a run where every persona is perfect", () => {
  let fake: FakeOpenAI;
  beforeAll(async () => {
    requireSharedData();
    const model = new SimulatedModel(1, () => ({ correct: 1, noAnswer: 0 }));
    fake = await startFakeOpenAI({ respond: model.respond });
  });
  afterAll(async () => {
    await fake.close();
  });

  it("run benchmarks/math500-quick.yaml --limit 1 --seed 1 finishes with a valid results.json", async () => {
    const dir = tempDir();
    const args = runArgs("benchmarks/math500-quick.yaml", `openai:strong@${fake.baseUrl}`, dir, [
      "--limit",
      "1",
      "--seed",
      "1",
      "--json",
    ]);
    const { code, stdout, stderr } = await runCli(args);
    expect(stderr).not.toMatch(/internal error|do not match/);
    expect(code).toBe(0);
    const runId = (JSON.parse(stdout) as { runId: string }).runId;
    // Read back through the loader, which validates against the schema.
    const section = mathSection(loadResults(join(dir, "reports", runId, "results.json")));
    expect(section.personas.every((p) => p.accuracy === 1)).toBe(true);
    expect(section.summary!.expectedMaxAtK).toEqual(Array.from({ length: 8 }, () => 1));
    expect(section.summary!.lottery!.expectedMaxAtK).toEqual(Array.from({ length: 7 }, () => 1));
  });
});
