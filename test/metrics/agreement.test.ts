import { describe, expect, it } from "vitest";
import { averageRanks, createRng, krippendorffAlphaInterval, spearmanRho } from "../../src/metrics/index.js";

/**
 * Reference alpha through Krippendorff's coincidence matrix: o_ck = sum_u (number of ordered pairs (c, k) from
 * different judges in u) / (m_u - 1); n_c = sum_k o_ck; alpha = 1 - (n - 1) sum o_ck d_ck / sum n_c n_k d_ck.
 */
function alphaByCoincidences(units: readonly (readonly (number | null)[])[]): number {
  const o = new Map<string, number>();
  const key = (c: number, k: number) => `${c}|${k}`;
  for (const unit of units) {
    const values = unit.filter((v): v is number => v !== null);
    if (values.length < 2) continue;
    values.forEach((c, i) => {
      values.forEach((k, j) => {
        if (i !== j) o.set(key(c, k), (o.get(key(c, k)) ?? 0) + 1 / (values.length - 1));
      });
    });
  }
  const marginals = new Map<number, number>();
  for (const [pair, count] of o) {
    const c = Number(pair.split("|")[0]);
    marginals.set(c, (marginals.get(c) ?? 0) + count);
  }
  const n = [...marginals.values()].reduce((a, b) => a + b, 0);
  let observed = 0;
  for (const [pair, count] of o) {
    const [c, k] = pair.split("|").map(Number) as [number, number];
    observed += count * (c - k) ** 2;
  }
  let expected = 0;
  for (const [c, nc] of marginals) for (const [k, nk] of marginals) expected += nc * nk * (c - k) ** 2;
  return 1 - ((n - 1) * observed) / expected;
}

describe("krippendorffAlphaInterval", () => {
  it("by hand on a small example with missing values", () => {
    // units [1,2], [3,3], [4,5,-], [2,-]: the last has one value and is dropped -> values 1,2,3,3,4,5, n = 6
    // D_o = (1/6) * ((1-2)^2 * 2 / 1 + 0 + (4-5)^2 * 2 / 1) = 4/6 = 2/3
    // sum v = 18, sum v^2 = 64 -> sum_{i!=j} (vi - vj)^2 = 2 (6 * 64 - 18^2) = 120; D_e = 120 / (6 * 5) = 4
    // alpha = 1 - (2/3) / 4 = 5/6
    const result = krippendorffAlphaInterval([
      [1, 2],
      [3, 3],
      [4, 5, null],
      [2, null],
    ]);
    expect(result.alpha).toBeCloseTo(5 / 6, 14);
    expect(result).toMatchObject({ pairableUnits: 3, pairableValues: 6 });
  });

  it("reproduces Krippendorff's published 4-coder, 12-unit example: alpha_interval = 0.849", () => {
    // Krippendorff (2011), "Computing Krippendorff's alpha-reliability", reliability data with missing values.
    const coders = [
      [1, 2, 3, 3, 2, 1, 4, 1, 2, null, null, null],
      [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, null, 3],
      [null, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, null],
      [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, null],
    ];
    const units = coders[0]!.map((_, u) => coders.map((row) => row[u]!));
    const result = krippendorffAlphaInterval(units);
    expect(result.alpha).toBeCloseTo(0.849, 3);
    expect(result.pairableValues).toBe(40);
    expect(result.alpha).toBeCloseTo(alphaByCoincidences(units), 12);
  });

  it("equals the coincidence-matrix reference on seeded random data (3 judges, scores 1..5, some missing)", () => {
    const rng = createRng(4);
    for (let trial = 0; trial < 30; trial++) {
      const units = Array.from({ length: 2 + rng.nextInt(20) }, () =>
        Array.from({ length: 3 }, () => (rng.nextInt(5) === 0 ? null : 1 + rng.nextInt(5))),
      );
      const { alpha } = krippendorffAlphaInterval(units);
      const reference = alphaByCoincidences(units);
      if (Number.isFinite(reference)) expect(alpha).toBeCloseTo(reference, 12);
      else expect(alpha).toBeNull();
    }
  });

  it("perfect agreement gives 1; it is invariant to a linear rescaling of the scale", () => {
    expect(
      krippendorffAlphaInterval([
        [1, 1],
        [3, 3, 3],
        [5, 5],
      ]).alpha,
    ).toBe(1);
    const units = [
      [1, 2, 2],
      [4, 5, null],
      [3, 3, 1],
    ];
    const rescaled = units.map((u) => u.map((v) => (v === null ? null : 10 * v + 7)));
    expect(krippendorffAlphaInterval(rescaled).alpha).toBeCloseTo(
      krippendorffAlphaInterval(units).alpha!,
      12,
    );
  });

  it("is null when undefined: no variation, or nothing pairable", () => {
    expect(
      krippendorffAlphaInterval([
        [4, 4],
        [4, 4],
      ]).alpha,
    ).toBeNull();
    expect(krippendorffAlphaInterval([[1], [2, null]])).toEqual({
      alpha: null,
      pairableUnits: 0,
      pairableValues: 0,
    });
    expect(krippendorffAlphaInterval([])).toMatchObject({ alpha: null });
  });

  it("rejects non-finite values", () => {
    expect(() => krippendorffAlphaInterval([[1, Number.NaN]])).toThrow(/units\[0\]\[1\]/);
  });
});

describe("averageRanks and spearmanRho", () => {
  it("ranks ties by their average", () => {
    // sorted 10, 20, 20, 30 -> ranks 1, (2+3)/2, (2+3)/2, 4
    expect(averageRanks([20, 10, 30, 20])).toEqual([2.5, 1, 4, 2.5]);
  });

  it("by hand with ties", () => {
    // x = 1..5 -> ranks 1..5; y = [5, 6, 7, 8, 7] -> ranks [1, 2, 3.5, 5, 3.5]
    // centred: dx = [-2,-1,0,1,2], dy = [-2,-1,0.5,2,0.5]
    // sum dx dy = 4 + 1 + 0 + 2 + 1 = 8; sum dx^2 = 10; sum dy^2 = 4 + 1 + 0.25 + 4 + 0.25 = 9.5
    // rho = 8 / sqrt(95) = 0.820782
    expect(spearmanRho([1, 2, 3, 4, 5], [5, 6, 7, 8, 7])).toBeCloseTo(8 / Math.sqrt(95), 14);
  });

  it("equals 1 - 6 sum d^2 / (n (n^2 - 1)) when there are no ties", () => {
    const rng = createRng(8);
    for (let trial = 0; trial < 30; trial++) {
      const n = 2 + rng.nextInt(15);
      const x = Array.from({ length: n }, (_, i) => i * 1.5);
      const y = Array.from({ length: n }, () => rng.nextFloat());
      const rx = averageRanks(x);
      const ry = averageRanks(y);
      const d2 = rx.reduce((sum, r, i) => sum + (r - ry[i]!) ** 2, 0);
      expect(spearmanRho(x, y)).toBeCloseTo(1 - (6 * d2) / (n * (n * n - 1)), 12);
    }
  });

  it("is +-1 for monotone data and null when undefined", () => {
    expect(spearmanRho([1, 2, 3], [10, 20, 30])).toBe(1);
    expect(spearmanRho([1, 2, 3], [3, 2, 1])).toBe(-1);
    expect(spearmanRho([1, 2, 3], [4, 4, 4])).toBeNull();
    expect(spearmanRho([1], [2])).toBeNull();
    expect(() => spearmanRho([1, 2], [1])).toThrow(/same length/);
  });
});
