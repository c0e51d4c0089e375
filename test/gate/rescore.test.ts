/**
 * Scoring is one stage, and a grader upgrade re-scores through it: after a change of grader version, both `run` and
 * the gate's healing score the cached generations again, store the verdicts per generation under the new version,
 * and rebuild every figure of the section (accuracies, comparisons, summary, headline, and so the gate's inputs)
 * from them. And a gate that has nothing to re-score leaves the store's bytes as they were.
 */
import { createHash } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { GateReport } from "../../src/gate/index.js";
import { regradeStoredRun } from "../../src/gate/regrade.js";
import type { Results } from "../../src/results/types.js";
import { GRADER_VERSION } from "../../src/scoring/math/index.js";
import { Store } from "../../src/store/store.js";
import { mathFiguresFromOutcomes } from "../../src/task-kinds/math/gate-recompute.js";
import { MATH_SCORER, type MathVerdict } from "../../src/task-kinds/math/score.js";
import { SimulatedModel } from "../e2e/simulated-model.js";
import { type FakeOllama, startFakeOllama } from "../fakes/index.js";
import { runArgs, runCli } from "../helpers/cli.js";
import { requireSharedData } from "../helpers/paths.js";
import { mathSection } from "../helpers/sections.js";
import { newTempDir, removeTempDir } from "../helpers/tmp.js";

// At least the default policy's minPaired.problems (30), so that the gate decides.
const LIMIT = 40;
const OLD = "math-grader-0";

function accuracyOf(systemText: string) {
  if (systemText === "") return { correct: 0.75, noAnswer: 0.05 };
  const h = createHash("sha256").update(systemText).digest().readUInt32BE(0) / 2 ** 32;
  return { correct: 0.55 + 0.3 * h, noAnswer: 0.05 };
}

const sha256Of = (file: string) =>
  existsSync(file) ? createHash("sha256").update(readFileSync(file)).digest("hex") : "absent";

describe("a grader-version change re-scores every figure, through the one scorer stage", () => {
  let fake: FakeOllama;
  let dir: string;
  let storePath: string;
  const runIds: Record<string, string> = {};
  const reportOf = (name: string) => join(dir, "reports", runIds[name]!, "results.json");
  const run = async (seed: string) => {
    const result = await runCli(
      runArgs("benchmarks/math500-quick.yaml", `ollama:sim:7b@${fake.url}`, dir, [
        "--limit",
        String(LIMIT),
        "--seed",
        seed,
        "--json",
      ]),
    );
    expect(result.stderr).not.toMatch(/internal error/);
    expect(result.code).toBe(0);
    return JSON.parse(result.stdout) as Results;
  };
  const gateByIds = (extra: string[] = []) =>
    runCli(
      [
        "gate",
        "--baseline",
        runIds.baseline!,
        "--candidate",
        runIds.candidate!,
        "--store",
        "store.sqlite",
        "--reports",
        "reports",
        "--json",
        ...extra,
      ],
      { cwd: dir },
    );

  /**
   * The store as an older grader left a run: its verdicts under version OLD, where that grader marked every right
   * answer of `wrongPersona` wrong, and none under this version. Returns the keys of the run's generations.
   */
  const storeAsOldGraderLeftIt = (runId: string, wrongPersona: string): string[] => {
    const store = Store.open(storePath);
    const members = store.runMembers(runId).filter((m) => m.taskId === "math500");
    const keys = members.map((m) => m.key);
    const current = store.getScores<MathVerdict>(keys, MATH_SCORER);
    expect(current.size).toBe(LIMIT * 9);
    for (const m of members) {
      const verdict = current.get(m.key)!;
      const value = m.personaId === wrongPersona ? { ...verdict, correct: false } : verdict;
      store.addScore({ key: m.key, scorer: `math@${OLD}`, value });
    }
    store.close();
    const db = new Database(storePath);
    const remove = db.prepare("DELETE FROM scores WHERE scorer = ? AND key = ?");
    db.transaction(() => {
      for (const key of keys) remove.run(MATH_SCORER, key);
    })();
    db.close();
    return keys;
  };
  const scoredUnder = (scorer: string, keys: string[]) => {
    const store = Store.openReadOnly(storePath);
    try {
      return store.getScores(keys, scorer).size;
    } finally {
      store.close();
    }
  };

  beforeAll(async () => {
    dir = newTempDir();
    storePath = join(dir, "store.sqlite");
    const model = new SimulatedModel(LIMIT, accuracyOf);
    fake = await startFakeOllama({ respond: model.respond, models: [{ name: "sim:7b" }] });
    runIds.baseline = (await run("1")).runId;
    runIds.candidate = (await run("2")).runId;
  });

  afterAll(async () => {
    await fake?.close();
    if (dir) removeTempDir(dir);
  });

  it("`run` re-scores cached generations after a grader change and every figure follows the new verdicts", async () => {
    const original = JSON.parse(readFileSync(reportOf("candidate"), "utf8")) as Results;
    const section = mathSection(original);
    const wrongPersona = section.personas[1]!.id;
    const keys = storeAsOldGraderLeftIt(runIds.candidate!, wrongPersona);
    expect(scoredUnder(MATH_SCORER, keys)).toBe(0);
    const calls = fake.stats.generations;

    const again = await run("2");
    expect(fake.stats.generations).toBe(calls);
    // Every generation is scored again under this grader and stored; the old grader's verdicts are kept.
    expect(scoredUnder(MATH_SCORER, keys)).toBe(LIMIT * 9);
    expect(scoredUnder(`math@${OLD}`, keys)).toBe(LIMIT * 9);
    // Every figure is the current grader's, none the old grader's (which marked a persona's right answers wrong).
    expect(mathSection(again)).toEqual(section);
    expect(section.personas[1]!.correct).toBeGreaterThan(0);
  });

  it("gate healing re-scores through the same stage, rebuilds the whole section and feeds the gate the new figures", async () => {
    const reference = await gateByIds();
    expect(reference.code).toBe(0);
    const file = reportOf("baseline");
    const original = readFileSync(file, "utf8");
    const section = mathSection(JSON.parse(original) as Results);
    // The report an older grader wrote: its version, one persona's right answers all marked wrong, and the figures
    // that follow from those outcomes.
    const edited = JSON.parse(original) as Results;
    const old = mathSection(edited);
    old.scorer.version = OLD;
    const wrongPersona = old.personas[1]!;
    const flipped = [...wrongPersona.outcomes!].filter((c) => c === "c").length;
    expect(flipped).toBeGreaterThan(0);
    wrongPersona.outcomes = wrongPersona.outcomes!.replaceAll("c", "w");
    edited.tasks.math500 = mathFiguresFromOutcomes(old, file);
    const oldSection = mathSection(edited);
    expect(oldSection.summary).not.toEqual(section.summary);
    expect(oldSection.headline).not.toEqual(section.headline);
    writeFileSync(file, JSON.stringify(edited));
    const keys = storeAsOldGraderLeftIt(runIds.baseline!, wrongPersona.id);
    try {
      const healed = await gateByIds(["--data-dir", requireSharedData()]);
      expect(healed.stderr).toMatch(
        new RegExp(
          `re-graded ${LIMIT * 9} generations from the store with ${GRADER_VERSION} \\(was ${OLD}\\); ${flipped} verdicts changed`,
        ),
      );
      expect(healed.code).toBe(0);
      // The verdicts were written to the store through the scorer stage, as `run` writes them.
      expect(scoredUnder(MATH_SCORER, keys)).toBe(LIMIT * 9);
      // The gate's inputs and decisions are those of the run as this grader scores it.
      const rules = (report: string) => (JSON.parse(report) as GateReport).rules;
      expect(rules(healed.stdout)).toEqual(rules(reference.stdout));
      // The healed section is the one `run` builds: every figure, summary, headline and setting.
      const { results, notes } = await regradeStoredRun(edited, storePath, { dataDir: requireSharedData() });
      expect(notes).toHaveLength(1);
      expect(mathSection(results)).toEqual(section);
    } finally {
      writeFileSync(file, original);
    }
  });

  it("a gate with nothing to re-score leaves the store's data byte-identical", async () => {
    const files = [storePath, `${storePath}-wal`];
    const before = files.map(sha256Of);
    const result = await gateByIds();
    expect(result.code).toBe(0);
    expect(files.map(sha256Of)).toEqual(before);

    // A run still writing: its write-ahead log holds commits not yet in the database file.
    const writer = Store.open(storePath);
    try {
      writer.addScore({ key: "not-a-generation", scorer: "test@1", value: 1 });
      writer.flush();
      const live = files.map(sha256Of);
      expect(live[1]).not.toBe("absent");
      const during = await gateByIds();
      expect(during.code).toBe(0);
      expect(files.map(sha256Of)).toEqual(live);
    } finally {
      writer.close();
    }
  });
});
