import { describe, expect, it } from "vitest";
import { passAtK, passAtKCurve, passAtKValues } from "../../src/metrics/index.js";

describe("passAtK (hand-computed, 1 - C(n-c, k) / C(n, k))", () => {
  it("n = 4, c = 1: k = 1 is 1/4, k = 2 is 1 - 3/6 = 1/2, k = 3 is 1 - 1/4 = 3/4", () => {
    expect(passAtK(4, 1, 1)).toBeCloseTo(0.25, 15);
    expect(passAtK(4, 1, 2)).toBeCloseTo(0.5, 15);
    expect(passAtK(4, 1, 3)).toBeCloseTo(0.75, 15);
  });

  it("n = 5, c = 2, k = 2 is 1 - C(3,2)/C(5,2) = 1 - 3/10; n = 10, c = 3, k = 4 is 1 - 35/210", () => {
    expect(passAtK(5, 2, 2)).toBeCloseTo(0.7, 15);
    expect(passAtK(10, 3, 4)).toBeCloseTo(1 - 35 / 210, 15);
  });

  it("is 0 with no correct sample, and 1 once fewer than k samples are wrong", () => {
    expect(passAtK(4, 0, 4)).toBe(0);
    expect(passAtK(4, 3, 2)).toBe(1);
    expect(passAtK(4, 1, 4)).toBe(1);
    expect(passAtK(1, 1, 1)).toBe(1);
  });

  it("refuses impossible counts", () => {
    expect(() => passAtK(4, 5, 1)).toThrow(/c must be at most n/);
    expect(() => passAtK(4, 1, 5)).toThrow(/k must be at most n/);
    expect(() => passAtK(0, 0, 1)).toThrow(/passAtK/);
  });
});

describe("passAtKValues and passAtKCurve", () => {
  it("reports powers of two below S, then S", () => {
    expect(passAtKValues(1)).toEqual([1]);
    expect(passAtKValues(4)).toEqual([1, 2, 4]);
    expect(passAtKValues(6)).toEqual([1, 2, 4, 6]);
    expect(passAtKValues(8)).toEqual([1, 2, 4, 8]);
  });

  it("averages pass@k over the problems: c = 1 and c = 2 of 4", () => {
    // k = 1: (1/4 + 2/4) / 2; k = 2: (1/2 + (1 - 1/6)) / 2; k = 4: (1 + 1) / 2.
    const curve = passAtKCurve(
      [
        { n: 4, c: 1 },
        { n: 4, c: 2 },
      ],
      4,
    );
    expect(Object.keys(curve)).toEqual(["1", "2", "4"]);
    expect(curve["1"]).toBeCloseTo(0.375, 15);
    expect(curve["2"]).toBeCloseTo((0.5 + 5 / 6) / 2, 15);
    expect(curve["4"]).toBe(1);
    expect(() => passAtKCurve([], 4)).toThrow(/must not be empty/);
  });
});
