import type { DatasetOptions } from "../datasets/datasets.js";
import type { Results, TaskSection } from "../results/types.js";
import { scoreGenerations } from "../runner/score-stage.js";
import { Store } from "../store/store.js";
import type { HealingPlan, SectionHealing } from "../task-kinds/section-gate.js";
import { gateOf } from "./kinds.js";
import { openStoreForReading } from "./store-reader.js";

/** What re-scoring a run's sections did, one line per section, for the user. */
export type RegradeNotes = string[];

/**
 * Re-scores, from the store at `storePath`, every section of a stored run that another scorer version scored, when
 * its kind can be healed (SectionGate.healing), through the same path as `run`: each of the run's generations of
 * that task (found through run membership) without a score from the current version is scored by the kind's scorer
 * and stored (the scorer stage, Store.addScore), and the whole section is rebuilt by the kind's section builder from
 * the stored scores, so every figure (accuracies, comparisons, summary, headline, and so the gate's inputs) follows,
 * not only the outcomes. A section that cannot be re-scored is left as it was, with a note saying why: the
 * comparability check then refuses the pair with its advice.
 *
 * The store is opened read-only first; it is opened for writing only when some generation has no score from the
 * current version yet, so a heal that finds everything scored (or a run whose sections are current) changes nothing.
 */
export async function regradeStoredRun(
  results: Results,
  storePath: string,
  data: DatasetOptions,
): Promise<{ results: Results; notes: RegradeNotes }> {
  const notes: RegradeNotes = [];
  const tasks: Results["tasks"] = { ...results.tasks };
  for (const [id, section] of Object.entries(results.tasks)) {
    const healing = gateOf(section.kind)?.healing;
    if (!healing || section.scorer.version === healing.currentVersion) continue;
    const outcome = await regradeSection(results.runId, section, healing, storePath, data);
    if (typeof outcome === "string") {
      notes.push(`task ${id} of run ${results.runId}: not re-graded (${outcome})`);
      continue;
    }
    tasks[id] = outcome.section;
    notes.push(
      `task ${id} of run ${results.runId}: re-graded ${outcome.generations} generations from the store with ${healing.currentVersion} (was ${section.scorer.version}); ${outcome.changed} verdicts changed`,
    );
  }
  return { results: { ...results, tasks }, notes };
}

async function regradeSection(
  runId: string,
  section: TaskSection,
  healing: SectionHealing,
  storePath: string,
  data: DatasetOptions,
): Promise<ReturnType<HealingPlan["rebuild"]> | string> {
  const reader = openStoreForReading(storePath);
  let plan: HealingPlan | string;
  try {
    plan = await healing.plan(runId, section, reader, data);
    if (typeof plan === "string") return plan;
    if (plan.unscored === 0) return plan.rebuild(reader);
  } finally {
    reader.close();
  }
  // Scores to write: only now is the store opened for writing, and written through the API `run` uses.
  const store = Store.open(storePath);
  try {
    await scoreGenerations(store, plan.scorer, plan.targets);
    return plan.rebuild(store);
  } finally {
    store.close();
  }
}
