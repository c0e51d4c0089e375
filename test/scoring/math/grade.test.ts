import { PassThrough, Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import {
  GRADER_VERSION,
  grade,
  gradeJsonl,
  gradePrediction,
  isEquivalent,
} from "../../../src/scoring/math/index.js";

describe("grade", () => {
  it("extracts, records the path and compares", () => {
    expect(grade("\\frac{3}{7}", "so $\\boxed{\\dfrac{6}{14}}$.")).toEqual({
      extracted: "\\dfrac{6}{14}",
      found: true,
      path: "boxed",
      correct: true,
    });
    expect(grade("12", "The final answer is 13.")).toEqual({
      extracted: "13",
      found: true,
      path: "answer_phrase",
      correct: false,
    });
  });

  it("never guesses a number from free text, and reports a truncated box as not found", () => {
    expect(grade("42", "I computed 42 twice.")).toEqual({
      extracted: null,
      found: false,
      path: "none",
      correct: false,
    });
    expect(grade("42", "so \\boxed{4").found).toBe(false);
  });

  it("grades an already extracted prediction", () => {
    expect(gradePrediction("0.75", "\\frac34")).toMatchObject({ found: true, path: "pred", correct: true });
    expect(gradePrediction("0.75", "  ")).toMatchObject({ found: false, correct: false });
  });

  it("exposes a version string for the score cache key", () => {
    expect(GRADER_VERSION).toMatch(/^math-grader-\d+$/);
  });

  it("is version 4 since issue 25 changed verdicts (stored verdicts of version 3 are graded again)", () => {
    expect(GRADER_VERSION).toBe("math-grader-4");
  });
});

describe("bounded work on adversarial inputs", () => {
  it("answers quickly-bounded cases with safe verdicts", () => {
    expect(grade("1", `${"x".repeat(1_000_000)}\\boxed{1}`).correct).toBe(true);
    expect(grade("1", `\\boxed{${"{".repeat(10_000)}1${"}".repeat(10_000)}}`).correct).toBe(false);
    expect(grade("1", `\\boxed{${"{".repeat(10_000)}1`).found).toBe(false);
    expect(isEquivalent("2^{2^{2^{99}}}", "2^{2^{2^{99}}}+1")).toBe(false);
    expect(isEquivalent("2^{2^{2^{99}}}", "2^{2^{2^{99}}}")).toBe(true);
    expect(isEquivalent("1", "(10^{10})!")).toBe(false);
    expect(isEquivalent("1", "\\binom{10^{9}}{5000}")).toBe(false);
    expect(isEquivalent("1", `\\sqrt{${"9".repeat(3000)}}`)).toBe(false);
    expect(isEquivalent("x^{300}", "x".repeat(300))).toBe(true);
  });

  it("keeps exactness on big integers and tiny fractions", () => {
    expect(isEquivalent("2^{100}", "2^{100}+1")).toBe(false);
    expect(isEquivalent("\\frac{1}{2^{99}}", "\\frac{1}{2^{98}}")).toBe(false);
    expect(isEquivalent("2^{100}", "1267650600228229401496703205376")).toBe(true);
  });
});

async function runJsonl(text: string) {
  const output = new PassThrough();
  const chunks: string[] = [];
  output.on("data", (c: Buffer) => chunks.push(c.toString()));
  const bad: [number, string][] = [];
  const summary = await gradeJsonl(Readable.from([text]), output, (line, message) =>
    bad.push([line, message]),
  );
  output.end();
  return {
    summary,
    bad,
    records: chunks
      .join("")
      .trim()
      .split("\n")
      .filter(Boolean)
      .map((l) => JSON.parse(l)),
  };
}

describe("gradeJsonl", () => {
  it("grades responses and predictions, keeps input fields, reports bad lines by number and goes on", async () => {
    const input = [
      JSON.stringify({ id: "a", gold: "5", response: "thus \\boxed{5}" }),
      "{not json",
      JSON.stringify({ gold: "5" }),
      "",
      JSON.stringify({ gold: 5, pred: "5" }),
      JSON.stringify({ gold: "\\frac12", pred: "0.5" }),
      JSON.stringify({ gold: "1", response: "x", pred: "1" }),
    ].join("\n");
    const { summary, bad, records } = await runJsonl(input);
    expect(summary).toEqual({ lines: 7, graded: 2, bad: 4 });
    expect(bad.map(([n]) => n)).toEqual([2, 3, 5, 7]);
    expect(bad[0]![1]).toMatch(/invalid JSON/);
    expect(bad[1]![1]).toMatch(/"response" or "pred"/);
    expect(bad[2]![1]).toMatch(/"gold" must be a string/);
    expect(records).toEqual([
      {
        id: "a",
        gold: "5",
        response: "thus \\boxed{5}",
        extracted: "5",
        found: true,
        path: "boxed",
        correct: true,
      },
      { gold: "\\frac12", pred: "0.5", extracted: "0.5", found: true, path: "pred", correct: true },
    ]);
  });
});
