import { writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import {
  loadMath500,
  MAX_LINE_BYTES,
  renderMathPrompt,
  selectProblems,
} from "../../src/task-kinds/math/problems.js";
import { thrown } from "../helpers/errors.js";
import { fixturesDir, requireSharedData } from "../helpers/paths.js";
import { tempDir } from "../helpers/tmp.js";

const fixture = (name: string) => resolve(fixturesDir, "datasets", name);

describe("loadMath500", () => {
  it("reads rows in file order, skipping blank lines and accepting CRLF", () => {
    const problems = loadMath500(fixture("math-good.jsonl"));
    expect(problems.map((problem) => problem.id)).toEqual([
      "test/prealgebra/1.json",
      "test/prealgebra/2.json",
      "test/prealgebra/3.json",
    ]);
    expect(problems[0]).toEqual({
      id: "test/prealgebra/1.json",
      problem: "What is 1+2?",
      answer: "3",
      subject: "Prealgebra",
      level: 1,
      solution: "Add them: $\\boxed{3}$.",
    });
    expect(problems[2]).toEqual({
      id: "test/prealgebra/3.json",
      problem: "What is 3+4?",
      answer: "7",
      subject: "Prealgebra",
      level: 1,
    });
  });

  const cases: [string, number | undefined, string | undefined, string][] = [
    ["math-missing-answer.jsonl", 2, "answer", "missing"],
    ["math-level-string.jsonl", 3, "level", 'must be an integer from 1 to 5 (got "Level 3")'],
    ["math-invalid-json.jsonl", 2, undefined, "invalid JSON"],
    [
      "math-duplicate-id.jsonl",
      3,
      "unique_id",
      'duplicate unique_id "test/prealgebra/1.json" (first at line 1)',
    ],
    ["math-not-object.jsonl", 2, undefined, "must be a JSON object"],
    ["math-answer-number.jsonl", 1, "answer", "must be a string"],
    ["math-empty-problem.jsonl", 2, "problem", "must not be empty"],
    ["math-invalid-utf8.jsonl", 3, undefined, "invalid UTF-8"],
    ["math-empty.jsonl", undefined, undefined, "contains no problems"],
    ["no-such-file.jsonl", undefined, undefined, "file not found"],
  ];
  it.each(cases)("%s fails at line %s", (name, line, field, reason) => {
    const error = thrown(() => loadMath500(fixture(name)));
    expect(error.file).toBe(fixture(name));
    expect(error.line).toBe(line);
    expect(error.field).toBe(field);
    expect(error.reason).toContain(reason);
    expect(error.message).not.toContain("\n");
  });

  it("rejects a line longer than the cap", () => {
    const dir = tempDir();
    const file = join(dir, "huge.jsonl");
    const good =
      '{"problem": "What is 2+3?", "answer": "5", "subject": "Prealgebra", "level": 1, "unique_id": "a"}';
    writeFileSync(file, `${good}\n{"problem": "${"9".repeat(MAX_LINE_BYTES + 10)}"}\n`);
    const error = thrown(() => loadMath500(file));
    expect(error.line).toBe(2);
    expect(error.reason).toBe(`line is longer than ${MAX_LINE_BYTES} bytes`);
  });

  it("accepts a line of exactly the cap, split across read chunks", () => {
    const dir = tempDir();
    const file = join(dir, "long.jsonl");
    const head = '{"answer": "5", "subject": "Prealgebra", "level": 1, "unique_id": "a", "problem": "';
    const tail = '"}';
    const padding = "x".repeat(MAX_LINE_BYTES - head.length - tail.length);
    writeFileSync(file, `${head}${padding}${tail}\r\n`);
    expect(loadMath500(file)[0]?.problem).toHaveLength(padding.length);
  });

  it("loads the real MATH500 test split: 500 problems with 500 distinct ids", () => {
    const problems = loadMath500(join(requireSharedData(), "math500/test.jsonl"));
    expect(problems).toHaveLength(500);
    expect(new Set(problems.map((problem) => problem.id)).size).toBe(500);
    expect(
      problems.every(
        (problem) =>
          problem.level !== undefined && problem.level >= 1 && problem.level <= 5 && problem.answer !== "",
      ),
    ).toBe(true);
    expect(new Set(problems.map((problem) => problem.subject)).size).toBe(7);
  });
});

describe("selectProblems", () => {
  const problems = loadMath500(fixture("math-good.jsonl"));

  it("takes the first limit problems in file order", () => {
    expect(selectProblems(problems, 2).map((problem) => problem.id)).toEqual([
      "test/prealgebra/1.json",
      "test/prealgebra/2.json",
    ]);
    expect(selectProblems(problems)).toEqual(problems);
    expect(selectProblems(problems, 10)).toEqual(problems);
  });

  it("rejects a limit below 1", () => {
    expect(thrown(() => selectProblems(problems, 0)).message).toBe("limit: must be an integer >= 1 (got 0)");
  });
});

describe("renderMathPrompt", () => {
  it("inserts LaTeX with $ signs literally", () => {
    const [, problem] = loadMath500(fixture("math-good.jsonl"));
    expect(renderMathPrompt("{problem}\n\nAnswer in \\boxed{}.", problem!)).toBe(
      "If $x = 2$, what is $$x^2$$? Use $& and $1 literally.\n\nAnswer in \\boxed{}.",
    );
  });
});
