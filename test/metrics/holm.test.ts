import { describe, expect, it } from "vitest";
import { createRng, holmAdjust } from "../../src/metrics/index.js";

/**
 * Brute-force reference from the definition of Holm's procedure: the adjusted p of hypothesis h is the smallest
 * alpha in a candidate grid at which the step-down procedure rejects h. The grid holds every (m - j + 1) p_(j)
 * (capped at 1); the adjusted value is always one of them.
 */
function holmByStepDown(p: readonly number[]): number[] {
  const m = p.length;
  const order = p.map((_, i) => i).sort((a, b) => p[a]! - p[b]!);
  const candidates = [...new Set(order.map((h, j) => Math.min(1, (m - j) * p[h]!)))].sort((a, b) => a - b);
  const rejectedAt = (alpha: number): Set<number> => {
    const rejected = new Set<number>();
    for (let j = 0; j < m; j++) {
      const h = order[j]!;
      if (Math.min(1, (m - j) * p[h]!) <= alpha) rejected.add(h);
      else break;
    }
    return rejected;
  };
  return p.map((_, h) => candidates.find((alpha) => rejectedAt(alpha).has(h))!);
}

describe("holmAdjust", () => {
  it("by hand, returned in input order", () => {
    // p = [0.01, 0.04, 0.03, 0.005], m = 4; sorted 0.005, 0.01, 0.03, 0.04
    // 4 * 0.005 = 0.02; 3 * 0.01 = 0.03; 2 * 0.03 = 0.06; 1 * 0.04 = 0.04 -> running max 0.06
    const adjusted = holmAdjust([0.01, 0.04, 0.03, 0.005]);
    [0.03, 0.06, 0.06, 0.02].forEach((expected, i) => {
      expect(adjusted[i]).toBeCloseTo(expected, 15);
    });
  });

  it("caps at 1 and gives ties equal values", () => {
    // [0.5, 0.6]: 2 * 0.5 = 1; max(1, 0.6) = 1
    expect(holmAdjust([0.5, 0.6])).toEqual([1, 1]);
    // [0.02, 0.02, 0.5]: 3 * 0.02 = 0.06; 2 * 0.02 = 0.04 -> 0.06; 1 * 0.5 = 0.5
    const tied = holmAdjust([0.02, 0.02, 0.5]);
    expect(tied[0]).toBeCloseTo(0.06, 15);
    expect(tied[1]).toBe(tied[0]);
    expect(tied[2]).toBe(0.5);
    expect(holmAdjust([])).toEqual([]);
    expect(holmAdjust([0.3])).toEqual([0.3]);
  });

  it("equals the step-down procedure on 200 seeded random families, and is monotone in p", () => {
    const rng = createRng(2024);
    for (let trial = 0; trial < 200; trial++) {
      const m = 1 + rng.nextInt(12);
      // Mix tiny, moderate and tied p-values.
      const p = Array.from({ length: m }, () => (rng.nextInt(4) === 0 ? 0.01 : rng.nextFloat() ** 3));
      const adjusted = holmAdjust(p);
      expect(adjusted).toEqual(holmByStepDown(p));
      for (let i = 0; i < m; i++) {
        expect(adjusted[i]!).toBeGreaterThanOrEqual(p[i]!);
        expect(adjusted[i]!).toBeLessThanOrEqual(1);
        for (let j = 0; j < m; j++)
          if (p[i]! <= p[j]!) expect(adjusted[i]!).toBeLessThanOrEqual(adjusted[j]!);
      }
    }
  });

  it("rejects values outside [0, 1]", () => {
    expect(() => holmAdjust([0.1, 1.2])).toThrow(/pValues\[1\]/);
    expect(() => holmAdjust([Number.NaN])).toThrow(RangeError);
  });
});
