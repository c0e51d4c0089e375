import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { validateResults } from "../results/assemble.js";
import type { Results } from "../results/types.js";
import { runReportHtml } from "./html/run-page.js";
import { summaryMarkdown } from "./markdown.js";
import { rendererFor } from "./renderers.js";

/**
 * Writes reports/<run-id>/{results.json, summary.md, report.html} and each section's CSV files. Each file is written to a
 * temporary name and renamed, so a reader never sees half a file and a crash leaves the previous version intact.
 */
export async function writeReports(
  outDir: string,
  results: Results,
): Promise<{ dir: string; files: string[]; html: string }> {
  validateResults(results);
  const dir = join(outDir, results.runId);
  mkdirSync(dir, { recursive: true });
  const files: [string, string][] = [
    ["results.json", `${JSON.stringify(results, null, 2)}\n`],
    ["summary.md", summaryMarkdown(results)],
  ];
  for (const section of Object.values(results.tasks)) {
    for (const { base, content } of rendererFor(section).csv(section)) {
      // The default id (the dataset's name) keeps version-1 file names: personas.csv, personagym.csv.
      const name = section.id === section.dataset.name ? `${base}.csv` : `${base}-${section.id}.csv`;
      files.push([name, content]);
    }
  }
  files.push(["report.html", await runReportHtml(results)]);
  for (const [name, content] of files) {
    const target = join(dir, name);
    writeFileSync(`${target}.tmp`, content);
    renameSync(`${target}.tmp`, target);
  }
  return { dir, files: files.map(([name]) => join(dir, name)), html: join(dir, "report.html") };
}
