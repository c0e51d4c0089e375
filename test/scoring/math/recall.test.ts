/**
 * Recall (issue 13): the answer forms models really write, each a class with its traps. `recall.jsonl` and
 * `recall-extraction.jsonl` were written with the rules, before the blind set (`blind-recall*.jsonl`) was read.
 */
import { describe, expect, it } from "vitest";
import { extractAnswer, grade, isEquivalent } from "../../../src/scoring/math/index.js";
import {
  type PairCase,
  pairDisagreements,
  type ResponseCase,
  readGradingJsonl,
  responseDisagreements,
} from "./grading-fixtures.js";

const pairs = readGradingJsonl<PairCase>("recall.jsonl");
const responses = readGradingJsonl<ResponseCase>("recall-extraction.jsonl");

describe("recall pairs (own set)", () => {
  it("covers every form class of the issue with traps", () => {
    const forms = new Set(pairs.map((p) => p.form));
    for (const form of [
      "space-thousands",
      "over",
      "mixed",
      "plain-fn",
      "units",
      "base",
      "interval",
      "relation",
    ])
      expect(forms.has(form), form).toBe(true);
    for (const form of ["named", "list", "sum"]) expect(forms.has(form), form).toBe(true);
    expect(pairs.filter((p) => !p.equal).length).toBeGreaterThanOrEqual(50);
  });

  it("grades every pair as labeled", () => {
    expect(pairDisagreements(pairs)).toEqual([]);
  });
});

describe("recall extraction (own set)", () => {
  it("agrees with grade() on found and correct", () => {
    expect(responseDisagreements(responses)).toEqual([]);
  });

  it("joins boxes only across separators, and keeps their names", () => {
    expect(extractAnswer("$x = \\boxed{2}$ or $x = \\boxed{3}$").extracted).toBe("x = 2, x = 3");
    expect(extractAnswer("$\\boxed{-4}$ and $\\boxed{1}$").extracted).toBe("-4, 1");
    expect(extractAnswer("\\boxed{a}\\boxed{b}").extracted).toBe("b");
    expect(extractAnswer("I had \\boxed{3}, but in fact it is \\boxed{5}").extracted).toBe("5");
    // Names travel with the values, so a swapped pair is not read in the gold's order.
    expect(grade("x = 5, y = 3", "$y = \\boxed{5}$, $x = \\boxed{3}$").correct).toBe(false);
    expect(grade("x = 5, y = 3", "$y = \\boxed{3}$, $x = \\boxed{5}$").correct).toBe(true);
  });

  it("reads JSON answers, including one that is itself a sentence", () => {
    expect(extractAnswer('{"answer": "The answer is 7."}').extracted).toBe("7");
    expect(extractAnswer('{"answer": ""}').found).toBe(false);
  });
});

describe("bounded work on the new forms", () => {
  it("stays fast on long runs of the rewritten commands", () => {
    const inputs = [
      "{1 \\over ".repeat(500),
      "sqrt(".repeat(1000),
      "\\boxed{".repeat(1000),
      "1 000 ".repeat(400),
      "x < ".repeat(400),
      `|${"x".repeat(300)}| < 2`,
      "\\sum_{i=0}^{n}".repeat(200),
      `${"\\boxed{1}, ".repeat(5000)}\\boxed{2}`,
      `"answer": "${"\\\\".repeat(100_000)}`,
    ];
    // CPU time, not wall time: a loaded machine stretches the wall clock (0.66 s seen at load 20), not the work
    // (about 0.1 s of CPU on a 2-core CI machine).
    const start = process.cpuUsage();
    for (const s of inputs) {
      isEquivalent("1", s);
      isEquivalent("(-\\infty, 1) \\cup (2, \\infty)", s);
      grade("1", s);
    }
    const { user, system } = process.cpuUsage(start);
    expect((user + system) / 1000).toBeLessThan(500);
  });
});
