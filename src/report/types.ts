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
  accuracy: number;
  ci95: Interval;
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

export interface Math500Summary {
  personas: number;
  mean: number;
  std: number;
  stdKind: "population";
  min: number;
  max: number;
  range: number;
  worst: string[];
  best: string[];
  pss: number;
  pssFormula: string;
  controlAccuracy: number | null;
  worstRetention: number | null;
  worstCaseUtility: number | null;
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
  summary: Math500Summary;
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
  tasks: { math500?: Math500Results };
  errors: ErrorSummary;
  usage: { promptTokens: number; completionTokens: number; modelCalls: number; cachedCalls: number };
}
