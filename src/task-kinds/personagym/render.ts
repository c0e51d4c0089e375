import chalk from "chalk";
import { type CsvCell, csvText } from "../../core/csv.js";
import { scoreText as score, scoreText } from "../../core/number-format.js";
import { markdownCell, terminalText } from "../../core/untrusted-text.js";
import type { SectionRenderer } from "../renderer.js";
import { personaGymHtml, personaGymManifest } from "./html.js";
import type { PersonaGymSection } from "./section-types.js";

/** How a PersonaGym section reads in summary.md, its CSV, the terminal and report.html. */
export const personaGymRenderer: SectionRenderer<PersonaGymSection> = {
  markdown: personaGymMarkdown,
  csv: (section) => [{ base: "personagym", content: personaGymCsv(section) }],
  terminal: personaGymTerminal,
  html: personaGymHtml,
  manifest: personaGymManifest,
  personaFigure: {
    aspect: "fidelity",
    metric: "personaScore",
    axisTitle: "PersonaScore, fidelity (1-5, 95% interval)",
    reads: "PersonaScore (plays its persona)",
    unit: "score",
  },
};

/** summary.md's section of a PersonaGym task. */
function personaGymMarkdown(p: PersonaGymSection): string[] {
  const taskNames = Object.keys(p.tasks);
  const lines = [
    `## PersonaGym persona fidelity${p.id === p.dataset.name ? "" : `: ${markdownCell(p.id)}`}`,
    "",
    `${p.personasEvaluated} of ${p.dataset.personasAvailable} personas${p.subset.limit === null ? "" : ` (seeded subset, seed ${p.subset.seed})`}, ${p.questions} questions; rubrics: ${p.settings.rubrics}; score examples ${p.settings.scoreExamples ? "on" : "off"}. Dataset digest \`${p.dataset.digest.slice(0, 12)}\`${p.dataset.pinned ? " (pinned)" : " (**not the pinned benchmark**)"}.`,
    "",
    `**PersonaScore ${score(p.personaScore)}** (1-5)${p.ci95 ? `, 95% CI ${score(p.ci95[0])}–${score(p.ci95[1])}` : ""}`,
    "",
    "| task | score |",
    "|---|---|",
    ...taskNames.map((task) => `| ${markdownCell(task)} | ${score(p.tasks[task] ?? null)} |`),
    "",
    "| judge | PersonaScore | judged | unparsed | same family as subject |",
    "|---|---|---|---|---|",
    ...p.judges.map(
      (j) =>
        `| ${markdownCell(j.spec)} | ${score(j.personaScore)} | ${j.judged} | ${j.unparsed} | ${j.sameFamilyAsSubject ? "**yes: may favour the subject**" : "no"} |`,
    ),
    "",
  ];
  if (p.agreement) {
    lines.push(
      "Judge agreement per task (Krippendorff's alpha, interval metric; Spearman's rho with two judges):",
      "",
      "| task | alpha | rho | items |",
      "|---|---|---|---|",
      ...p.agreement.map(
        (a) =>
          `| ${markdownCell(a.task)} | ${a.alpha === null ? "n/a" : a.alpha.toFixed(3)} | ${a.spearman === null ? "n/a" : a.spearman.toFixed(3)} | ${a.pairableItems} |`,
      ),
      "",
    );
  }
  if (p.unparsed.total > 0 || p.unanswered > 0 || (p.examples?.unparsed ?? 0) > 0) {
    lines.push(
      `Excluded and counted: ${p.unparsed.total} unparseable judgement(s) after one retry, ${p.unanswered} question(s) without an answer (failed calls)${p.examples ? `, ${p.examples.unparsed} of ${p.examples.requested} score-example sets unusable (those questions were judged without examples)` : ""}.`,
      "",
    );
  }
  return lines;
}

/** One row per PersonaGym persona and task, plus the persona's PersonaScore as task "PersonaScore". */
function personaGymCsv(personagym: PersonaGymSection): string {
  const rows: CsvCell[][] = [];
  for (const persona of personagym.personas) {
    for (const [task, score] of Object.entries(persona.tasks))
      rows.push([persona.id, persona.text, task, score]);
    rows.push([persona.id, persona.text, "PersonaScore", persona.personaScore]);
  }
  return csvText(["persona_id", "persona", "task", "score"], rows);
}

/** PersonaScore with its interval and task scores, then one line per judge. */
function personaGymTerminal(g: PersonaGymSection): string[] {
  const lines: string[] = [];
  const label = g.id === g.dataset.name ? "PersonaGym" : `PersonaGym ${terminalText(g.id)}`;
  const ci = g.ci95 ? ` [${g.ci95[0].toFixed(2)}, ${g.ci95[1].toFixed(2)}]` : "";
  lines.push(
    `${label}  ${chalk.bold(`PersonaScore ${scoreText(g.personaScore)}`)}${ci} over ${g.personasEvaluated} personas  ` +
      Object.entries(g.tasks)
        .map(([task, value]) => `${terminalText(task)} ${value.toFixed(2)}`)
        .join("  "),
  );
  for (const judge of g.judges) {
    const flag = judge.sameFamilyAsSubject ? chalk.yellow("  same family as the subject: may favour it") : "";
    lines.push(
      `  judge ${terminalText(judge.spec)}: ${scoreText(judge.personaScore)}, unparsed ${judge.unparsed}/${judge.judged}${flag}`,
    );
  }
  return lines;
}
