import chalk from "chalk";
import { csvText } from "../../core/csv.js";
import { pct, pValueText, signedPoints } from "../../core/number-format.js";
import { markdownCell, terminalText } from "../../core/untrusted-text.js";
import type { SectionRenderer } from "../renderer.js";
import { mathHtml, mathManifest } from "./html.js";
import type { MathSection } from "./section-types.js";

/** How a math section (MATH500 and friends) reads in summary.md, its CSV, the terminal and report.html. */
export const mathRenderer: SectionRenderer<MathSection> = {
  markdown: mathMarkdown,
  csv: (section) => [{ base: "personas", content: mathPersonasCsv(section) }],
  terminal: mathTerminal,
  html: mathHtml,
  manifest: mathManifest,
  personaFigure: {
    aspect: "stability",
    metric: "pss",
    axisTitle: "PSS*, stability (95% interval)",
    reads: "PSS* (keeps its math under personas)",
    unit: "proportion",
  },
};

/** summary.md's section of a math task. */
function mathMarkdown(m: MathSection): string[] {
  const s = m.summary;
  const lines = [
    `## ${markdownCell(m.id.toUpperCase())} persona stability`,
    "",
    `${m.problems} problems x ${m.samples} sample(s) x ${m.personas.length} conditions (control + ${m.personas.length - 1} personas), persona in the ${m.personaPlacement} message. Dataset ${markdownCell(m.dataset.name)}, sha256 \`${m.dataset.sha256.slice(0, 12)}\`${m.dataset.pinned ? " (pinned)" : " (**not the pinned file**)"}.`,
    "",
  ];
  if (s === null) {
    lines.push(
      "> No catalog persona has a graded answer (every persona request failed): no spread to report.",
      "",
    );
  } else {
    lines.push(
      "| metric | value |",
      "|---|---|",
      `| control (no persona) accuracy | ${s.controlAccuracy === null ? "n/a" : pct(s.controlAccuracy)} |`,
      `| mean over ${s.personas} personas | ${pct(s.mean)} |`,
      `| std (population) | ${(s.std * 100).toFixed(2)} pts |`,
      `| **PSS\\*** (mean - std, our reconstruction) | **${pct(s.pss)}** |`,
      `| worst persona | ${pct(s.min)} (${s.worst.map(markdownCell).join(", ")}) |`,
      `| best persona | ${pct(s.max)} (${s.best.map(markdownCell).join(", ")}) |`,
      `| range | ${(s.range * 100).toFixed(1)} pts |`,
      `| worst-case retention (worst / control) | ${s.worstRetention === null ? "n/a" : s.worstRetention.toFixed(3)} |`,
      `| flip rate | ${pct(s.flipRate)} |`,
      `| consistency rate | ${pct(s.consistencyRate)} |`,
      "",
    );
  }
  lines.push(
    "| persona | category | accuracy | 95% CI | Δ vs control (pts) | Δ 95% CI | p (Holm) | no answer | truncated | errors |",
    "|---|---|---|---|---|---|---|---|---|---|",
  );
  for (const p of m.personas) {
    lines.push(
      `| ${markdownCell(p.id)} | ${markdownCell(p.category)} | ${pct(p.accuracy)} | ${p.ci95 ? `${pct(p.ci95[0])}–${pct(p.ci95[1])}` : ""} | ${
        p.id === "none" ? "" : signedPoints(p.deltaVsControl)
      } | ${p.deltaCi95 ? `${signedPoints(p.deltaCi95[0])}…${signedPoints(p.deltaCi95[1])}` : ""} | ${pValueText(p.pValueHolm)} | ${
        p.extractionFailures
      } | ${p.truncated} | ${p.errors} |`,
    );
  }
  lines.push("");
  if (s === null) return lines;
  lines.push("### Persona lottery (expected best accuracy over k personas)", "");
  const curve = s.lottery ?? {
    personas: m.personas.slice(1).flatMap((p) => (p.accuracy === null ? [] : [p.id])),
    expectedMaxAtK: s.expectedMaxAtK,
  };
  lines.push(
    `Personas: ${curve.personas.map(markdownCell).join(", ")}`,
    "",
    "| k | E[max accuracy] |",
    "|---|---|",
  );
  curve.expectedMaxAtK.forEach((value, i) => {
    lines.push(`| ${i + 1} | ${pct(value)} |`);
  });
  lines.push("");
  return lines;
}

/** One row per persona (the control first); csvText neutralises every text cell against formula injection. */
function mathPersonasCsv(math500: MathSection): string {
  const header = [
    "id",
    "category",
    "text",
    "n",
    "correct",
    "accuracy",
    "ci95_lo",
    "ci95_hi",
    "extraction_failures",
    "accuracy_when_extracted",
    "truncated",
    "delta_vs_control",
    "delta_ci95_lo",
    "delta_ci95_hi",
    "p_value",
    "p_value_holm",
    "errors",
  ];
  const rows = math500.personas.map((p) => [
    p.id,
    p.category,
    p.text,
    p.n,
    p.correct,
    p.accuracy,
    p.ci95?.[0],
    p.ci95?.[1],
    p.extractionFailures,
    p.accuracyWhenExtracted,
    p.truncated,
    p.deltaVsControl,
    p.deltaCi95?.[0],
    p.deltaCi95?.[1],
    p.pValue,
    p.pValueHolm,
    p.errors,
  ]);
  return csvText(header, rows);
}

/** The headline figures, then one line per persona, worst first. */
function mathTerminal(m: MathSection): string[] {
  const lines: string[] = [];
  const label = terminalText(m.id.toUpperCase());
  const s = m.summary;
  lines.push(
    s === null
      ? `${label}  no catalog persona has a graded answer`
      : `${label}  control ${pct(s.controlAccuracy)}  mean ${pct(s.mean)}  std ${(s.std * 100).toFixed(2)} pts  ` +
          `${chalk.bold(`PSS* ${pct(s.pss)}`)}  worst ${pct(s.min)} (${s.worst.map(terminalText).join(", ")})  flip rate ${pct(s.flipRate)}`,
  );
  const rows = [...m.personas].sort((a, b) => (a.accuracy ?? -1) - (b.accuracy ?? -1));
  const ids = new Map(rows.map((r) => [r, terminalText(r.id)]));
  const width = Math.max(...[...ids.values()].map((id) => id.length));
  for (const r of rows) {
    const delta = r.id === "none" || r.accuracy === null ? "" : `${signedPoints(r.deltaVsControl)} pts`;
    const significant = r.pValueHolm !== null && r.pValueHolm < m.statistics.alpha;
    const deltaText = significant ? chalk.bold(delta) : delta;
    const interval = r.ci95 ? `  [${pct(r.ci95[0])}, ${pct(r.ci95[1])}]` : "";
    const p = r.pValueHolm === null ? "" : chalk.gray(`  p=${pValueText(r.pValueHolm)}`);
    const noAnswer = r.extractionFailures > 0 ? chalk.yellow(`  no answer ${r.extractionFailures}`) : "";
    const errors = r.errors > 0 ? chalk.red(`  errors ${r.errors}`) : "";
    lines.push(
      `  ${ids.get(r)!.padEnd(width)}  ${pct(r.accuracy).padStart(6)}${interval}  ${deltaText}${p}${noAnswer}${errors}`,
    );
  }
  return lines;
}
