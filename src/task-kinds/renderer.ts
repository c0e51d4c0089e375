import type { TaskSection } from "../results/types.js";

/** How one kind of task section reads in every human-facing output. Lines are returned, never printed. */
export interface SectionRenderer<S> {
  /** summary.md lines (outside text through markdownCell). */
  markdown(section: S): string[];
  /** CSV files: `base`.csv, or `base`-<section id>.csv when the section's id is not its dataset's name. */
  csv(section: S): { base: string; content: string }[];
  /** Terminal lines (chalk styles allowed; outside text through terminalText). */
  terminal(section: S): string[];
}

export type AnySectionRenderer = SectionRenderer<TaskSection>;
