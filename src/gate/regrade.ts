import { InputError } from "../core/input-error.js";
import { type DatasetOptions, resolveDataset } from "../datasets/datasets.js";
import type { GenerationState } from "../metrics/index.js";
import type { Results } from "../results/types.js";
import { decodeMathOutcomes, encodeGeneration } from "../results/verdicts.js";
import { GRADER_VERSION, grade } from "../scoring/math/index.js";
import type { Store } from "../store/store.js";
import type { RunMember } from "../store/types.js";
import { MATH_SCORER, type MathVerdict } from "../task-kinds/math/score.js";
import { isMathSection, type MathSection } from "../task-kinds/math/section-types.js";
import { findMathDataset, loadMathProblems } from "../task-kinds/math/sources.js";
import { mathFiguresFromOutcomes } from "./recompute.js";

/** What re-grading a run's math sections did, one line per section, for the user. */
export type RegradeNotes = string[];

/**
 * Re-grades, from the store, every math section of a stored run that an older grader version scored: each of the
 * run's generations of that task (found through run membership) is graded again against its gold answer, the new
 * verdict is stored under the current grader (as `run` does), and the section's per-item outcomes, figures and scorer
 * version are replaced. The gate pairs runs through those outcomes only. The gold comes from the old verdicts where they
 * kept it, else from the section's dataset when a copy with the same hash is at hand (never downloaded). A section
 * that cannot be re-graded completely is left as it was, with a note saying why: the comparability check then
 * refuses the pair with its advice.
 */
export async function regradeStoredRun(
  results: Results,
  store: Store,
  data: DatasetOptions,
): Promise<{ results: Results; notes: RegradeNotes }> {
  const notes: RegradeNotes = [];
  const tasks: Results["tasks"] = { ...results.tasks };
  for (const [id, section] of Object.entries(results.tasks)) {
    if (!isMathSection(section) || section.scorer.version === GRADER_VERSION) continue;
    const outcome = await regradeSection(results.runId, section, store, data);
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
  store: Store,
  data: DatasetOptions,
): Promise<{ section: MathSection; generations: number; changed: number } | string> {
  const items = section.items;
  if (!items) return "a version-1 results file has no per-item verdicts";
  const members = store
    .runMembers(runId)
    .filter((m) => m.taskId === section.id && m.personaId !== undefined && m.itemId !== undefined);
  if (members.length === 0) {
    return "the store does not say which persona and problem each generation was (runs made before store version 3: run the same command again, everything is cached)";
  }
  const gold = await goldAnswers(section, store, members, data);
  if (typeof gold === "string") return gold;
  const itemIndex = new Map(items.map((item, i) => [item, i]));
  const states = new Map(
    section.personas.map((p) => [p.id, decodeMathOutcomes(p.outcomes ?? "", items.length, section.samples)]),
  );
  const generations = store.getGenerations(members.map((m) => m.key));
  let regraded = 0;
  let changed = 0;
  for (const member of members) {
    const generation = generations.get(member.key);
    const row = states.get(member.personaId!)?.[itemIndex.get(member.itemId!) ?? -1];
    const answer = gold.get(member.itemId!);
    if (!generation || !row || answer === undefined || member.sample === undefined) continue;
    const verdict: MathVerdict = {
      ...grade(answer, generation.text),
      truncated: generation.finishReason === "length",
      gold: answer,
    };
    store.addScore({ key: member.key, scorer: MATH_SCORER, value: verdict });
    const state: GenerationState = {
      correct: verdict.correct,
      found: verdict.found,
      truncated: verdict.truncated,
    };
    if (encodeGeneration(row[member.sample]) !== encodeGeneration(state)) changed++;
    row[member.sample] = state;
    regraded++;
  }
  store.flush();
  const personas = section.personas.map((p) => ({
    ...p,
    outcomes: states
      .get(p.id)!
      .map((samples) => samples.map(encodeGeneration).join(""))
      .join(""),
  }));
  const healed = { ...section, personas, scorer: { ...section.scorer, version: GRADER_VERSION } };
  return {
    // The figures follow the new outcomes, so the healed section is as consistent as one `run` writes.
    section: mathFiguresFromOutcomes(healed, `run ${runId}`),
    generations: regraded,
    changed,
  };
}

/** Gold answers by problem id: kept in the old verdicts, else read from the same dataset (by hash); or why not. */
async function goldAnswers(
  section: MathSection,
  store: Store,
  members: readonly RunMember[],
  data: DatasetOptions,
): Promise<Map<string, string> | string> {
  const old = store.getScores<MathVerdict>(
    members.map((m) => m.key),
    `math@${section.scorer.version}`,
  );
  const gold = new Map<string, string>();
  for (const member of members) {
    const answer = old.get(member.key)?.gold;
    if (answer !== undefined) gold.set(member.itemId!, answer);
  }
  const missing = () => section.items!.filter((id) => !gold.has(id));
  if (missing().length === 0) return gold;
  const dataset = findMathDataset(section.dataset.name);
  if (!dataset) {
    return `the old verdicts keep no gold answer for ${missing().length} problem(s), and ${section.dataset.name} is not a registered dataset to read them from`;
  }
  let resolved: Awaited<ReturnType<typeof resolveDataset>>;
  try {
    resolved = await resolveDataset(dataset.source, { ...data, allowDownload: false });
  } catch (error) {
    if (error instanceof InputError) return `no gold answers: ${error.message}`;
    throw error;
  }
  if (resolved.sha256 !== section.dataset.hash) {
    return `the copy of ${dataset.name} at ${resolved.path} is not the one the run used (sha256 ${resolved.sha256.slice(0, 12)} vs ${section.dataset.hash.slice(0, 12)})`;
  }
  for (const problem of loadMathProblems(resolved.path, dataset.readRow, dataset.idField)) {
    if (!gold.has(problem.id)) gold.set(problem.id, problem.answer);
  }
  const still = missing();
  return still.length === 0 ? gold : `no gold answer for ${still.length} problem(s), e.g. ${still[0]}`;
}
