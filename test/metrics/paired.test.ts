import { describe, expect, it } from "vitest";
import {
  binomialHalfCdf,
  bootstrapMeanInterval,
  comparePaired,
  mcnemarExactPValue,
} from "../../src/metrics/index.js";

/** Brute force: enumerate all 2^n coin sequences and count those with at most k heads. */
function enumeratedHalfCdf(k: number, n: number): number {
  let hits = 0;
  for (let mask = 0; mask < 2 ** n; mask++) {
    let heads = 0;
    for (let bit = 0; bit < n; bit++) if (mask & (1 << bit)) heads++;
    if (heads <= k) hits++;
  }
  return hits / 2 ** n;
}

/** Independent float reference: the Binomial(n, 1/2) pmf by repeated convolution with [1/2, 1/2]. */
function convolvedHalfCdf(k: number, n: number): number {
  let pmf = [1];
  for (let step = 0; step < n; step++) {
    const next = new Array<number>(pmf.length + 1).fill(0);
    pmf.forEach((p, i) => {
      next[i]! += p / 2;
      next[i + 1]! += p / 2;
    });
    pmf = next;
  }
  return pmf.slice(0, k + 1).reduce((a, b) => a + b, 0);
}

describe("binomialHalfCdf", () => {
  it("equals full enumeration exactly for n <= 14", () => {
    for (let n = 0; n <= 14; n++) {
      for (let k = 0; k <= n; k++) expect(binomialHalfCdf(k, n)).toBe(enumeratedHalfCdf(k, n));
    }
  });

  it("matches a convolution reference for large n, far into the tail", () => {
    for (const [k, n] of [
      [500, 1000],
      [100, 300],
      [10, 400],
    ] as const) {
      const ours = binomialHalfCdf(k, n);
      const reference = convolvedHalfCdf(k, n);
      expect(Math.abs(ours - reference) / reference).toBeLessThan(1e-12);
    }
  });

  it("keeps subnormal tails: P(X <= 0 | n = 1070) = 2^-1070", () => {
    expect(binomialHalfCdf(0, 1070)).toBe(2 ** -1070);
    expect(binomialHalfCdf(0, 1070)).toBeGreaterThan(0);
  });

  it("is 1 for k >= n and rejects non-integers", () => {
    expect(binomialHalfCdf(5, 5)).toBe(1);
    expect(() => binomialHalfCdf(1.5, 5)).toThrow(RangeError);
  });
});

describe("mcnemarExactPValue", () => {
  it("by hand", () => {
    // b = 8, c = 2: n = 10, P(X <= 2) = (1 + 10 + 45) / 1024 = 56/1024; two-sided = 112/1024 = 0.109375
    expect(mcnemarExactPValue(8, 2)).toBe(0.109375);
    expect(mcnemarExactPValue(2, 8)).toBe(0.109375);
    // b = 3, c = 3: P(X <= 3 | 6) = (1 + 6 + 15 + 20)/64 = 42/64; 2 * 42/64 > 1 -> capped at 1
    expect(mcnemarExactPValue(3, 3)).toBe(1);
    // b = 5, c = 0: 2 * (1/32) = 0.0625
    expect(mcnemarExactPValue(5, 0)).toBe(0.0625);
    expect(mcnemarExactPValue(0, 0)).toBe(1);
  });

  it("equals 2 * enumerated tail (capped at 1) for every b + c <= 12", () => {
    for (let b = 0; b <= 12; b++) {
      for (let c = 0; b + c <= 12; c++) {
        const expected = b + c === 0 ? 1 : Math.min(1, 2 * enumeratedHalfCdf(Math.min(b, c), b + c));
        expect(mcnemarExactPValue(b, c)).toBe(expected);
      }
    }
  });
});

describe("comparePaired", () => {
  it("booleans, by hand", () => {
    // persona: 1 1 1 0 0 1 1 1 0 1 -> 7/10;  control: 1 0 0 0 1 0 1 1 0 0 -> 4/10; delta = 0.3
    // discordant: persona-only right at 1, 2, 5, 9 -> b = 4; control-only right at 4 -> c = 1
    // p = 2 * P(X <= 1 | 5) = 2 * (1 + 5)/32 = 12/32 = 0.375
    const t = true;
    const f = false;
    const persona = [t, t, t, f, f, t, t, t, f, t];
    const control = [t, f, f, f, t, f, t, t, f, f];
    const result = comparePaired(persona, control, { seed: 5 });
    expect(result.problems).toBe(10);
    expect(result.accuracyPersona).toBe(0.7);
    expect(result.accuracyControl).toBe(0.4);
    expect(result.delta).toBeCloseTo(0.3, 15);
    expect(result.mcnemar).toMatchObject({ b: 4, c: 1, pValue: 0.375, pairing: "majority-vote" });
    // The delta interval is the bootstrap of the per-problem differences persona - control.
    const differences = [0, 1, 1, 0, -1, 1, 0, 0, 0, 1];
    expect(result.deltaInterval).toEqual(bootstrapMeanInterval(differences, { seed: 5 }));
    expect(result.deltaInterval.lo).toBeLessThanOrEqual(0.3);
    expect(result.deltaInterval.hi).toBeGreaterThanOrEqual(0.3);
  });

  it("mean@S scores: delta from the means, McNemar from strict-majority verdicts", () => {
    // persona [0.75, 0.5, 0.25, 1] -> verdicts T, F (tie counts as wrong), F, T; mean 2.5/4 = 0.625
    // control [0.25, 0.75, 0.5, 1] -> verdicts F, T, F, T;                        mean 2.5/4 = 0.625
    // b = problem 0 only = 1; c = problem 1 only = 1; p = 2 * P(X <= 1 | 2) = 2 * 3/4 -> capped at 1
    const result = comparePaired([0.75, 0.5, 0.25, 1], [0.25, 0.75, 0.5, 1]);
    expect(result.accuracyPersona).toBe(0.625);
    expect(result.accuracyControl).toBe(0.625);
    expect(result.delta).toBe(0);
    expect(result.mcnemar).toMatchObject({ b: 1, c: 1, pValue: 1 });
    expect(result.mcnemar.verdictRule).toMatch(/score > 0.5/);
  });

  it("a tie (score exactly 0.5) is a wrong verdict, whichever side it is on", () => {
    // Strict majority: persona F, F, T and control F, F, T agree everywhere -> b = c = 0, p = 1.
    // Counting ties as right would give persona T, T, T -> b = 2 and p = 0.5; ties on the control side alike.
    const personaTies = comparePaired([0.5, 0.5, 1], [0, 0, 1]);
    expect(personaTies.mcnemar).toMatchObject({ b: 0, c: 0, pValue: 1 });
    expect(personaTies.delta).toBeCloseTo(1 / 3, 15);
    const controlTies = comparePaired([0, 0, 1], [0.5, 0.5, 1]);
    expect(controlTies.mcnemar).toMatchObject({ b: 0, c: 0, pValue: 1 });
    // Just above a half is right.
    expect(comparePaired([0.51, 0.51, 1], [0, 0, 1]).mcnemar).toMatchObject({ b: 2, c: 0, pValue: 0.5 });
  });

  it("rejects misaligned, empty or out-of-range input", () => {
    expect(() => comparePaired([true], [true, false])).toThrow(/same problems/);
    expect(() => comparePaired([], [])).toThrow(/no shared problems/);
    expect(() => comparePaired([1.5], [1])).toThrow(/persona\[0\]/);
    expect(() => comparePaired([1], [Number.NaN])).toThrow(/control\[0\]/);
  });
});
