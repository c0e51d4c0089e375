import { describe, expect, it } from "vitest";
import { mean, median, populationStd, quantile } from "../../src/metrics/index.js";

describe("descriptive statistics", () => {
  it("mean and population std by hand", () => {
    // [2, 4, 4, 4, 5, 5, 7, 9]: sum 40 -> mean 5; squared deviations 9+1+1+1+0+0+4+16 = 32; 32/8 = 4 -> std 2.
    const values = [2, 4, 4, 4, 5, 5, 7, 9];
    expect(mean(values)).toBe(5);
    expect(populationStd(values)).toBe(2);
    expect(populationStd([3])).toBe(0);
  });

  it("type-7 quantiles by hand", () => {
    // sorted [1, 2, 3, 4, 10], n = 5.
    // q = 0.5: h = 4 * 0.5 = 2 -> x[2] = 3.  q = 0.9: h = 3.6 -> 4 + 0.6 * (10 - 4) = 7.6.
    // q = 0.99: h = 3.96 -> 4 + 0.96 * 6 = 9.76.  q = 0 -> 1, q = 1 -> 10.
    const values = [10, 3, 1, 4, 2];
    expect(quantile(values, 0.5)).toBe(3);
    expect(quantile(values, 0.9)).toBeCloseTo(7.6, 12);
    expect(quantile(values, 0.99)).toBeCloseTo(9.76, 12);
    expect(quantile(values, 0)).toBe(1);
    expect(quantile(values, 1)).toBe(10);
    // Even count: median is the mean of the middle two: (2 + 3) / 2.
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(values).toEqual([10, 3, 1, 4, 2]); // input not mutated
  });

  it("rejects empty, non-finite and out-of-range input", () => {
    expect(() => mean([])).toThrow(RangeError);
    expect(() => mean([1, Number.NaN])).toThrow(/values\[1\]/);
    expect(() => quantile([1], 1.5)).toThrow(/q must be in/);
    expect(() => median([])).toThrow(RangeError);
  });
});
