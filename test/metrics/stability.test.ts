import { describe, expect, it } from "vitest";
import {
  bootstrapMeanInterval,
  type GenerationState,
  personaStability,
  wilsonInterval,
} from "../../src/metrics/index.js";

const settings = { bootstrap: { resamples: 500, seed: 7, level: 0.95 } };
const right = { correct: true, found: true, truncated: false };
const wrong = { correct: false, found: true, truncated: false };
const none = { correct: false, found: false, truncated: false };
const cut = { correct: false, found: false, truncated: true };
/** One sample per problem from a string: c right, w wrong, n no answer, t cut at the token limit, f failed, - not run. */
function row(codes: string): GenerationState[][] {
  const map: Record<string, GenerationState> = {
    c: right,
    w: wrong,
    n: none,
    t: cut,
    f: "failed",
    "-": undefined,
  };
  return [...codes].map((code) => [map[code]]);
}
const condition = (id: string, codes: string, lottery = false) => ({ id, lottery, generations: row(codes) });

describe("personaStability (hand-computed)", () => {
  // Control right on all ten; D wrong on all; E wrong on the first five; F right on all.
  const result = personaStability(
    [
      condition("none", "cccccccccc"),
      condition("D", "wwwwwwwwww", true),
      condition("E", "wwwwwccccc"),
      condition("F", "cccccccccc", true),
    ],
    settings,
  );

  it("pairs each persona with the control: delta, discordant pairs, exact McNemar, Holm across personas", () => {
    const [control, d, e, f] = result.conditions;
    expect(control).toMatchObject({
      accuracy: 1,
      deltaVsControl: 0,
      pValue: null,
      pValueHolm: null,
      discordant: null,
    });
    expect(d).toMatchObject({ deltaVsControl: -1, discordant: { personaOnly: 0, controlOnly: 10 } });
    expect(e).toMatchObject({ deltaVsControl: -0.5, discordant: { personaOnly: 0, controlOnly: 5 } });
    expect(f).toMatchObject({ deltaVsControl: 0, discordant: { personaOnly: 0, controlOnly: 0 } });
    // 2 * P(X <= 0 | n) for n = 10, 5: 2/1024 and 2/32.
    expect([d!.pValue, e!.pValue, f!.pValue]).toEqual([2 / 1024, 2 / 32, 1]);
    // Holm: 3 x 2/1024, max(that, 2 x 2/32), max(that, 1 x 1).
    expect([d!.pValueHolm, e!.pValueHolm, f!.pValueHolm]).toEqual([6 / 1024, 0.125, 1]);
    // Delta intervals are ordered and hold the estimate.
    expect(e!.deltaCi95![0]).toBeLessThanOrEqual(-0.5);
    expect(e!.deltaCi95![1]).toBeGreaterThanOrEqual(-0.5);
    expect(e!.deltaCi95![0]).toBeLessThan(e!.deltaCi95![1]);
  });

  it("summarises the personas only: spread, PSS*, flip and consistency rates, lottery over its subset", () => {
    const s = result.summary!;
    expect(s).toMatchObject({
      personas: 3,
      mean: 0.5,
      min: 0,
      max: 1,
      worstPersonaIds: ["D"],
      controlAccuracy: 1,
    });
    expect(s.std).toBeCloseTo(Math.sqrt(0.5 / 3), 12);
    expect(s.pss).toBeCloseTo(0.5 - Math.sqrt(0.5 / 3), 12);
    // Every problem has one or two of three personas right: all flip, and a third of the pairs agree.
    expect(s.flipRate).toBe(1);
    expect(s.consistencyRate).toBeCloseTo(1 / 3, 12);
    // E[max] over {0, .5, 1}: k=1 the mean; k=2 (.5 + 1 + 1) / 3; k=3 the max.
    expect(s.expectedMaxAtK).toHaveLength(3);
    [0.5, 2.5 / 3, 1].forEach((value, k) => {
      expect(s.expectedMaxAtK[k]).toBeCloseTo(value, 12);
    });
    expect(s.lottery).toEqual({ personas: ["D", "F"], expectedMaxAtK: [0.5, 1] });
    expect(s.intervals!.mean[0]).toBeLessThanOrEqual(0.5);
    expect(s.intervals!.worst).toEqual([0, 0]);
  });

  it("counts format failures, truncations and failures apart, and pairs only problems both answered", () => {
    const mixed = personaStability([condition("none", "ccccwc"), condition("P", "cntf-c")], settings);
    const p = mixed.conditions[1]!;
    // Graded: c n t c (four); failed: one problem; not run: one problem.
    expect(p).toMatchObject({
      n: 4,
      correct: 2,
      accuracy: 0.5,
      extractionFailures: 2,
      truncated: 1,
      errors: 1,
    });
    expect(p.accuracyWhenExtracted).toBe(1);
    expect(p.ci95).toEqual([...wilsonInterval(2, 4)]);
    // Paired on problems 1, 2, 3 and 6 only: the control is right on all four, P on two.
    expect(p.deltaVsControl).toBe(-0.5);
    expect(p.discordant).toEqual({ personaOnly: 0, controlOnly: 2 });
  });

  it("falls back to no flips with a single persona, and to no lottery with fewer than two lottery personas", () => {
    const single = personaStability([condition("none", "cw"), condition("A", "wc", true)], settings).summary!;
    expect([single.flipRate, single.consistencyRate]).toEqual([0, 1]);
    expect(single.lottery).toBeNull();
  });

  it("with several samples, bounds accuracy by a bootstrap over problems of mean@S, not Wilson over generations", () => {
    const twoSamples = (codes: string[]) =>
      codes.map((pair) => [...pair].map((c) => (c === "c" ? right : wrong)));
    const generations = twoSamples(["cc", "cw", "ww", "cc", "cw", "cc"]);
    const stats = personaStability(
      [
        { id: "none", lottery: false, generations },
        { id: "A", lottery: false, generations },
      ],
      settings,
    ).conditions[0]!;
    const expected = bootstrapMeanInterval([1, 0.5, 0, 1, 0.5, 1], settings.bootstrap);
    expect(stats.ci95).toEqual([expected.lo, expected.hi]);
    expect(stats.ci95).not.toEqual([...wilsonInterval(8, 12)]);
  });

  it("with several samples, compares personas sample by sample (shared seeds), not by majority verdict", () => {
    // A and B are each right on one of two samples: both majorities are "wrong", yet they disagree on each sample.
    const generations = (codes: string) => [[...codes].map((c) => (c === "c" ? right : wrong))];
    const s = personaStability(
      [
        { id: "none", lottery: false, generations: generations("cc") },
        { id: "A", lottery: false, generations: generations("cw") },
        { id: "B", lottery: false, generations: generations("wc") },
      ],
      settings,
    ).summary!;
    expect([s.flipRate, s.consistencyRate]).toEqual([1, 0]);
  });

  it("with several samples, tests each persona by the sign-flip test on mean@S differences, and reports pass@k", () => {
    const samples = (codes: string[]) =>
      codes.map((pair) => [...pair].map((c) => (c === "c" ? right : wrong)));
    const [control, persona] = personaStability(
      [
        { id: "none", lottery: false, generations: samples(["cc", "cc", "cc", "cc", "cw"]) },
        { id: "A", lottery: false, generations: samples(["ww", "ww", "ww", "cw", "cc"]) },
      ],
      settings,
    ).conditions;
    // Differences of mean@2, persona minus control: -1, -1, -1, -0.5, +0.5 (sum -3). Of the 32 sign patterns,
    // |sum| >= 3 needs the three 1s alike (2 ways) and the two halves not both against them (3 of 4): 6 / 32.
    expect(persona!.deltaVsControl).toBeCloseTo(-0.6, 12);
    expect(persona!.pValue).toBe(6 / 32);
    expect(persona!.pValueHolm).toBe(6 / 32);
    // pass@1 is the mean of c/2 per problem, pass@2 the share of problems with a correct sample.
    expect(persona!.passAtK).toEqual({ "1": 0.3, "2": 0.4 });
    expect(control!.passAtK).toEqual({ "1": 0.9, "2": 1 });
    expect(control!.pValue).toBeNull();
  });

  it("with one sample, reports no pass@k and tests by exact McNemar, however many pairs are discordant", () => {
    const [, persona] = personaStability(
      [condition("none", "c".repeat(20)), condition("A", `${"w".repeat(17)}ccc`)],
      settings,
    ).conditions;
    // 17 discordant pairs, all against the persona: 2 * (1/2)^17, exact (a sampled test could not go below
    // 1 / 20,001).
    expect(persona!.pValue).toBe(2 ** -16);
    expect(persona!.passAtK).toBeUndefined();
  });

  it("has no summary when no persona has a graded answer", () => {
    expect(personaStability([condition("none", "cc"), condition("A", "ff")], settings).summary).toBeNull();
  });
});
