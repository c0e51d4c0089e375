/**
 * What the gate trusts in a results file: one run is not two, a file's figures must follow from its own per-item
 * verdicts, a run the store holds must match its stored verdicts, and the store is only ever read.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { compareRuns, type Side } from "../../src/gate/compare.js";
import { requireConsistent } from "../../src/gate/consistency.js";
import { requireTwoRuns } from "../../src/gate/gate.js";
import { checkAgainstStore } from "../../src/gate/store-check.js";
import { openStoreForReading } from "../../src/gate/store-reader.js";
import { validateResults } from "../../src/results/assemble.js";
import type { Results } from "../../src/results/types.js";
import { STORE_SCHEMA_V1 } from "../../src/store/schema.js";
import { Store } from "../../src/store/store.js";
import { mathFiguresFromOutcomes } from "../../src/task-kinds/math/gate-recompute.js";
import { personaGymFiguresFromVerdicts } from "../../src/task-kinds/personagym/gate.js";
import type { PersonaGymSection } from "../../src/task-kinds/personagym/section-types.js";
import { mathSection, personaGymSection } from "../helpers/sections.js";
import { tempDir } from "../helpers/tmp.js";
import { fakeResults } from "../leaderboard/results-factory.js";

const ITEMS = ["p1", "p2", "p3", "p4"];

/**
 * A valid results file with these per-item outcomes (control first, then personas expert, toddler) and the figures
 * that follow from them.
 */
function resultsWith(outcomes: string[], runId = "run-a", model = "m:7b"): Results {
  const results = fakeResults({ model, runId, control: 0.5, personas: { expert: 0.5, toddler: 0.5 } });
  const section = mathSection(results);
  section.items = ITEMS;
  section.problems = ITEMS.length;
  section.personas.forEach((p, i) => {
    p.outcomes = outcomes[i]!;
  });
  results.tasks.math500 = mathFiguresFromOutcomes(section, "test");
  validateResults(results);
  return results;
}

const side = (results: Results, label: Side["label"] = "candidate"): Side => ({
  label,
  source: `${label}.json`,
  file: `${label}.json`,
  results,
});

describe("one run is not two", () => {
  it("refuses the same run id, and a copy of a run under another run id", () => {
    const a = resultsWith(["cwcw", "ccww", "cccc"]);
    expect(() => requireTwoRuns(side(a, "baseline"), side(structuredClone(a)))).toThrow(
      "the baseline (baseline.json) and the candidate (candidate.json) are one run, run-a",
    );
    const copy = { ...structuredClone(a), runId: "run-b", createdAt: "2026-05-05T00:00:00.000Z" };
    expect(() => requireTwoRuns(side(a, "baseline"), side(copy))).toThrow(
      /hold the same model and identical task sections \(sha256 [0-9a-f]{12}\): one run's answers under two run ids/,
    );
    // Another run of the same model with other answers, or another model with the same answers, is two runs.
    requireTwoRuns(side(a, "baseline"), side(resultsWith(["cwcw", "ccww", "cccw"], "run-b")));
    requireTwoRuns(side(a, "baseline"), side(resultsWith(["cwcw", "ccww", "cccc"], "run-b", "other:7b")));
  });
});

describe("a file's figures follow from its per-item verdicts", () => {
  it("accepts what a run writes, and names the first figure that disagrees with the outcomes", () => {
    const honest = resultsWith(["cwcn", "ccWw", "cccc"]);
    requireConsistent(side(honest));

    // Outcomes set to correct while the counts still tell the truth.
    const edited = structuredClone(honest);
    mathSection(edited).personas[1]!.outcomes = "cccc";
    expect(() => requireConsistent(side(edited))).toThrow(
      "candidate.json: tasks.math500.personas[1].correct: 2 in the file, 4 from its per-item verdicts",
    );

    // A summary figure the gate would read, edited alone.
    const summary = structuredClone(honest);
    mathSection(summary).summary!.mean = 0.99;
    expect(() => requireConsistent(side(summary))).toThrow(
      "candidate.json: tasks.math500.summary.mean: 0.99 in the file, 0.75 from its per-item verdicts",
    );

    // Extraction failures: "n" counts as wrong with no answer extracted.
    const unextracted = structuredClone(honest);
    mathSection(unextracted).personas[0]!.extractionFailures = 0;
    expect(() => requireConsistent(side(unextracted))).toThrow(
      "tasks.math500.personas[0].extractionFailures: 0 in the file, 1 from its per-item verdicts",
    );

    const headline = structuredClone(honest);
    mathSection(headline).headline[0]!.value = 1;
    expect(() => requireConsistent(side(headline))).toThrow(
      "tasks.math500.headline[0].value: 1 in the file, 0.5 from its per-item verdicts",
    );
  });

  it("re-aggregates PersonaGym scores from the judge verdicts and names a persona's edited score", () => {
    const results = resultsWith(["cccc", "cccc", "cccw"]);
    const gym = structuredClone(
      personaGymSection(fakeResults({ model: "m", control: 0.5, personas: { x: 0.5 }, personaScore: 4 })),
    );
    gym.personas = [
      {
        id: "a",
        text: "A",
        tasks: {},
        personaScore: null,
        verdicts: { "Expected Action": ["45"], "Toxicity Control": ["3-"] },
      },
      { id: "b", text: "B", tasks: {}, personaScore: null, verdicts: { "Expected Action": ["uu"] } },
    ];
    const figures = personaGymFiguresFromVerdicts(gym as PersonaGymSection, "test");
    // a: Expected Action (4 + 5) / 2 = 4.5, Toxicity Control 3: PersonaScore 3.75; b: nothing parsed.
    expect(figures.personas.map((p) => p.personaScore)).toEqual([3.75, null]);
    expect(figures.personaScore).toBe(3.75);
    results.tasks.personagym = { ...gym, ...figures };
    requireConsistent(side(results));
    personaGymSection(results).personas[0]!.personaScore = 4.5;
    expect(() => requireConsistent(side(results))).toThrow(
      "candidate.json: tasks.personagym.personas[0].personaScore: 4.5 in the file, 3.75 from its per-item verdicts",
    );
  });
});

describe("persona texts are part of what must be equal", () => {
  it("refuses a persona whose text changed, naming it", () => {
    const base = fakeResults({ model: "m", control: 0.5, personas: { expert: 0.5, toddler: 0.5 } });
    const changed = fakeResults({
      model: "m",
      control: 0.5,
      personas: { expert: 0.5, toddler: 0.5 },
      texts: { toddler: "You are a toddler who hates numbers." },
    });
    expect(compareRuns(base, changed)).toEqual(["task math500: persona texts differ: toddler"]);
  });
});

describe("a run the store holds is checked against its stored verdicts", () => {
  /** A store holding run-a: the 3 conditions x 4 problems, one generation each, with verdicts and one failure. */
  function storeWith(path: string, outcomes: string[]): void {
    const store = Store.open(path);
    const ids = ["none", "expert", "toddler"];
    ids.forEach((personaId, p) => {
      store.addRunMembers(
        "run-a",
        "math500",
        "math500",
        ITEMS.map((itemId) => ({ key: `${personaId}/${itemId}`, personaId, itemId, sample: 0 })),
      );
      ITEMS.forEach((itemId, i) => {
        const code = outcomes[p]![i]!;
        const key = `${personaId}/${itemId}`;
        if (code === "f")
          store.recordFailure({ runId: "run-a", key, kind: "server", message: "500", attempts: 5 });
        if (code === "f" || code === "-") return;
        const lower = code.toLowerCase();
        store.addScore({
          key,
          scorer: "math@math-grader-2",
          value: {
            extracted: "1",
            found: lower !== "n",
            path: "boxed",
            correct: lower === "c",
            truncated: code !== lower,
          },
        });
      });
    });
    store.close();
  }

  it("passes the run's own file and refuses the first item that differs, in file order", () => {
    const path = join(tempDir(), "store.sqlite");
    const outcomes = ["cwNf", "cc-w", "cccc"];
    storeWith(path, outcomes);
    const reader = openStoreForReading(path);
    try {
      expect(checkAgainstStore(side(resultsWith(outcomes)), reader)).toEqual([]);
      // Two edits: the first in file order is named (persona expert before toddler).
      const edited = resultsWith(["cwNf", "cccw", "ccwc"]);
      expect(() => checkAgainstStore(side(edited), reader)).toThrow(
        'candidate.json: tasks.math500.personas[1].outcomes[2]: "c" in the file, "-" in the store for run run-a (persona expert, problem p3, sample 0)',
      );
      // A permanent failure turned into a wrong answer, or a truncation hidden: both differ from the store.
      expect(() => checkAgainstStore(side(resultsWith(["cwNw", "cc-w", "cccc"])), reader)).toThrow(
        'personas[0].outcomes[3]: "w" in the file, "f" in the store',
      );
      // A verdict the store holds, hidden as "not run" (which would drop the problem from the pairing).
      expect(() => checkAgainstStore(side(resultsWith(["cwNf", "cc--", "cccc"])), reader)).toThrow(
        'personas[1].outcomes[3]: "-" in the file, "w" in the store',
      );
      expect(() => checkAgainstStore(side(resultsWith(["cwnf", "cc-w", "cccc"])), reader)).toThrow(
        'personas[0].outcomes[2]: "n" in the file, "N" in the store',
      );
    } finally {
      reader.close();
    }
  });

  it("reads the store without writing to it, and never migrates an older one", () => {
    const dir = tempDir();
    const current = join(dir, "store.sqlite");
    storeWith(current, ["cccc", "cccc", "cccc"]);
    const before = readFileSync(current);
    const reader = openStoreForReading(current);
    expect(reader.getRun("run-a")).toBeUndefined();
    expect(reader.runMembers("run-a")).toHaveLength(12);
    reader.close();
    expect(readFileSync(current).equals(before)).toBe(true);

    // A version-1 store (no run membership) stays at version 1: nothing to check, and nothing is changed.
    const old = join(dir, "old.sqlite");
    const db = new Database(old);
    db.exec(STORE_SCHEMA_V1);
    db.exec("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)");
    db.prepare("INSERT INTO meta (key, value) VALUES ('schema_version', '1')").run();
    db.close();
    const oldReader = openStoreForReading(old);
    expect(oldReader.runMembers("run-a")).toEqual([]);
    expect(checkAgainstStore(side(resultsWith(["cccc", "cccc", "cccc"])), oldReader)).toEqual([
      "task math500 of run run-a: not checked against the store, which does not say which persona and problem each of its generations was (runs made before store version 3: run the same command again, everything is cached)",
    ]);
    oldReader.close();
    const after = new Database(old, { readonly: true });
    expect(after.prepare("SELECT value FROM meta WHERE key = 'schema_version'").pluck().get()).toBe("1");
    after.close();
  });
});
