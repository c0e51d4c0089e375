import type { PersonaSummary } from "../metrics/index.js";
import type { AdapterErrorKind } from "../models/types.js";

/** Bump the major part on any breaking change; leaderboards and gates check it. */
export const RESULTS_SCHEMA_VERSION = "1.0.0";

export type Interval = [number, number];

export interface Math500PersonaResult {
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
}

/** The metrics' persona summary, with the extreme personas named as results.json names them. */
export interface Math500Summary
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
}

export interface Math500Results {
  dataset: { sha256: string; pinned: boolean; origin: string };
  problems: number;
  samples: number;
  prompt: string;
  personaPlacement: "system" | "user";
  decoding: Record<string, unknown>;
  catalog: { id: string; version: string; sha256: string };
  personas: Math500PersonaResult[];
  /** null when no catalog persona has a graded answer (e.g. a server that refuses system messages). */
  summary: Math500Summary | null;
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

export interface PersonaGymResults {
  dataset: { digest: string; pinned: boolean; origin: string; personasAvailable: number };
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
  personas: { id: string; text: string; tasks: Record<string, number>; personaScore: number | null }[];
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

export interface ErrorSummary {
  total: number;
  byKind: Partial<Record<AdapterErrorKind, number>>;
  /** A few examples for the report, at least one per kind; the store has them all. */
  examples: { key: string; kind: AdapterErrorKind; message: string }[];
}

export interface Results {
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
  };
  benchmark: { id: string; hash: string; description?: string };
  /** Decisions that are ours, not the paper's, recorded with every result. */
  suiteChoices: Record<string, string>;
  tasks: { math500?: Math500Results; personagym?: PersonaGymResults };
  /** Tasks of the benchmark that were not run, with why (e.g. PersonaGym without a judge). */
  skipped: { task: string; reason: string }[];
  errors: ErrorSummary;
  usage: { promptTokens: number; completionTokens: number; modelCalls: number; cachedCalls: number };
}
