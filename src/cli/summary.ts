import chalk from "chalk";
import { pct, pValueText, scoreText, signedPoints } from "../report/format.js";
import type { Results } from "../report/types.js";

/** The terminal view of a finished run: the headline figures, then one line per persona, worst first. */
export function printRunSummary(out: NodeJS.WritableStream, results: Results, reportDir: string): void {
  const lines: string[] = [];
  const m = results.tasks.math500;
  lines.push(
    chalk.bold(`${results.benchmark.id} on ${results.model.name}`) + chalk.gray(`  (${results.status})`),
  );
  if (m) {
    const s = m.summary;
    lines.push(
      s === null
        ? "MATH500  no catalog persona has a graded answer"
        : `MATH500  control ${pct(s.controlAccuracy)}  mean ${pct(s.mean)}  std ${(s.std * 100).toFixed(2)} pts  ` +
            `${chalk.bold(`PSS* ${pct(s.pss)}`)}  worst ${pct(s.min)} (${s.worst.join(", ")})  flip rate ${pct(s.flipRate)}`,
    );
    const rows = [...m.personas].sort((a, b) => (a.accuracy ?? -1) - (b.accuracy ?? -1));
    const width = Math.max(...rows.map((r) => r.id.length));
    for (const r of rows) {
      const delta = r.id === "none" || r.accuracy === null ? "" : `${signedPoints(r.deltaVsControl)} pts`;
      const significant = r.pValueHolm !== null && r.pValueHolm < 0.05;
      const deltaText = significant ? chalk.bold(delta) : delta;
      const interval = r.ci95 ? `  [${pct(r.ci95[0])}, ${pct(r.ci95[1])}]` : "";
      const p = r.pValueHolm === null ? "" : chalk.gray(`  p=${pValueText(r.pValueHolm)}`);
      const noAnswer = r.extractionFailures > 0 ? chalk.yellow(`  no answer ${r.extractionFailures}`) : "";
      const errors = r.errors > 0 ? chalk.red(`  errors ${r.errors}`) : "";
      lines.push(
        `  ${r.id.padEnd(width)}  ${pct(r.accuracy).padStart(6)}${interval}  ${deltaText}${p}${noAnswer}${errors}`,
      );
    }
  }
  const g = results.tasks.personagym;
  if (g) {
    const ci = g.ci95 ? ` [${g.ci95[0].toFixed(2)}, ${g.ci95[1].toFixed(2)}]` : "";
    lines.push(
      `PersonaGym  ${chalk.bold(`PersonaScore ${scoreText(g.personaScore)}`)}${ci} over ${g.personasEvaluated} personas  ` +
        Object.entries(g.tasks)
          .map(([task, value]) => `${task} ${value.toFixed(2)}`)
          .join("  "),
    );
    for (const judge of g.judges) {
      const flag = judge.sameFamilyAsSubject
        ? chalk.yellow("  same family as the subject: may favour it")
        : "";
      lines.push(
        `  judge ${judge.spec}: ${scoreText(judge.personaScore)}, unparsed ${judge.unparsed}/${judge.judged}${flag}`,
      );
    }
  }
  if (m?.summary && g) {
    lines.push(
      chalk.bold(
        `Trade-off: control accuracy ${pct(m.summary.controlAccuracy)}  PSS* ${pct(m.summary.pss)}  ` +
          `PersonaScore ${scoreText(g.personaScore)}`,
      ),
    );
  }
  for (const skipped of results.skipped)
    lines.push(chalk.yellow(`${skipped.task} not run: ${skipped.reason}`));
  if (results.errors.total > 0) {
    lines.push(
      chalk.red(
        `${results.errors.total} request(s) failed permanently: ${JSON.stringify(results.errors.byKind)}`,
      ),
    );
  }
  lines.push(chalk.gray(`reports: ${reportDir}`));
  out.write(`${lines.join("\n")}\n`);
}
