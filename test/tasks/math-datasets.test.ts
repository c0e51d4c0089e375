import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DatasetError, resolveDataset } from "../../src/datasets/datasets.js";
import { grade } from "../../src/scoring/math/index.js";
import { findMathDataset, loadMathProblems, mappedRowReader } from "../../src/task-kinds/math/sources.js";
import { rejection, thrown } from "../helpers/errors.js";
import { requireSharedData } from "../helpers/paths.js";
import { tempDir } from "../helpers/tmp.js";

const noEnv = {};
const shared = () => requireSharedData();

async function load(name: string) {
  const dataset = findMathDataset(name)!;
  const resolved = await resolveDataset(dataset.source, { dataDir: shared(), env: noEnv });
  return { resolved, problems: loadMathProblems(resolved.path, dataset.readRow, dataset.idField) };
}

/** The raw rows of a shared dataset, for references written here rather than through the readers. */
function rawRows(name: string): Record<string, unknown>[] {
  return readFileSync(join(shared(), name, "test.jsonl"), "utf8")
    .trim()
    .split("\n")
    .map((line) => JSON.parse(line));
}

describe("the registered math datasets, from ../shared/data with their digests", () => {
  it.each([
    ["math500", 500],
    ["aime24", 30],
    ["amc23", 40],
    ["gsm8k", 1319],
  ])(
    "%s: the pinned file, every row read, unique ids, every gold grades correct against itself",
    async (name, n) => {
      const { resolved, problems } = await load(name);
      expect(resolved.pinned).toBe(true);
      expect(problems).toHaveLength(n);
      expect(new Set(problems.map((p) => p.id)).size).toBe(n);
      for (const p of problems)
        expect(grade(p.answer, `The answer is $\\boxed{${p.answer}}$.`).correct).toBe(true);
    },
  );

  it("aime24: zero-padded answers mean the integer, and every reference solution with a final answer agrees", async () => {
    const { problems } = await load("aime24");
    const raw = rawRows("aime24");
    const padded = raw.filter((r) => /^0\d/.test(String(r.answer)));
    expect(padded.length).toBeGreaterThan(0);
    for (const r of padded) {
      const problem = problems.find((p) => p.id === `aime24/${r.id}`)!;
      expect(problem.answer).toBe(String(Number(r.answer)));
      expect(grade(problem.answer, `\\boxed{${r.answer}}`).correct).toBe(true);
    }
    const verdicts = problems.map((p) => grade(p.answer, p.solution!));
    // One solution (problem 60) ends on a computation with no box or answer phrase: nothing is guessed from it.
    expect(verdicts.filter((v) => !v.found).map((_, i) => i)).toHaveLength(1);
    expect(verdicts.every((v) => v.correct || !v.found)).toBe(true);
    expect(verdicts.filter((v) => v.correct)).toHaveLength(29);
  });

  it("amc23: answers stored as JSON numbers (27.0) are the numbers", async () => {
    const { problems } = await load("amc23");
    const raw = rawRows("amc23");
    expect(raw.every((r) => typeof r.answer === "number")).toBe(true);
    problems.forEach((p, i) => {
      expect(Number(p.answer)).toBe(raw[i]!.answer);
      expect(grade(p.answer, `\\boxed{${(raw[i]!.answer as number).toFixed(1)}}`).correct).toBe(true);
    });
  });

  it("gsm8k: the gold is the number after the last ####, separators included, for all 1,319", async () => {
    const { problems } = await load("gsm8k");
    const raw = rawRows("gsm8k");
    let withSeparators = 0;
    problems.forEach((p, i) => {
      const final = String(raw[i]!.answer).split("#### ").pop()!.trim();
      if (final.includes(",")) withSeparators++;
      expect(grade(p.answer, `The final answer is ${final}.`).correct).toBe(true);
      expect(p.solution).not.toContain("####");
    });
    expect(withSeparators).toBe(14);
    // A thousands-separated gold is one number, never a list: 1,600 is not 1 or 600.
    const big = problems.find((_, i) => String(raw[i]!.answer).endsWith(",600"))!;
    expect(grade(big.answer, "\\boxed{600}").correct).toBe(false);
  });
});

describe("gsm8k rows", () => {
  it("takes the gold after the last ####, when a worked solution has two", () => {
    const file = join(tempDir(), "test.jsonl");
    const answer = "Half of 6 is 3.\n#### 3\nBut she buys 2 more: 3 + 2 = 5.\n#### 1,005";
    writeFileSync(file, `${JSON.stringify({ question: "How many apples?", answer })}\n`);
    const [problem] = loadMathProblems(file, findMathDataset("gsm8k")!.readRow);
    expect(problem).toMatchObject({
      problem: "How many apples?",
      answer: "1005",
      solution: "Half of 6 is 3.\n#### 3\nBut she buys 2 more: 3 + 2 = 5.",
    });
  });
});

describe("bad dataset files", () => {
  it("names the file, line and field of a row that cannot be read", () => {
    const dir = tempDir();
    const file = join(dir, "test.jsonl");
    writeFileSync(
      file,
      `${JSON.stringify({ question: "q", answer: "work\n#### 4" })}\n${JSON.stringify({ question: "q2", answer: "no final" })}\n`,
    );
    expect(thrown(() => loadMathProblems(file, findMathDataset("gsm8k")!.readRow)).message).toBe(
      `${file}:2: answer: has no final answer after "####"`,
    );
    writeFileSync(
      file,
      `${JSON.stringify({ id: 1, problem: "p", answer: "1" })}\n{"id": 2, "problem": "p"}\n`,
    );
    expect(thrown(() => loadMathProblems(file, findMathDataset("aime24")!.readRow, "id")).message).toBe(
      `${file}:2: answer: missing`,
    );
    writeFileSync(
      file,
      `${JSON.stringify({ id: 1, problem: "p", answer: "1" })}\n${JSON.stringify({ id: 1, problem: "q", answer: "2" })}\n`,
    );
    expect(thrown(() => loadMathProblems(file, findMathDataset("amc23")!.readRow, "id")).message).toBe(
      `${file}:2: id: duplicate id "amc23/1" (first at line 1)`,
    );
  });

  it("refuses a cached copy that fails its digest, naming it, and reports a changed data-dir copy as not pinned", async () => {
    const cacheDir = tempDir();
    const source = findMathDataset("aime24")!.source;
    const cached = join(cacheDir, "datasets", source.relPath);
    mkdirSync(join(cacheDir, "datasets", "aime24"), { recursive: true });
    writeFileSync(cached, readFileSync(join(shared(), "aime24", "test.jsonl"), "utf8").replace("204", "205"));
    const error = await rejection(resolveDataset(source, { cacheDir, allowDownload: false, env: noEnv }));
    expect(error).toBeInstanceOf(DatasetError);
    expect(error.message).toContain(cached);
    expect(error.message).toContain(`does not match the pinned sha256 ${source.sha256}`);

    const dataDir = tempDir();
    mkdirSync(join(dataDir, "aime24"));
    copyFileSync(cached, join(dataDir, "aime24", "test.jsonl"));
    const changed = await resolveDataset(source, { dataDir, env: noEnv });
    expect(changed.pinned).toBe(false);
  });
});

describe("a user's own JSONL through a field mapping", () => {
  it("reads problems, answers (string or number, separators removed), ids and levels from the named fields", () => {
    const file = join(tempDir(), "mine.jsonl");
    writeFileSync(
      file,
      [
        { qid: "a", question: "How many?", final: "1,250", difficulty: 2 },
        { qid: "b", question: "How much?", final: 3.5, difficulty: 1 },
      ]
        .map((row) => JSON.stringify(row))
        .join("\n"),
    );
    const reader = mappedRowReader("mine", {
      problem: "question",
      answer: "final",
      id: "qid",
      level: "difficulty",
    });
    expect(loadMathProblems(file, reader, "qid")).toEqual([
      { id: "a", problem: "How many?", answer: "1250", level: 2 },
      { id: "b", problem: "How much?", answer: "3.5", level: 1 },
    ]);
    const byPosition = mappedRowReader("mine", { problem: "question", answer: "final" });
    expect(loadMathProblems(file, byPosition).map((p) => p.id)).toEqual(["mine/0", "mine/1"]);
    writeFileSync(file, JSON.stringify({ question: "q", final: "1", difficulty: "hard" }));
    expect(thrown(() => loadMathProblems(file, reader, "qid")).message).toBe(`${file}:1: qid: missing`);
  });
});
