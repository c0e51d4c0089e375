import { InputError } from "../../core/input-error.js";
import { member } from "../../core/json-path.js";
import { personaStability } from "../../metrics/index.js";
import { mathHeadline } from "../../results/headline.js";
import { decodeMathOutcomes } from "../../results/verdicts.js";
import type { FigureCheck } from "../section-gate.js";
import type { MathSection } from "./section-types.js";

/**
 * The figures of a condition and of a math summary that follow from the outcomes by counting and averaging alone.
 * Intervals and p-values are left out: they depend on the resampling method, which a newer persona-bench may
 * change, and the gate never reads them (it bootstraps the outcomes itself).
 */
const CONDITION_FIELDS = [
  "n",
  "correct",
  "accuracy",
  "extractionFailures",
  "accuracyWhenExtracted",
  "truncated",
  "errors",
  "deltaVsControl",
  "discordant",
  "passAtK",
] as const;
const SUMMARY_FIELDS = [
  "personas",
  "mean",
  "std",
  "min",
  "max",
  "range",
  "worst",
  "best",
  "pss",
  "controlAccuracy",
  "worstRetention",
  "worstCaseUtility",
  "flipRate",
  "consistencyRate",
  "expectedMaxAtK",
  "lottery",
] as const;

/**
 * A math section's figures recomputed from its per-item outcomes by the metrics every run uses (personaStability,
 * with the bootstrap settings the section records, and its lottery personas): per-condition counts, accuracies and
 * comparisons with the control, the summary and the headline. The gate checks a file's own figures against these,
 * and re-grading replaces a healed section's figures with them. `file` names the file in a malformed-outcome error.
 */
export function mathFiguresFromOutcomes(section: MathSection, file: string): MathSection {
  const items = section.items?.length ?? section.problems;
  const lottery = new Set(section.summary?.lottery?.personas ?? []);
  const conditions = section.personas.map((p, index) => {
    try {
      return {
        id: p.id,
        lottery: lottery.has(p.id),
        generations: decodeMathOutcomes(p.outcomes ?? "", items, section.samples),
      };
    } catch (error) {
      throw new InputError(`task ${section.id}, persona ${p.id}: ${(error as Error).message}`, {
        file,
        field: `tasks${member(section.id)}.personas[${index}].outcomes`,
      });
    }
  });
  const { resamples, seed, level } = section.statistics.bootstrap;
  const stability = personaStability(conditions, { bootstrap: { resamples, seed, level } });
  const personas = section.personas.map(({ passAtK: _old, ...p }, index) => ({
    ...p,
    ...stability.conditions[index]!,
  }));
  let summary: MathSection["summary"] = null;
  if (stability.summary) {
    const { worstPersonaIds, bestPersonaIds, ...rest } = stability.summary;
    summary = { ...rest, worst: worstPersonaIds, best: bestPersonaIds };
  }
  return { ...section, personas, summary, headline: mathHeadline(personas[0], summary) };
}

/** Every counted figure of the section (conditions, then summary) beside the one its outcomes give. */
export function mathFigureChecks(section: MathSection, file: string) {
  const expected = mathFiguresFromOutcomes(section, file);
  const checks: FigureCheck[] = [];
  section.personas.forEach((p, i) => {
    for (const field of CONDITION_FIELDS)
      checks.push({
        path: `.personas[${i}].${field}`,
        found: p[field],
        expected: expected.personas[i]![field],
      });
  });
  if (section.summary === null || expected.summary === null) {
    checks.push({ path: ".summary", found: section.summary, expected: expected.summary });
  } else {
    for (const field of SUMMARY_FIELDS)
      checks.push({
        path: `.summary.${field}`,
        found: section.summary[field],
        expected: expected.summary[field],
      });
  }
  return { checks, headline: expected.headline };
}
