import type { ChartSpec } from "../core/html/chart.js";
import type { Interval, TaskSection } from "../results/types.js";

/** What a leaderboard column means, apart from where it sits (the leaderboard gives it its id and task). */
export interface LeaderboardColumnSpec {
  metric: string;
  label: string;
  description: string;
  unit: "proportion" | "score" | "ratio" | "points" | "text" | "rank";
  higherIsBetter: boolean | null;
}

/**
 * The fields kinds add to every row of leaderboard.json (schemas/leaderboard.schema.json). Each kind's leaderboard
 * part declares its own by merging into this interface, so the row type grows with the registry and the
 * leaderboard names none of them.
 */
// biome-ignore lint/suspicious/noEmptyInterface: kinds add their fields by declaration merging
export interface LeaderboardRowFields {}

/** A figure a kind shows beyond its headline, placed right after the headline metric it explains. */
export interface LeaderboardExtraColumn {
  after: string;
  column: LeaderboardColumnSpec;
}

/**
 * The leaderboard's view of one kind of section: how a section is described in its group, which figures beyond the
 * headline it shows, and what it adds to each row. Without one, a section's headline metrics are its columns.
 */
export interface SectionLeaderboard<S extends TaskSection = TaskSection> {
  /** One line on what the section measured (problems, samples, personas, judges...). */
  describe(section: S): string;
  /** This kind's fields of one row, from the run's sections of this kind (none: its empty values). */
  rowFields(sections: readonly S[]): Partial<LeaderboardRowFields>;
  readonly extraColumns?: readonly LeaderboardExtraColumn[];
  /**
   * A figure of task `task` in a row, from the fields this kind added: null when the task has it without a value,
   * undefined when this kind holds no such figure.
   */
  extraValue?(row: LeaderboardRowFields, task: string, metric: string): number | null | undefined;
  /** Task ids whose column labels read alone, without their task's name (the task sets every reader knows). */
  readonly plainLabelTasks?: readonly string[];
  /** The charts this kind adds to a group of leaderboard.html, in order (a null spec draws nothing). */
  charts?(rows: readonly LeaderboardChartRow[], tasks: readonly LeaderboardGroupTask[]): LeaderboardChart[];
  /**
   * A row's value of the persona figure this kind's renderer declares (SectionRenderer.personaFigure), for the
   * stability-against-fidelity chart; null when the row has none.
   */
  personaFigureValue?(
    row: LeaderboardRowFields,
    tasks: readonly LeaderboardGroupTask[],
  ): { value: number; ci95: Interval | null } | null;
}

/** A row as the charts see it: the model's label and the fields the kinds added. */
export interface LeaderboardChartRow {
  label: string;
  fields: LeaderboardRowFields;
}

/** A task of a leaderboard group, as charts choose among them. */
export interface LeaderboardGroupTask {
  id: string;
  kind: string;
}

export interface LeaderboardChart {
  title: string;
  caption: string;
  spec: ChartSpec | null;
}
