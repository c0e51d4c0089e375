import { InputError } from "../core/input-error.js";
import type { Results, TaskSection } from "../results/types.js";
import { gateOf } from "./kinds.js";

/** How a side of the comparison was given: its label ("baseline", "candidate") and the file or run id read. */
export interface Side {
  label: "baseline" | "candidate";
  source: string;
  results: Results;
  /** The results.json read, for messages: the source itself, or a run id's file in its report folder. */
  file?: string;
  /** sha256 of the bytes of that file, so a CI job can record and check which baseline it gated against. */
  sha256?: string;
  /** Set when the side is a run of the store (given by run id), which the gate may then re-grade. */
  storeRun?: boolean;
}

const RERUN_ADVICE =
  "re-run the same `persona-bench run` command with this persona-bench to write a version-2 file: every model call is cached, so it makes no new call";

/**
 * A file can be paired only when it carries per-item verdicts (results version 2). A version-1 file, or a section
 * without them (its kind's gate part says), is refused with how to produce one.
 */
export function requirePairable(side: Side): void {
  const { results, label, source } = side;
  if (!results.schemaVersion.startsWith("2.")) {
    throw new InputError(
      `the ${label} is a version-${results.schemaVersion.split(".")[0]} results file (schemaVersion ${results.schemaVersion}): it has no per-item verdicts, so it cannot be paired; ${RERUN_ADVICE}`,
      { file: source },
    );
  }
  for (const section of Object.values(results.tasks)) {
    const problem = gateOf(section.kind)?.unpairable(section);
    if (problem !== undefined) {
      throw new InputError(`the ${label}'s task ${section.id} ${problem}; ${RERUN_ADVICE}`, { file: source });
    }
  }
}

/**
 * Everything that must be equal for the two runs to be paired, as one sentence per difference: the tasks, and per
 * task the scorer and what its kind's gate part compares (items, personas, prompt, samples, decoding apart from the
 * seed, dataset, catalog...). Different seeds are expected: that is the noise the gate accounts for.
 */
export function compareRuns(baseline: Results, candidate: Results): string[] {
  const differences: string[] = [];
  const baseIds = Object.keys(baseline.tasks);
  const candIds = Object.keys(candidate.tasks);
  for (const id of baseIds) if (!candIds.includes(id)) differences.push(`task ${id} is in the baseline only`);
  for (const id of candIds)
    if (!baseIds.includes(id)) differences.push(`task ${id} is in the candidate only`);
  for (const id of baseIds.filter((i) => candIds.includes(i))) {
    const b = baseline.tasks[id]!;
    const c = candidate.tasks[id]!;
    const gate = gateOf(b.kind);
    if (b.kind !== c.kind) {
      differences.push(`task ${id}: kind ${b.kind} vs ${c.kind}`);
    } else if (gate) {
      differences.push(...[...compareScorer(b, c), ...gate.differences(b, c)].map((d) => `task ${id}: ${d}`));
    } else {
      differences.push(`task ${id}: the gate does not know task kind ${b.kind}`);
    }
  }
  return differences;
}

function compareScorer(b: TaskSection, c: TaskSection): string[] {
  if (b.scorer.name === c.scorer.name && b.scorer.version === c.scorer.version) return [];
  return [
    `scored by ${b.scorer.name} ${b.scorer.version} vs ${c.scorer.name} ${c.scorer.version}: the same answer may be judged differently; re-run \`persona-bench run\` for the side scored by the older version with this persona-bench (its model calls are cached, so it only re-scores), then gate the new results.json; two runs given by run id from one store are re-graded by the gate itself`,
  ];
}
