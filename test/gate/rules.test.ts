import { readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  combineVerdict,
  estimatePersonaGym,
  evaluatePolicy,
  evaluateRule,
  type GatePolicy,
  loadPolicy,
  type MathEstimates,
} from "../../src/gate/index.js";
import type { BootstrapInterval } from "../../src/metrics/index.js";
import type { PersonaGymSection } from "../../src/results/types.js";
import { repoRoot } from "../helpers/paths.js";
import { tempDir } from "../helpers/tmp.js";

const POLICY = { confidence: 0.95, alpha: 0.05, source: "test", rules: [] };

function interval(estimate: number, lo: number, hi: number): BootstrapInterval {
  return { estimate, lo, hi, level: 0.9, resamples: 2000, seed: 1, method: "percentile" };
}

function mathEstimates(mean: BootstrapInterval, temperature = 0.7): MathEstimates {
  const figure = { baseline: 0.6, candidate: interval(0.6 + mean.estimate, 0.5, 0.7), difference: mean };
  return {
    kind: "math",
    task: "math500",
    conditions: ["none", "a"],
    problems: 100,
    totalProblems: 100,
    samples: 1,
    temperature,
    figures: { problems: 100, control: figure, mean: figure, worst: figure, pss: figure },
    drops: [
      { condition: 0, delta: -0.2, candidateOnly: 0, baselineOnly: 20, pValue: 1e-6, pValueHolm: 2e-6 },
      { condition: 1, delta: -0.2, candidateOnly: 5, baselineOnly: 25, pValue: 0.03, pValueHolm: 0.06 },
    ],
  };
}

describe("gate rules", () => {
  const ni = { type: "non-inferiority", id: "ni", metric: "mean-accuracy", margin: 0.025 } as const;

  it("non-inferiority: pass above -margin, fail below it, inconclusive when the bounds contain it", () => {
    expect(evaluateRule(ni, mathEstimates(interval(0, -0.02, 0.02)), POLICY).result).toBe("pass");
    expect(evaluateRule(ni, mathEstimates(interval(-0.05, -0.07, -0.03)), POLICY).result).toBe("fail");
    const open = evaluateRule(ni, mathEstimates(interval(-0.01, -0.04, 0.02)), POLICY);
    expect(open.result).toBe("inconclusive");
    // The lower bound is 0.03 below the estimate, which is 0.015 above -margin: 100 * (0.03 / 0.015)^2 = 400.
    expect(open.advice).toMatchObject({ units: 400, samplesPerProblem: 4 });
    expect(open.advice!.text).toMatch(/^about 400 problems would decide it at this effect size \(now 100\)/);
    const atMargin = evaluateRule(ni, mathEstimates(interval(-0.025, -0.05, 0)), POLICY);
    expect(atMargin.advice).toMatchObject({
      units: null,
      text: expect.stringMatching(/sits on the threshold/),
    });
    const greedy = evaluateRule(ni, mathEstimates(interval(-0.01, -0.04, 0.02), 0), POLICY);
    expect(greedy.advice).toMatchObject({
      samplesPerProblem: null,
      text: expect.stringMatching(/temperature 0/),
    });
  });

  it("floor: pass when the lower bound reaches it, fail when the upper bound is below it", () => {
    const rule = { type: "floor", id: "f", metric: "control-accuracy", min: 0.55 } as const;
    const e = mathEstimates(interval(0, -0.1, 0.1));
    expect(evaluateRule(rule, e, POLICY)).toMatchObject({
      result: "inconclusive",
      estimate: 0.6,
      bounds: [0.5, 0.7],
    });
    expect(evaluateRule({ ...rule, min: 0.5 }, e, POLICY).result).toBe("pass");
    expect(evaluateRule({ ...rule, min: 0.71 }, e, POLICY).result).toBe("fail");
  });

  it("persona-drop: fails only a drop beyond `drop` that is significant after Holm", () => {
    const rule = { type: "persona-drop", id: "d", drop: 0.1 } as const;
    const result = evaluateRule(rule, mathEstimates(interval(0, -0.02, 0.02)), POLICY);
    expect(result.result).toBe("fail");
    expect(result.personas!.map((p) => p.failing)).toEqual([true, false]);
    expect(evaluateRule({ ...rule, drop: 0.25 }, mathEstimates(interval(0, 0, 0)), POLICY).result).toBe(
      "pass",
    );
  });

  it("combines rules: any fail fails, all pass passes, otherwise inconclusive", () => {
    expect(combineVerdict([{ result: "pass" }, { result: "fail" }, { result: "inconclusive" }])).toBe("fail");
    expect(combineVerdict([{ result: "pass" }, { result: "pass" }])).toBe("pass");
    expect(combineVerdict([{ result: "pass" }, { result: "inconclusive" }])).toBe("inconclusive");
  });

  it("pairs PersonaGym personas by id and gates PersonaScore over personas", () => {
    const section = (scores: Record<string, number | null>) =>
      ({
        id: "personagym",
        personas: Object.entries(scores).map(([id, personaScore]) => ({
          id,
          text: id,
          tasks: {},
          personaScore,
        })),
      }) as unknown as PersonaGymSection;
    const policy: Pick<GatePolicy, "confidence" | "bootstrap"> = {
      confidence: 0.95,
      bootstrap: { resamples: 500, seed: 1 },
    };
    const e = estimatePersonaGym(
      section({ a: 4, b: 3.5, c: null, d: 4.2 }),
      section({ d: 4.1, a: 4.1, b: 3.4, c: 5 }),
      policy,
      { candidate: "c.json" },
    );
    expect(e.personas).toBe(3);
    expect(e.difference.estimate).toBeCloseTo((0.1 - 0.1 - 0.1) / 3, 12);
    const report = evaluatePolicy(
      { ...POLICY, rules: [{ type: "non-inferiority", id: "ps", metric: "persona-score", margin: 0.5 }] },
      [e],
    );
    expect(report.rules[0]).toMatchObject({ result: "pass", unit: "personas", scale: "score" });
  });

  it("refuses a rule naming a task the runs do not have, and lists rules of absent kinds as not applicable", () => {
    const e = mathEstimates(interval(0, -0.01, 0.01));
    expect(() => evaluatePolicy({ ...POLICY, rules: [{ ...ni, task: "gsm8k" }] }, [e])).toThrow(
      /rule ni names task gsm8k, which the runs do not have/,
    );
    const report = evaluatePolicy(
      { ...POLICY, rules: [ni, { type: "floor", id: "ps", metric: "persona-score", min: 3.5 }] },
      [e],
    );
    expect(report.notApplicable).toEqual([{ rule: "ps", reason: "the runs have no personagym task" }]);
  });
});

describe("gate policy files", () => {
  it("loads every shipped policy (benchmarks/gate-*.yaml) and the default's rules", () => {
    for (const name of readdirSync(join(repoRoot, "benchmarks")).filter((n) => n.startsWith("gate-")))
      expect(loadPolicy(join(repoRoot, "benchmarks", name)).rules.length).toBeGreaterThan(0);
    const policy = loadPolicy(join(repoRoot, "benchmarks/gate-default.yaml"));
    expect(policy.rules.map((r) => r.id)).toEqual([
      "mean-accuracy",
      "control-accuracy",
      "worst-persona",
      "pss",
      "persona-drop",
      "persona-score",
    ]);
    expect(policy).toMatchObject({ confidence: 0.95, alpha: 0.05, bootstrap: { resamples: 2000 } });
  });

  it("names rules without an id after type and metric, and refuses a repeated id with its line", () => {
    const dir = tempDir();
    const file = join(dir, "p.yaml");
    writeFileSync(
      file,
      "rules:\n  - type: floor\n    metric: pss\n    min: 0.5\n  - type: persona-drop\n    drop: 0.1\n",
    );
    expect(loadPolicy(file).rules.map((r) => r.id)).toEqual(["floor-pss", "persona-drop"]);
    writeFileSync(
      file,
      "rules:\n  - type: persona-drop\n    drop: 0.1\n  - type: persona-drop\n    drop: 0.2\n",
    );
    expect(() => loadPolicy(file)).toThrow(
      /p\.yaml:4: rules\[1\]: rule id "persona-drop" is already used by rules\[0\]/,
    );
  });
});
