/**
 * Re-scoring a stored run's math section with this grader version (the gate's healing): which of the run's
 * generations to score against which gold answer, and the section rebuilt through the kind's section builder from
 * the verdicts then stored. The caller runs the scorer stage in between, with the store opened for writing only
 * when some generation has no verdict from this grader version yet.
 */
import { InputError } from "../../core/input-error.js";
import { type DatasetOptions, resolveDataset } from "../../datasets/datasets.js";
import { type ScoreTarget, unscoredCount } from "../../runner/score-stage.js";
import { GRADER_VERSION } from "../../scoring/math/index.js";
import type { RunMember } from "../../store/types.js";
import type { SectionHealing, StoredRunReader } from "../section-gate.js";
import { MATH_SCORER, type MathVerdict, mathScorer, mathScorerId } from "./score.js";
import {
  type MathSectionFrame,
  mathFrameOfSection,
  mathSectionFromStates,
  statesFromMembers,
} from "./section.js";
import type { MathSection } from "./section-types.js";
import { findMathDataset, loadMathProblems } from "./sources.js";

type KnownMember = RunMember & { personaId: string; itemId: string; sample: number };

export interface MathRescore {
  runId: string;
  section: MathSection;
  frame: MathSectionFrame;
  members: KnownMember[];
  /** Every member's generation with its gold answer: what the scorer stage is handed. */
  targets: ScoreTarget<string>[];
  /** How many members have no verdict from this grader version yet (0: nothing to write). */
  unscored: number;
}

/** The gate heals a math section graded by another grader version by re-grading the run's stored generations. */
export const mathHealing: SectionHealing<MathSection> = {
  currentVersion: GRADER_VERSION,
  async plan(runId, section, store, data) {
    const rescore = await planMathRescore(runId, section, store, data);
    if (typeof rescore === "string") return rescore;
    return {
      scorer: mathScorer(),
      targets: rescore.targets,
      unscored: rescore.unscored,
      rebuild: (scores) => rebuildMathSection(rescore, scores),
    };
  },
};

/** The re-scoring of a section, or why it cannot be done. */
export async function planMathRescore(
  runId: string,
  section: MathSection,
  store: StoredRunReader,
  data: DatasetOptions,
): Promise<MathRescore | string> {
  const frame = mathFrameOfSection(section);
  if (!frame) return "a version-1 results file has no per-item verdicts";
  const personas = new Set(frame.personas.map((p) => p.id));
  const items = new Set(frame.items);
  // Members the file does not have were refused by the gate's store check; they are left out here all the same.
  const members = store
    .runMembers(runId)
    .filter(
      (m): m is KnownMember =>
        m.taskId === section.id &&
        personas.has(m.personaId ?? "") &&
        items.has(m.itemId ?? "") &&
        m.sample !== undefined &&
        m.sample < frame.samples,
    );
  if (members.length === 0) {
    return "the store does not say which persona and problem each generation was (runs made before store version 3: run the same command again, everything is cached)";
  }
  const gold = await goldAnswers(section, store, members, data);
  if (typeof gold === "string") return gold;
  const targets = members.map((m) => ({ key: m.key, item: gold.get(m.itemId)! }));
  const unscored = unscoredCount(
    store,
    MATH_SCORER,
    members.map((m) => m.key),
  );
  return { runId, section, frame, members, targets, unscored };
}

/**
 * The section rebuilt by the section builder from the verdicts this grader version stored for the run's members
 * (a recorded failure stays a failure): every figure, summary and headline follows them. Also says how many
 * generations had a verdict and how many outcomes differ from the file's.
 */
export function rebuildMathSection(
  rescore: MathRescore,
  store: StoredRunReader,
): { section: MathSection; generations: number; changed: number } {
  const { frame, members, section } = rescore;
  const failed = new Set(store.failures(rescore.runId).map((f) => f.key));
  const verdicts = store.getScores<MathVerdict>(
    members.map((m) => m.key),
    MATH_SCORER,
  );
  // planMathRescore kept only members inside the section's grid, one per cell (their keys are the run's).
  const read = statesFromMembers(
    { personaIds: frame.personas.map((p) => p.id), itemIds: frame.items, samples: frame.samples },
    members.map((m) => ({ ...m, score: verdicts.get(m.key) })),
    failed,
  );
  if (!read) throw new Error(`run ${rescore.runId}: two members answer one cell of task ${section.id}`);
  const { states, graded: generations } = read;
  const rebuilt = mathSectionFromStates(frame, states);
  let changed = 0;
  rebuilt.personas.forEach((persona, p) => {
    const before = section.personas[p]?.outcomes ?? "";
    const after = persona.outcomes ?? "";
    for (let i = 0; i < after.length; i++) if (before[i] !== after[i]) changed++;
  });
  return { section: rebuilt, generations, changed };
}

/** Gold answers by problem id: kept in the old verdicts, else read from the same dataset (by hash); or why not. */
async function goldAnswers(
  section: MathSection,
  store: StoredRunReader,
  members: readonly KnownMember[],
  data: DatasetOptions,
): Promise<Map<string, string> | string> {
  const old = store.getScores<MathVerdict>(
    members.map((m) => m.key),
    mathScorerId(section.scorer.version),
  );
  const gold = new Map<string, string>();
  for (const member of members) {
    const answer = old.get(member.key)?.gold;
    if (answer !== undefined) gold.set(member.itemId, answer);
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
