import type { DatasetOptions } from "../datasets/datasets.js";
import type { Results } from "../results/types.js";
import { scoreGenerations } from "../runner/score-stage.js";
import { GRADER_VERSION } from "../scoring/math/index.js";
import { Store } from "../store/store.js";
import { planMathRescore, rebuildMathSection } from "../task-kinds/math/rescore.js";
import { mathScorer } from "../task-kinds/math/score.js";
import { isMathSection, type MathSection } from "../task-kinds/math/section-types.js";
import { openStoreForReading } from "./store-reader.js";

/** What re-grading a run's math sections did, one line per section, for the user. */
export type RegradeNotes = string[];

/**
 * Re-grades, from the store at `storePath`, every math section of a stored run that an older grader version scored,
 * through the same path as `run`: each of the run's generations of that task (found through run membership) that
 * has no verdict from this grader version is scored by the math scorer and its verdict stored (the scorer stage,
 * Store.addScore), and the whole section is rebuilt by the kind's section builder from the stored verdicts, so every
 * figure (accuracies, comparisons, summary, headline, and so the gate's inputs) follows, not only the outcomes.
 * The gold comes from the old verdicts where they kept it, else from the section's dataset when a copy with the same
 * hash is at hand (never downloaded). A section that cannot be re-graded is left as it was, with a note saying why:
 * the comparability check then refuses the pair with its advice.
 *
 * The store is opened read-only first; it is opened for writing only when some generation has no verdict from this
 * grader version yet, so a heal that finds everything scored (or a run whose sections are current) changes nothing.
 */
export async function regradeStoredRun(
  results: Results,
  storePath: string,
  data: DatasetOptions,
): Promise<{ results: Results; notes: RegradeNotes }> {
  const notes: RegradeNotes = [];
  const tasks: Results["tasks"] = { ...results.tasks };
  for (const [id, section] of Object.entries(results.tasks)) {
    if (!isMathSection(section) || section.scorer.version === GRADER_VERSION) continue;
    const outcome = await regradeSection(results.runId, section, storePath, data);
    if (typeof outcome === "string") {
      notes.push(`task ${id} of run ${results.runId}: not re-graded (${outcome})`);
      continue;
    }
    tasks[id] = outcome.section;
    notes.push(
      `task ${id} of run ${results.runId}: re-graded ${outcome.generations} generations from the store with ${GRADER_VERSION} (was ${section.scorer.version}); ${outcome.changed} verdicts changed`,
    );
  }
  return { results: { ...results, tasks }, notes };
}

async function regradeSection(
  runId: string,
  section: MathSection,
  storePath: string,
  data: DatasetOptions,
): Promise<ReturnType<typeof rebuildMathSection> | string> {
  const reader = openStoreForReading(storePath);
  let rescore: Awaited<ReturnType<typeof planMathRescore>>;
  try {
    rescore = await planMathRescore(runId, section, reader, data);
    if (typeof rescore === "string") return rescore;
    if (rescore.unscored === 0) return rebuildMathSection(rescore, reader);
  } finally {
    reader.close();
  }
  // Verdicts to write: only now is the store opened for writing, and written through the API `run` uses.
  const store = Store.open(storePath);
  try {
    await scoreGenerations(store, mathScorer(), rescore.targets);
    return rebuildMathSection(rescore, store);
  } finally {
    store.close();
  }
}
