/**
 * Every figure stays inside its own range, also where floating-point rounding used to push it out: the persona
 * lottery when many personas are perfect (1.0000000000000002 made the results schema refuse a finished run), a mean
 * of equal values, Krippendorff's alpha when the judges agree.
 */
import { describe, expect, it } from "vitest";
import {
  createRng,
  expectedMaxCurve,
  expectedMaxCurveWithReplacement,
  krippendorffAlphaInterval,
  mean,
  personaStability,
} from "../../src/metrics/index.js";
import type { StabilityCondition } from "../../src/metrics/stability.js";

/** Catalogs where `perfect` of `n` personas score 1 and the rest `low`. */
function catalogs(): { n: number; perfect: number; values: number[] }[] {
  const cases: { n: number; perfect: number; values: number[] }[] = [];
  for (let n = 1; n <= 60; n++) {
    for (const share of [1, 0.9, 0.5, 0.25]) {
      for (const low of [0, 0.1, 1 / 3, 0.5, 0.9]) {
        const perfect = Math.max(1, Math.ceil(n * share));
        cases.push({ n, perfect, values: Array.from({ length: n }, (_, i) => (i < perfect ? 1 : low)) });
      }
    }
  }
  return cases;
}

function expectWithin(curve: readonly number[], values: readonly number[]): void {
  const min = Math.min(...values);
  const max = Math.max(...values);
  const outside = curve
    .map((value, k) => ({ k: k + 1, value }))
    .filter((p) => p.value < min || p.value > max);
  expect(outside, `values ${min}..${max}`).toEqual([]);
}

describe("the persona lottery stays within the personas' accuracies", () => {
  it("is exactly 1 for every k when every persona is perfect (five gave 1.0000000000000002 at k = 2)", () => {
    expect(expectedMaxCurve([1, 1, 1, 1, 1])).toEqual([1, 1, 1, 1, 1]);
    expect(expectedMaxCurve(Array.from({ length: 8 }, () => 1))).toEqual(Array.from({ length: 8 }, () => 1));
  });

  it("never leaves [min, max] when many personas are perfect (catalogs of 1 to 60 personas)", () => {
    for (const { values } of catalogs()) {
      expectWithin(expectedMaxCurve(values), values);
      expectWithin(expectedMaxCurveWithReplacement(values), values);
    }
  });

  it("with replacement is exactly 1 when twelve personas are all perfect (was 0.9999999999999999 at k = 9)", () => {
    expect(expectedMaxCurveWithReplacement(Array.from({ length: 12 }, () => 1))).toEqual(
      Array.from({ length: 12 }, () => 1),
    );
  });

  it("stays within [0, 1] on a 10,000-persona catalog where half the personas are perfect", () => {
    const rng = createRng(19);
    const values = Array.from({ length: 10_000 }, (_, i) => (i % 2 === 0 ? 1 : rng.nextInt(500) / 500));
    const curve = expectedMaxCurve(values);
    expectWithin(curve, values);
    expect(curve.at(-1)).toBe(1);
    // The curve is the expected best of k draws: it never falls as k grows.
    for (let k = 1; k < curve.length; k++) expect(curve[k]!).toBeGreaterThanOrEqual(curve[k - 1]!);
  });
});

describe("means and summaries keep their own ranges", () => {
  it("the mean of equal values is that value (0.1 x 3 summed is 0.30000000000000004)", () => {
    expect(mean([0.1, 0.1, 0.1])).toBe(0.1);
    expect(mean([0.7, 0.7, 0.7, 0.7, 0.7, 0.7, 0.7])).toBe(0.7);
  });

  it("runs where most personas are perfect give summaries inside [0, 1] (2 to 12 personas, none or one wrong)", () => {
    // One problem, the control and the personas, all right but maybe one: `run benchmarks/math500-quick.yaml
    // --limit 1` on a strong model has this shape with 7 personas.
    const right = { correct: true, found: true, truncated: false };
    const wrong = { correct: false, found: true, truncated: false };
    for (let personas = 2; personas <= 12; personas++) {
      for (const wrongOnes of [0, 1]) {
        const conditions: StabilityCondition[] = Array.from({ length: personas + 1 }, (_, i) => ({
          id: i === 0 ? "none" : `p${i}`,
          lottery: true,
          generations: [[i > personas - wrongOnes ? wrong : right]],
        }));
        const { summary } = personaStability(conditions, {
          bootstrap: { resamples: 50, seed: 1, level: 0.95 },
        });
        const proportions = [
          summary!.mean,
          summary!.min,
          summary!.max,
          summary!.pss,
          summary!.flipRate,
          summary!.consistencyRate,
          ...summary!.expectedMaxAtK,
          ...summary!.lottery!.expectedMaxAtK,
        ];
        const outside = proportions.filter((value) => !(value >= 0 && value <= 1));
        expect(outside, `${personas} personas, ${wrongOnes} wrong`).toEqual([]);
        expect(summary!.expectedMaxAtK.at(-1)).toBe(1);
      }
    }
  });
});

describe("Krippendorff's alpha is at most 1", () => {
  it("is exactly 1 when judges agree on every unit, even with scores whose squares do not round evenly", () => {
    // Each unit's observed disagreement is 0 in exact arithmetic; rounding made it a hair negative (alpha 1.0000039).
    const { alpha } = krippendorffAlphaInterval([
      [3.141658690593859, 3.141658690593859, 3.141658690593859],
      [3.1416237021884497, 3.1416237021884497],
    ]);
    expect(alpha).toBe(1);
  });
});
