import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { grade } from "../../../src/scoring/math/index.js";
import { requireSharedData } from "../../helpers/paths.js";

const MARKER = "#### ";

/** GSM8K's worked solutions end with `#### <answer>`, as a model prompted in its format writes it. */
const solutions = readFileSync(resolve(requireSharedData(), "gsm8k/test.jsonl"), "utf8")
  .split("\n")
  .filter((l) => l.trim())
  .map((l) => {
    const { answer: worked } = JSON.parse(l) as { answer: string };
    const at = worked.lastIndexOf(MARKER);
    return { worked, at, gold: worked.slice(at + MARKER.length).trim() };
  });

describe("GSM8K reference solutions", () => {
  it("has the 1319 test problems, each ending with its marker", () => {
    expect(solutions).toHaveLength(1319);
    expect(solutions.filter((s) => s.at < 0)).toEqual([]);
  });

  it("grades every worked solution correct through its #### line", () => {
    const failures = solutions
      .map((s) => ({ gold: s.gold, result: grade(s.gold, s.worked) }))
      .filter((r) => !r.result.correct);
    expect(failures).toEqual([]);
  });

  it("rejects every worked solution whose final number is changed", () => {
    const accepted = solutions.filter((s) => {
      const changed = `${s.worked.slice(0, s.at + MARKER.length)}${BigInt(s.gold.replace(/,/g, "")) + 1n}`;
      return grade(s.gold, changed).correct;
    });
    expect(accepted.map((s) => s.gold)).toEqual([]);
  });
});
