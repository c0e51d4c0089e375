/**
 * Issue 25: the false positives a second blind set found (unicode roots, commas inside brackets, different named
 * units, answers inside a reasoning model's thinking) and final answers stated without a box. `issue25.jsonl`
 * (pairs) and `issue25-extraction.jsonl` (whole responses) hold each class with its bounds and traps, written with
 * other examples than the issue's.
 */
import { describe, expect, it } from "vitest";
import { extractAnswer, grade } from "../../../src/scoring/math/index.js";
import {
  PAIR_FIELDS,
  type PairCase,
  pairDisagreements,
  RESPONSE_FIELDS,
  type ResponseCase,
  readGradingJsonl,
  responseDisagreements,
} from "./grading-fixtures.js";

const pairs = readGradingJsonl<PairCase>("issue25.jsonl", [...PAIR_FIELDS, "form"]);
const responses = readGradingJsonl<ResponseCase>("issue25-extraction.jsonl", [...RESPONSE_FIELDS, "form"]);

/** Every class has rows that must be accepted and traps that must be rejected. */
function expectClassesWithTraps(forms: (string | undefined)[], classes: string[]): void {
  const present = new Set(forms);
  for (const form of classes) {
    expect(present.has(form), form).toBe(true);
    expect(present.has(`trap:${form}`), `trap:${form}`).toBe(true);
  }
}

describe("issue 25 pairs", () => {
  it("cover every class with traps", () => {
    expectClassesWithTraps(
      pairs.map((p) => p.form),
      ["unicode-root", "bracket-comma", "units", "vulgar-fraction", "approx", "bold"],
    );
    expect(pairs.filter((p) => !p.equal).length).toBeGreaterThanOrEqual(40);
  });

  it("agree with the grader on every pair", () => {
    expect(pairDisagreements(pairs)).toEqual([]);
  });
});

describe("issue 25 responses", () => {
  it("cover every class with traps", () => {
    expectClassesWithTraps(
      responses.map((r) => r.form),
      [
        "think",
        "next-turn",
        "bold-final",
        "heading",
        "closing-sentence",
        "gsm8k-marker",
        "option",
        "chinese",
        "approx",
        "unicode",
        "two-answers",
        "phrase-sentence",
      ],
    );
    expect(responses.filter((r) => !r.correct).length).toBeGreaterThanOrEqual(45);
  });

  it("agree with grade() on found and correct for every response", () => {
    expect(responseDisagreements(responses)).toEqual([]);
  });
});

describe("what is read of a response", () => {
  it("reads after the thinking whichever order the right and wrong values come in", () => {
    const wrongThenRight = "<think>so \\boxed{11}</think>\nRechecking, the answer is $\\boxed{13}$.";
    const rightThenWrong = "<think>so \\boxed{13}</think>\nRechecking, the answer is $\\boxed{11}$.";
    expect(grade("13", wrongThenRight).correct).toBe(true);
    expect(grade("13", rightThenWrong).correct).toBe(false);
    expect(extractAnswer("<think>so \\boxed{13}, and then").path).toBe("none");
  });

  it("cuts an invented next turn, but not a problem restated after a short introduction", () => {
    expect(extractAnswer("So \\boxed{4}.\n\n### Instruction\nAdd 2 and 9.\n\\boxed{11}").extracted).toBe("4");
    expect(extractAnswer("Fine.\n\nProblem: add 2 and 9.\nSo \\boxed{11}.").extracted).toBe("11");
    expect(extractAnswer("We get 4.\nProblem: add 2 and 9.\nSo \\boxed{11}.").found).toBe(false);
  });
});

describe("bounded work on the stated-answer rules", () => {
  it("never hangs on long runs of the characters the rules look for", () => {
    const n = 200_000;
    const inputs = [
      ".".repeat(n),
      `Answer${" ".repeat(n)}x`,
      `answer${" **".repeat(n / 3)}`,
      "### Final Answer\n".repeat(n / 17),
      "**".repeat(n / 2),
      `So the total is **${"1".repeat(n)}**`,
      "\nHuman:".repeat(n / 7),
      "<think>".repeat(n / 7),
      "</think>".repeat(n / 8),
      `${"#### ".repeat(n / 5)}\n#### 1`,
      "答案是".repeat(n / 3),
      `So the total is **1**${" \t".repeat(n / 2)}`,
    ];
    // CPU time, which a loaded machine does not inflate; the bound catches a quadratic pattern (seconds at this size).
    const start = process.cpuUsage();
    for (const s of inputs) grade("1", s);
    const { user, system } = process.cpuUsage(start);
    expect((user + system) / 1000).toBeLessThan(2_000);
  });
});
