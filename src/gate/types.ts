/** The release gate's data: policies in, a report out. Plain data, so every renderer and the JSON schema agree. */
import type { FigureScale, PairedUnit } from "../task-kinds/section-gate.js";

/** 1.1.0 added the policy's minPaired, each run's sha256 and the per-task coverage (all optional to readers). */
export const GATE_REPORT_VERSION = "1.1.0";

/** A metric some kind's gate part offers (its `metrics`), as a policy names it: "mean-accuracy", "persona-score". */
export type GateMetric = string;

interface RuleBase {
  /** Unique within the policy; defaults to type and metric (e.g. "non-inferiority-mean-accuracy"). */
  id: string;
  /** A task id; when absent, the rule applies to every task of a kind that offers its metric. */
  task?: string;
  description?: string;
}

export interface NonInferiorityRule extends RuleBase {
  type: "non-inferiority";
  metric: GateMetric;
  margin: number;
}

export interface FloorRule extends RuleBase {
  type: "floor";
  metric: GateMetric;
  min: number;
}

export interface PersonaDropRule extends RuleBase {
  type: "persona-drop";
  drop: number;
}

export type GateRule = NonInferiorityRule | FloorRule | PersonaDropRule;

export interface GatePolicy {
  /** Where the policy came from (a file path), for the report. */
  source: string;
  sha256: string;
  /** Confidence of every one-sided bound (0.95: the 5th or 95th bootstrap percentile). */
  confidence: number;
  /** Significance level of the persona-drop tests. */
  alpha: number;
  bootstrap: { resamples: number; seed: number };
  /**
   * Fewest paired units a rule decides on, by the unit a kind pairs (problems, personas). With fewer, a rule is
   * inconclusive whatever its bounds say (see docs/gate.md for the default).
   */
  minPaired: Record<PairedUnit, number>;
  rules: GateRule[];
}

export type RuleOutcome = "pass" | "fail" | "inconclusive";

export interface PersonaDropDetail {
  id: string;
  /** Candidate minus baseline accuracy on the paired problems. */
  delta: number;
  candidateOnly: number;
  baselineOnly: number;
  pValue: number;
  pValueHolm: number;
  /** The drop is larger than the rule's and significant: this persona fails the rule. */
  failing: boolean;
}

export interface RuleResult {
  rule: string;
  type: GateRule["type"];
  metric: GateMetric | "persona-accuracy";
  task: string;
  /** The task's results kind. */
  kind: string;
  result: RuleOutcome;
  /**
   * non-inferiority: candidate - baseline; floor: the candidate's figure; persona-drop: the largest drop
   * (the most negative candidate - baseline over personas).
   */
  estimate: number;
  /** One-sided bounds at the policy's confidence: [lower, upper] (lo is the 5th percentile at 0.95). */
  bounds: [number, number] | null;
  /** What the bound is compared with: -margin, the floor, or -drop. */
  threshold: number;
  baseline: number | null;
  candidate: number | null;
  /** Paired units behind the estimate, and what they are. */
  units: number;
  unit: PairedUnit;
  /** "proportion" figures are shares in [0, 1]; "score" figures are on a rating scale (PersonaGym's 1-5). */
  scale: FigureScale;
  /** One sentence: why this result. */
  reason: string;
  /** For an inconclusive rule: how much data would decide it at this effect size. */
  advice?: { units: number | null; samplesPerProblem: number | null; text: string };
  personas?: PersonaDropDetail[];
}

export interface RunReference {
  /** The path read, or the run id looked up in the store. */
  source: string;
  runId: string;
  model: string;
  benchmark: string;
  /** complete, incomplete or interrupted: only a complete run answered everything its benchmark asks. */
  status: string;
  /** sha256 of the results.json read. */
  sha256?: string;
}

/** How much of a task the gate could pair: the units answered in full by every condition in both runs. */
export interface TaskCoverage {
  task: string;
  unit: PairedUnit;
  paired: number;
  total: number;
  /** The policy's minimum: below it every rule of the task is inconclusive. */
  minimum: number;
}

export interface GateReport {
  schemaVersion: string;
  verdict: RuleOutcome;
  baseline: RunReference;
  candidate: RunReference;
  policy: {
    source: string;
    sha256: string;
    confidence: number;
    alpha: number;
    bootstrap: { resamples: number; seed: number };
    minPaired: { problems: number; personas: number };
  };
  /** Per task: paired units against the task's total (an incomplete run pairs fewer). */
  coverage: TaskCoverage[];
  rules: RuleResult[];
  /** Rules with no task of their kind in the runs: not part of the verdict. */
  notApplicable: { rule: string; reason: string }[];
  /** Things the reader should know (incomplete runs, problems left out of the pairing). */
  notes: string[];
}
