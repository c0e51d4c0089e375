import { join } from "node:path";
import { writeFileAtomic } from "../core/atomic-write.js";
import { ResultsValidationError, validateResults } from "../results/assemble.js";
import type { Results } from "../results/types.js";
import { runReportHtml } from "./html/run-page.js";
import { summaryMarkdown } from "./markdown.js";
import { rendererFor } from "./renderers.js";

/**
 * Writes reports/<run-id>/{results.json, summary.md, report.html} and each section's CSV files, each atomically
 * (src/core/atomic-write.ts): a reader never sees half a file and a crash leaves the previous version intact.
 *
 * results.json is validated against its schema first. Should a figure be refused (a bug: the model calls are
 * already made and stored), every other file is still written, results.json is not, and a ResultsValidationError
 * names the figure and what was written.
 */
export async function writeReports(
  outDir: string,
  results: Results,
): Promise<{ dir: string; files: string[]; html: string }> {
  const refused = validationFailure(results);
  const dir = join(outDir, results.runId);
  const files: [string, () => string | Promise<string>][] = [
    ["results.json", () => `${JSON.stringify(results, null, 2)}\n`],
    ["summary.md", () => summaryMarkdown(results)],
  ];
  for (const section of Object.values(results.tasks)) {
    for (const { base, content } of rendererFor(section).csv(section)) {
      // The default id (the dataset's name) keeps the file names version 1 wrote (e.g. personas.csv).
      const name = section.id === section.dataset.name ? `${base}.csv` : `${base}-${section.id}.csv`;
      files.push([name, () => content]);
    }
  }
  files.push(["report.html", () => runReportHtml(results)]);
  const written: string[] = [];
  for (const [name, render] of files) {
    if (refused && name === "results.json") continue;
    let content: string;
    try {
      content = await render();
    } catch (error) {
      // With a refused figure, a page that cannot be drawn from it is one more file not written, not a new error.
      if (refused) continue;
      throw error;
    }
    await writeFileAtomic(join(dir, name), content);
    written.push(name);
  }
  if (refused) {
    throw new ResultsValidationError(
      `results.json not written: figure ${refused.detail} (a bug in persona-bench: please report it); ${written.length > 0 ? `wrote ${written.join(", ")} in ${dir}` : "no report written"}; the store keeps every generation`,
      refused.figure,
      refused.detail,
    );
  }
  return { dir, files: written.map((name) => join(dir, name)), html: join(dir, "report.html") };
}

function validationFailure(results: Results): ResultsValidationError | undefined {
  try {
    validateResults(results);
    return undefined;
  } catch (error) {
    if (error instanceof ResultsValidationError) return error;
    throw error;
  }
}
