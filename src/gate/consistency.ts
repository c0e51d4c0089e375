import { InputError } from "../core/input-error.js";
import { member } from "../core/json-path.js";
import type { TaskSection } from "../results/types.js";
import type { Side } from "./compare.js";
import { gateOf } from "./kinds.js";

/** Sums taken in another order may differ in the last bits; anything larger is a different figure. */
const TOLERANCE = 1e-9;

/**
 * Refuses a side whose figures disagree with its own per-item verdicts: every count and figure is recomputed from
 * the per-item verdicts by the section kind's gate part (outcomes, judge verdicts) and compared, and the first disagreement is named by its JSON
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
  const gate = gateOf(section.kind);
  if (!gate) return undefined;
  const base = `tasks${member(section.id)}`;
  const expected = gate.recompute(section, file);
  const pairs: [string, unknown, unknown][] = expected.checks.map((c) => [
    `${base}${c.path}`,
    c.found,
    c.expected,
  ]);
  pairs.push(...headlinePairs(base, section, expected.headline));
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
