import chalk from "chalk";
import { terminalText } from "../core/untrusted-text.js";
import { headlineValue, rendererFor } from "../report/renderers.js";
import type { Results } from "../results/types.js";

/** The terminal view of a finished run: each task's figures, then one line of every task's headline. */
export function printRunSummary(out: NodeJS.WritableStream, results: Results, reportDir: string): void {
  const lines: string[] = [];
  lines.push(
    chalk.bold(`${terminalText(results.benchmark.id)} on ${terminalText(results.model.name)}`) +
      chalk.gray(`  (${results.status})`),
  );
  const sections = Object.values(results.tasks);
  for (const section of sections) lines.push(...rendererFor(section).terminal(section));
  // The paper's trade-off at a glance: capability, stability and fidelity side by side.
  if (sections.length > 1) {
    const headline = sections.flatMap((section) =>
      section.headline
        .filter((m) => m.value !== null && ["controlAccuracy", "pss", "personaScore"].includes(m.metric))
        .map((m) => `${terminalText(section.id)} ${terminalText(m.label)} ${headlineValue(m)}`),
    );
    lines.push(chalk.bold(`Trade-off: ${headline.join("  ")}`));
  }
  for (const skipped of results.skipped)
    lines.push(chalk.yellow(`${terminalText(skipped.task)} not run: ${terminalText(skipped.reason)}`));
  if (results.errors.total > 0) {
    lines.push(
      chalk.red(
        `${results.errors.total} request(s) failed permanently: ${terminalText(JSON.stringify(results.errors.byKind))}`,
      ),
    );
  }
  lines.push(chalk.gray(`reports: ${terminalText(reportDir)}`));
  out.write(`${lines.join("\n")}\n`);
}
