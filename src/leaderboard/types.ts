import type { HeadlineMetric } from "../results/types.js";
import type { LeaderboardColumnSpec, LeaderboardRowFields } from "../task-kinds/section-leaderboard.js";

/** leaderboard.json: what `persona-bench leaderboard` writes, validated against schemas/leaderboard.schema.json. */
export const LEADERBOARD_SCHEMA_VERSION = "1.0.0";

/** One headline figure of one task section, as the section states it: what makes any task kind a column. */
export interface LeaderboardHeadline extends HeadlineMetric {
  task: string;
  kind: string;
}

/** One run in its group; beyond these, each kind's leaderboard part adds its fields (LeaderboardRowFields). */
export interface LeaderboardRow extends LeaderboardRowFields {
  /** 1-based within the group; null when not ranked (a run that did not complete, or no value to sort by). */
  rank: number | null;
  runId: string;
  status: "complete" | "incomplete" | "interrupted";
  finishedAt: string;
  /** The results.json the row was read from, as given or found. */
  source: string;
  model: { spec: string; name: string; digest: string | null };
  headline: LeaderboardHeadline[];
}

/** What a group measured: enough for a reader to see why two groups are not compared. */
export interface LeaderboardTaskInfo {
  id: string;
  kind: string;
  dataset: { name: string; hash: string };
  /** One line on what it measured, from its kind's leaderboard part. */
  description: string;
}

export interface LeaderboardColumn extends LeaderboardColumnSpec {
  /** `<task>.<metric>`, or rank/model/status. */
  id: string;
  task: string | null;
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
