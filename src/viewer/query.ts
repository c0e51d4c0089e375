/** Query parameters of the viewer's pages and API: validated, and refused (400) rather than ignored. */
import { type GenerationFilter, ROLES, type Role, VERDICTS, type Verdict } from "./types.js";

export class BadRequest extends Error {}

export const BAD_ESCAPE = "bad request: malformed %-escape in the URL path\n";

/** A path segment with its %-escapes decoded; undefined when one is malformed (`%zz`, a cut UTF-8 sequence). */
export function decodeSegment(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

export function required(query: URLSearchParams, name: string): string {
  const value = query.get(name);
  if (value === null || value === "") throw new BadRequest(`${name} is required`);
  return value;
}

export function optional(query: URLSearchParams, name: string): string | undefined {
  const value = query.get(name);
  return value === null || value === "" ? undefined : value;
}

export function intParam(query: URLSearchParams, name: string, min: number, max: number): number | undefined {
  const value = optional(query, name);
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max)
    throw new BadRequest(`${name} must be a whole number from ${min} to ${max}`);
  return Number(value);
}

/** The generations filter from a query string; unknown verdicts or roles are refused, not ignored. */
export function parseFilter(query: URLSearchParams): GenerationFilter {
  const filter: GenerationFilter = { run: required(query, "run") };
  const role = optional(query, "role");
  if (role !== undefined) {
    if (!ROLES.includes(role as Role)) throw new BadRequest(`role must be one of ${ROLES.join(", ")}`);
    filter.role = role as Role;
  }
  const verdict = optional(query, "verdict");
  if (verdict !== undefined) {
    if (!VERDICTS.includes(verdict as Verdict))
      throw new BadRequest(`verdict must be one of ${VERDICTS.join(", ")}`);
    filter.verdict = verdict as Verdict;
  }
  for (const name of ["task", "persona", "item", "group", "path"] as const) {
    const value = optional(query, name);
    if (value !== undefined) filter[name] = value;
  }
  const score = intParam(query, "score", 1, 5);
  if (score !== undefined) filter.judgeScore = score;
  return filter;
}
