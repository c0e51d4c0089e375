/**
 * The second blind set (fixtures/grading/blind-2-*, see its README): written without reading the grader. The bar is
 * issue 25's: no false positive in either file, and at least 99% agreement on the pairs.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { gradeLabeledFile } from "../../../perf/grading-agreement.js";
import { fixturesDir } from "../../helpers/paths.js";

const file = (name: string) => join(fixturesDir, "grading", name);

describe("second blind set", () => {
  it.each(["blind-2-pairs.jsonl", "blind-2-responses.jsonl"])("%s: no false positive", (name) => {
    const { rows } = gradeLabeledFile(file(name));
    expect(rows.length).toBeGreaterThan(100);
    // At least 40% traps, as written: a set of only true labels could not show a false positive.
    expect(rows.filter((r) => !r.expected).length / rows.length).toBeGreaterThanOrEqual(0.4);
    expect(rows.filter((r) => r.got && !r.expected).map((r) => `${r.id}: ${r.detail}`)).toEqual([]);
  });

  it("agrees with the labels on at least 99% of the pairs and 95% of the responses", () => {
    const agreement = (name: string) => {
      const { rows } = gradeLabeledFile(file(name));
      return rows.filter((r) => r.got === r.expected).length / rows.length;
    };
    expect(agreement("blind-2-pairs.jsonl")).toBeGreaterThanOrEqual(0.99);
    expect(agreement("blind-2-responses.jsonl")).toBeGreaterThanOrEqual(0.95);
  });
});
