import { readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  combineVerdict,
  evaluatePolicy,
  evaluateRule,
  type GatePolicy,
  loadPolicy,
  POLICY_DEFAULTS,
} from "../../src/gate/index.js";
import type { BootstrapInterval } from "../../src/metrics/index.js";
import { estimateMathScores, type MathEstimates } from "../../src/task-kinds/math/gate.js";
import { estimatePersonaGym } from "../../src/task-kinds/personagym/gate.js";
import type { PersonaGymSection } from "../../src/task-kinds/personagym/section-types.js";
import { bootstrapOptionsOf } from "../../src/task-kinds/section-gate.js";
import { repoRoot } from "../helpers/paths.js";
import { tempDir } from "../helpers/tmp.js";

const POLICY = {
  confidence: 0.95,
  alpha: 0.05,
  source: "test",
  rules: [],
  minPaired: POLICY_DEFAULTS.minPaired,
};

function interval(estimate: number, lo: number, hi: number): BootstrapInterval {
  return { estimate, lo, hi, level: 0.9, resamples: 2000, seed: 1, method: "percentile" };
}

function mathEstimates(mean: BootstrapInterval, temperature = 0.7, problems = 100): MathEstimates {
  const figure = { baseline: 0.6, candidate: interval(0.6 + mean.estimate, 0.5, 0.7), difference: mean };
  return {
    kind: "math",
    task: "math500",
    conditions: ["none", "a"],
    problems,
    totalProblems: 100,
    samples: 1,
    temperature,
    figures: { problems, control: figure, mean: figure, worst: figure, pss: figure },
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

  it("decides nothing on fewer paired problems than the policy's minimum, and says how many are needed", () => {
    // One paired problem: the bootstrap bounds have zero width, whichever way they point.
    const zeroWidth = (d: number) => mathEstimates(interval(d, d, d), 0.7, 1);
    const passing = evaluateRule(ni, zeroWidth(0), POLICY);
    expect(passing).toMatchObject({
      result: "inconclusive",
      units: 1,
      advice: { units: 30, samplesPerProblem: null },
    });
    expect(passing.reason).toMatch(
      /^1 paired problem; at least 30 needed \(the policy's minPaired\.problems\)/,
    );
    expect(passing.advice!.text).toMatch(/^at least 30 paired problems \(now 1\): finish an incomplete run/);
    expect(evaluateRule(ni, zeroWidth(-0.125), POLICY)).toMatchObject({
      result: "inconclusive",
      bounds: [-0.125, -0.125],
    });
    const floor = { type: "floor", id: "f", metric: "control-accuracy", min: 0.55 } as const;
    expect(evaluateRule(floor, zeroWidth(0), POLICY).result).toBe("inconclusive");
    // Exactly at the minimum the bounds decide again.
    const atMinimum = mathEstimates(interval(0, -0.02, 0.02), 0.7, 30);
    expect(evaluateRule(ni, atMinimum, POLICY).result).toBe("pass");
    expect(
      evaluateRule(ni, atMinimum, { ...POLICY, minPaired: { problems: 31, personas: 30 } }),
    ).toMatchObject({
      result: "inconclusive",
      reason: expect.stringMatching(/^30 paired problems; at least 31 needed/),
    });
    // A persona-drop failure stands (its exact test holds at any size); its pass does not.
    const drop = { type: "persona-drop", id: "d", drop: 0.1 } as const;
    expect(evaluateRule(drop, mathEstimates(interval(0, 0, 0), 0.7, 12), POLICY).result).toBe("fail");
    expect(
      evaluateRule({ ...drop, drop: 0.25 }, mathEstimates(interval(0, 0, 0), 0.7, 12), POLICY),
    ).toMatchObject({
      result: "inconclusive",
      reason: expect.stringMatching(/^12 paired problems; at least 30 needed/),
    });
  });

  it("needs the policy's minimum of paired personas on PersonaGym", () => {
    const section = (scores: number[]) =>
      ({
        id: "personagym",
        personas: scores.map((personaScore, i) => ({ id: `p${i}`, text: "", tasks: {}, personaScore })),
      }) as unknown as PersonaGymSection;
    const policy = { ...POLICY, bootstrap: { resamples: 200, seed: 1 } };
    const e = estimatePersonaGym(section([4, 4, 4]), section([4, 4, 4]), policy, { candidate: "c.json" });
    const rule = { type: "non-inferiority", id: "ps", metric: "persona-score", margin: 0.15 } as const;
    expect(evaluateRule(rule, e, policy)).toMatchObject({
      result: "inconclusive",
      reason: expect.stringMatching(
        /^3 paired personas; at least 30 needed \(the policy's minPaired\.personas\)/,
      ),
      advice: { units: 30 },
    });
    expect(evaluateRule(rule, e, { ...policy, minPaired: { problems: 30, personas: 3 } }).result).toBe(
      "pass",
    );
  });

  it("takes one-sided bounds at the policy's confidence: the two-sided bootstrap level 2c - 1", () => {
    const bootstrap = { resamples: 400, seed: 7 };
    expect(bootstrapOptionsOf({ confidence: 0.95, bootstrap })).toMatchObject(bootstrap);
    expect(bootstrapOptionsOf({ confidence: 0.95, bootstrap }).level).toBeCloseTo(0.9, 12);
    expect(bootstrapOptionsOf({ confidence: 0.99, bootstrap }).level).toBeCloseTo(0.98, 12);
    // And the estimates the rules read carry that level, with bounds at the 5th and 95th percentiles.
    const scores = (shift: number) => ({
      control: Float64Array.from({ length: 40 }, (_, i) => ((i * 7) % 3 === 0 ? 1 : 0)),
      personas: [Float64Array.from({ length: 40 }, (_, i) => ((i * 5 + shift) % 4 === 0 ? 0 : 1))],
    });
    const e = estimateMathScores(
      { task: "t", conditions: ["none", "a"], totalProblems: 40, samples: 1 },
      scores(0),
      scores(1),
      { confidence: 0.95, bootstrap },
    );
    expect(e.figures.mean.difference.level).toBeCloseTo(0.9, 12);
    const twoSided95 = estimateMathScores(
      { task: "t", conditions: ["none", "a"], totalProblems: 40, samples: 1 },
      scores(0),
      scores(1),
      { confidence: 0.975, bootstrap },
    );
    expect(e.figures.mean.difference.lo).toBeGreaterThan(twoSided95.figures.mean.difference.lo);
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
      {
        ...POLICY,
        minPaired: { problems: 30, personas: 3 },
        rules: [{ type: "non-inferiority", id: "ps", metric: "persona-score", margin: 0.5 }],
      },
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
    expect(policy).toMatchObject({
      confidence: 0.95,
      alpha: 0.05,
      bootstrap: { resamples: 2000 },
      minPaired: { problems: 30, personas: 30 },
    });
    expect(policy.minPaired).toEqual(POLICY_DEFAULTS.minPaired);
  });

  it("reads minPaired, defaulting each count, and refuses a count below 1 with its line", () => {
    const dir = tempDir();
    const file = join(dir, "p.yaml");
    writeFileSync(file, "minPaired:\n  problems: 100\nrules:\n  - type: persona-drop\n    drop: 0.1\n");
    expect(loadPolicy(file).minPaired).toEqual({ problems: 100, personas: 30 });
    writeFileSync(file, "minPaired:\n  personas: 0\nrules:\n  - type: persona-drop\n    drop: 0.1\n");
    expect(() => loadPolicy(file)).toThrow(/p\.yaml:2: minPaired\.personas: must be >= 1/);
    writeFileSync(file, "minPaired:\n  problem: 10\nrules:\n  - type: persona-drop\n    drop: 0.1\n");
    expect(() => loadPolicy(file)).toThrow(/p\.yaml:2: minPaired/);
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
