import type { HeadlineMetric, Interval } from "../results/types.js";

/** leaderboard.json: what `persona-bench leaderboard` writes, validated against schemas/leaderboard.schema.json. */
export const LEADERBOARD_SCHEMA_VERSION = "1.0.0";

/** A math task set's figures, copied from its section's summary (never recomputed). */
export interface LeaderboardMathBlock {
  controlAccuracy: number | null;
  controlCi95: Interval | null;
  mean: number | null;
  std: number | null;
  min: number | null;
  pss: number | null;
  pssCi95: Interval | null;
  worstRetention: number | null;
  flipRate: number | null;
  consistencyRate: number | null;
  /** Per persona (the control first), for the heat map. */
  personas: { id: string; accuracy: number | null }[];
  /** Expected best accuracy over k personas, k = 1..N: the lottery subset's curve when it was run, else all. */
  lottery: { personas: string[]; expectedMaxAtK: number[] } | null;
}

export interface LeaderboardPersonaGymBlock {
  personaScore: number | null;
  ci95: Interval | null;
  /** Mean score per PersonaGym task label. */
  tasks: Record<string, number>;
}

/** One headline figure of one task section, as the section states it: what makes any task kind a column. */
export interface LeaderboardHeadline extends HeadlineMetric {
  task: string;
  kind: string;
}

export interface LeaderboardRow {
  /** 1-based within the group; null when not ranked (a run that did not complete, or no value to sort by). */
  rank: number | null;
  runId: string;
  status: "complete" | "incomplete" | "interrupted";
  finishedAt: string;
  /** The results.json the row was read from, as given or found. */
  source: string;
  model: { spec: string; name: string; digest: string | null };
  math500: LeaderboardMathBlock | null;
  personagym: LeaderboardPersonaGymBlock | null;
  /** Every math task set of the run (math500 included), by task id. */
  mathTasks: Record<string, LeaderboardMathBlock>;
  headline: LeaderboardHeadline[];
}

/** What a group measured: enough for a reader to see why two groups are not compared. */
export interface LeaderboardTaskInfo {
  id: string;
  kind: string;
  dataset: { name: string; hash: string };
  /** One line: problems, samples, personas, decoding (math); personas and judges (PersonaGym). */
  description: string;
}

export interface LeaderboardColumn {
  /** `<task>.<metric>`, or rank/model/status. */
  id: string;
  task: string | null;
  metric: string;
  label: string;
  description: string;
  unit: "proportion" | "score" | "ratio" | "points" | "text" | "rank";
  higherIsBetter: boolean | null;
}

export interface LeaderboardGroup {
  benchmark: { id: string; hash: string; description: string | null };
  tasks: LeaderboardTaskInfo[];
  columns: LeaderboardColumn[];
  /** The column the rows are ranked by. */
  sortedBy: string;
  rows: LeaderboardRow[];
}

export interface Leaderboard {
  schemaVersion: string;
  createdAt: string;
  groups: LeaderboardGroup[];
  /** Inputs that were not read, with the first problem found. */
  skipped: { file: string; problem: string }[];
}
