import chalk from "chalk";
import { table } from "../core/html/page.js";
import { escapeHtml, markdownCell, terminalText } from "../core/untrusted-text.js";
import type { TaskSection } from "../results/types.js";
import { headlineCards, headlineValue } from "../task-kinds/headline-view.js";
import { sectionKindFor } from "../task-kinds/registry.js";
import type { AnySectionRenderer } from "../task-kinds/renderer.js";

// The CLI prints headline figures as the reports write them.
export { headlineValue };

/** How a section reads: its kind's renderer, or its headline metrics for a kind that brings none. */
export function rendererFor(section: TaskSection): AnySectionRenderer {
  return sectionKindFor(section.kind)?.report ?? headlineRenderer;
}

const e = escapeHtml;

/** Any kind's section, from the frame every section has. */
const headlineRenderer: AnySectionRenderer = {
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
  html: async (section) => `<section id="task-${e(section.id)}">
<h2>${e(section.id)} (${e(section.kind)})</h2>
${headlineCards(section)}
${table(
  [{ label: "Metric" }, { label: "Value (95% CI)", numeric: true }, { label: "Description" }],
  section.headline.map((m) => [
    { html: e(m.label) },
    { html: e(headlineValue(m)), numeric: true },
    { html: e(m.description) },
  ]),
)}
</section>`,
  manifest: () => [],
};
