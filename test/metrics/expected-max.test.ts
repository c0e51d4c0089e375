import { describe, expect, it } from "vitest";
import {
  createRng,
  expectedMaxAtK,
  expectedMaxCurve,
  expectedMaxCurveWithReplacement,
} from "../../src/metrics/index.js";

/** Brute force: the mean of the maximum over every k-subset of positions. */
function bruteForceWithout(values: readonly number[], k: number): number {
  let total = 0;
  let count = 0;
  const visit = (start: number, chosen: number[]) => {
    if (chosen.length === k) {
      total += Math.max(...chosen.map((i) => values[i]!));
      count++;
      return;
    }
    for (let i = start; i < values.length; i++) visit(i + 1, [...chosen, i]);
  };
  visit(0, []);
  return total / count;
}

/** Brute force: the mean of the maximum over every length-k sequence of positions (with replacement). */
function bruteForceWith(values: readonly number[], k: number): number {
  const n = values.length;
  let total = 0;
  for (let code = 0; code < n ** k; code++) {
    let best = Number.NEGATIVE_INFINITY;
    let rest = code;
    for (let draw = 0; draw < k; draw++) {
      best = Math.max(best, values[rest % n]!);
      rest = Math.floor(rest / n);
    }
    total += best;
  }
  return total / n ** k;
}

function binomial(n: number, k: number): bigint {
  let result = 1n;
  for (let i = 0; i < k; i++) result = (result * BigInt(n - i)) / BigInt(i + 1);
  return result;
}

describe("expectedMaxCurve (without replacement)", () => {
  it("by hand for [0.2, 0.5, 0.9]", () => {
    // k = 1: mean = 1.6 / 3 = 0.53333
    // k = 2: subsets {0.2,0.5} -> 0.5, {0.2,0.9} -> 0.9, {0.5,0.9} -> 0.9; (0.5 + 0.9 + 0.9) / 3 = 0.76667
    //        formula: C(1,1)/C(3,2) * 0.5 + C(2,1)/C(3,2) * 0.9 = 0.5/3 + 1.8/3 = 2.3/3
    // k = 3: the maximum 0.9
    const curve = expectedMaxCurve([0.9, 0.2, 0.5]);
    expect(curve[0]).toBeCloseTo(1.6 / 3, 15);
    expect(curve[1]).toBeCloseTo(2.3 / 3, 15);
    expect(curve[2]).toBe(0.9);
    expect(expectedMaxAtK([0.9, 0.2, 0.5], 2)).toBe(curve[1]);
  });

  it("equals enumeration of all k-subsets, with many ties, for N <= 9", () => {
    const rng = createRng(77);
    for (let trial = 0; trial < 40; trial++) {
      const n = 1 + rng.nextInt(9);
      // Values from {0, 0.25, 0.5, 0.75, 1}: ties are the norm.
      const values = Array.from({ length: n }, () => rng.nextInt(5) / 4);
      const curve = expectedMaxCurve(values);
      for (let k = 1; k <= n; k++) expect(curve[k - 1]).toBeCloseTo(bruteForceWithout(values, k), 12);
    }
  });

  it("is stable for N = 500: exact BigInt reference, constant input, endpoints and monotonicity", () => {
    const rng = createRng(500);
    const counts = Array.from({ length: 500 }, () => rng.nextInt(501)); // accuracies count/500 on 500 problems
    const values = counts.map((c) => c / 500);
    const curve = expectedMaxCurve(values);
    const sortedCounts = [...counts].sort((a, b) => a - b);
    for (const k of [1, 2, 7, 50, 250, 499, 500]) {
      // E = sum_i C(i-1, k-1) * count_(i) / (C(N, k) * 500), as an exact rational rounded to 1e-18.
      let numerator = 0n;
      sortedCounts.forEach((count, index) => {
        if (index + 1 >= k) numerator += binomial(index, k - 1) * BigInt(count);
      });
      const scaled = (numerator * 10n ** 18n) / (binomial(500, k) * 500n);
      expect(Math.abs(curve[k - 1]! - Number(scaled) / 1e18)).toBeLessThan(1e-12);
    }
    expect(curve[0]).toBeCloseTo(values.reduce((a, b) => a + b, 0) / 500, 12);
    expect(curve[499]).toBe(Math.max(...values));
    for (let k = 1; k < 500; k++) expect(curve[k]!).toBeGreaterThanOrEqual(curve[k - 1]! - 1e-15);
    const constant = expectedMaxCurve(new Array(500).fill(0.37));
    for (const e of constant) expect(Math.abs(e - 0.37)).toBeLessThan(1e-12);
  });

  it("rejects bad input", () => {
    expect(() => expectedMaxCurve([])).toThrow(/must not be empty/);
    expect(() => expectedMaxCurve([0.1, Number.NaN])).toThrow(/values\[1\]/);
    expect(() => expectedMaxAtK([0.1, 0.2], 0)).toThrow(/k must be an integer/);
    expect(() => expectedMaxAtK([0.1, 0.2], 3)).toThrow(/k must be <=/);
  });
});

describe("expectedMaxCurveWithReplacement", () => {
  it("by hand for [0, 1]", () => {
    // k = 1: 0.5; k = 2: 1 - P(both draws are 0) = 1 - 1/4 = 0.75
    expect(expectedMaxCurveWithReplacement([1, 0])).toEqual([0.5, 0.75]);
  });

  it("equals enumeration of all N^k draws for N <= 5", () => {
    const rng = createRng(5);
    for (let trial = 0; trial < 20; trial++) {
      const n = 1 + rng.nextInt(5);
      const values = Array.from({ length: n }, () => rng.nextInt(5) / 4);
      const curve = expectedMaxCurveWithReplacement(values);
      for (let k = 1; k <= n; k++) expect(curve[k - 1]).toBeCloseTo(bruteForceWith(values, k), 12);
    }
  });

  it("never exceeds the without-replacement curve (repeats waste draws)", () => {
    const values = [0.1, 0.35, 0.4, 0.62, 0.9, 0.91];
    const without = expectedMaxCurve(values);
    expectedMaxCurveWithReplacement(values).forEach((e, i) => {
      expect(e).toBeLessThanOrEqual(without[i]! + 1e-15);
    });
  });
});
