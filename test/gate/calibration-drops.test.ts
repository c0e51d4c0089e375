/**
 * Calibration of the default policy on synthetic paired data with known truth (test/gate/simulate.ts): true
 * regressions. Prints the measured rates (the figures docs/gate.md quotes). 500 resamples per comparison instead
 * of the shipped 2000: see calibration-aa.test.ts, and the check below that both reach the same verdicts.
 */
import { describe, expect, it } from "vitest";
import { calibrate, DEFAULT_SCENARIO, rates } from "./simulate.js";

const RESAMPLES = 500;

describe("gate calibration: true regressions", () => {
  it("never passes a true 5-point drop of mean accuracy on 500 problems, and mostly fails it", () => {
    const tally = calibrate(
      { ...DEFAULT_SCENARIO, change: { kind: "all", drop: 0.05 } },
      1000,
      RESAMPLES,
      30_000,
    );
    console.log(`5-point drop of every condition, 500 problems: ${rates(tally)}`);
    // Caught = not passed (fail or inconclusive both stop a release): at least 95%.
    expect(tally.pass / tally.comparisons).toBeLessThan(0.05);
    // Declared a regression outright in most comparisons; the rest are inconclusive (see docs/gate.md).
    expect(tally.fail / tally.comparisons).toBeGreaterThan(0.75);
  });

  it("fails a single persona that drops 15 points while the others stay", () => {
    const tally = calibrate(
      { ...DEFAULT_SCENARIO, change: { kind: "persona", persona: 3, drop: 0.15 } },
      300,
      RESAMPLES,
      40_000,
    );
    console.log(`one persona 15 points down, 500 problems: ${rates(tally)}`);
    expect(tally.fail / tally.comparisons).toBeGreaterThanOrEqual(0.95);
  });

  it("reaches the same verdicts with 500 resamples as with the shipped 2000", () => {
    let same = 0;
    const n = 40;
    for (let s = 0; s < n; s++) {
      const scenario = { ...DEFAULT_SCENARIO, change: { kind: "all" as const, drop: 0.05 } };
      const a = calibrate(scenario, 1, 500, 50_000 + s);
      const b = calibrate(scenario, 1, 2000, 50_000 + s);
      if (a.pass === b.pass && a.fail === b.fail) same++;
    }
    console.log(`500 vs 2000 resamples: the same verdict in ${same} of ${n} comparisons`);
    expect(same / n).toBeGreaterThanOrEqual(0.9);
  });
});
