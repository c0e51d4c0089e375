import { card } from "../core/html/page.js";
import { pct, scoreText } from "../core/number-format.js";
import type { HeadlineMetric, TaskSection } from "../results/types.js";

/** A headline figure as people read it: a share in %, a score with two decimals, with its interval. */
export function headlineValue(metric: HeadlineMetric): string {
  const format = metric.unit === "proportion" ? pct : scoreText;
  const interval = metric.ci95 ? ` [${format(metric.ci95[0])}, ${format(metric.ci95[1])}]` : "";
  return `${format(metric.value)}${interval}`;
}

/** The section's headline figures as report.html's cards, whatever its kind. */
export function headlineCards(section: TaskSection): string {
  return `<div class="cards">${section.headline
    .map((m) => {
      const [value, interval] = splitHeadline(headlineValue(m));
      return card(m.label, value, interval ? `95% CI ${interval}` : "", m.description);
    })
    .join("")}</div>`;
}

function splitHeadline(text: string): [string, string] {
  const i = text.indexOf(" [");
  return i < 0 ? [text, ""] : [text.slice(0, i), text.slice(i + 1)];
}
