import type { HeadlineMetric, TaskSection } from "../results/types.js";

/**
 * How one kind of task section reads in every human-facing output. Lines and HTML are returned, never printed or
 * written; a kind without a renderer is shown through its headline metrics (src/report/renderers.ts).
 */
export interface SectionRenderer<S> {
  /** summary.md lines (outside text through markdownCell). */
  markdown(section: S): string[];
  /** CSV files: `base`.csv, or `base`-<section id>.csv when the section's id is not its dataset's name. */
  csv(section: S): { base: string; content: string }[];
  /** Terminal lines (chalk styles allowed; outside text through terminalText). */
  terminal(section: S): string[];
  /**
   * The section's part of report.html: one `<section id="task-<id>">` with its headline cards, its charts (rendered
   * to inline SVG with src/core/html/chart.ts) and its tables. Outside text through escapeHtml.
   */
  html(section: S): Promise<string>;
  /** What report.html's manifest lists for the section after its dataset and scorer: label, then HTML value. */
  manifest(section: S): [string, string][];
  /** The section's figure for charts that set one kind against another (see PersonaFigure); none when absent. */
  readonly personaFigure?: PersonaFigure;
}

/**
 * The one headline figure that says how a model holds up under personas, as one aspect of it. Charts across kinds
 * pair a "stability" figure (skills kept whatever the persona) with a "fidelity" figure (personas played well) from
 * two sections of the same runs, without naming either kind.
 */
export interface PersonaFigure {
  aspect: "stability" | "fidelity";
  /** The `metric` of the headline entry that carries the value and its interval. */
  metric: string;
  /** How a chart's axis is titled. */
  axisTitle: string;
  /** The figure and what it shows, as a caption reads it: "PSS* (keeps its math under personas)". */
  reads: string;
  /** How its values print (the headline entry's unit). */
  unit: HeadlineMetric["unit"];
}

export type AnySectionRenderer = SectionRenderer<TaskSection>;
