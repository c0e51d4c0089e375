import { describe, expect, it } from "vitest";
import { relativeChange, summarizePersonas } from "../../src/metrics/index.js";

describe("summarizePersonas", () => {
  const personas = [
    { personaId: "a", accuracy: 0.6 },
    { personaId: "b", accuracy: 0.8 },
    { personaId: "c", accuracy: 0.7 },
    { personaId: "d", accuracy: 0.5 },
  ];

  it("by hand, with a control", () => {
    // mean = (0.6 + 0.8 + 0.7 + 0.5) / 4 = 2.6 / 4 = 0.65
    // deviations -0.05, 0.15, 0.05, -0.15 -> squares 0.0025 + 0.0225 + 0.0025 + 0.0225 = 0.05; / 4 (population) = 0.0125
    // std = sqrt(0.0125) = 0.1118034; PSS = 0.65 - 0.1118034 = 0.5381966
    // min 0.5 (d), max 0.8 (b), range 0.3; retention 0.5 / 0.75 = 2/3; worst-case utility 0.5 - 0.75 = -0.25
    const s = summarizePersonas(personas, 0.75);
    expect(s.personas).toBe(4);
    expect(s.mean).toBeCloseTo(0.65, 15);
    expect(s.std).toBeCloseTo(Math.sqrt(0.0125), 15);
    expect(s.stdKind).toBe("population");
    expect(s.pss).toBeCloseTo(0.5381966, 7);
    expect(s.pssFormula).toMatch(/reconstruction/);
    expect([s.min, s.max]).toEqual([0.5, 0.8]);
    expect(s.range).toBeCloseTo(0.3, 15);
    expect(s.worstPersonaIds).toEqual(["d"]);
    expect(s.bestPersonaIds).toEqual(["b"]);
    expect(s.worstRetention).toBeCloseTo(2 / 3, 15);
    expect(s.worstCaseUtility).toBeCloseTo(-0.25, 15);
  });

  it("lists every tied extreme in input order", () => {
    const s = summarizePersonas([
      { personaId: "x", accuracy: 0.4 },
      { personaId: "y", accuracy: 0.9 },
      { personaId: "z", accuracy: 0.4 },
    ]);
    expect(s.worstPersonaIds).toEqual(["x", "z"]);
    expect(s.bestPersonaIds).toEqual(["y"]);
  });

  it("handles the degenerate cases: no control, control 0, one persona, zero accuracy", () => {
    const noControl = summarizePersonas(personas);
    expect(noControl.controlAccuracy).toBeNull();
    expect(noControl.worstRetention).toBeNull();
    expect(noControl.worstCaseUtility).toBeNull();
    const zeroControl = summarizePersonas(personas, 0);
    expect(zeroControl.worstRetention).toBeNull();
    expect(zeroControl.worstCaseUtility).toBe(0.5);
    const one = summarizePersonas([{ personaId: "only", accuracy: 0.42 }]);
    expect(one).toMatchObject({ std: 0, pss: 0.42, range: 0 });
    // PSS is ~0 when every persona scores ~0 (the paper's AIME/LCB remark).
    const zero = summarizePersonas([
      { personaId: "p", accuracy: 0 },
      { personaId: "q", accuracy: 0 },
    ]);
    expect(zero.pss).toBe(0);
  });

  it("rejects bad input", () => {
    expect(() => summarizePersonas([])).toThrow(/must not be empty/);
    expect(() =>
      summarizePersonas([
        { personaId: "a", accuracy: 0.1 },
        { personaId: "a", accuracy: 0.2 },
      ]),
    ).toThrow(/appears twice/);
    expect(() => summarizePersonas([{ personaId: "a", accuracy: 1.2 }])).toThrow(/personas\[0\]\.accuracy/);
    expect(() => summarizePersonas([{ personaId: "", accuracy: 0.2 }])).toThrow(/personaId/);
    expect(() => summarizePersonas(personas, -0.1)).toThrow(/controlAccuracy/);
  });
});

describe("relativeChange", () => {
  it("is a fraction of the baseline, null at baseline 0", () => {
    // (0.5 - 0.4) / 0.4 = 0.25, i.e. +25%
    expect(relativeChange(0.5, 0.4)).toBeCloseTo(0.25, 15);
    expect(relativeChange(0.3, 0.4)).toBeCloseTo(-0.25, 15);
    expect(relativeChange(0.3, 0)).toBeNull();
    expect(() => relativeChange(Number.NaN, 1)).toThrow(RangeError);
  });
});
