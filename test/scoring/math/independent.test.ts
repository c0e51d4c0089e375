/**
 * An independent check of the grader: pairs and responses labeled from the grading policy alone, written before the
 * grader's code or its own fixtures were read (so they do not share its blind spots). Rows marked `"added": "phase2"`
 * were added afterwards, as regressions for the bugs this check found. Every disagreement is listed.
 */
import { describe, expect, it } from "vitest";
import {
  PAIR_FIELDS,
  type PairCase,
  pairDisagreements,
  RESPONSE_FIELDS,
  type ResponseCase,
  readGradingJsonl,
  responseDisagreements,
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
    expect(pairDisagreements(pairs)).toEqual([]);
  });
});

describe("independent extraction cases", () => {
  it("has at least 60 responses, some with no answer to find", () => {
    expect(responses.length).toBeGreaterThanOrEqual(60);
    expect(responses.some((r) => !r.found)).toBe(true);
  });

  it("agree with grade() on found and correct for every response", () => {
    expect(responseDisagreements(responses)).toEqual([]);
  });
});
