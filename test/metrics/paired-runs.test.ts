import { describe, expect, it } from "vitest";
import {
  createRng,
  pairedConditionDrops,
  pairedMeanDifference,
  pairedRunFigures,
  quantile,
  unitsToDecide,
} from "../../src/metrics/index.js";

// 3 problems; baseline: control 2/3, personas 2/3 and 2/3 (mean 2/3, worst 2/3, std 0, PSS* 2/3).
// candidate: control 3/3, personas 1/3 and 2/3 (mean 1/2, worst 1/3, std 1/6, PSS* 1/3).
const baseline = {
  control: [1, 0, 1],
  personas: [
    [1, 1, 0],
    [0, 1, 1],
  ],
};
const candidate = {
  control: [1, 1, 1],
  personas: [
    [0, 1, 0],
    [1, 0, 1],
  ],
};

function figures(run: { control: number[]; personas: number[][] }, idx: number[]): number[] {
  const acc = (row: number[]) => idx.reduce((s, i) => s + row[i]!, 0) / idx.length;
  const a = run.personas.map(acc);
  const mean = a.reduce((s, x) => s + x, 0) / a.length;
  const std = Math.sqrt(a.reduce((s, x) => s + (x - mean) ** 2, 0) / a.length);
  return [acc(run.control), mean, Math.min(...a), mean - std];
}

describe("pairedRunFigures", () => {
  it("gives the hand-computed estimates", () => {
    const f = pairedRunFigures(baseline, candidate, { resamples: 100, seed: 3, level: 0.9 });
    expect(f.problems).toBe(3);
    expect(f.control.baseline).toBeCloseTo(2 / 3, 12);
    expect(f.control.candidate.estimate).toBeCloseTo(1, 12);
    expect(f.control.difference.estimate).toBeCloseTo(1 / 3, 12);
    expect(f.mean.difference.estimate).toBeCloseTo(1 / 2 - 2 / 3, 12);
    expect(f.worst.difference.estimate).toBeCloseTo(1 / 3 - 2 / 3, 12);
    expect(f.pss.baseline).toBeCloseTo(2 / 3, 12);
    expect(f.pss.candidate.estimate).toBeCloseTo(1 / 3, 12);
    expect(f.pss.difference.estimate).toBeCloseTo(1 / 3 - 2 / 3, 12);
  });

  it("resamples problems with all their personas in both runs, in the documented order", () => {
    const options = { resamples: 300, seed: 99, level: 0.9 };
    const rng = createRng(99);
    const draws: number[][] = [[], [], [], [], [], [], [], []];
    for (let r = 0; r < 300; r++) {
      const idx = [0, 1, 2].map(() => rng.nextInt(3));
      const b = figures(baseline, idx);
      const c = figures(candidate, idx);
      c.forEach((x, k) => {
        draws[k]!.push(x - b[k]!);
        draws[k + 4]!.push(x);
      });
    }
    const f = pairedRunFigures(baseline, candidate, options);
    (["control", "mean", "worst", "pss"] as const).forEach((name, k) => {
      expect(f[name].difference.lo).toBeCloseTo(quantile(draws[k]!, 0.05), 12);
      expect(f[name].difference.hi).toBeCloseTo(quantile(draws[k]!, 0.95), 12);
      expect(f[name].candidate.lo).toBeCloseTo(quantile(draws[k + 4]!, 0.05), 12);
      expect(f[name].candidate.hi).toBeCloseTo(quantile(draws[k + 4]!, 0.95), 12);
    });
  });

  it("rejects runs that cannot be paired", () => {
    expect(() => pairedRunFigures(baseline, { ...candidate, personas: [[0, 1, 0]] })).toThrow(
      /same personas/,
    );
    expect(() => pairedRunFigures(baseline, { ...candidate, control: [1, 1] })).toThrow(/candidate.control/);
    expect(() => pairedRunFigures(baseline, { ...candidate, control: [1, 2, 1] })).toThrow(/\[0, 1\]/);
  });
});

describe("pairedConditionDrops", () => {
  it("counts discordant problems per condition and adjusts McNemar p-values with Holm", () => {
    // 12 problems: the control loses 10 (baseline right, candidate wrong) and keeps 2; persona 1 is unchanged;
    // persona 2 gains one problem and loses one.
    const ones = Array<number>(12).fill(1);
    const lost = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1];
    const p2b = [1, 0, ...Array<number>(10).fill(1)];
    const p2c = [0, 1, ...Array<number>(10).fill(1)];
    const drops = pairedConditionDrops(
      { control: ones, personas: [ones, p2b] },
      { control: lost, personas: [ones, p2c] },
    );
    expect(drops[0]).toMatchObject({ condition: 0, candidateOnly: 0, baselineOnly: 10 });
    expect(drops[0]!.delta).toBeCloseTo(-10 / 12, 12);
    // p = 2 * (1/2)^10 = 0.001953125; Holm over 3: 3 * p = 0.005859375; the others are 1.
    expect(drops[0]!.pValue).toBeCloseTo(0.001953125, 15);
    expect(drops[0]!.pValueHolm).toBeCloseTo(0.005859375, 15);
    expect(drops[1]).toMatchObject({ delta: 0, candidateOnly: 0, baselineOnly: 0, pValue: 1, pValueHolm: 1 });
    expect(drops[2]).toMatchObject({ delta: 0, candidateOnly: 1, baselineOnly: 1, pValue: 1, pValueHolm: 1 });
  });

  it("pairs mean@S scores by their strict-majority verdicts", () => {
    const drops = pairedConditionDrops(
      { control: [0.75, 0.5], personas: [[1, 1]] },
      { control: [0.25, 1], personas: [[1, 1]] },
    );
    // problem 0: right -> wrong; problem 1: 0.5 (a tie, wrong) -> right.
    expect(drops[0]).toMatchObject({ candidateOnly: 1, baselineOnly: 1 });
    expect(drops[0]!.delta).toBeCloseTo(0, 12);
  });
});

describe("pairedMeanDifference", () => {
  it("gives the hand-computed paired mean and the same resamples for both figures", () => {
    const r = pairedMeanDifference([3, 4, 5], [3.5, 4, 4], { resamples: 200, seed: 5, level: 0.9 });
    expect(r.units).toBe(3);
    expect(r.baseline).toBeCloseTo(4, 12);
    expect(r.candidate.estimate).toBeCloseTo(11.5 / 3, 12);
    expect(r.difference.estimate).toBeCloseTo(-1 / 6, 12);
    const rng = createRng(5);
    const diffs: number[] = [];
    for (let k = 0; k < 200; k++) {
      const idx = [0, 1, 2].map(() => rng.nextInt(3));
      diffs.push(idx.reduce((s, i) => s + [0.5, 0, -1][i]!, 0) / 3);
    }
    expect(r.difference.lo).toBeCloseTo(quantile(diffs, 0.05), 12);
    expect(r.difference.hi).toBeCloseTo(quantile(diffs, 0.95), 12);
  });
});

describe("unitsToDecide", () => {
  it("scales the units by the squared ratio of the bound's distance to the gap", () => {
    // above the threshold: distance est - lo = 0.03, gap 0.015 -> 100 * 2^2 = 400
    expect(unitsToDecide(100, { estimate: -0.01, lo: -0.04, hi: 0.02 }, -0.025)).toEqual({
      units: 400,
      atThreshold: false,
    });
    // below: distance hi - est = 0.02, gap 0.005 -> 100 * 4^2 = 1600
    expect(unitsToDecide(100, { estimate: -0.03, lo: -0.05, hi: -0.01 }, -0.025).units).toBe(1600);
    expect(unitsToDecide(100, { estimate: -0.025, lo: -0.05, hi: 0 }, -0.025)).toEqual({
      units: null,
      atThreshold: true,
    });
  });
});
