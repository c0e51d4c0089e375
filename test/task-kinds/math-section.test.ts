/**
 * The math section assembly on verdicts small enough to work out by hand. The end-to-end tests check the same
 * fields through the CLI against a simulated model; these pin each statistic to a number written down here.
 */
import { describe, expect, it } from "vitest";
import {
  bootstrapMeanInterval,
  comparePaired,
  type GenerationState,
  wilsonInterval,
} from "../../src/metrics/index.js";
import type { PersonaCatalog } from "../../src/personas/catalog.js";
import type { MathTaskConfig } from "../../src/task-kinds/math/config.js";
import { planMath } from "../../src/task-kinds/math/plan.js";
import type { MathProblem } from "../../src/task-kinds/math/problems.js";
import type { MathVerdict } from "../../src/task-kinds/math/score.js";
import { buildMathSection, MATH_BOOTSTRAP } from "../../src/task-kinds/math/section.js";

const catalog: PersonaCatalog = {
  id: "c",
  version: "1",
  file: "/c.yaml",
  sha256: "0".repeat(64),
  defaultTemplate: "You are {persona}.",
  personas: [
    { id: "a", text: "persona a", category: "x", lottery: true, expectedEffect: "helpful" },
    { id: "b", text: "persona b", category: "x", lottery: true },
    { id: "c", text: "persona c", category: "y" },
  ],
};
const problems: MathProblem[] = ["p1", "p2", "p3", "p4"].map((id) => ({
  id,
  problem: `problem ${id}`,
  answer: "1",
  subject: "Algebra",
  level: 1,
}));
const dataset = { name: "math500", sha256: "d", pinned: true, origin: "data-dir" };

/** R right, W wrong answer, N no answer found, T cut at the token limit before an answer. */
type Mark = "R" | "W" | "N" | "T";
const verdictOf = (mark: Mark): MathVerdict => ({
  extracted: mark === "R" ? "1" : mark === "W" ? "2" : null,
  found: mark === "R" || mark === "W",
  path: "test",
  correct: mark === "R",
  truncated: mark === "T",
});

/** marks[persona][problem] is one string of `samples` marks. */
function build(marks: Record<string, string[]>, samples: number) {
  const task: MathTaskConfig = {
    task: "math500",
    id: "math500",
    dataset: { name: "math500" },
    catalogFile: catalog.file,
    catalog,
    personas: catalog.personas,
    samples,
    prompt: "{problem}",
    personaPlacement: "system",
    decoding: { temperature: 0, topP: 1, maxTokens: 16, seed: 1 },
  };
  const plan = planMath(task, problems, "mk");
  const problemIndex = new Map(problems.map((p, i) => [p.id, i]));
  const personaIndex = new Map(plan.personas.map((p, i) => [p.id, i]));
  const states: GenerationState[][][] = plan.personas.map(() => problems.map(() => new Array(samples)));
  for (const item of plan.items()) {
    const { correct, found, truncated } = verdictOf(
      marks[item.personaId]![problemIndex.get(item.itemId)!]![item.sample] as Mark,
    );
    states[personaIndex.get(item.personaId)!]![problemIndex.get(item.itemId)!]![item.sample] = {
      correct,
      found,
      truncated,
    };
  }
  return buildMathSection(task, plan, states, dataset, 0.05);
}

describe("buildMathSection, one sample per problem", () => {
  // p1..p4. Persona-only right: a at p3. Control-only right: b at p2, c at p1 and p2.
  const results = build(
    { none: ["R", "R", "W", "N"], a: ["R", "R", "R", "T"], b: ["R", "W", "N", "N"], c: ["W", "W", "W", "W"] },
    1,
  );
  const [none, a, b, c] = results.personas;

  it("counts, accuracy and Wilson interval per persona", () => {
    expect([none, a, b, c].map((p) => [p!.id, p!.n, p!.correct, p!.accuracy])).toEqual([
      ["none", 4, 2, 0.5],
      ["a", 4, 3, 0.75],
      ["b", 4, 1, 0.25],
      ["c", 4, 0, 0],
    ]);
    expect(a!.ci95).toEqual(wilsonInterval(3, 4));
    expect(a).toMatchObject({
      category: "x",
      text: "You are persona a.",
      expectedEffect: "helpful",
      errors: 0,
    });
  });

  it("extraction failures, accuracy among extracted answers, truncations", () => {
    // none: N -> 1 failure, 2 right of 3 extracted; a: T -> 1 failure and 1 truncation, 3 of 3; b: 1 of 2; c: 0 of 4.
    expect(
      [none, a, b, c].map((p) => [p!.extractionFailures, p!.accuracyWhenExtracted, p!.truncated]),
    ).toEqual([
      [1, 2 / 3, 0],
      [1, 1, 1],
      [2, 0.5, 0],
      [0, 0, 0],
    ]);
  });

  it("paired comparison with the control: delta, its bootstrap interval, McNemar, Holm", () => {
    expect(none).toMatchObject({
      deltaVsControl: 0,
      deltaCi95: null,
      pValue: null,
      pValueHolm: null,
      discordant: null,
    });
    expect(a).toMatchObject({
      deltaVsControl: 0.25,
      discordant: { personaOnly: 1, controlOnly: 0 },
      pValue: 1,
    });
    expect(b).toMatchObject({
      deltaVsControl: -0.25,
      discordant: { personaOnly: 0, controlOnly: 1 },
      pValue: 1,
    });
    // c: b = 0, c = 2 -> p = 2 * (1/2)^2 = 0.5; Holm: 3 * 0.5 -> 1, and the others stay at 1.
    expect(c).toMatchObject({
      deltaVsControl: -0.5,
      discordant: { personaOnly: 0, controlOnly: 2 },
      pValue: 0.5,
    });
    expect([a, b, c].map((p) => p!.pValueHolm)).toEqual([1, 1, 1]);
    const expected = comparePaired([true, true, true, false], [true, true, false, false], {
      seed: MATH_BOOTSTRAP.seed,
    });
    expect(a!.deltaCi95).toEqual([expected.deltaInterval.lo, expected.deltaInterval.hi]);
    for (const p of [a, b, c]) expect(p!.deltaCi95![0]).toBeLessThanOrEqual(p!.deltaCi95![1]);
    expect(c!.deltaCi95![0]).toBeLessThan(c!.deltaCi95![1]);
  });

  it("summary across personas, with the lottery curve over the lottery personas only", () => {
    const accuracies = [0.75, 0.25, 0];
    const mean = 1 / 3;
    const std = Math.sqrt(accuracies.reduce((s, x) => s + (x - mean) ** 2, 0) / 3);
    expect(results.summary).toEqual({
      personas: 3,
      mean: expect.closeTo(mean, 15),
      std: expect.closeTo(std, 15),
      stdKind: "population",
      min: 0,
      max: 0.75,
      range: 0.75,
      worst: ["c"],
      best: ["a"],
      pss: expect.closeTo(mean - std, 15),
      pssFormula: expect.stringMatching(/^mean - populationStd/),
      controlAccuracy: 0.5,
      worstRetention: 0,
      worstCaseUtility: -0.5,
      // p1, p2, p3 split the personas, p4 does not; agreeing pairs per problem 1/3, 1/3, 1/3, 1.
      flipRate: 0.75,
      consistencyRate: expect.closeTo(0.5, 15),
      // E[max of k of {0.75, 0.25, 0}]: k = 1 the mean; k = 2 (0.75 + 0.75 + 0.25) / 3; k = 3 the max.
      expectedMaxAtK: [expect.closeTo(1 / 3, 15), expect.closeTo(1.75 / 3, 15), 0.75],
      // Over a and b only: k = 1 (0.75 + 0.25) / 2; k = 2 the max.
      lottery: { personas: ["a", "b"], expectedMaxAtK: [0.5, 0.75] },
      intervals: expect.any(Object),
    });
    // Persona c is wrong everywhere, so every resample's worst persona scores 0.
    const spread = results.summary!.intervals!;
    expect(spread.worst).toEqual([0, 0]);
    expect(spread.mean[0]).toBeLessThanOrEqual(mean);
    expect(spread.mean[1]).toBeGreaterThanOrEqual(mean);
    expect(spread.pss[0]).toBeLessThanOrEqual(results.summary!.pss);
    expect(spread.pss[1]).toBeGreaterThanOrEqual(results.summary!.pss);
  });
});

describe("buildMathSection, several samples per problem (mean@S)", () => {
  const results = build(
    {
      none: ["RR", "RW", "WW", "RN"],
      a: ["RR", "RR", "RW", "WT"],
      b: ["WW", "WW", "RW", "RR"],
      c: ["RW", "RW", "RW", "RW"],
    },
    2,
  );
  const [none, a] = results.personas;

  it("counts generations, and intervals are a bootstrap over problems of mean@S, not Wilson over generations", () => {
    expect(none).toMatchObject({
      n: 8,
      correct: 4,
      accuracy: 0.5,
      extractionFailures: 1,
      accuracyWhenExtracted: 4 / 7,
    });
    expect(a).toMatchObject({
      n: 8,
      correct: 5,
      truncated: 1,
      extractionFailures: 1,
      accuracyWhenExtracted: 5 / 7,
    });
    const bootstrap = bootstrapMeanInterval([1, 0.5, 0, 0.5], { seed: MATH_BOOTSTRAP.seed });
    expect(none!.ci95).toEqual([bootstrap.lo, bootstrap.hi]);
    expect(none!.ci95).not.toEqual(wilsonInterval(4, 8));
  });

  it("pairs problems by strict-majority verdict and takes the delta from the means", () => {
    // a [1, 1, 0.5, 0] vs none [1, 0.5, 0, 0.5]: verdicts T T F F vs T F F F -> b = 1, c = 0.
    expect(a).toMatchObject({ deltaVsControl: 0.125, discordant: { personaOnly: 1, controlOnly: 0 } });
    // Sign flips of the differences [0, .5, .5, -.5]: every one of the 8 patterns of the three non-zero ones has
    // |sum| >= .5, the observed |sum|.
    expect(a!.pValue).toBe(1);
    const expected = comparePaired([1, 1, 0.5, 0], [1, 0.5, 0, 0.5], { seed: MATH_BOOTSTRAP.seed });
    expect(a!.deltaCi95).toEqual([expected.deltaInterval.lo, expected.deltaInterval.hi]);
  });
});
