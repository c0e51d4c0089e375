import { describe, expect, it } from "vitest";
import { runGradingPerf } from "../../../src/perf/grading.js";
import { fixturesDir, requireSharedData } from "../../helpers/paths.js";

describe("runGradingPerf", () => {
  it("reports throughput lines for the MATH500 self-pairs and the fixtures, all graded as expected", async () => {
    const lines = await runGradingPerf({ dataDir: requireSharedData(), fixturesDir });
    expect(lines).toHaveLength(4);
    expect(lines[1]).toMatch(
      /^MATH500 solution vs answer .*: 500 pairs, 500\/500 as expected, \d+ pairs\/s, median /,
    );
    expect(lines[3]).toMatch(/^labeled fixtures .*: (\d+) pairs, \1\/\1 as expected/);
  });

  it("fails with the missing path when the data directory does not exist", async () => {
    await expect(runGradingPerf({ dataDir: "/nonexistent", fixturesDir })).rejects.toThrow(
      /ENOENT.*nonexistent/,
    );
  });
});
