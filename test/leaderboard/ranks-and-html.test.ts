/**
 * Ranking ties, and what leaderboard.html must keep: the CSP, the "not ranked" marker of a run that did not
 * complete, and escaped text from the files it could not read.
 */
import { describe, expect, it } from "vitest";
import { buildLeaderboard } from "../../src/leaderboard/build.js";
import type { LoadedRun } from "../../src/leaderboard/collect.js";
import { leaderboardHtml } from "../../src/leaderboard/page.js";
import { type FakeRun, fakeResults } from "./results-factory.js";

const CREATED = "2026-02-03T04:05:06.000Z";
/** The policy every HTML report carries: no script, nothing fetched, styles and data images only. */
const CSP_META =
  "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'\">";
const HOSTILE = '<img src=x onerror="alert(1)">';

const run = (model: string, personas: Record<string, number>, extra: Partial<FakeRun> = {}): LoadedRun => ({
  file: `${model}.json`,
  results: fakeResults({ model, control: 0.7, personas, ...extra }),
});

/** The table row of a model in leaderboard.html. */
function rowOf(html: string, model: string): string {
  const row = html.split("<tr").find((r) => r.includes(`<strong>${model}</strong>`));
  if (!row) throw new Error(`no row for ${model}`);
  return row;
}

describe("leaderboard ranks", () => {
  it("gives tied runs one rank and skips the ranks they share (1, 1, 3)", () => {
    const same = { expert: 0.8, toddler: 0.6 };
    const board = buildLeaderboard(
      [run("beta:7b", same), run("alpha:7b", same), run("gamma:7b", { expert: 0.5, toddler: 0.4 })],
      { createdAt: CREATED },
    );
    expect(board.groups[0]!.rows.map((r) => [r.rank, r.model.name])).toEqual([
      [1, "alpha:7b"],
      [1, "beta:7b"],
      [3, "gamma:7b"],
    ]);
  });
});

describe("leaderboard.html", () => {
  it("carries the CSP, marks an incomplete run as not ranked, and escapes the skipped files' messages", async () => {
    const board = buildLeaderboard(
      [
        run("ranked:7b", { expert: 0.8, toddler: 0.6 }),
        run("partial:7b", { expert: 0.9, toddler: 0.9 }, { status: "incomplete" }),
      ],
      {
        createdAt: CREATED,
        skipped: [{ file: `reports/${HOSTILE}/results.json`, problem: `does not match: ${HOSTILE}` }],
      },
    );
    const html = await leaderboardHtml(board);
    expect(html).toContain(CSP_META);
    expect(rowOf(html, "partial:7b")).toMatch(
      /^ class="unranked">.*badge-warn">incomplete<\/span> <span class="sub">not ranked<\/span>/,
    );
    expect(rowOf(html, "ranked:7b")).not.toContain("not ranked");
    expect(html).not.toContain("<img");
    expect(html).toContain("does not match: &lt;img src=x onerror=&quot;alert(1)&quot;&gt;");
    expect(html).toContain(
      "<code>reports/&lt;img src=x onerror=&quot;alert(1)&quot;&gt;/results.json</code>",
    );
  });
});
