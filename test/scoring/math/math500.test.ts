import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { classifyGold, grade, isEquivalent } from "../../../src/scoring/math/index.js";
import { normalizeLatex } from "../../../src/scoring/math/normalize.js";
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

describe("MATH500 gold answers against perturbations", () => {
  it("rejects every single-value gold plus one", () => {
    const scalars = problems.filter((p) => classifyGold(normalizeLatex(p.answer)) === "scalar");
    expect(scalars.length).toBeGreaterThan(400);
    const accepted = scalars.filter((p) => isEquivalent(p.answer, `${p.answer}+1`)).map((p) => p.answer);
    expect(accepted).toEqual([]);
  });

  it("rejects every integer gold off by one in its last digit and negated", () => {
    const ints = problems.filter((p) => /^-?\d+$/.test(p.answer.trim()) && p.answer.trim() !== "0");
    const wrong = ints.filter((p) => {
      const n = BigInt(p.answer.trim());
      return isEquivalent(p.answer, String(n + 1n)) || isEquivalent(p.answer, String(-n));
    });
    expect(wrong.map((p) => p.answer)).toEqual([]);
  });
});
