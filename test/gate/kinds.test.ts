import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { evaluatePolicy, POLICY_DEFAULTS } from "../../src/gate/index.js";
import { buildLeaderboard } from "../../src/leaderboard/build.js";
import type { BootstrapInterval } from "../../src/metrics/index.js";
import type { TaskSection } from "../../src/results/types.js";
import { registerTaskKind, unregisterTaskKind } from "../../src/task-kinds/registry.js";
import type { KindEstimates, SectionGate } from "../../src/task-kinds/section-gate.js";
import { fakeResults } from "../leaderboard/results-factory.js";
import { echoKind } from "../task-kinds/echo/index.js";

/** A kind brings its gate metrics through its gate part: the rule engine gates it with no edit of its own. */
interface EchoEstimates extends KindEstimates {
  words: number;
  difference: BootstrapInterval;
}

const interval = (estimate: number, lo: number, hi: number): BootstrapInterval => ({
  estimate,
  lo,
  hi,
  level: 0.9,
  resamples: 100,
  seed: 1,
  method: "percentile",
});

const echoGate: SectionGate<TaskSection, EchoEstimates> = {
  metrics: [{ name: "echo-rate", scale: "proportion" }],
  unit: "problems",
  unpairable: () => undefined,
  differences: () => [],
  estimate: () => {
    throw new Error("not used");
  },
  figure: (_metric, e) => ({
    baseline: 0.9,
    candidate: interval(0.9 + e.difference.estimate, 0.8, 1),
    difference: e.difference,
  }),
  coverage: (e) => ({ paired: e.words, total: e.words }),
  partialNote: () => "",
  recompute: () => ({ checks: [], headline: [] }),
};

const POLICY = { confidence: 0.95, alpha: 0.05, source: "test", minPaired: POLICY_DEFAULTS.minPaired };
const rule = { type: "non-inferiority", id: "echo", metric: "echo-rate", margin: 0.05 } as const;

describe("kinds on the gate and the leaderboard", () => {
  beforeAll(() =>
    registerTaskKind({ ...echoKind, sections: { kind: "echo", gate: echoGate as unknown as SectionGate } }),
  );
  afterAll(() => unregisterTaskKind("echo"));

  it("applies a rule on a kind's own metric to that kind's tasks, through its gate part", () => {
    const estimates: EchoEstimates = {
      kind: "echo",
      task: "echo",
      words: 40,
      difference: interval(0, -0.02, 0.02),
    };
    const report = evaluatePolicy({ ...POLICY, rules: [rule] }, [estimates]);
    expect(report.rules[0]).toMatchObject({
      result: "pass",
      kind: "echo",
      unit: "problems",
      units: 40,
      baseline: 0.9,
    });
    const failing = { ...estimates, difference: interval(-0.2, -0.25, -0.15) };
    expect(evaluatePolicy({ ...POLICY, rules: [rule] }, [failing]).rules[0]!.result).toBe("fail");
    // Too few paired units: the policy's minimum for the kind's unit holds.
    const few = evaluatePolicy({ ...POLICY, rules: [rule] }, [{ ...estimates, words: 3 } as EchoEstimates]);
    expect(few.rules[0]!.result).toBe("inconclusive");
    // Persona-drop needs per-condition tests, which this kind does not offer: not applicable.
    const drop = { type: "persona-drop", id: "d", drop: 0.1 } as const;
    expect(evaluatePolicy({ ...POLICY, rules: [rule, drop] }, [estimates]).notApplicable).toEqual([
      { rule: "d", reason: "the runs have no math task" },
    ]);
  });

  it("shows a kind without a leaderboard part by its headline and its scorer", () => {
    const results = fakeResults({ model: "m", control: 0.5, personas: { a: 0.5 } });
    results.tasks = {
      echo: {
        id: "echo",
        kind: "echo",
        dataset: { name: "words", hash: "h" },
        scorer: { name: "exact-match", version: "1" },
        headline: [
          {
            metric: "echoRate",
            label: "Echo rate",
            value: 0.75,
            ci95: null,
            higherIsBetter: true,
            unit: "proportion",
            description: "d",
          },
        ],
        statistics: {
          alpha: 0.05,
          bootstrap: { resamples: 1, seed: 0, level: 0.95, method: "percentile" },
          intervals: {},
        },
      } as TaskSection,
    };
    const group = buildLeaderboard([{ file: "r.json", results }], { createdAt: "t" }).groups[0]!;
    expect(group.tasks[0]!.description).toBe("echo scored by exact-match 1");
    expect(group.columns.map((c) => c.id)).toEqual(["rank", "model", "echo.echoRate"]);
    expect(group.rows[0]).toMatchObject({ math500: null, mathTasks: {}, personagym: null });
  });
});
