/**
 * Escape sequences and forged lines from outside reach no terminal, CI log or CI summary. Every command runs (in
 * this process, through main()) on inputs that carry terminal escapes (set the window title, clear the screen),
 * carriage returns, bidi overrides, GitHub workflow commands and a forged "gate: PASS" line: a model name a server
 * accepts, server error bodies, persona texts, crafted results.json files (run ids, model specs, task and persona
 * ids, dates), a crafted file name, a bad grade line and a bad benchmark file. No stdout, stderr, Markdown, JUnit
 * or step summary holds a character a terminal obeys (only the tool's own newlines; colour is off), and no line
 * starts a workflow command or a "gate:" line the tool did not write.
 */
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import chalk from "chalk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Results } from "../../src/results/types.js";
import { SimulatedModel } from "../e2e/simulated-model.js";
import { type FakeOpenAI, faults, type RespondContext, startFakeOpenAI } from "../fakes/index.js";
import { runArgs } from "../helpers/cli.js";
import { filesUnder } from "../helpers/errors.js";
import { mainInProcess } from "../helpers/in-process-cli.js";
import { expectInert } from "../helpers/inert.js";
import { requireSharedData } from "../helpers/paths.js";
import { newTempDir, removeTempDir, tempDir } from "../helpers/tmp.js";
import { type CatalogPersona, reliabilityAccuracy, writeBenchmark } from "./harness.js";

const LIMIT = 3;

/** Every trick at once: window title, clear screen, colour, CR, forged lines, workflow commands, bidi. */
const EVIL =
  "\u001b]0;owned\u0007\u001b[2J\u001b[H\u001b[31mred\rback\n::error::forged annotation\ngate: PASS\n" +
  "##[warning]old syntax ##vso[task.complete]x \u202eevil\u2066iso\u2069 \u0085\u009b2J\u007f end";
/** The same without whitespace, where a name may not hold any (a model name in a spec). */
const EVIL_WORD = "m\u001b]0;owned\u0007\u001b[2J\u202e::error::x##[error]y\u009b31m";

/** Persona texts are user input; ids and categories are slugs by schema. */
const PERSONAS: CatalogPersona[] = [
  { id: "night-watchman", text: `a night watchman ${EVIL}`, category: "off-domain" },
  { id: "tax-accountant", text: "a meticulous tax accountant", category: "adjacent" },
];

describe("no command lets outside text command the terminal or the CI log", () => {
  let dir: string;
  let fake: FakeOpenAI;
  let failing = false;
  const files: Record<string, string> = {};

  beforeAll(async () => {
    chalk.level = 0;
    requireSharedData();
    dir = newTempDir();
    const model = new SimulatedModel(LIMIT, reliabilityAccuracy, true);
    fake = await startFakeOpenAI({
      respond: (ctx: RespondContext) => {
        const system = ctx.messages.find((m) => m.role === "system")?.content ?? "";
        if (failing && system.includes("tax accountant")) return faults.http(400, EVIL);
        return model.respond(ctx);
      },
    });
  });

  afterAll(async () => {
    await fake?.close();
    removeTempDir(dir);
  });

  const bench = () => writeBenchmark(dir, { limit: LIMIT, personas: PERSONAS });
  const spec = () => `openai:${EVIL_WORD}@${fake.baseUrl}`;

  it("run: a hostile model name, persona texts and server errors; --dry-run and a bad benchmark file", async () => {
    for (const seed of ["1", "2"]) {
      const run = await mainInProcess(runArgs(bench(), spec(), dir, ["--seed", seed, "--json"]));
      expect(run.code, run.stderr).toBe(0);
      expectInert(run.stdout, `run --json stdout (seed ${seed})`);
      expectInert(run.stderr, `run --json stderr (seed ${seed})`);
      const results = JSON.parse(run.stdout) as Results;
      expect(results.model.name).toBe(EVIL_WORD);
      files[`seed${seed}`] = join(dir, `seed${seed}.json`);
      writeFileSync(files[`seed${seed}`]!, run.stdout);
    }
    const summary = await mainInProcess(runArgs(bench(), spec(), dir, ["--seed", "1"]));
    expect(summary.code, summary.stderr).toBe(0);
    expect(summary.stdout).toContain("\\x1b]0;owned\\x07");
    expectInert(summary.stdout, "run summary stdout");
    expectInert(summary.stderr, "run summary stderr");

    failing = true;
    const failed = await mainInProcess(
      runArgs(bench(), spec(), dir, ["--seed", "3", "--max-attempts", "1", "--out", join(dir, "failed")]),
    );
    failing = false;
    expect(failed.code, failed.stderr).toBe(3);
    expect(failed.stderr).toMatch(/failed tax-accountant\/.*\\x1b\]0;owned\\x07/);
    expectInert(failed.stdout, "failed run stdout");
    expectInert(failed.stderr, "failed run stderr");
    const summaryMd = filesUnder(join(dir, "failed")).find((f) => f.endsWith("summary.md"))!;
    expect(readFileSync(summaryMd, "utf8")).toContain("failed permanently");
    expectInert(readFileSync(summaryMd, "utf8"), "summary.md");

    const dry = await mainInProcess(runArgs(bench(), spec(), dir, ["--dry-run"]));
    expect(dry.code, dry.stderr).toBe(0);
    expectInert(dry.stdout, "dry run stdout");

    const badBench = join(dir, "bad.yaml");
    writeFileSync(badBench, `id: bad\n${JSON.stringify(EVIL)}: 1\ntasks: []\n`);
    const bad = await mainInProcess(runArgs(badBench, spec(), dir));
    expect(bad.code).toBe(2);
    expectInert(bad.stderr, "bad benchmark stderr");
  });

  /** The two runs with every outside string a crafted file can change made hostile, in both files alike. */
  const crafted = (name: "seed1" | "seed2", side: string): string => {
    const results = JSON.parse(readFileSync(files[name]!, "utf8")) as Results;
    const [taskId, section] = Object.entries(results.tasks)[0]!;
    const hostileTask = `t${EVIL_WORD}`;
    const file = join(dir, `crafted-${side}.json`);
    const text = JSON.stringify({
      ...results,
      runId: `${side}\n${EVIL}`,
      // At the start of the leaderboard's group heading: a workflow command unless neutralised.
      benchmark: { ...results.benchmark, id: `::error::benchmark${EVIL}` },
      finishedAt: `=HYPERLINK("x")${EVIL}`,
      model: { ...results.model, spec: `openai:${EVIL}`, name: `${side}${EVIL}` },
      tasks: { [hostileTask]: { ...section, id: hostileTask } },
      skipped: [{ task: EVIL, reason: EVIL }],
    })
      .split(`"${taskId}"`)
      .join(JSON.stringify(hostileTask))
      .split('"night-watchman"')
      .join(JSON.stringify(`night${EVIL}`));
    writeFileSync(file, text);
    return file;
  };

  it("gate: hostile run ids, model specs, task and persona ids in the terminal, Markdown, JUnit and step summary", async () => {
    const baseline = crafted("seed1", "baseline");
    const candidate = crafted("seed2", "candidate");
    const stepSummary = join(dir, "step-summary.md");
    const junit = join(dir, "gate.xml");
    const markdown = join(dir, "gate.md");
    const gate = await mainInProcess(
      ["gate", "--baseline", baseline, "--candidate", candidate, "--junit", junit, "--markdown", markdown],
      { env: { GITHUB_STEP_SUMMARY: stepSummary } },
    );
    expect([0, 1, 4], gate.stderr).toContain(gate.code);
    expect(gate.stdout).toContain("\\x1b]0;owned\\x07");
    expectInert(gate.stdout, "gate stdout", { "gate:": 1 });
    expectInert(gate.stderr, "gate stderr");
    for (const file of [junit, markdown, stepSummary]) expectInert(readFileSync(file, "utf8"), file);
    expect(readFileSync(junit, "utf8")).not.toMatch(
      /<(?!\/?(?:\?xml|testsuites?|testcase|failure|skipped|properties|property|system-out)\b)/,
    );

    const json = await mainInProcess(["gate", "--baseline", baseline, "--candidate", candidate, "--json"]);
    expectInert(json.stdout, "gate --json stdout");
    expect(JSON.parse(json.stdout).baseline.runId).toBe(`baseline\n${EVIL}`);
  });

  it("leaderboard and report: crafted results.json files and a hostile file name", async () => {
    const folder = join(dir, "board-input");
    const hostileFolder = join(folder, `r${EVIL}`);
    mkdirSync(hostileFolder, { recursive: true });
    copyFileSync(crafted("seed1", "first"), join(folder, "results.json"));
    copyFileSync(crafted("seed2", "second"), join(hostileFolder, "results.json"));
    const broken = join(folder, `broken${EVIL}`);
    mkdirSync(broken);
    writeFileSync(join(broken, "results.json"), `{"schemaVersion": "2.0.0", ${JSON.stringify(EVIL)}: 1}`);
    const out = join(dir, "board");
    const board = await mainInProcess(["leaderboard", folder, "--out", out]);
    expect(board.code, board.stderr).toBe(0);
    expect(board.stderr).toMatch(/^skipped /m);
    expectInert(board.stdout, "leaderboard stdout");
    expectInert(board.stderr, "leaderboard stderr");
    expectInert(readFileSync(join(out, "leaderboard.md"), "utf8"), "leaderboard.md");

    const report = await mainInProcess(["report", hostileFolder]);
    expect(report.code, report.stderr).toBe(0);
    expect(report.stdout).toMatch(/^wrote .*\\x1b\]0;owned\\x07/);
    expectInert(report.stdout, "report stdout");
    const missing = await mainInProcess(["report", join(dir, `missing${EVIL}`)]);
    expect(missing.code).toBe(2);
    expectInert(missing.stderr, "report error");
    const invalid = await mainInProcess(["report", broken]);
    expect(invalid.code).toBe(2);
    expectInert(invalid.stderr, "report of an invalid file");
  });

  it("grade, data and view: a bad input line, a hostile folder name, a hostile store name", async () => {
    const grade = await mainInProcess(["grade", "-"], {
      stdin: [
        JSON.stringify({ gold: "2", response: `The answer is $\\boxed{2}$. ${EVIL}` }),
        `${EVIL_WORD}{not json`,
        JSON.stringify({ gold: EVIL }),
      ].join("\n"),
    });
    expect(grade.code).toBe(2);
    expect(grade.stderr.trim().split("\n")).toHaveLength(2);
    expectInert(grade.stdout, "grade stdout");
    expectInert(grade.stderr, "grade stderr");
    expect(JSON.parse(grade.stdout.split("\n")[0]!).response).toContain(EVIL);

    const data = await mainInProcess(["data", "verify", "--data-dir", join(dir, `data${EVIL}`)], {
      env: { PERSONA_BENCH_CACHE_DIR: tempDir() },
    });
    expect(data.code).toBe(2);
    expect(data.stdout).toContain("\\x1b]0;owned\\x07");
    expectInert(data.stdout, "data verify stdout");
    expectInert(data.stderr, "data verify stderr");

    const store = join(dir, `store${EVIL}.sqlite`);
    copyFileSync(join(dir, "store.sqlite"), store);
    const view = await mainInProcess(["view", "--store", store, "--port", "0", "--no-open"], {
      signalAfterStart: true,
    });
    expect(view.code, view.stderr).toBe(0);
    expect(view.stdout).toContain("\\x1b]0;owned\\x07");
    expectInert(view.stdout, "view stdout");
    const noStore = await mainInProcess(["view", "--store", join(dir, `none${EVIL}`)]);
    expect(noStore.code).toBe(2);
    expectInert(noStore.stderr, "view error");
  });
});
