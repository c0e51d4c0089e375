import { describe, expect, it } from "vitest";
import { bootstrapMeanInterval, createRng, DEFAULT_BOOTSTRAP, quantile } from "../../src/metrics/index.js";

describe("bootstrapMeanInterval", () => {
  it("follows the documented resampling contract exactly (so others can reproduce it)", () => {
    const values = [0.2, 0.9, 0.4, 0.4, 0.7, 0.1];
    const options = { resamples: 300, seed: 12345, level: 0.9 };
    const rng = createRng(12345);
    const means: number[] = [];
    for (let r = 0; r < 300; r++) {
      let sum = 0;
      for (let i = 0; i < values.length; i++) sum += values[rng.nextInt(values.length)]!;
      means.push(sum / values.length);
    }
    const result = bootstrapMeanInterval(values, options);
    expect(result.lo).toBe(quantile(means, 0.05));
    expect(result.hi).toBe(quantile(means, 0.95));
    // estimate = (0.2 + 0.9 + 0.4 + 0.4 + 0.7 + 0.1) / 6 = 2.7 / 6 = 0.45
    expect(result.estimate).toBeCloseTo(0.45, 15);
    expect(result).toMatchObject({ level: 0.9, resamples: 300, seed: 12345, method: "percentile" });
  });

  it("is deterministic per seed and uses the documented defaults", () => {
    const values = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    const a = bootstrapMeanInterval(values);
    expect(bootstrapMeanInterval(values)).toEqual(a);
    expect(a).toMatchObject(DEFAULT_BOOTSTRAP);
    expect(DEFAULT_BOOTSTRAP).toEqual({ resamples: 2000, seed: 1, level: 0.95 });
    expect(bootstrapMeanInterval(values, { seed: 2 })).not.toEqual(a);
    expect(a.lo).toBeLessThan(5.5);
    expect(a.hi).toBeGreaterThan(5.5);
  });

  it("matches the exact bootstrap distribution of a two-point sample", () => {
    // values [0, 1], n = 2: the 4 equally likely resamples give means 0, 0.5, 0.5, 1 -> P(0) = 1/4, P(0.5) = 1/2,
    // P(1) = 1/4. With 20,000 resamples the 0-block ends near position 5,000 (sd ~61), so:
    // level 0.4 -> quantiles 0.3 and 0.7 sit inside the 0.5-block: [0.5, 0.5];
    // level 0.95 -> quantiles 0.025 and 0.975 sit in the 0- and 1-blocks: [0, 1].
    expect(bootstrapMeanInterval([0, 1], { resamples: 20_000, level: 0.4 })).toMatchObject({
      lo: 0.5,
      hi: 0.5,
    });
    expect(bootstrapMeanInterval([0, 1], { resamples: 20_000 })).toMatchObject({ lo: 0, hi: 1 });
  });

  it("collapses to the value for constant input and for one value", () => {
    expect(bootstrapMeanInterval([0.3, 0.3, 0.3])).toMatchObject({ lo: 0.3, hi: 0.3, estimate: 0.3 });
    expect(bootstrapMeanInterval([4])).toMatchObject({ lo: 4, hi: 4 });
  });

  it("rejects bad input", () => {
    expect(() => bootstrapMeanInterval([])).toThrow(/must not be empty/);
    expect(() => bootstrapMeanInterval([1], { resamples: 0 })).toThrow(/resamples/);
    expect(() => bootstrapMeanInterval([1], { level: 1 })).toThrow(/level/);
    expect(() => bootstrapMeanInterval([1], { seed: -1 })).toThrow(/bootstrapMeanInterval: seed/);
    expect(() => bootstrapMeanInterval([1, Number.POSITIVE_INFINITY])).toThrow(/values\[1\]/);
  });
});
