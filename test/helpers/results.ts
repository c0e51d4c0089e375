import type { Math500Results, Results } from "../../src/report/types.js";

/**
 * The MATH500 section of a results.json. Tests reach it only through here, so a change of the results layout
 * (the schema is versioned) is one edit.
 */
export function math500Section(results: Results): Math500Results {
  const section = results.tasks.math500;
  if (section === undefined) throw new Error("results.json has no tasks.math500 section");
  return section;
}

/**
 * Seed of every bootstrap in a report: BOOTSTRAP_SEED in src/report/math500.ts, which does not export it. Tests
 * recompute intervals with the exported bootstrap helpers and this seed.
 */
export const REPORT_BOOTSTRAP_SEED = 20_260_410;
