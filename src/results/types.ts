import type { PersonaSummary } from "../metrics/index.js";
import type { AdapterErrorKind } from "../models/types.js";

/**
 * The results contract. Bump the minor part when a field is added (readers of the same major version accept unknown
 * fields), the major part on any change that would make an old reader misread a file. Version 1 files are still
 * read: see upgrade-v1.ts.
 */
export const RESULTS_SCHEMA_VERSION = "2.0.0";

export type Interval = [number, number];

/**
 * A figure any consumer (leaderboard, gate, viewer) can show without knowing the task kind.
 * `unit` says how to print it: "proportion" is a share in [0, 1] (shown as %), "score" a value on the task's own
 * scale (PersonaGym: 1-5).
 */
export interface HeadlineMetric {
  metric: string;
  label: string;
  value: number | null;
  ci95: Interval | null;
  higherIsBetter: boolean;
  unit: "proportion" | "score";
  description: string;
}

/** The statistical settings a section's figures were computed with, as data, so a consumer can redo them. */
export interface StatisticalSettings {
  /** Significance level of every test and marker in the section. */
  alpha: number;
  bootstrap: { resamples: number; seed: number; level: number; method: "percentile" };
  /** Figure -> how its interval was computed. */
  intervals: Record<string, string>;
  pairedTest?: string;
  multipleComparisons?: string;
}

/** What every task section has, whatever its kind. */
export interface TaskSectionFrame {
  /** The task block's id in the benchmark (default: its dataset name); also the section's key in `tasks`. */
  id: string;
  /** The task kind's module ("math", "personagym", ...). */
  kind: string;
  dataset: { name: string; hash: string };
  /** What turned answers into verdicts, by version: a different version may judge the same answer differently. */
  scorer: { name: string; version: string };
  headline: HeadlineMetric[];
  statistics: StatisticalSettings;
}

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

export interface PersonaGymJudgeResult {
  spec: string;
  provider: string;
  name: string;
  digest?: string;
  /** This judge's own PersonaScore; null when it parsed no verdict. */
  personaScore: number | null;
  judged: number;
  unparsed: number;
  /** The judge comes from the subject's model family: its scores may favour the subject. */
  sameFamilyAsSubject: boolean;
}

/**
 * Per task label, one string per judge (in the order of the section's `judges`), one character per question of
 * that persona and task in dataset order (question index i is `<personaId>-<task slug>-<i>`): 1-5 the judge's
 * score, u unparseable after the retry, - no verdict (the subject gave no answer, or the judge was not reached).
 */
export type PersonaGymVerdicts = Record<string, string[]>;

export interface PersonaGymPersonaResult {
  id: string;
  text: string;
  tasks: Record<string, number>;
  personaScore: number | null;
  /** Absent only in files upgraded from version 1. */
  verdicts?: PersonaGymVerdicts;
}

/** PersonaGym: persona fidelity graded by LLM judges. */
export interface PersonaGymSection extends TaskSectionFrame {
  kind: "personagym";
  dataset: {
    name: string;
    hash: string;
    digest: string;
    pinned: boolean;
    origin: string;
    personasAvailable: number;
  };
  /** Seeded subset of personas when `limit` is set; the seed is recorded so the subset can be rebuilt. */
  subset: { limit: number | null; seed: number };
  settings: {
    systemPrompt: string;
    decoding: Record<string, unknown>;
    judgeDecoding: Record<string, unknown>;
    scoreExamples: boolean;
    rubrics: "ours" | "upstream";
    judgePromptVersion: string;
  };
  personasEvaluated: number;
  questions: number;
  /** Mean over personas of PersonaScore (1-5), with a bootstrap interval over personas. */
  personaScore: number | null;
  ci95: Interval | null;
  /** Mean over personas of each task's score, by task label. */
  tasks: Record<string, number>;
  personas: PersonaGymPersonaResult[];
  judges: PersonaGymJudgeResult[];
  /** Inter-judge agreement per task; null with a single judge. */
  agreement: { task: string; alpha: number | null; spearman: number | null; pairableItems: number }[] | null;
  /** Judgements still unparseable after one retry: excluded from means, counted here. */
  unparsed: {
    total: number;
    byJudgeAndTask: { judge: string; task: string; unparsed: number; total: number }[];
  };
  examples: { requested: number; unparsed: number } | null;
  /** Questions with no subject answer (failed calls): never graded. */
  unanswered: number;
}

/** A section of any kind: only the frame is guaranteed (narrow with isMathSection and friends). */
export type TaskSection = TaskSectionFrame;

export interface ErrorSummary {
  total: number;
  byKind: Partial<Record<AdapterErrorKind, number>>;
  /** A few examples for the report, at least one per kind; the store has them all. */
  examples: { key: string; kind: AdapterErrorKind; message: string }[];
}

export interface Results {
  /** "2.x.y" for files this version writes; "1.x.y" for version-1 files read through loadResults. */
  schemaVersion: string;
  runId: string;
  createdAt: string;
  finishedAt: string;
  status: "complete" | "incomplete" | "interrupted";
  harness: { name: "persona-bench"; version: string; node: string };
  model: {
    spec: string;
    provider: string;
    name: string;
    digest?: string;
    endpoint: string;
    serverVersion?: string;
    details: Record<string, unknown>;
    /** One model served by several servers: each replica and how many of this run's requests it served. */
    replicas?: { endpoint: string; served: number }[];
  };
  benchmark: { id: string; hash: string; description?: string };
  /** Decisions that are ours, not the paper's, recorded with every result. */
  suiteChoices: Record<string, string>;
  /** One section per task block, keyed by the block's id, in benchmark order. */
  tasks: Record<string, TaskSection>;
  /** Tasks of the benchmark that were not run, with why (e.g. PersonaGym without a judge). */
  skipped: { task: string; reason: string }[];
  errors: ErrorSummary;
  usage: { promptTokens: number; completionTokens: number; modelCalls: number; cachedCalls: number };
}

export function isMathSection(section: TaskSection): section is MathSection {
  return section.kind === "math";
}

export function isPersonaGymSection(section: TaskSection): section is PersonaGymSection {
  return section.kind === "personagym";
}

/** The sections of one kind, in benchmark order. */
export function mathSections(results: Results): MathSection[] {
  return Object.values(results.tasks).filter(isMathSection);
}

export function personaGymSections(results: Results): PersonaGymSection[] {
  return Object.values(results.tasks).filter(isPersonaGymSection);
}

/** Version-1 names, kept for library users. */
export type Math500Results = MathSection;
export type Math500PersonaResult = MathPersonaResult;
export type Math500Summary = MathSummary;
export type PersonaGymResults = PersonaGymSection;
