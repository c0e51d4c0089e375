import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Leaderboard } from "../../src/leaderboard/types.js";
import type { Results } from "../../src/results/types.js";
import type { MathSection } from "../../src/task-kinds/math/section-types.js";
import type { PersonaGymSection } from "../../src/task-kinds/personagym/section-types.js";
import type { FakeOllama } from "../fakes/index.js";
import { runCli } from "../helpers/cli.js";
import { mainInProcess } from "../helpers/in-process-cli.js";
import { newTempDir, removeTempDir } from "../helpers/tmp.js";
import { HOSTILE_IMG, runModel, startSimulatedServer, writeBenchmark } from "./site-fixture.js";

describe("leaderboard end to end: two models on the fake server, then `leaderboard` over their reports", () => {
  let fake: FakeOllama;
  let dir: string;
  const runs: { stdout: string; code: number | null; dir: string; results: Results }[] = [];

  beforeAll(async () => {
    ({ fake } = await startSimulatedServer());
  });
  afterAll(async () => {
    await fake.close();
    // The runs are shared by the tests below, so the folder lives as long as the file.
    if (dir) removeTempDir(dir);
  });

  it("writes report.html with every run, and ranks the two models from their results.json", async () => {
    dir = newTempDir();
    writeBenchmark(dir);
    for (const model of ["sim-weak:3b", "sim-strong:7b"] as const) {
      const run = await runModel(dir, fake, model);
      expect(run.stderr).not.toMatch(/internal error/);
      expect(run.code).toBe(0);
      const reportDir = /^reports: (.+)$/m.exec(run.stdout)![1]!;
      expect(run.stdout).toContain(`report: ${join(reportDir, "report.html")}`);
      expect(existsSync(join(reportDir, "report.html"))).toBe(true);
      const results = JSON.parse(readFileSync(join(reportDir, "results.json"), "utf8")) as Results;
      runs.push({ stdout: run.stdout, code: run.code, dir: reportDir, results });
    }
    const html = readFileSync(join(runs[0]!.dir, "report.html"), "utf8");
    expect(html).not.toContain(HOSTILE_IMG);
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/(src|href)="https?:/);

    const site = join(dir, "site");
    const lb = await runCli(["leaderboard", join(dir, "reports"), "--out", site], { cwd: dir });
    expect(lb.stderr).toBe("");
    expect(lb.code).toBe(0);
    for (const name of ["leaderboard.md", "leaderboard.csv", "leaderboard.json", "leaderboard.html"]) {
      expect(lb.stdout).toContain(`wrote ${join(site, name)}`);
    }
    expect(lb.stdout).toMatch(/^ {2}1 {2}sim-strong:7b/m);
    expect(lb.stdout).not.toMatch(/\x1b\[/);
    const board = JSON.parse(readFileSync(join(site, "leaderboard.json"), "utf8")) as Leaderboard;
    expect(board.groups).toHaveLength(1);
    const rows = board.groups[0]!.rows;
    expect(rows.map((r) => [r.rank, r.model.name])).toEqual([
      [1, "sim-strong:7b"],
      [2, "sim-weak:3b"],
    ]);
    for (const row of rows) {
      const results = runs.find((r) => r.results.runId === row.runId)!.results;
      const math = results.tasks.math500 as MathSection;
      const gym = results.tasks.personagym as PersonaGymSection;
      expect(row.model.digest).toBe(results.model.digest);
      expect(row.math500).toMatchObject({
        controlAccuracy: math.summary!.controlAccuracy,
        mean: math.summary!.mean,
        std: math.summary!.std,
        min: math.summary!.min,
        pss: math.summary!.pss,
        worstRetention: math.summary!.worstRetention,
        flipRate: math.summary!.flipRate,
        consistencyRate: math.summary!.consistencyRate,
      });
      expect(row.personagym).toMatchObject({ personaScore: gym.personaScore, ci95: gym.ci95 });
    }
  });

  it("`report` re-renders a run's page from its folder; bad input exits 2 with one line", async () => {
    const target = join(dir, "again.html");
    const again = await runCli(["report", runs[0]!.dir, "--out", target]);
    expect(again.code).toBe(0);
    expect(again.stdout).toBe(`wrote ${target}\n`);
    expect(readFileSync(target, "utf8")).toBe(readFileSync(join(runs[0]!.dir, "report.html"), "utf8"));

    // The refusals run through main() in this process: no process start each.
    const missing = await mainInProcess(["report", join(dir, "nowhere")]);
    expect(missing.code).toBe(2);

    writeFileSync(join(dir, "reports", "bogus.json"), JSON.stringify({ schemaVersion: "2.0.0" }));
    const lenient = await runCli([
      "leaderboard",
      join(dir, "reports"),
      join(dir, "reports", "bogus.json"),
      "--out",
      join(dir, "s2"),
    ]);
    expect(lenient.code).toBe(0);
    expect(lenient.stderr).toMatch(/^skipped .*bogus\.json: does not match schemas\/results\.schema\.json/m);
    const strict = await mainInProcess([
      "leaderboard",
      join(dir, "reports"),
      join(dir, "reports", "bogus.json"),
      "--strict",
      "--out",
      join(dir, "s3"),
    ]);
    expect(strict.code).toBe(2);
    expect(existsSync(join(dir, "s3", "leaderboard.json"))).toBe(false);
    const sort = await mainInProcess([
      "leaderboard",
      join(dir, "reports"),
      "--sort",
      "vibes",
      "--out",
      join(dir, "s4"),
    ]);
    expect(sort.code).toBe(2);
    expect(sort.stderr).toMatch(/--sort: unknown column "vibes"/);
    const none = await mainInProcess(["leaderboard"], { cwd: join(dir, "site") });
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/no results\.json found in reports/);
  });
});
