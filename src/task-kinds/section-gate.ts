import type { DatasetOptions } from "../datasets/datasets.js";
import type { BootstrapInterval, ConditionDrop } from "../metrics/index.js";
import type { TaskSection } from "../results/types.js";
import type { ScoreTarget } from "../runner/score-stage.js";
import type { Scorer } from "../scoring/scorer.js";
import type { Store } from "../store/store.js";

/** The settings of a gate policy that estimates are taken with. */
export interface GateStatistics {
  /** Confidence of every one-sided bound (0.95: the 5th or 95th bootstrap percentile). */
  confidence: number;
  bootstrap: { resamples: number; seed: number };
}

/** Bootstrap options of a policy: one-sided bounds at `confidence` are the two-sided interval at 2c - 1. */
export function bootstrapOptionsOf(statistics: GateStatistics) {
  return { ...statistics.bootstrap, level: 2 * statistics.confidence - 1 };
}

/** What a kind's rules count as paired units; it also names the policy's `minPaired` entry. */
export type PairedUnit = "problems" | "personas";

/** "proportion" figures are shares in [0, 1]; "score" figures are on a rating scale (PersonaGym 1-5). */
export type FigureScale = "proportion" | "score";

/** A metric that non-inferiority and floor rules may name (the policy's `metric`). */
export interface GateMetricSpec {
  name: string;
  scale: FigureScale;
}

/** The paired estimates of one task, whatever its kind; `kind` finds the part that reads the rest. */
export interface KindEstimates {
  kind: string;
  task: string;
}

/** One metric over the paired units: the baseline's figure, the candidate's and candidate - baseline, with bounds. */
export interface PairedFigure {
  baseline: number;
  candidate: BootstrapInterval;
  difference: BootstrapInterval;
}

/** One condition's paired per-item test (exact McNemar, Holm-adjusted), for the persona-drop rule. */
export interface PairedDrop extends ConditionDrop {
  id: string;
}

/** A figure as the file states it beside the same figure recomputed from the file's per-item verdicts. */
export interface FigureCheck {
  /** JSON path from the section, e.g. `.personas[0].accuracy`. */
  path: string;
  found: unknown;
  expected: unknown;
}

/**
 * The gate's view of one kind of section: which metrics its rules may name and how each is estimated from two
 * runs' sections (through the shared estimators of src/metrics), and how its figures follow from its per-item
 * verdicts. The rule engine, the policy and the report are the gate's own and never name a kind.
 */
export interface SectionGate<S extends TaskSection = TaskSection, E extends KindEstimates = KindEstimates> {
  /** The metrics non-inferiority and floor rules may name for this kind. */
  readonly metrics: readonly GateMetricSpec[];
  readonly unit: PairedUnit;
  /**
   * Why a section cannot be paired, ending "the <side>'s task <id> ..." (it lacks its per-item verdicts);
   * undefined when it can.
   */
  unpairable(section: S): string | undefined;
  /** Every difference, apart from the scorer, that keeps two sections of one task from being paired. */
  differences(baseline: S, candidate: S): string[];
  /** Pairs two comparable sections; InputError (naming the file in `source`) when nothing can be paired. */
  estimate(
    baseline: S,
    candidate: S,
    statistics: GateStatistics,
    source: { baseline: string; candidate: string },
  ): E;
  /** One of `metrics` from the estimates. */
  figure(metric: string, estimates: E): PairedFigure;
  /** The paired units and the task's total. */
  coverage(estimates: E): { paired: number; total: number };
  /** The note for a task that pairs fewer units than it has. */
  partialNote(estimates: E): string;
  /** Per-condition paired tests: present when the persona-drop rule applies to this kind. */
  drops?(estimates: E): PairedDrop[];
  /** Samples per unit and the sampling temperature, when more samples could decide an inconclusive rule. */
  sampling?(estimates: E): { samples: number; temperature: number | null };
  /**
   * The section's figures beside the same figures recomputed from its per-item verdicts (`file` names the file in a
   * malformed-verdict error), in the order a reader checks them, and the headline those verdicts give.
   */
  recompute(
    section: S,
    file: string,
  ): { checks: FigureCheck[]; headline: readonly { metric: string; value: number | null }[] };
  /**
   * Checks a section's per-item verdicts against the scores the store holds for its run, throwing an InputError
   * (naming `run.file` and the JSON path) at the first difference; returns notes on what could not be checked.
   * Absent: the section is not checked against the store, and a note says so.
   */
  checkStore?(section: S, run: StoredRun, store: StoredRunReader): string[];
  /** Present when the gate can re-score this kind's sections from the store, so a scorer-version difference is healed, not refused. */
  readonly healing?: SectionHealing<S>;
}

/** A run's results as the gate read them, for the store check's messages. */
export interface StoredRun {
  runId: string;
  /** The results.json read (or the source given), named in a refusal. */
  file: string;
  label: "baseline" | "candidate";
}

/** What the store check and healing read from a store: a Store, or the gate's read-only reader. */
export interface StoredRunReader extends Pick<Store, "runMembers" | "getScores"> {
  failures(runId: string): { key: string }[];
}

/** Re-scoring, from the store, a section that another scorer version scored (the gate's healing). */
export interface SectionHealing<S extends TaskSection = TaskSection> {
  /** The scorer version this persona-bench writes: a section it scored needs no healing. */
  readonly currentVersion: string;
  /** What re-scoring the section means, read from the store (opened read-only); or why it cannot be done. */
  plan(
    runId: string,
    section: S,
    store: StoredRunReader,
    data: DatasetOptions,
  ): Promise<HealingPlan<S> | string>;
}

/** The generations to score and how the section is rebuilt from the scores then stored. */
export interface HealingPlan<S extends TaskSection = TaskSection> {
  // biome-ignore lint/suspicious/noExplicitAny: each kind's scorer takes its own item type, matched by `targets`
  readonly scorer: Scorer<any, unknown>;
  readonly targets: readonly ScoreTarget<unknown>[];
  /** How many targets have no score from the current scorer version (0: nothing to write). */
  readonly unscored: number;
  /** The section rebuilt from the stored scores; how many generations had one and how many verdicts changed. */
  rebuild(store: StoredRunReader): { section: S; generations: number; changed: number };
}
