import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { math500PersonasCsv, personaGymCsv } from "./csv.js";
import { summaryMarkdown } from "./markdown.js";
import { validateResults } from "./results.js";
import type { Results } from "./types.js";

/**
 * Writes reports/<run-id>/{results.json, summary.md, personas.csv}. Each file is written to a temporary name and
 * renamed, so a reader never sees half a file and a crash leaves the previous version intact.
 */
export function writeReports(outDir: string, results: Results): { dir: string; files: string[] } {
  validateResults(results);
  const dir = join(outDir, results.runId);
  mkdirSync(dir, { recursive: true });
  const files: [string, string][] = [
    ["results.json", `${JSON.stringify(results, null, 2)}\n`],
    ["summary.md", summaryMarkdown(results)],
  ];
  if (results.tasks.math500) files.push(["personas.csv", math500PersonasCsv(results.tasks.math500)]);
  if (results.tasks.personagym) files.push(["personagym.csv", personaGymCsv(results.tasks.personagym)]);
  for (const [name, content] of files) {
    const target = join(dir, name);
    writeFileSync(`${target}.tmp`, content);
    renameSync(`${target}.tmp`, target);
  }
  return { dir, files: files.map(([name]) => join(dir, name)) };
}
