import { describe, expect, it } from "vitest";
import { accuracy, wilsonInterval } from "../../src/metrics/index.js";

describe("accuracy", () => {
  it("is correct / n, also for fractional mean@S sums", () => {
    expect(accuracy(8, 10)).toBe(0.8);
    // mean@4 scores 0.25 + 0.75 + 1 = 2 over 3 problems.
    expect(accuracy(2, 3)).toBeCloseTo(2 / 3, 15);
  });

  it("rejects n = 0 and impossible counts", () => {
    expect(() => accuracy(0, 0)).toThrow(/undefined/);
    expect(() => accuracy(11, 10)).toThrow(RangeError);
    expect(() => accuracy(-1, 10)).toThrow(RangeError);
    expect(() => accuracy(1, 2.5)).toThrow(/n must be an integer/);
  });
});

describe("wilsonInterval", () => {
  it("8 of 10 at z = 1.96, by hand", () => {
    // p = 0.8, z^2 = 3.8416, z^2/n = 0.38416, d = 1.38416.
    // centre = (0.8 + 0.19208) / 1.38416 = 0.99208 / 1.38416 = 0.7167379...
    // half = 1.96 / 1.38416 * sqrt(0.016 + 3.8416/400 = 0.025604) = 1.4160 * 0.160012 = 0.2265811...
    // -> [0.4901568, 0.9433191]
    const [lo, hi] = wilsonInterval(8, 10);
    expect(lo).toBeCloseTo(0.4901568, 6);
    expect(hi).toBeCloseTo(0.9433191, 6);
  });

  it("0 of 10 and 10 of 10 pin the exact bound to 0 and 1", () => {
    // p = 0: centre = half = 0.19208 / 1.38416, so hi = 0.38416 / 1.38416 = 0.2775402 and lo is exactly 0
    // (naive floating point gives -2.8e-17 here).
    const [lo0, hi0] = wilsonInterval(0, 10);
    expect(lo0).toBe(0);
    expect(hi0).toBeCloseTo(0.2775402, 6);
    const [lo1, hi1] = wilsonInterval(10, 10);
    expect(lo1).toBeCloseTo(1 - 0.2775402, 6);
    expect(hi1).toBe(1);
  });

  it("is symmetric around 0.5 at p = 0.5 and narrows with n", () => {
    const [lo, hi] = wilsonInterval(250, 500);
    expect(lo + hi).toBeCloseTo(1, 12);
    const [lo50, hi50] = wilsonInterval(25, 50);
    expect(hi - lo).toBeLessThan(hi50 - lo50);
  });

  it("honours z", () => {
    // z = 1 at 1 of 4: p = 0.25, z^2/n = 0.25, d = 1.25, centre = (0.25 + 0.125)/1.25 = 0.3,
    // half = (1/1.25) * sqrt(0.1875/4 + 1/64) = 0.8 * sqrt(0.046875 + 0.015625 = 0.0625) = 0.8 * 0.25 = 0.2 -> [0.1, 0.5]
    const [lo, hi] = wilsonInterval(1, 4, 1);
    expect(lo).toBeCloseTo(0.1, 14);
    expect(hi).toBeCloseTo(0.5, 14);
  });

  it("n = 0 means no information: [0, 1]", () => {
    expect(wilsonInterval(0, 0)).toEqual([0, 1]);
  });

  it("rejects bad input", () => {
    expect(() => wilsonInterval(3, 2)).toThrow(/correct must be in \[0, n\]/);
    expect(() => wilsonInterval(1, 2, 0)).toThrow(/z must be > 0/);
    expect(() => wilsonInterval(Number.NaN, 2)).toThrow(RangeError);
  });
});
