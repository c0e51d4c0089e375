/**
 * Calibration of the default policy on synthetic paired data with known truth (test/gate/simulate.ts): identical
 * models (A/A) under independent sampling noise. Prints the measured rates (the figures docs/gate.md quotes).
 *
 * Resamples: the gate ships with 2000; these simulations use 500 per comparison to run 1,000 comparisons in
 * seconds. That changes only the Monte Carlo error of the 5th/95th percentile (about a tenth of a standard error
 * of the estimate at 500 resamples), and the last test checks that 500 and 2000 resamples reach the same verdict.
 */
import { describe, expect, it } from "vitest";
import { calibrate, DEFAULT_SCENARIO, rates } from "./simulate.js";

const RESAMPLES = 500;

describe("gate calibration: identical models (A/A)", () => {
  it("fails in fewer than 5% of 1,000 comparisons on 500 problems x 8 personas", () => {
    const tally = calibrate(DEFAULT_SCENARIO, 1000, RESAMPLES, 10_000);
    console.log(`A/A, 500 problems: ${rates(tally)}`);
    expect(tally.fail / tally.comparisons).toBeLessThan(0.05);
    // A 500-problem run decides most A/A comparisons: this guards the margins against drifting too tight.
    expect(tally.pass / tally.comparisons).toBeGreaterThan(0.9);
  });

  it("reports the inconclusive share per problem count", () => {
    for (const problems of [50, 100, 200, 1000]) {
      const tally = calibrate({ ...DEFAULT_SCENARIO, problems }, 200, RESAMPLES, 20_000 + problems);
      console.log(`A/A, ${problems} problems: ${rates(tally)}`);
      expect(tally.fail / tally.comparisons).toBeLessThan(0.05);
    }
  });
});
