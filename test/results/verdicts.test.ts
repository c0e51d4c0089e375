import { describe, expect, it } from "vitest";
import { bootstrapIntervals, bootstrapMeanInterval, type GenerationState } from "../../src/metrics/index.js";
import {
  decodeJudgements,
  decodeMathOutcomes,
  encodeJudgements,
  encodeMathOutcomes,
} from "../../src/results/verdicts.js";

describe("per-item verdict encodings", () => {
  const generations: GenerationState[][] = [
    [
      { correct: true, found: true, truncated: false },
      { correct: false, found: true, truncated: false },
    ],
    [
      { correct: false, found: false, truncated: true },
      { correct: true, found: true, truncated: true },
    ],
    ["failed", undefined],
  ];

  it("writes one character per generation, item-major, and reads back exactly what it wrote", () => {
    const encoded = encodeMathOutcomes(generations);
    expect(encoded).toBe("cwNCf-");
    expect(decodeMathOutcomes(encoded, 3, 2)).toEqual(generations);
  });

  it("refuses a wrong length or an unknown character, naming the position", () => {
    expect(() => decodeMathOutcomes("cwNCf", 3, 2)).toThrow(
      /5 characters, expected 3 problems x 2 samples = 6/,
    );
    expect(() => decodeMathOutcomes("cwNCx-", 3, 2)).toThrow(/outcomes\[4\] is "x"/);
  });

  it("encodes judge verdicts 1-5, unparsed and missing", () => {
    expect(encodeJudgements([5, null, undefined, 1])).toBe("5u-1");
    expect(decodeJudgements("5u-1")).toEqual([5, null, undefined, 1]);
    expect(() => decodeJudgements("56")).toThrow(/judgements\[1\] is "6"/);
  });
});

describe("bootstrapIntervals", () => {
  it("draws the resamples bootstrapMeanInterval draws, for every figure at once", () => {
    const values = [0, 1, 1, 0.5, 1, 0, 1];
    const options = { resamples: 300, seed: 11 };
    const [mean, twice] = bootstrapIntervals(
      values.length,
      (indices) => {
        let sum = 0;
        for (const i of indices) sum += values[i]!;
        return [sum / indices.length, (2 * sum) / indices.length];
      },
      options,
    );
    const reference = bootstrapMeanInterval(values, options);
    expect([mean!.lo, mean!.hi, mean!.estimate]).toEqual([reference.lo, reference.hi, reference.estimate]);
    expect([twice!.lo, twice!.hi]).toEqual([2 * reference.lo, 2 * reference.hi]);
  });
});
