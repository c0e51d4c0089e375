import { describe, expect, it } from "vitest";
import { EXACT_SIGN_FLIP_LIMIT, SIGN_FLIP_RESAMPLES, signFlipPValue } from "../../src/metrics/index.js";

describe("signFlipPValue", () => {
  it("enumerates every sign pattern of the non-zero differences (hand-computed)", () => {
    // Three equal differences: only all-plus and all-minus reach |sum| 3, 2 of 8 patterns.
    expect(signFlipPValue([1, 1, 1], 0)).toBe(0.25);
    expect(signFlipPValue([0.25, 0.25, 0.25, 0.25, 0.25, 0.25], 0)).toBe(2 / 64);
    // Zeros carry no sign: [.5, -.25] has sums .25, -.75, .75, -.25, all at least the observed .25.
    expect(signFlipPValue([0.5, -0.25, 0], 0)).toBe(1);
    // A sum of 0 is matched by every pattern; no difference at all is no evidence.
    expect(signFlipPValue([0.5, -0.5], 0)).toBe(1);
    expect(signFlipPValue([0, 0], 0)).toBe(1);
  });

  it("counts a sum reached in another order as a tie, not a smaller value", () => {
    // 0.1 + 0.2 + 0.3 differs from 0.3 + 0.2 + 0.1 in the last bit; both extreme patterns must count.
    expect(signFlipPValue([0.1, 0.2, 0.3], 0)).toBe(0.25);
  });

  it("enumerates up to 16 non-zero differences and samples from 17 on", () => {
    expect(EXACT_SIGN_FLIP_LIMIT).toBe(16);
    // 16 equal differences: exactly the 2 extreme patterns of 2^16.
    expect(signFlipPValue([...new Array(16).fill(0.5), 0, 0], 7)).toBe(2 / 2 ** 16);
    // 17: an estimate (1 + hits) / (1 + resamples), never the exact 2 / 2^17, which is below its floor.
    const sampled = signFlipPValue(new Array(17).fill(0.5), 7);
    expect(sampled).toBeGreaterThanOrEqual(1 / (SIGN_FLIP_RESAMPLES + 1));
    const hits = sampled * (SIGN_FLIP_RESAMPLES + 1) - 1;
    expect(Math.abs(hits - Math.round(hits))).toBeLessThan(1e-6);
  });

  it("beyond 16 differences samples seeded patterns, never returns 0, and repeats itself", () => {
    const strong = new Array(20).fill(0.5);
    const p = signFlipPValue(strong, 7);
    expect(p).toBeGreaterThan(0);
    expect(p).toBeLessThanOrEqual(2 / (SIGN_FLIP_RESAMPLES + 1));
    const mixed = Array.from({ length: 30 }, (_, i) => (i % 3 === 0 ? -0.25 : 0.25));
    expect(signFlipPValue(mixed, 7)).toBe(signFlipPValue(mixed, 7));
    expect(signFlipPValue(mixed, 7)).toBeGreaterThan(0.05);
    expect(() => signFlipPValue([1, Number.NaN], 0)).toThrow(/signFlipPValue/);
  });
});
