import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { grade, isEquivalent } from "../../../src/scoring/math/index.js";
import { requireSharedData } from "../../helpers/paths.js";

interface Problem {
  solution: string;
  answer: string;
  unique_id: string;
}

const problems: Problem[] = readFileSync(resolve(requireSharedData(), "math500/test.jsonl"), "utf8")
  .split("\n")
  .filter((l) => l.trim())
  .map((l) => JSON.parse(l) as Problem);

describe("MATH500 reference solutions", () => {
  it("has 500 problems", () => {
    expect(problems).toHaveLength(500);
  });

  it("extracts the boxed answer of every reference solution and grades it correct", () => {
    const failures = problems
      .map((p) => ({ id: p.unique_id, answer: p.answer, result: grade(p.answer, p.solution) }))
      .filter((r) => !r.result.correct || !r.result.found);
    expect(failures).toEqual([]);
  });

  it("accepts every gold answer against itself", () => {
    const failures = problems.filter((p) => !isEquivalent(p.answer, p.answer)).map((p) => p.answer);
    expect(failures).toEqual([]);
  });
});
