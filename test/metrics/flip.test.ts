import { describe, expect, it } from "vitest";
import { createRng, flipStats } from "../../src/metrics/index.js";

describe("flipStats", () => {
  it("by hand, mixing booleans and mean@S scores", () => {
    //            prob0 prob1 prob2 prob3
    // persona 0:   T     T     F    0.75 (T)
    // persona 1:   T     F     F    0.5  (F: a tie is not a majority)
    // persona 2:   T     T     F    1    (T)
    // prob0 all right, prob2 all wrong: no flip, agreement 1.
    // prob1 and prob3: 2 right of 3 -> flip; agreement (C(2,2) + C(1,2)) / C(3,2) = (1 + 0) / 3 = 1/3.
    // flipRate = 2/4 = 0.5; consistency = (1 + 1/3 + 1 + 1/3) / 4 = (8/3) / 4 = 2/3
    const stats = flipStats([
      [true, true, false, 0.75],
      [true, false, false, 0.5],
      [true, true, false, 1],
    ]);
    expect(stats).toMatchObject({ personas: 3, problems: 4, flippedProblems: 2, flipRate: 0.5 });
    expect(stats.consistencyRate).toBeCloseTo(2 / 3, 15);
    expect(stats.verdictRule).toMatch(/score > 0.5/);
  });

  it("equals explicit enumeration of persona pairs on seeded random matrices", () => {
    const rng = createRng(31);
    for (let trial = 0; trial < 50; trial++) {
      const personas = 2 + rng.nextInt(6);
      const problems = 1 + rng.nextInt(10);
      const matrix = Array.from({ length: personas }, () =>
        Array.from({ length: problems }, () => rng.nextInt(3) !== 0),
      );
      let flipped = 0;
      let agreement = 0;
      for (let i = 0; i < problems; i++) {
        let same = 0;
        let pairs = 0;
        for (let a = 0; a < personas; a++) {
          for (let b = a + 1; b < personas; b++) {
            pairs++;
            if (matrix[a]![i] === matrix[b]![i]) same++;
          }
        }
        if (same < pairs) flipped++;
        agreement += same / pairs;
      }
      const stats = flipStats(matrix);
      expect(stats.flippedProblems).toBe(flipped);
      expect(stats.flipRate).toBeCloseTo(flipped / problems, 15);
      expect(stats.consistencyRate).toBeCloseTo(agreement / problems, 14);
    }
  });

  it("rejects fewer than 2 personas, no problems, ragged rows and bad scores", () => {
    expect(() => flipStats([[true]])).toThrow(/at least 2 personas/);
    expect(() => flipStats([[], []])).toThrow(/at least 1 problem/);
    expect(() => flipStats([[true, false], [true]])).toThrow(/row 1/);
    expect(() => flipStats([[true], [2]])).toThrow(/matrix\[1\]\[0\]/);
  });
});
