/** Accuracy summary across personas: spread, extremes and the PSS reconstruction. */

import { mean as meanOf, populationStd } from "./descriptive.js";
import { fail, requireUnitInterval } from "./validate.js";

export interface PersonaAccuracy {
  personaId: string;
  /** In [0, 1]. */
  accuracy: number;
}

export interface PersonaSummary {
  /** Number of personas N (the control / no-persona run is not one of them). */
  personas: number;
  mean: number;
  /** sqrt(sum((acc - mean)^2) / N). */
  std: number;
  stdKind: "population";
  min: number;
  max: number;
  range: number;
  /** Every persona at the minimum, in input order (usually one). */
  worstPersonaIds: string[];
  /** Every persona at the maximum, in input order. */
  bestPersonaIds: string[];
  /** mean - std: the suite's reconstruction of PSS; the paper does not publish its formula. */
  pss: number;
  pssFormula: "mean - populationStd (suite reconstruction, not the paper's published formula)";
  controlAccuracy: number | null;
  /** min / controlAccuracy; null without a control or when the control's accuracy is 0. */
  worstRetention: number | null;
  /** min - controlAccuracy (R4's worst-case utility); null without a control. */
  worstCaseUtility: number | null;
}

/**
 * Summarise per-persona accuracies. The caller passes the N personas only; the control (no persona) goes in
 * `controlAccuracy`, never in the list, so it does not enter mean, std or PSS.
 */
export function summarizePersonas(
  personas: readonly PersonaAccuracy[],
  controlAccuracy: number | null = null,
): PersonaSummary {
  const where = "summarizePersonas";
  if (personas.length === 0) fail(where, "personas must not be empty");
  const seen = new Set<string>();
  personas.forEach(({ personaId, accuracy }, index) => {
    if (typeof personaId !== "string" || personaId === "")
      fail(where, `personas[${index}].personaId must be a non-empty string`);
    if (seen.has(personaId)) fail(where, `personas[${index}].personaId "${personaId}" appears twice`);
    seen.add(personaId);
    requireUnitInterval(where, `personas[${index}].accuracy`, accuracy);
  });
  if (controlAccuracy !== null) requireUnitInterval(where, "controlAccuracy", controlAccuracy);

  const accuracies = personas.map((p) => p.accuracy);
  const mean = meanOf(accuracies);
  const std = populationStd(accuracies);
  const min = accuracies.reduce((a, b) => Math.min(a, b));
  const max = accuracies.reduce((a, b) => Math.max(a, b));
  return {
    personas: accuracies.length,
    mean,
    std,
    stdKind: "population",
    min,
    max,
    range: max - min,
    worstPersonaIds: personas.filter((p) => p.accuracy === min).map((p) => p.personaId),
    bestPersonaIds: personas.filter((p) => p.accuracy === max).map((p) => p.personaId),
    pss: mean - std,
    pssFormula: "mean - populationStd (suite reconstruction, not the paper's published formula)",
    controlAccuracy,
    worstRetention: controlAccuracy === null || controlAccuracy === 0 ? null : min / controlAccuracy,
    worstCaseUtility: controlAccuracy === null ? null : min - controlAccuracy,
  };
}

/**
 * (value - baseline) / baseline as a fraction (0.212 means +21.2%); null when baseline is 0. Use it to state a
 * change such as "PSS +21.2%" in the relative reading; the absolute reading is simply value - baseline.
 */
export function relativeChange(value: number, baseline: number): number | null {
  if (!Number.isFinite(value)) fail("relativeChange", `value must be a finite number (got ${value})`);
  if (!Number.isFinite(baseline))
    fail("relativeChange", `baseline must be a finite number (got ${baseline})`);
  return baseline === 0 ? null : (value - baseline) / baseline;
}
