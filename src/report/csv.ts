import { stringify } from "csv-stringify/sync";
import { neutralizeCsvCell } from "./escape.js";
import type { Math500Results, PersonaGymResults } from "./types.js";

/** One row per persona (the control first). Text cells are neutralised against spreadsheet formula injection. */
export function math500PersonasCsv(math500: Math500Results): string {
  const rows = math500.personas.map((p) => [
    neutralizeCsvCell(p.id),
    neutralizeCsvCell(p.category),
    neutralizeCsvCell(p.text),
    p.n,
    p.correct,
    p.accuracy ?? "",
    p.ci95?.[0] ?? "",
    p.ci95?.[1] ?? "",
    p.extractionFailures,
    p.accuracyWhenExtracted ?? "",
    p.truncated,
    p.deltaVsControl,
    p.deltaCi95?.[0] ?? "",
    p.deltaCi95?.[1] ?? "",
    p.pValue ?? "",
    p.pValueHolm ?? "",
    p.errors,
  ]);
  return stringify(rows, {
    header: true,
    columns: [
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
    ],
  });
}

/** One row per PersonaGym persona and task, plus the persona's PersonaScore as task "PersonaScore". */
export function personaGymCsv(personagym: PersonaGymResults): string {
  const rows: (string | number)[][] = [];
  for (const persona of personagym.personas) {
    for (const [task, score] of Object.entries(persona.tasks)) {
      rows.push([
        neutralizeCsvCell(persona.id),
        neutralizeCsvCell(persona.text),
        neutralizeCsvCell(task),
        score,
      ]);
    }
    rows.push([
      neutralizeCsvCell(persona.id),
      neutralizeCsvCell(persona.text),
      "PersonaScore",
      persona.personaScore ?? "",
    ]);
  }
  return stringify(rows, { header: true, columns: ["persona_id", "persona", "task", "score"] });
}
