import { InputError } from "../core/input-error.js";
import type { TaskSection } from "../results/types.js";
import { isMathSection } from "../task-kinds/math/section-types.js";
import { isPersonaGymSection } from "../task-kinds/personagym/section-types.js";
import type { Side } from "./compare.js";
import { mathFiguresFromOutcomes, member, personaGymFiguresFromVerdicts } from "./recompute.js";

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

/** Sums taken in another order may differ in the last bits; anything larger is a different figure. */
const TOLERANCE = 1e-9;

/**
 * Refuses a side whose figures disagree with its own per-item verdicts: every count and figure is recomputed from
 * the outcomes (math) or judge verdicts (PersonaGym) and compared, and the first disagreement is named by its JSON
 * path. A file whose outcomes were edited (copied from a stronger model, or all set to correct) while its counts
 * still tell the truth is caught here; one edited consistently is not (see the trust model in docs/gate.md).
 */
export function requireConsistent(side: Side): void {
  const file = side.file ?? side.source;
  for (const section of Object.values(side.results.tasks)) {
    const difference = sectionDifference(section, file);
    if (difference) {
      throw new InputError(
        `${difference.found} in the file, ${difference.expected} from its per-item verdicts: the ${side.label}'s figures do not match its verdicts (was the file edited?); re-run its \`persona-bench run\` command to rewrite it (everything is cached)`,
        { file, field: difference.path },
      );
    }
  }
}

interface Difference {
  path: string;
  found: string;
  expected: string;
}

function sectionDifference(section: TaskSection, file: string): Difference | undefined {
  const base = `tasks${member(section.id)}`;
  const pairs: [string, unknown, unknown][] = [];
  if (isMathSection(section)) {
    const expected = mathFiguresFromOutcomes(section, file);
    section.personas.forEach((p, i) => {
      for (const field of CONDITION_FIELDS)
        pairs.push([`${base}.personas[${i}].${field}`, p[field], expected.personas[i]![field]]);
    });
    if (section.summary === null || expected.summary === null) {
      pairs.push([`${base}.summary`, section.summary, expected.summary]);
    } else {
      for (const field of SUMMARY_FIELDS)
        pairs.push([`${base}.summary.${field}`, section.summary[field], expected.summary[field]]);
    }
    pairs.push(...headlinePairs(base, section, expected.headline));
  } else if (isPersonaGymSection(section)) {
    const expected = personaGymFiguresFromVerdicts(section, file);
    section.personas.forEach((p, i) => {
      pairs.push([`${base}.personas[${i}].personaScore`, p.personaScore, expected.personas[i]!.personaScore]);
      pairs.push([`${base}.personas[${i}].tasks`, p.tasks, expected.personas[i]!.tasks]);
    });
    pairs.push([`${base}.personaScore`, section.personaScore, expected.personaScore]);
    pairs.push([`${base}.tasks`, section.tasks, expected.tasks]);
    pairs.push(...headlinePairs(base, section, expected.headline));
  }
  for (const [path, found, expected] of pairs) {
    const where = firstDifference(found, expected);
    if (where !== undefined) {
      return {
        path: `${path}${where.path}`,
        found: show(where.found),
        expected: show(where.expected),
      };
    }
  }
  return undefined;
}

function headlinePairs(
  base: string,
  section: TaskSection,
  expected: readonly { metric: string; value: number | null }[],
): [string, unknown, unknown][] {
  return section.headline.flatMap((h, i) => {
    const e = expected.find((x) => x.metric === h.metric);
    return e ? [[`${base}.headline[${i}].value`, h.value, e.value] as [string, unknown, unknown]] : [];
  });
}

/** Where two JSON values first differ (a path suffix such as `.controlOnly` or `[3]`), numbers within TOLERANCE. */
function firstDifference(
  found: unknown,
  expected: unknown,
): { path: string; found: unknown; expected: unknown } | undefined {
  if (typeof found === "number" && typeof expected === "number") {
    return Math.abs(found - expected) <= TOLERANCE * Math.max(1, Math.abs(expected))
      ? undefined
      : { path: "", found, expected };
  }
  if (Array.isArray(found) && Array.isArray(expected)) {
    if (found.length !== expected.length)
      return { path: ".length", found: found.length, expected: expected.length };
    for (let i = 0; i < found.length; i++) {
      const inner = firstDifference(found[i], expected[i]);
      if (inner) return { ...inner, path: `[${i}]${inner.path}` };
    }
    return undefined;
  }
  if (isObject(found) && isObject(expected)) {
    for (const key of [...new Set([...Object.keys(found), ...Object.keys(expected)])].sort()) {
      const inner = firstDifference(found[key], expected[key]);
      if (inner) return { ...inner, path: `${member(key)}${inner.path}` };
    }
    return undefined;
  }
  return (found ?? null) === (expected ?? null) ? undefined : { path: "", found, expected };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function show(value: unknown): string {
  return value === undefined ? "nothing" : JSON.stringify(value);
}
