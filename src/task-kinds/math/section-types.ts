import type { PersonaSummary } from "../../metrics/index.js";
import type { Interval, Results, TaskSection, TaskSectionFrame } from "../../results/types.js";

// The fields a "math" section adds to the frame every section has (results.json, `tasks.<id>`).

/**
 * One character per generation, item-major (item i, sample s at i * samples + s), in the order of the section's
 * `items`: c correct, w wrong (an answer was extracted), n no answer extracted (counts as wrong); the upper-case
 * letter when the generation hit the token limit; f failed permanently (not graded); - not run yet.
 */
export type MathOutcomeString = string;

export interface MathPersonaResult {
  id: string;
  category: string;
  /** The rendered persona text as the model saw it; "" for the control. */
  text: string;
  expectedEffect?: string;
  /** Graded generations (problems x samples with an answer). */
  n: number;
  correct: number;
  /** null when nothing was graded (every request of this persona failed). */
  accuracy: number | null;
  ci95: Interval | null;
  /** Generations with no extractable final answer (format failures, truncations). */
  extractionFailures: number;
  /** Accuracy among generations whose answer could be extracted; null when none could. */
  accuracyWhenExtracted: number | null;
  /** Generations the model hit the token limit on. */
  truncated: number;
  /** Paired on the problems both this persona and the control answered; 0 for the control. */
  deltaVsControl: number;
  deltaCi95: Interval | null;
  /** Exact two-sided McNemar test against the control; null for the control itself. */
  pValue: number | null;
  /** Holm-adjusted across all personas of the task. */
  pValueHolm: number | null;
  discordant: { personaOnly: number; controlOnly: number } | null;
  /** Problems whose generations failed permanently (not in n). */
  errors: number;
  /** With several samples: unbiased pass@k for k = 1, 2, 4, ..., S (keys are k), over problems answered in full. */
  passAtK?: Record<string, number>;
  /** Per-item verdicts (see MathOutcomeString); absent only in files upgraded from version 1. */
  outcomes?: MathOutcomeString;
}

/** The metrics' persona summary, with the extreme personas named as results.json names them. */
export interface MathSummary
  extends Omit<PersonaSummary, "worstPersonaIds" | "bestPersonaIds" | "pssFormula"> {
  pssFormula: string;
  worst: string[];
  best: string[];
  flipRate: number;
  consistencyRate: number;
  /** Exact expectation of the best persona accuracy among k drawn without replacement, k = 1..N. */
  expectedMaxAtK: number[];
  /** The same curve over the catalog's lottery subset (the paper's Figure 1), when it was run. */
  lottery: { personas: string[]; expectedMaxAtK: number[] } | null;
  /**
   * 95% intervals of mean, worst and PSS*: bootstrap over the problems every persona answered in full, a resample
   * keeping a problem with all its personas; null when there are none. Absent in files upgraded from version 1.
   */
  intervals?: { mean: Interval; worst: Interval; pss: Interval } | null;
}

/** A math task set (MATH500 and friends): persona stability. */
export interface MathSection extends TaskSectionFrame {
  kind: "math";
  dataset: { name: string; hash: string; sha256: string; pinned: boolean; origin: string };
  problems: number;
  samples: number;
  prompt: string;
  personaPlacement: "system" | "user";
  decoding: Record<string, unknown>;
  catalog: { id: string; version: string; sha256: string };
  /** Problem ids in the order of every persona's `outcomes`; absent only in files upgraded from version 1. */
  items?: string[];
  /** The control first (id "none"), then the catalog personas. */
  personas: MathPersonaResult[];
  /** null when no catalog persona has a graded answer (e.g. a server that refuses system messages). */
  summary: MathSummary | null;
}

export function isMathSection(section: TaskSection): section is MathSection {
  return section.kind === "math";
}

/** The math sections of a run, in benchmark order. */
export function mathSections(results: Results): MathSection[] {
  return Object.values(results.tasks).filter(isMathSection);
}

/** Version-1 names, kept for library users. */
export type Math500Results = MathSection;
export type Math500PersonaResult = MathPersonaResult;
export type Math500Summary = MathSummary;
