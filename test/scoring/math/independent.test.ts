/**
 * An independent check of the grader: pairs and responses labeled from the grading policy alone, written before the
 * grader's code or its own fixtures were read (so they do not share its blind spots). Rows marked `"added": "phase2"`
 * were added afterwards, as regressions for the bugs this check found. Every disagreement is listed.
 */
import { describe, expect, it } from "vitest";
import { grade, isEquivalent } from "../../../src/scoring/math/index.js";
import {
  PAIR_FIELDS,
  type PairCase,
  RESPONSE_FIELDS,
  type ResponseCase,
  readGradingJsonl,
} from "./grading-fixtures.js";

const pairs = readGradingJsonl<PairCase>("independent.jsonl", PAIR_FIELDS);
const responses = readGradingJsonl<ResponseCase>("independent-extraction.jsonl", RESPONSE_FIELDS);

describe("independent equivalence pairs", () => {
  it("are hard enough: at least 350 pairs, about half of them traps, few policy-silent ones", () => {
    const traps = pairs.filter((p) => !p.equal).length;
    const silent = pairs.filter((p) => p.policy === "silent").length;
    expect(pairs.length).toBeGreaterThanOrEqual(350);
    expect(traps / pairs.length).toBeGreaterThan(0.4);
    expect(silent / pairs.length).toBeLessThan(0.15);
  });

  it("agree with the grader on every pair (no false positive, no false negative)", () => {
    const disagreements = pairs
      .filter((p) => isEquivalent(p.gold, p.pred) !== p.equal)
      .map((p) => `${p.equal ? "false negative" : "FALSE POSITIVE"}: ${p.gold} vs ${p.pred} (${p.why})`);
    expect(disagreements).toEqual([]);
  });
});

describe("independent extraction cases", () => {
  it("has at least 60 responses, some with no answer to find", () => {
    expect(responses.length).toBeGreaterThanOrEqual(60);
    expect(responses.some((r) => !r.found)).toBe(true);
  });

  it("agree with grade() on found and correct for every response", () => {
    const disagreements = responses.flatMap((r) => {
      const got = grade(r.gold, r.response);
      if (got.found === r.found && got.correct === r.correct) return [];
      return [
        `${JSON.stringify(r.response)}: expected found=${r.found} correct=${r.correct}, got found=${got.found} ` +
          `correct=${got.correct} extracted=${JSON.stringify(got.extracted)} (${r.why})`,
      ];
    });
    expect(disagreements).toEqual([]);
  });
});
