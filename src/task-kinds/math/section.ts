import {
  type GenerationState,
  personaStability,
  stabilityIntervalMethods,
  stabilityPairedTest,
} from "../../metrics/index.js";
import { personaSystemText } from "../../personas/render.js";
import { mathHeadline } from "../../results/headline.js";
import type { StatisticalSettings } from "../../results/types.js";
import { encodeMathOutcomes } from "../../results/verdicts.js";
import { GRADER_VERSION } from "../../scoring/math/index.js";
import type { Store } from "../../store/store.js";
import type { MathTaskConfig } from "./config.js";
import type { MathPlan } from "./plan.js";
import { type MathVerdict, readMathVerdicts } from "./score.js";
import type { MathPersonaResult, MathSection } from "./section-types.js";

/** Seed of every bootstrap of a math section, so the same verdicts always give the same intervals. */
export const MATH_BOOTSTRAP = { resamples: 2000, seed: 20_260_410, level: 0.95 } as const;

export interface MathDatasetRecord {
  name: string;
  sha256: string;
  pinned: boolean;
  origin: string;
}

/** A persona of a math section as the section records it, before any figure. */
export interface MathFramePersona {
  id: string;
  category: string;
  text: string;
  expectedEffect?: string;
  /** Drawn in the lottery figures (see MathSummary.lottery). */
  lottery: boolean;
}

/**
 * What a math section records besides its figures: made from a task and its plan by `run`, or read back from a
 * results file by the gate's healing, so both compute every figure through one builder (mathSectionFromStates).
 */
export interface MathSectionFrame {
  id: string;
  dataset: MathSection["dataset"];
  alpha: number;
  samples: number;
  prompt: string;
  personaPlacement: MathSection["personaPlacement"];
  decoding: Record<string, unknown>;
  catalog: MathSection["catalog"];
  /** Problem ids, in the order of the states' second index. */
  items: string[];
  /** The control first, then the catalog personas, in the order of the states' first index. */
  personas: MathFramePersona[];
}

/**
 * Turns the verdicts of a math plan into the results section: per-generation outcomes (which travel in the file),
 * and the figures metrics/ computes from exactly those outcomes.
 */
export function buildMathSection(
  task: MathTaskConfig,
  plan: MathPlan,
  generations: GenerationState[][][],
  dataset: MathDatasetRecord,
  alpha: number,
): MathSection {
  const frame: MathSectionFrame = {
    id: task.id,
    dataset: { ...dataset, hash: dataset.sha256 },
    alpha,
    samples: plan.samples,
    prompt: task.prompt,
    personaPlacement: task.personaPlacement,
    decoding: { ...task.decoding },
    catalog: { id: task.catalog.id, version: task.catalog.version, sha256: task.catalog.sha256 },
    items: plan.problems.map((p) => p.id),
    personas: plan.personas.map((entry) => ({
      id: entry.id,
      category: entry.persona?.category ?? "control",
      text: entry.persona ? personaSystemText(entry.persona, task.catalog) : "",
      ...(entry.persona?.expectedEffect ? { expectedEffect: entry.persona.expectedEffect } : {}),
      lottery: entry.persona?.lottery === true,
    })),
  };
  return mathSectionFromStates(frame, generations);
}

/**
 * The math section builder: every figure (per-persona accuracies and comparisons, summary, headline, the
 * statistical settings) from the per-generation states [persona][problem][sample], scored by this grader version.
 */
export function mathSectionFromStates(
  frame: MathSectionFrame,
  generations: GenerationState[][][],
): MathSection {
  const stability = personaStability(
    frame.personas.map((p, index) => ({
      id: p.id,
      lottery: p.lottery,
      generations: generations[index]!,
    })),
    { bootstrap: MATH_BOOTSTRAP },
  );
  const personas: MathPersonaResult[] = frame.personas.map(({ lottery: _lottery, ...persona }, index) => ({
    ...persona,
    ...stability.conditions[index]!,
    outcomes: encodeMathOutcomes(generations[index]!),
  }));
  const summary = stability.summary && {
    ...withoutPersonaIds(stability.summary),
    worst: stability.summary.worstPersonaIds,
    best: stability.summary.bestPersonaIds,
  };
  const statistics: StatisticalSettings = {
    alpha: frame.alpha,
    bootstrap: { ...MATH_BOOTSTRAP, method: "percentile" },
    intervals: stabilityIntervalMethods(frame.samples),
    pairedTest: stabilityPairedTest(frame.samples),
    multipleComparisons: "Holm across the task's personas",
  };
  return {
    id: frame.id,
    kind: "math",
    dataset: frame.dataset,
    scorer: { name: "math-grader", version: GRADER_VERSION },
    headline: mathHeadline(personas[0], summary),
    statistics,
    problems: frame.items.length,
    samples: frame.samples,
    prompt: frame.prompt,
    personaPlacement: frame.personaPlacement,
    decoding: frame.decoding,
    catalog: frame.catalog,
    items: frame.items,
    personas,
    summary,
  };
}

/**
 * The frame a results file's math section records (for re-scoring it from the store); undefined for a section
 * upgraded from version 1, which lists no problem ids. Lottery personas are those its summary drew.
 */
export function mathFrameOfSection(section: MathSection): MathSectionFrame | undefined {
  if (!section.items) return undefined;
  const lottery = new Set(section.summary?.lottery?.personas ?? []);
  return {
    id: section.id,
    dataset: section.dataset,
    alpha: section.statistics.alpha,
    samples: section.samples,
    prompt: section.prompt,
    personaPlacement: section.personaPlacement,
    decoding: section.decoding,
    catalog: section.catalog,
    items: section.items,
    personas: section.personas.map((p) => ({
      id: p.id,
      category: p.category,
      text: p.text,
      ...(p.expectedEffect === undefined ? {} : { expectedEffect: p.expectedEffect }),
      lottery: lottery.has(p.id),
    })),
  };
}

function withoutPersonaIds<T extends { worstPersonaIds: string[]; bestPersonaIds: string[] }>(
  summary: T,
): Omit<T, "worstPersonaIds" | "bestPersonaIds"> {
  const { worstPersonaIds: _worst, bestPersonaIds: _best, ...rest } = summary;
  return rest;
}

/** The three flags a generation state carries take 6 values: one shared object each, not one per generation. */
const STATES = new Map<number, GenerationState>();
function stateOf(verdict: MathVerdict): GenerationState {
  const code = (verdict.correct ? 1 : 0) | (verdict.found ? 2 : 0) | (verdict.truncated ? 4 : 0);
  let state = STATES.get(code);
  if (state === undefined) {
    state = Object.freeze({ correct: verdict.correct, found: verdict.found, truncated: verdict.truncated });
    STATES.set(code, state);
  }
  return state;
}

/** A stored verdict of one member of a run: which condition, problem and sample it answers. */
export interface MemberVerdict {
  key: string;
  personaId: string;
  itemId: string;
  sample: number;
  score: MathVerdict | undefined;
}

/** The cells a section is built from: conditions (control first) x problems x samples. */
interface StateGrid {
  personaIds: readonly string[];
  itemIds: readonly string[];
  samples: number;
}

function emptyStates(grid: StateGrid): GenerationState[][][] {
  return grid.personaIds.map(() =>
    grid.itemIds.map(() => new Array<GenerationState>(grid.samples).fill(undefined)),
  );
}

/**
 * [condition][problem][sample] from a run's members and their stored verdicts: the verdict, "failed" for a
 * permanent failure, undefined when not run yet; and how many had a verdict. Undefined when a member falls outside
 * the grid or answers a cell another member already did.
 */
export function statesFromMembers(
  grid: StateGrid,
  members: readonly MemberVerdict[],
  failedKeys: ReadonlySet<string>,
): { states: GenerationState[][][]; graded: number } | undefined {
  const personaIndex = new Map(grid.personaIds.map((id, i) => [id, i]));
  const itemIndex = new Map(grid.itemIds.map((id, i) => [id, i]));
  const states = emptyStates(grid);
  const seen = new Set<string>();
  let graded = 0;
  for (const m of members) {
    const p = personaIndex.get(m.personaId);
    const i = itemIndex.get(m.itemId);
    const cell = `${p}\u0000${i}\u0000${m.sample}`;
    if (p === undefined || i === undefined || m.sample >= grid.samples || seen.has(cell)) return undefined;
    seen.add(cell);
    if (m.score) graded++;
    states[p]![i]![m.sample] = m.score ? stateOf(m.score) : failedKeys.has(m.key) ? "failed" : undefined;
  }
  return { states, graded };
}

const gridOf = (plan: MathPlan): StateGrid => ({
  personaIds: plan.personas.map((p) => p.id),
  itemIds: plan.problems.map((p) => p.id),
  samples: plan.samples,
});

/**
 * The plan's states read through the run's members when the store records every item of the plan as one (a
 * re-run, or a run that finished): one query joins each member with its stored verdict, and the plan's keys are not
 * hashed again. Undefined when the members do not cover the plan one to one (the plan-ordered read then decides).
 */
export function mathStatesFromMembers(
  plan: MathPlan,
  members: readonly MemberVerdict[],
  failedKeys: ReadonlySet<string>,
): { states: GenerationState[][][]; graded: number } | undefined {
  return members.length === plan.size ? statesFromMembers(gridOf(plan), members, failedKeys) : undefined;
}

/**
 * Reads the verdicts the scorer stage stored for the plan and returns [condition][problem][sample]: the verdict, "failed" for a
 * permanent failure, undefined when not run yet; and how many generations had a verdict. Streams the plan.
 */
export function mathGenerationStates(
  plan: MathPlan,
  store: Pick<Store, "getScores">,
  failedKeys: ReadonlySet<string>,
): { states: GenerationState[][][]; graded: number } {
  const personaIndex = new Map(plan.personas.map((p, i) => [p.id, i]));
  const problemIndex = new Map(plan.problems.map((p, i) => [p.id, i]));
  const states = emptyStates(gridOf(plan));
  const graded = readMathVerdicts(plan, store, (item, verdict) => {
    states[personaIndex.get(item.personaId)!]![problemIndex.get(item.itemId)!]![item.sample] = verdict
      ? stateOf(verdict)
      : failedKeys.has(item.key)
        ? "failed"
        : undefined;
  });
  return { states, graded };
}
