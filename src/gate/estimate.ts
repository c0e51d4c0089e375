import type { Results } from "../results/types.js";
import type { GateStatistics, KindEstimates } from "../task-kinds/section-gate.js";
import { gateOf } from "./kinds.js";

/** One task's paired estimates, as its kind's gate part made them (its `kind` finds that part again). */
export type TaskEstimates = KindEstimates;

/**
 * Paired estimates of every task of two comparable runs (see compareRuns), in the baseline's task order, each by
 * its kind's gate part.
 */
export function estimateTasks(
  baseline: Results,
  candidate: Results,
  statistics: GateStatistics,
  source: { baseline: string; candidate: string },
): TaskEstimates[] {
  const estimates: TaskEstimates[] = [];
  for (const [id, b] of Object.entries(baseline.tasks)) {
    const c = candidate.tasks[id]!;
    const gate = gateOf(b.kind);
    if (gate && c.kind === b.kind) estimates.push(gate.estimate(b, c, statistics, source));
  }
  return estimates;
}
