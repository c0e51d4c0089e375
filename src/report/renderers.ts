import chalk from "chalk";
import { pct, scoreText } from "../core/number-format.js";
import { markdownCell, terminalText } from "../core/untrusted-text.js";
import type { HeadlineMetric, TaskSection } from "../results/types.js";
import { mathRenderer } from "../task-kinds/math/render.js";
import { personaGymRenderer } from "../task-kinds/personagym/render.js";
import type { AnySectionRenderer, SectionRenderer } from "../task-kinds/renderer.js";

/** Renderers by section kind. A kind without one (a plugin's) is shown through its headline metrics. */
const RENDERERS = new Map<string, AnySectionRenderer>([
  ["math", mathRenderer as unknown as AnySectionRenderer],
  ["personagym", personaGymRenderer as unknown as AnySectionRenderer],
]);

export function rendererFor(section: TaskSection): AnySectionRenderer {
  return RENDERERS.get(section.kind) ?? headlineRenderer;
}

/** A headline figure as people read it: a share in %, a score with two decimals, with its interval. */
export function headlineValue(metric: HeadlineMetric): string {
  const format = metric.unit === "proportion" ? pct : scoreText;
  const interval = metric.ci95 ? ` [${format(metric.ci95[0])}, ${format(metric.ci95[1])}]` : "";
  return `${format(metric.value)}${interval}`;
}

/** Any kind's section, from the frame every section has. */
const headlineRenderer: SectionRenderer<TaskSection> = {
  markdown: (section) => [
    `## ${markdownCell(section.id)} (${markdownCell(section.kind)})`,
    "",
    "| metric | value (95% CI) | description |",
    "|---|---|---|",
    ...section.headline.map(
      (m) => `| ${markdownCell(m.label)} | ${headlineValue(m)} | ${markdownCell(m.description)} |`,
    ),
    "",
  ],
  csv: () => [],
  terminal: (section) => [
    `${terminalText(section.id)}  ${section.headline.map((m) => `${terminalText(m.label)} ${chalk.bold(headlineValue(m))}`).join("  ")}`,
  ],
};
