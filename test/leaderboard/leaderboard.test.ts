import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { buildLeaderboard, UnknownSortError } from "../../src/leaderboard/build.js";
import { collectInputs } from "../../src/leaderboard/collect.js";
import { leaderboardCsv, leaderboardMarkdown, leaderboardTerminal } from "../../src/leaderboard/render.js";
import { validateLeaderboard } from "../../src/leaderboard/validate.js";
import { validateResults } from "../../src/results/assemble.js";
import { tempDir } from "../helpers/tmp.js";
import { type FakeRun, fakeResults, writeJson } from "./results-factory.js";

const GOLDEN = join(import.meta.dirname, "golden");
const CREATED = "2026-02-03T04:05:06.000Z";

const strong: FakeRun = {
  model: "strong:7b",
  digest: "1".repeat(64),
  control: 0.8,
  personas: { expert: 0.82, toddler: 0.7, blue: 0.78 },
  personaScore: 4.1,
};
const weak: FakeRun = {
  model: "weak:3b",
  digest: "2".repeat(64),
  control: 0.6,
  personas: { expert: 0.62, toddler: 0.2, blue: 0.5 },
  personaScore: 4.6,
};
const steady: FakeRun = {
  model: "steady:8b",
  control: 0.7,
  personas: { expert: 0.7, toddler: 0.68, blue: 0.69 },
  personaScore: 3.2,
};

/** Writes runs as reports/<run-id>/results.json under `dir` and returns the folder. */
function writeRuns(dir: string, runs: FakeRun[]): string {
  const reports = join(dir, "reports");
  runs.forEach((run, i) => {
    const results = fakeResults(run);
    validateResults(results);
    writeJson(join(reports, `${results.runId}-${i}`, "results.json"), results);
  });
  return reports;
}

function board(dir: string, options: Parameters<typeof buildLeaderboard>[1] = {}) {
  const { runs, skipped } = collectInputs(["reports"], dir);
  return buildLeaderboard(runs, { createdAt: CREATED, skipped, ...options });
}

describe("leaderboard", () => {
  it("ranks complete runs by PSS*, one row per model: the latest complete run wins", () => {
    const dir = tempDir();
    writeRuns(dir, [
      strong,
      weak,
      steady,
      // An older run of the strong model with different figures: must lose to the newer one.
      {
        ...strong,
        finishedAt: "2025-12-01T00:00:00.000Z",
        runId: "old-strong",
        personas: { expert: 0.1, toddler: 0.1, blue: 0.1 },
      },
      // A newer but incomplete run of the weak model: the complete one is kept.
      {
        ...weak,
        finishedAt: "2026-06-01T00:00:00.000Z",
        runId: "new-weak",
        status: "incomplete",
        control: 0.99,
      },
    ]);
    const b = board(dir);
    validateLeaderboard(b);
    expect(b.groups).toHaveLength(1);
    const rows = b.groups[0]!.rows;
    expect(rows.map((r) => [r.rank, r.model.name])).toEqual([
      [1, "strong:7b"],
      [2, "steady:8b"],
      [3, "weak:3b"],
    ]);
    expect(rows[0]!.runId).not.toBe("old-strong");
    expect(rows[2]!.math500!.controlAccuracy).toBe(0.6);
    // Figures are copied, not recomputed.
    const strongResults = fakeResults(strong);
    const summary = (strongResults.tasks.math500 as unknown as { summary: Record<string, number> }).summary;
    expect(rows[0]!.math500).toMatchObject({
      pss: summary.pss,
      mean: summary.mean,
      std: summary.std,
      min: summary.min,
      worstRetention: summary.worstRetention,
      flipRate: summary.flipRate,
      consistencyRate: summary.consistencyRate,
    });
    expect(rows[0]!.personagym).toMatchObject({ personaScore: 4.1 });
    expect(b.groups[0]!.sortedBy).toBe("math500.pss");
  });

  it("--sort takes any column, in its better direction; an unknown column is named with the choices", () => {
    const dir = tempDir();
    writeRuns(dir, [strong, weak, steady]);
    expect(board(dir, { sort: "personaScore" }).groups[0]!.rows.map((r) => r.model.name)).toEqual([
      "weak:3b",
      "strong:7b",
      "steady:8b",
    ]);
    expect(board(dir, { sort: "std" }).groups[0]!.rows.map((r) => r.model.name)[0]).toBe("steady:8b");
    expect(board(dir, { sort: "model" }).groups[0]!.rows.map((r) => r.model.name)).toEqual([
      "steady:8b",
      "strong:7b",
      "weak:3b",
    ]);
    expect(() => board(dir, { sort: "vibes" })).toThrow(UnknownSortError);
    expect(() => board(dir, { sort: "vibes" })).toThrow(/math500\.pss/);
  });

  it("keeps incomparable runs apart: a different benchmark hash or dataset is its own group", () => {
    const dir = tempDir();
    writeRuns(dir, [
      strong,
      weak,
      { ...steady, benchmarkHash: "e".repeat(64), benchmarkId: "math500-quick" },
      { ...steady, model: "other:1b", datasetHash: "f".repeat(64) },
    ]);
    const b = board(dir);
    expect(b.groups).toHaveLength(3);
    const sizes = b.groups.map((g) => g.rows.map((r) => r.model.name));
    expect(sizes).toContainEqual(["strong:7b", "weak:3b"]);
    expect(sizes).toContainEqual(["steady:8b"]);
    expect(sizes).toContainEqual(["other:1b"]);
    expect(b.groups.every((g) => g.rows[0]!.rank === 1)).toBe(true);
  });

  it("shows runs that did not complete, marked and unranked, after the ranked ones (in column order among themselves)", () => {
    const dir = tempDir();
    writeRuns(dir, [weak, { ...strong, status: "interrupted" }, { ...steady, status: "incomplete" }]);
    const b = board(dir);
    const rows = b.groups[0]!.rows;
    expect(rows.map((r) => [r.rank, r.model.name, r.status])).toEqual([
      [1, "weak:3b", "complete"],
      [null, "strong:7b", "interrupted"],
      [null, "steady:8b", "incomplete"],
    ]);
    expect(leaderboardMarkdown(b)).toMatch(/\| – \| strong:7b .*\| interrupted \|/);
  });

  it("--all-runs keeps every run of a model", () => {
    const dir = tempDir();
    writeRuns(dir, [strong, { ...strong, finishedAt: "2025-12-01T00:00:00.000Z", runId: "old-strong" }]);
    expect(board(dir).groups[0]!.rows).toHaveLength(1);
    expect(board(dir, { allRuns: true }).groups[0]!.rows).toHaveLength(2);
  });

  it("skips a file that fails validation, naming it with its first problem, and reads the rest", () => {
    const dir = tempDir();
    const reports = writeRuns(dir, [strong]);
    const broken = fakeResults(weak) as unknown as Record<string, unknown>;
    delete broken.model;
    writeJson(join(reports, "broken", "results.json"), broken);
    writeJson(join(reports, "future", "results.json"), { ...fakeResults(weak), schemaVersion: "9.0.0" });
    writeJson(join(reports, "half", "results.json"), { ...fakeResults(steady), status: "finished-ish" });
    writeFileSync(join(reports, "truncated.json"), "{");
    const { runs, skipped } = collectInputs(["reports", "reports/truncated.json", "missing.json"], dir);
    expect(runs.map((r) => r.results.model.name)).toEqual(["strong:7b"]);
    expect(skipped).toEqual(
      expect.arrayContaining([
        { file: join("reports", "broken", "results.json"), problem: expect.stringMatching(/model/) },
        {
          file: join("reports", "future", "results.json"),
          problem: expect.stringMatching(/newer than this persona-bench/),
        },
        { file: join("reports", "half", "results.json"), problem: expect.stringMatching(/\/status/) },
        { file: "missing.json", problem: "no such file or directory" },
        { file: join("reports", "truncated.json"), problem: expect.stringMatching(/^not valid JSON/) },
      ]),
    );
    expect(skipped).toHaveLength(5);
  });

  it("neutralises spreadsheet formulas and escapes Markdown in outside text", () => {
    const dir = tempDir();
    writeRuns(dir, [{ ...strong, model: '=HYPERLINK("http://x")|<b>' }]);
    const b = board(dir);
    const csv = leaderboardCsv(b);
    expect(csv).toContain("'=HYPERLINK");
    expect(csv).not.toMatch(/(^|,)"?=HYPERLINK/m);
    const md = leaderboardMarkdown(b);
    expect(md).toContain("=HYPERLINK(&quot;http://x&quot;)\\|&lt;b&gt;");
    expect(md).not.toContain("<b>");
  });

  it("matches the golden Markdown, CSV and terminal text", () => {
    const dir = tempDir();
    writeRuns(dir, [strong, weak, steady, { ...steady, model: "late:1b", status: "incomplete" }]);
    const b = board(dir);
    const outputs: [string, string][] = [
      ["leaderboard.md.golden", leaderboardMarkdown(b)],
      ["leaderboard.csv.golden", leaderboardCsv(b)],
      ["leaderboard.txt.golden", `${leaderboardTerminal(b, false).join("\n")}\n`],
    ];
    for (const [name, content] of outputs) {
      if (process.env.UPDATE_GOLDEN === "1") writeFileSync(join(GOLDEN, name), content);
      expect(content, name).toBe(readFileSync(join(GOLDEN, name), "utf8"));
    }
  });
});
