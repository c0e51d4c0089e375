import { existsSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { writeFileAtomic } from "../core/atomic-write.js";
import { terminalText } from "../core/untrusted-text.js";
import { runReportHtml } from "../report/html/run-page.js";
import { loadResults } from "../results/load.js";
import { CliError, EXIT, type ExitCode } from "./exit-codes.js";
import type { CliIo } from "./io.js";
import { parseCommandArgs, writableDirectoryOption } from "./options.js";

export const REPORT_HELP = `Usage: persona-bench report <run folder | results.json> [--out <file>]

Renders one run's HTML report (report.html, written beside results.json by default) from its results.json,
version 1 or 2. Every run already writes one; this re-renders it, e.g. after an upgrade.

Options:
  --out <file>   where to write the page (default: report.html beside results.json)
`;

export async function reportCommand(argv: string[], io: CliIo): Promise<ExitCode> {
  const { values, positionals } = parseCommandArgs("report", argv, {
    out: { type: "string" },
    help: { type: "boolean", short: "h" },
  });
  if (values.help) {
    io.stdout.write(REPORT_HELP);
    return EXIT.success;
  }
  if (positionals.length !== 1) {
    throw new CliError(
      `report: expected one run folder or results.json, got ${positionals.length} (see persona-bench report --help)`,
      EXIT.badInput,
    );
  }
  let file = resolve(io.cwd, positionals[0]!);
  if (existsSync(file) && statSync(file).isDirectory()) file = join(file, "results.json");
  if (!existsSync(file)) throw new CliError(`report: ${file} does not exist`, EXIT.badInput);
  const results = loadResults(file);
  const target = values.out ? resolve(io.cwd, values.out) : join(dirname(file), "report.html");
  writableDirectoryOption("out", dirname(target));
  await writeFileAtomic(target, await runReportHtml(results));
  io.stdout.write(`wrote ${terminalText(target)}\n`);
  return EXIT.success;
}
