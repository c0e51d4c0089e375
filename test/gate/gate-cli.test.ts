/**
 * The gate through the built CLI, on real results.json files written by `persona-bench run` against a fake Ollama
 * whose models have known accuracies: pass, fail and inconclusive exit codes, refusal of runs that cannot be
 * paired, gating from files alone and from run ids in a store, and the JUnit, Markdown and JSON outputs.
 * Refusals (exit 2) run through main() in this process, a process start each saved; the built binary's refusal
 * path is covered by test/reliability/special-files.test.ts.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getValidator } from "../../src/config/schemas.js";
import type { GateReport } from "../../src/gate/index.js";
import type { Results } from "../../src/results/types.js";
import { GRADER_VERSION } from "../../src/scoring/math/index.js";
import { Store } from "../../src/store/store.js";
import { mathFiguresFromOutcomes } from "../../src/task-kinds/math/gate-recompute.js";
import type { MathVerdict } from "../../src/task-kinds/math/score.js";
import { SimulatedModel } from "../e2e/simulated-model.js";
import { type FakeOllama, type RespondContext, startFakeOllama } from "../fakes/index.js";
import { runArgs, runCli } from "../helpers/cli.js";
import { mainInProcess } from "../helpers/in-process-cli.js";
import { requireSharedData } from "../helpers/paths.js";
import { mathSection } from "../helpers/sections.js";

// At least the default policy's minPaired.problems (30), so that complete runs are decided.
const LIMIT = 40;

function accuracyOf(systemText: string) {
  if (systemText === "") return { correct: 0.75, noAnswer: 0.05 };
  const h = createHash("sha256").update(systemText).digest().readUInt32BE(0) / 2 ** 32;
  return { correct: 0.55 + 0.3 * h, noAnswer: 0.05 };
}

/** The same model about 40 points weaker under every persona and the control. */
function weakerAccuracyOf(systemText: string) {
  const { correct, noAnswer } = accuracyOf(systemText);
  return { correct: correct - 0.4, noAnswer };
}

describe("persona-bench gate (end to end through the CLI)", () => {
  let fake: FakeOllama;
  let dir: string;
  const files: Record<string, string> = {};
  const runIds: Record<string, string> = {};
  const models = {
    // Deterministic per persona and problem: at temperature 0 a second seed gives the same answers.
    "sim:7b": new SimulatedModel(LIMIT, accuracyOf),
    "weak:7b": new SimulatedModel(LIMIT, weakerAccuracyOf),
    // Answers depend on the request seed: two seeds differ by sampling noise only.
    "noisy:7b": new SimulatedModel(LIMIT, accuracyOf, true),
  };

  const run = async (name: string, model: keyof typeof models, extra: string[]) => {
    const result = await runCli(
      runArgs("benchmarks/math500-quick.yaml", `ollama:${model}@${fake.url}`, dir, [
        "--limit",
        String(LIMIT),
        "--json",
        ...extra,
      ]),
    );
    expect(result.stderr).not.toMatch(/internal error/);
    expect(result.code).toBe(0);
    const results = JSON.parse(result.stdout) as Results;
    files[name] = join(dir, `${name}.json`);
    writeFileSync(files[name], result.stdout);
    runIds[name] = results.runId;
  };

  const gate = (args: string[], env: NodeJS.ProcessEnv = {}) => runCli(["gate", ...args], { cwd: dir, env });
  /** `gate` where it is expected to refuse: the same command through main() in this process. */
  const refusedGate = (args: string[], env: NodeJS.ProcessEnv = {}) =>
    mainInProcess(["gate", ...args], { cwd: dir, env });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "persona-bench-gate-"));
    fake = await startFakeOllama({
      respond: (ctx: RespondContext) => models[ctx.model as keyof typeof models].respond(ctx),
      models: Object.keys(models).map((name) => ({ name })),
    });
    await run("baseline", "sim:7b", ["--seed", "1"]);
    await run("sameModel", "sim:7b", ["--seed", "2"]);
    await run("weaker", "weak:7b", ["--seed", "2"]);
    await run("noisyBaseline", "noisy:7b", ["--seed", "1"]);
    await run("noisyCandidate", "noisy:7b", ["--seed", "2"]);
    await run("fewer", "sim:7b", ["--seed", "2", "--limit", "20", "--personas", "math-expert,toddler"]);
  });

  afterAll(async () => {
    await fake?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("passes the same model under another seed, from files alone, and writes JUnit, Markdown and the step summary", async () => {
    const summary = join(dir, "step-summary.md");
    writeFileSync(summary, "earlier step\n");
    const result = await gate(
      [
        "--baseline",
        files.baseline!,
        "--candidate",
        files.sameModel!,
        "--junit",
        "out/gate.xml",
        "--markdown",
        "out/gate.md",
        "--store",
        join(dir, "no-store-here.sqlite"),
      ],
      { GITHUB_STEP_SUMMARY: summary },
    );
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^gate: PASS/);
    expect(result.stdout).toMatch(/mean-accuracy/);
    expect(result.stdout).toMatch(/persona-score: not applicable \(the runs have no personagym task\)/);
    expect(existsSync(join(dir, "no-store-here.sqlite"))).toBe(false);

    const junit = readFileSync(join(dir, "out/gate.xml"), "utf8");
    expect(junit).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>/);
    expect(junit).toMatch(
      /<testsuites name="persona-bench gate" tests="5" failures="0" errors="0" skipped="0">/,
    );
    expect(junit.match(/<testcase /g)).toHaveLength(5);
    const markdown = readFileSync(join(dir, "out/gate.md"), "utf8");
    expect(markdown).toMatch(/^## persona-bench gate: PASS/);
    expect(markdown).toMatch(/\| \*\*PASS\*\* \| mean-accuracy \| math500 \| mean-accuracy \|/);
    expect(readFileSync(summary, "utf8")).toBe(`earlier step\n${markdown}\n`);
  });

  it("fails a model about 40 points weaker, and says which rules failed", async () => {
    const result = await gate([
      "--baseline",
      files.baseline!,
      "--candidate",
      files.weaker!,
      "--junit",
      "weak.xml",
    ]);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^gate: FAIL/);
    expect(result.stdout).toMatch(/FAIL\s+mean-accuracy\s+math500\s+-\d+\.\d pts/);
    expect(result.stdout).toMatch(/a regression beyond the margin/);
    const junit = readFileSync(join(dir, "weak.xml"), "utf8");
    expect(junit).toMatch(/<failure message="[^"]+" type="regression">/);
    expect(junit).toMatch(/failures="[1-5]"/);
  });

  it("is inconclusive on a small noisy run, and says how many problems would decide", async () => {
    const result = await gate([
      "--baseline",
      files.noisyBaseline!,
      "--candidate",
      files.noisyCandidate!,
      "--junit",
      "noisy.xml",
      "--json",
    ]);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(4);
    const report = JSON.parse(result.stdout);
    expect(getValidator("gate-report")(report)).toBe(true);
    expect(report.verdict).toBe("inconclusive");
    const open = report.rules.filter((r: { result: string }) => r.result === "inconclusive");
    expect(open.length).toBeGreaterThan(0);
    for (const rule of open) {
      expect(rule.advice.text).toMatch(/problems would decide it|no amount of data|more than 100 times/);
      expect(rule.bounds[0]).toBeLessThanOrEqual(rule.threshold);
      expect(rule.bounds[1]).toBeGreaterThanOrEqual(rule.threshold);
    }
    expect(readFileSync(join(dir, "noisy.xml"), "utf8")).toMatch(/<skipped message="inconclusive: /);
  });

  it("gates run ids through the store and the report folders", async () => {
    const result = await gate([
      "--baseline",
      runIds.baseline!,
      "--candidate",
      runIds.weaker!,
      "--store",
      "store.sqlite",
      "--reports",
      "reports",
    ]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(`baseline  ${runIds.baseline} `);
    const unknown = await refusedGate([
      "--baseline",
      "no-such-run",
      "--candidate",
      runIds.weaker!,
      "--store",
      "store.sqlite",
    ]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(
      /--baseline: no-such-run is neither a file nor a run id in .*store\.sqlite/,
    );
    const noStore = await refusedGate(["--baseline", runIds.baseline!, "--candidate", files.weaker!]);
    expect(noStore.code).toBe(2);
    expect(noStore.stderr).toMatch(/there is no store at .*\.persona-bench\/store\.sqlite/);
  });

  it("refuses runs that differ in more than the seed, naming each difference", async () => {
    const result = await refusedGate(["--baseline", files.baseline!, "--candidate", files.fewer!]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr.trim().split("\n")).toHaveLength(1);
    expect(result.stderr).toMatch(/cannot be paired \(2 differences\)/);
    expect(result.stderr).toMatch(/task math500: problems differ: 40 vs 20; 20 only in the baseline/);
    expect(result.stderr).toMatch(/personas only in the baseline: [a-z-]+(, [a-z-]+)*/);

    const edited = JSON.parse(readFileSync(files.sameModel!, "utf8")) as Results;
    const section = edited.tasks.math500 as unknown as Record<string, Record<string, unknown>>;
    section.decoding!.temperature = 0.7;
    section.scorer!.version = "math-grader-1";
    writeFileSync(join(dir, "edited.json"), JSON.stringify(edited));
    const both = await refusedGate(["--baseline", files.baseline!, "--candidate", "edited.json"]);
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/decoding temperature 0 vs 0\.7/);
    expect(both.stderr).toMatch(
      new RegExp(
        `scored by math-grader ${GRADER_VERSION} vs math-grader math-grader-1: .*re-run \`persona-bench run\``,
      ),
    );
  });

  it("re-grades a stored run scored by an older grader version, then pairs it; a file alone is refused", async () => {
    // The baseline's report as an older persona-bench left it: another grader version, and one verdict that
    // grader got wrong (a right answer marked wrong).
    const reportFile = join(dir, "reports", runIds.baseline!, "results.json");
    const original = readFileSync(reportFile, "utf8");
    const edited = JSON.parse(original) as Results;
    const section = mathSection(edited);
    section.scorer.version = "math-grader-1";
    const persona = section.personas[1]!;
    const flipped = persona.outcomes!.indexOf("c");
    persona.outcomes = persona.outcomes!.replace("c", "w");
    edited.tasks.math500 = mathFiguresFromOutcomes(section, reportFile);
    writeFileSync(reportFile, JSON.stringify(edited));
    // The store as that older persona-bench left it: the same verdicts under the old grader, without the gold
    // answers it did not keep, and the one it got wrong.
    const store = Store.open(join(dir, "store.sqlite"));
    const members = store
      .runMembers(runIds.baseline!)
      .filter((m) => m.taskId === "math500" && m.personaId !== undefined);
    const current = store.getScores<MathVerdict>(
      members.map((m) => m.key),
      `math@${GRADER_VERSION}`,
    );
    for (const m of members) {
      const { gold: _gold, ...verdict } = current.get(m.key)!;
      const wrong = m.personaId === persona.id && m.itemId === section.items![flipped] && m.sample === 0;
      store.addScore({
        key: m.key,
        scorer: "math@math-grader-1",
        value: wrong ? { ...verdict, correct: false } : verdict,
      });
    }
    store.close();
    try {
      const byId = [
        "--baseline",
        runIds.baseline!,
        "--candidate",
        runIds.sameModel!,
        "--store",
        "store.sqlite",
      ];
      const healed = await gate([
        ...byId,
        "--reports",
        "reports",
        "--data-dir",
        requireSharedData(),
        "--json",
      ]);
      expect(healed.stderr).toMatch(
        new RegExp(
          `note: task math500 of run ${runIds.baseline}: re-graded ${LIMIT * 9} generations from the store with ${GRADER_VERSION} \\(was math-grader-1\\); 1 verdicts changed`,
        ),
      );
      expect(healed.code).toBe(0);
      // The healed outcomes are the current grader's: the baseline's figures are those of the report before the
      // old grader's mistake, not the mistaken ones.
      const unedited = mathSection(JSON.parse(original) as Results);
      const report = JSON.parse(healed.stdout) as GateReport;
      const figure = (rule: string) => report.rules.find((r) => r.rule === rule)!.baseline;
      expect(figure("mean-accuracy")).toBeCloseTo(unedited.summary!.mean, 12);
      expect(figure("control-accuracy")).toBeCloseTo(unedited.personas[0]!.accuracy!, 12);
      expect(figure("worst-persona")).toBeCloseTo(unedited.summary!.min, 12);
      // No verdict kept its gold under that version and no copy of the dataset is at hand: not re-graded, refused.
      const noGold = await refusedGate([...byId, "--reports", "reports"], {
        PERSONA_BENCH_CACHE_DIR: join(dir, "empty"),
      });
      expect(noGold.stderr).toMatch(/note: task math500 of run .*: not re-graded \(no gold answers: /);
      expect(noGold.stderr).toMatch(/scored by math-grader math-grader-1 vs math-grader /);
      expect(noGold.code).toBe(2);
      // Read from a file, the same results cannot be re-graded.
      const fromFile = await refusedGate([
        "--baseline",
        reportFile,
        "--candidate",
        runIds.sameModel!,
        "--store",
        "store.sqlite",
        "--reports",
        "reports",
      ]);
      expect(fromFile.stderr).not.toMatch(/note: task math500 .*re-graded/);
      expect(fromFile.stderr).toMatch(/scored by math-grader math-grader-1 vs math-grader /);
      expect(fromFile.code).toBe(2);
    } finally {
      writeFileSync(reportFile, original);
    }
  });

  it("refuses a version-1 file, saying how to produce a version-2 one", async () => {
    const v2 = JSON.parse(readFileSync(files.baseline!, "utf8")) as Results;
    const math = { ...(v2.tasks.math500 as unknown as Record<string, unknown>) };
    for (const key of ["id", "kind", "scorer", "headline", "statistics", "items"]) delete math[key];
    const { sha256, pinned, origin } = math.dataset as Record<string, unknown>;
    math.dataset = { sha256, pinned, origin };
    math.personas = (math.personas as Record<string, unknown>[]).map(({ outcomes: _o, ...p }) => p);
    const { intervals: _i, ...summary } = math.summary as Record<string, unknown>;
    math.summary = summary;
    const v1 = { ...v2, schemaVersion: "1.0.0", tasks: { math500: math } };
    writeFileSync(join(dir, "v1.json"), JSON.stringify(v1));
    const result = await refusedGate(["--baseline", "v1.json", "--candidate", files.sameModel!]);
    expect(result.stderr).toMatch(
      /v1\.json: the baseline is a version-1 results file \(schemaVersion 1\.0\.0\): it has no per-item verdicts, so it cannot be paired; re-run the same `persona-bench run` command/,
    );
    expect(result.code).toBe(2);
  });

  it("rejects a bad policy and bad arguments with one line naming the place", async () => {
    writeFileSync(
      join(dir, "policy.yaml"),
      "rules:\n  - type: non-inferiority\n    metric: mean-accuracy\n    margin: -1\n",
    );
    const result = await refusedGate([
      "--baseline",
      files.baseline!,
      "--candidate",
      files.sameModel!,
      "--policy",
      "policy.yaml",
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/policy\.yaml:4: rules\[0\]\.margin: must be > 0/);
    writeFileSync(
      join(dir, "unknown.yaml"),
      "rules:\n  - type: non-inferiority\n    metric: accuracy\n    margin: 0.1\n",
    );
    const unknown = await refusedGate([
      "--baseline",
      files.baseline!,
      "--candidate",
      files.sameModel!,
      "--policy",
      "unknown.yaml",
    ]);
    expect(unknown.stderr).toMatch(/unknown\.yaml:3: rules\[0\]\.metric: must be one of: control-accuracy/);
    const missing = await refusedGate(["--candidate", files.sameModel!]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/--baseline <results.json \| run-id> is required/);
  });
  /** A copy of a results file with its math section changed by `edit`, written as `name` in the test folder. */
  const editedCopy = (name: string, from: string, edit: (results: Results) => void) => {
    const results = JSON.parse(readFileSync(from, "utf8")) as Results;
    edit(results);
    writeFileSync(join(dir, name), JSON.stringify(results));
    return name;
  };
  /** Outcomes kept for the first `answered` problems of every condition, the rest not run; figures recomputed. */
  const answeredOnly = (answered: number) => (results: Results) => {
    const section = mathSection(results);
    for (const p of section.personas) {
      p.outcomes = p.outcomes!.slice(0, answered * section.samples).padEnd(p.outcomes!.length, "-");
    }
    results.status = "incomplete";
    results.tasks.math500 = mathFiguresFromOutcomes(section, "test");
  };

  it("refuses a pair that is one run: the same file, the same run id, or a copy under another run id", async () => {
    const same = await refusedGate(["--baseline", files.baseline!, "--candidate", files.baseline!]);
    expect(same.code).toBe(2);
    expect(same.stdout).toBe("");
    expect(same.stderr.trim().split("\n")).toHaveLength(1);
    expect(same.stderr).toContain(`are one run, ${runIds.baseline}`);
    const byId = await refusedGate([
      "--baseline",
      runIds.baseline!,
      "--candidate",
      files.baseline!,
      "--store",
      "store.sqlite",
      "--reports",
      "reports",
    ]);
    expect(byId.code).toBe(2);
    expect(byId.stderr).toContain(`are one run, ${runIds.baseline}`);
    const renamed = editedCopy("renamed.json", files.baseline!, (r) => {
      r.runId = "another-run";
    });
    const copy = await refusedGate(["--baseline", files.baseline!, "--candidate", renamed]);
    expect(copy.code).toBe(2);
    expect(copy.stderr).toMatch(
      /hold the same model and identical task sections .*one run's answers under two run ids/,
    );
  });

  it("refuses a file whose figures disagree with its per-item outcomes, naming the file and the field", async () => {
    const strong = mathSection(JSON.parse(readFileSync(files.baseline!, "utf8")) as Results);
    // The weak model's file with the strong model's outcomes: its own counts still say "weak".
    const copied = editedCopy("copied.json", files.weaker!, (r) => {
      mathSection(r).personas.forEach((p, i) => {
        p.outcomes = strong.personas[i]!.outcomes!;
      });
    });
    const result = await refusedGate(["--baseline", files.baseline!, "--candidate", copied]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr.trim().split("\n")).toHaveLength(1);
    const weak = mathSection(JSON.parse(readFileSync(files.weaker!, "utf8")) as Results);
    expect(result.stderr).toContain(
      `copied.json: tasks.math500.personas[0].correct: ${weak.personas[0]!.correct} in the file, ${strong.personas[0]!.correct} from its per-item verdicts`,
    );
    // Every outcome set to correct.
    const allCorrect = editedCopy("all-correct.json", files.weaker!, (r) => {
      for (const p of mathSection(r).personas) p.outcomes = "c".repeat(p.outcomes!.length);
    });
    const perfect = await refusedGate(["--baseline", files.baseline!, "--candidate", allCorrect]);
    expect(perfect.code).toBe(2);
    expect(perfect.stderr).toMatch(
      /all-correct\.json: tasks\.math500\.personas\[0\]\.correct: \d+ in the file, 40 from/,
    );
  });

  it("checks a file whose run the store holds against the stored verdicts, naming the first differing item", async () => {
    // Edited consistently (figures recomputed): only the store can tell.
    const weak = mathSection(JSON.parse(readFileSync(files.weaker!, "utf8")) as Results);
    const position = weak.personas[2]!.outcomes!.search(/[wn]/);
    const edited = editedCopy("consistent-edit.json", files.weaker!, (r) => {
      const section = mathSection(r);
      const p = section.personas[2]!;
      p.outcomes = `${p.outcomes!.slice(0, position)}c${p.outcomes!.slice(position + 1)}`;
      r.tasks.math500 = mathFiguresFromOutcomes(section, "test");
    });
    const checked = await refusedGate([
      "--baseline",
      files.baseline!,
      "--candidate",
      edited,
      "--store",
      "store.sqlite",
    ]);
    expect(checked.code).toBe(2);
    expect(checked.stderr.trim().split("\n")).toHaveLength(1);
    expect(checked.stderr).toContain(
      `consistent-edit.json: tasks.math500.personas[2].outcomes[${position}]: "c" in the file, "${weak.personas[2]!.outcomes![position]}" in the store for run ${runIds.weaker} (persona ${weak.personas[2]!.id}, problem ${weak.items![position]}, sample 0)`,
    );
    // Read alone (no store here), the same file is only as trustworthy as where it came from.
    const alone = await gate(["--baseline", files.baseline!, "--candidate", edited]);
    expect(alone.code).toBe(1);
    // The untouched file passes the store's check and is gated as before, and the store is not written.
    const storeBefore = readFileSync(join(dir, "store.sqlite"));
    const honest = await gate([
      "--baseline",
      files.baseline!,
      "--candidate",
      files.weaker!,
      "--store",
      "store.sqlite",
    ]);
    expect(honest.stderr).toBe("");
    expect(honest.code).toBe(1);
    expect(readFileSync(join(dir, "store.sqlite")).equals(storeBefore)).toBe(true);
  });

  it("--baseline-sha256 refuses any baseline but the recorded file; the JSON report records each file's sha256", async () => {
    const digest = createHash("sha256").update(readFileSync(files.baseline!)).digest("hex");
    const ok = await gate([
      "--baseline",
      files.baseline!,
      "--baseline-sha256",
      digest.toUpperCase(),
      "--candidate",
      files.sameModel!,
      "--json",
    ]);
    expect(ok.code).toBe(0);
    const report = JSON.parse(ok.stdout) as GateReport;
    expect(report.baseline.sha256).toBe(digest);
    expect(report.candidate.sha256).toBe(
      createHash("sha256").update(readFileSync(files.sameModel!)).digest("hex"),
    );
    const other = await refusedGate([
      "--baseline",
      files.noisyBaseline!,
      "--baseline-sha256",
      digest,
      "--candidate",
      files.sameModel!,
    ]);
    expect(other.code).toBe(2);
    expect(other.stdout).toBe("");
    expect(other.stderr.trim().split("\n")).toHaveLength(1);
    expect(other.stderr).toContain(`is not the recorded ${digest} (--baseline-sha256)`);
    const malformed = await refusedGate([
      "--baseline",
      files.baseline!,
      "--baseline-sha256",
      "abc",
      "--candidate",
      files.sameModel!,
    ]);
    expect(malformed.code).toBe(2);
    expect(malformed.stderr).toMatch(/--baseline-sha256: "abc" is not a sha256/);
  });

  it("is inconclusive below the minimum of paired problems, and names the incomplete run in every output", async () => {
    const twelve = editedCopy("twelve.json", files.sameModel!, answeredOnly(12));
    const result = await gate([
      "--baseline",
      files.baseline!,
      "--candidate",
      twelve,
      "--junit",
      "twelve.xml",
      "--markdown",
      "twelve.md",
    ]);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(4);
    expect(result.stdout).toMatch(/^gate: INCONCLUSIVE/);
    expect(result.stdout).toContain(`candidate ${runIds.sameModel} (`);
    expect(result.stdout).toMatch(/twelve\.json \(an INCOMPLETE run\)$/m);
    expect(result.stdout).toMatch(/INCONCLUSIVE\s+mean-accuracy\s+math500/);
    expect(result.stdout).toContain("12 paired problems; at least 30 needed");
    const junit = readFileSync(join(dir, "twelve.xml"), "utf8");
    expect(junit).toContain('<property name="candidate.status" value="incomplete"/>');
    expect(junit).toMatch(/<skipped message="inconclusive: 12 paired problems; at least 30 needed/);
    expect(junit).toMatch(/<system-out>.*the candidate run is incomplete/s);
    const markdown = readFileSync(join(dir, "twelve.md"), "utf8");
    expect(markdown).toContain("(an INCOMPLETE run)");
    expect(markdown).toContain("12 paired problems; at least 30 needed");

    const json = await gate(["--baseline", files.baseline!, "--candidate", twelve, "--json"]);
    const report = JSON.parse(json.stdout) as GateReport;
    expect(getValidator("gate-report")(report)).toBe(true);
    expect(report.schemaVersion).toBe("1.1.0");
    expect(report.candidate.status).toBe("incomplete");
    expect(report.coverage).toEqual([
      { task: "math500", unit: "problems", paired: 12, total: LIMIT, minimum: 30 },
    ]);
    for (const rule of report.rules) {
      expect(rule).toMatchObject({ result: "inconclusive", units: 12, advice: { units: 30 } });
    }
    // What version 1.0.0 wrote (without the 1.1.0 fields) still validates.
    const { coverage: _c, ...older } = structuredClone(report);
    delete older.baseline.sha256;
    delete older.candidate.sha256;
    const { minPaired: _m, ...policy } = older.policy;
    expect(getValidator("gate-report")({ ...older, schemaVersion: "1.0.0", policy })).toBe(true);

    // One problem answered by a run about 40 points weaker: zero-width bounds, still no verdict.
    const one = editedCopy("one.json", files.weaker!, answeredOnly(1));
    const faulty = await gate(["--baseline", files.baseline!, "--candidate", one, "--json"]);
    expect(faulty.code).toBe(4);
    const rules = (JSON.parse(faulty.stdout) as GateReport).rules;
    const mean = rules.find((r) => r.rule === "mean-accuracy")!;
    expect(mean.bounds![0]).toBe(mean.bounds![1]);
    expect(mean.reason).toMatch(/^1 paired problem; at least 30 needed/);
  });
});
