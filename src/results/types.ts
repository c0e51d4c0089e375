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
 * scale (e.g. a 1-5 rubric score).
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
  /** The results kind its task kind writes (`TaskKind.kind`); `sectionKindFor` finds how to read the rest. */
  kind: string;
  dataset: { name: string; hash: string };
  /** What turned answers into verdicts, by version: a different version may judge the same answer differently. */
  scorer: { name: string; version: string };
  headline: HeadlineMetric[];
  statistics: StatisticalSettings;
}

/** A section of any kind: only the frame is guaranteed; each kind defines the rest in src/task-kinds/<kind>/. */
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
  /** Tasks of the benchmark that were not run, with why (e.g. a judged task without a judge). */
  skipped: { task: string; reason: string }[];
  errors: ErrorSummary;
  usage: { promptTokens: number; completionTokens: number; modelCalls: number; cachedCalls: number };
}
