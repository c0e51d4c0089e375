import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadResults, parseResults } from "../../src/results/load.js";
import type { Results } from "../../src/results/types.js";
import { GRADER_VERSION } from "../../src/scoring/math/index.js";
import { type FakeOllama, startFakeOllama } from "../fakes/index.js";
import { runCli } from "../helpers/cli.js";
import { fixturesDir } from "../helpers/paths.js";
import { holmAdjusted, mcnemar } from "../helpers/reference-statistics.js";
import { mathSection } from "../helpers/sections.js";
import {
  SYNTHETIC_EXPECTED,
  syntheticBench,
  syntheticRespond,
  syntheticRunArgs,
} from "../helpers/synthetic.js";

const v1File = join(fixturesDir, "store", "v1-results.json");

/** A fresh version-2 run of the same benchmark and model answers that produced the version-1 fixture. */
describe("results.json version 2", () => {
  let fake: FakeOllama;
  let dir: string;
  let file: string;
  let v2: Results;

  beforeAll(async () => {
    fake = await startFakeOllama({ models: [{ name: "synthetic:1b" }], respond: syntheticRespond });
    dir = mkdtempSync(join(tmpdir(), "persona-bench-contract-"));
    const run = await runCli(syntheticRunArgs(syntheticBench, fake.url, dir));
    expect(run.stderr).not.toMatch(/internal error/);
    expect(run.code).toBe(0);
    const v1RunId = (JSON.parse(readFileSync(v1File, "utf8")) as Results).runId;
    file = join(dir, "reports", v1RunId, "results.json");
    v2 = loadResults(file);
  });
  afterAll(async () => {
    await fake.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("has the common frame, and the same figures version 1 reported for the same answers", () => {
    expect(v2.schemaVersion).toMatch(/^2\./);
    expect(Object.keys(v2.tasks)).toEqual(["math500"]);
    const math = mathSection(v2);
    expect(math).toMatchObject({
      id: "math500",
      kind: "math",
      dataset: { name: "math500", hash: math.dataset.sha256, pinned: false, origin: "data-dir" },
      scorer: { name: "math-grader", version: GRADER_VERSION },
      statistics: { alpha: 0.05, bootstrap: { resamples: 2000, seed: 20_260_410, level: 0.95 } },
    });
    expect(math.items).toHaveLength(8);
    const headline = Object.fromEntries(math.headline.map((h) => [h.metric, h]));
    expect(Object.keys(headline)).toEqual([
      "controlAccuracy",
      "meanAccuracy",
      "worstAccuracy",
      "pss",
      "consistencyRate",
    ]);
    expect(headline.controlAccuracy!.value).toBe(1);
    expect(headline.controlAccuracy!.ci95).toEqual(math.personas[0]!.ci95);
    expect(headline.meanAccuracy!.value).toBeCloseTo((1 + 0.625 + 0.875) / 3, 12);
    expect(headline.worstAccuracy!.value).toBe(0.625);
    expect(headline.pss!.value).toBe(math.summary!.pss);
    for (const metric of ["meanAccuracy", "worstAccuracy", "pss"]) {
      const { value, ci95 } = headline[metric]!;
      expect(ci95![0]).toBeLessThanOrEqual(value!);
      expect(ci95![1]).toBeGreaterThanOrEqual(value!);
    }

    // Version 1 of the same run: every figure it had is unchanged (the new fields aside).
    const v1 = JSON.parse(readFileSync(v1File, "utf8")) as { tasks: { math500: Record<string, unknown> } };
    const old = v1.tasks.math500 as unknown as typeof math;
    expect(math.personas.map(({ outcomes: _o, ...rest }) => rest)).toEqual(old.personas);
    const { intervals: _intervals, expectedMaxAtK, lottery, ...summary } = math.summary!;
    const { expectedMaxAtK: oldCurve, lottery: oldLottery, ...oldSummary } = old.summary!;
    expect(summary).toEqual(oldSummary);
    // The persona lottery is computed in shortfall form since version 2 (it can no longer exceed 1): the same
    // figures up to the last bit, where it now rounds correctly (5/6 is 0.8333333333333334; version 1 wrote ...33).
    const sameCurve = (curve: number[], oldOne: number[]) => {
      expect(curve).toHaveLength(oldOne.length);
      curve.forEach((value, k) => {
        expect(value).toBeCloseTo(oldOne[k]!, 15);
      });
    };
    sameCurve(expectedMaxAtK, oldCurve);
    expect(lottery?.personas).toEqual(oldLottery?.personas);
    sameCurve(lottery?.expectedMaxAtK ?? [], oldLottery?.expectedMaxAtK ?? []);
    expect(expectedMaxAtK).toEqual([5 / 6, 23 / 24, 1]);
  });

  it("carries per-item verdicts that reproduce every per-persona count, accuracy and McNemar p-value", () => {
    const math = mathSection(v2);
    const outcomesOf = (id: string) => math.personas.find((p) => p.id === id)!.outcomes!;
    for (const persona of math.personas) {
      const codes = [...persona.outcomes!];
      expect(codes).toHaveLength(math.items!.length * math.samples);
      const correct = codes.filter((c) => c.toLowerCase() === "c").length;
      const noAnswer = codes.filter((c) => c.toLowerCase() === "n").length;
      expect(correct).toBe(SYNTHETIC_EXPECTED[persona.id]!.correct);
      expect(noAnswer).toBe(SYNTHETIC_EXPECTED[persona.id]!.noAnswer);
      expect(persona.correct).toBe(correct);
      expect(persona.n).toBe(codes.length);
      expect(persona.accuracy).toBe(correct / codes.length);
      expect(persona.extractionFailures).toBe(noAnswer);
      expect(persona.truncated).toBe(codes.filter((c) => c !== c.toLowerCase()).length);
    }
    const control = [...outcomesOf("none")];
    const personas = math.personas.slice(1);
    const raw = personas.map((persona) => {
      const mine = [...persona.outcomes!];
      const b = mine.filter((c, i) => c === "c" && control[i] !== "c").length;
      const c = mine.filter((code, i) => code !== "c" && control[i] === "c").length;
      expect(persona.discordant).toEqual({ personaOnly: b, controlOnly: c });
      return mcnemar(b, c);
    });
    expect(personas.map((p) => p.pValue)).toEqual(raw);
    const holm = holmAdjusted(raw);
    personas.forEach((persona, i) => {
      expect(persona.pValueHolm).toBeCloseTo(holm[i]!, 12);
    });
  });

  it("is read by a 2.0 reader when a 2.1 writer added fields anywhere", () => {
    const newer = JSON.parse(readFileSync(file, "utf8"));
    newer.schemaVersion = "2.1.0";
    newer.provenance = { gitCommit: "abc" };
    newer.tasks.math500.calibration = { ece: 0.1 };
    newer.tasks.math500.headline[0].sparkline = [1, 2];
    newer.tasks.math500.personas[1].tokens = 123;
    newer.tasks.math500.statistics.newMethod = "x";
    const newerFile = join(dir, "newer.json");
    writeFileSync(newerFile, JSON.stringify(newer));
    const loaded = loadResults(newerFile);
    expect(loaded.schemaVersion).toBe("2.1.0");
    expect(mathSection(loaded).personas[1]!.accuracy).toBe(mathSection(v2).personas[1]!.accuracy);
  });

  it("keeps strict where a typo changes meaning, and refuses a newer major version by name", () => {
    const base = JSON.parse(readFileSync(file, "utf8"));
    expect(() => parseResults({ ...base, schemaVersion: "3.0.0" })).toThrow(
      /results version 3\.0\.0 is newer than this persona-bench reads \(2\.x\)/,
    );
    const badOutcome = structuredClone(base);
    badOutcome.tasks.math500.personas[0].outcomes = "cccccccx";
    expect(() => parseResults(badOutcome)).toThrow(/outcomes/);
    const noFrame = structuredClone(base);
    delete noFrame.tasks.math500.headline;
    expect(() => parseResults(noFrame)).toThrow(/headline/);
    expect(() => parseResults({ schemaVersion: 7 })).toThrow(/not a persona-bench results file/);
  });
});

describe("results.json version 1", () => {
  it("loads, in the version-2 shape with its own figures, and says it cannot be paired item by item", () => {
    const results = loadResults(v1File);
    expect(results.schemaVersion).toBe("1.0.0");
    const math = mathSection(results);
    const old = (JSON.parse(readFileSync(v1File, "utf8")) as { tasks: { math500: typeof math } }).tasks
      .math500;
    expect(math.kind).toBe("math");
    expect(math.scorer.version).toMatch(/unknown/);
    expect(math.items).toBeUndefined();
    expect(math.personas).toEqual(old.personas);
    expect(math.headline.find((h) => h.metric === "pss")!.value).toBe(old.summary!.pss);
    expect(math.headline.find((h) => h.metric === "pss")!.ci95).toBeNull();
  });
});
