import { resolve } from "node:path";
import { DEFAULT_REPORTS_DIR } from "../core/paths.js";
import { colorEnabled } from "../core/terminal.js";
import { terminalText } from "../core/untrusted-text.js";
import { buildLeaderboard, DEFAULT_SORT, UnknownSortError } from "../leaderboard/build.js";
import { collectInputs } from "../leaderboard/collect.js";
import { leaderboardTerminal } from "../leaderboard/render.js";
import { writeLeaderboard } from "../leaderboard/write.js";
import { CliError, EXIT, type ExitCode } from "./exit-codes.js";
import type { CliIo } from "./io.js";
import { parseCommandArgs, writableDirectoryOption } from "./options.js";

export const LEADERBOARD_HELP = `Usage: persona-bench leaderboard [results.json | folder]... [options]

Puts runs side by side: one row per model and benchmark (the latest complete run), ranked within groups of runs
that measured the same thing (same benchmark hash and dataset hashes). Folders are searched for results.json
(default: ${DEFAULT_REPORTS_DIR}/). Writes leaderboard.md, .csv, .json and .html.

Options:
  --out <dir>       where the leaderboard files go (default ${DEFAULT_REPORTS_DIR})
  --sort <column>   rank by this column: pss, controlAccuracy, meanAccuracy, worstAccuracy, std,
                    worstRetention, consistencyRate, flipRate, personaScore, model, or <task>.<metric>
                    (default pss, descending; lower-is-better columns ascend)
  --all-runs        keep every run, not only the latest complete one per model
  --strict          a results.json that fails validation is an error (exit 2), not a skipped file
`;

export async function leaderboardCommand(argv: string[], io: CliIo): Promise<ExitCode> {
  const { values, positionals } = parseCommandArgs("leaderboard", argv, {
    out: { type: "string" },
    sort: { type: "string" },
    "all-runs": { type: "boolean" },
    strict: { type: "boolean" },
    help: { type: "boolean", short: "h" },
  });
  if (values.help) {
    io.stdout.write(LEADERBOARD_HELP);
    return EXIT.success;
  }
  const outDir = resolve(io.cwd, values.out ?? DEFAULT_REPORTS_DIR);
  writableDirectoryOption("out", outDir);
  const inputs = positionals.length > 0 ? positionals : [DEFAULT_REPORTS_DIR];
  const { runs, skipped } = collectInputs(inputs, io.cwd);
  for (const s of skipped) io.stderr.write(`skipped ${terminalText(s.file)}: ${terminalText(s.problem)}\n`);
  if (values.strict && skipped.length > 0) {
    throw new CliError(`--strict: ${skipped.length} input(s) could not be read (see above)`, EXIT.badInput);
  }
  if (runs.length === 0) {
    throw new CliError(`no results.json found in ${inputs.join(", ")}`, EXIT.badInput);
  }
  let board: ReturnType<typeof buildLeaderboard>;
  try {
    board = buildLeaderboard(runs, {
      allRuns: values["all-runs"] === true,
      sort: values.sort ?? DEFAULT_SORT,
      skipped,
    });
  } catch (error) {
    if (error instanceof UnknownSortError) throw new CliError(`--sort: ${error.message}`, EXIT.badInput);
    throw error;
  }
  const files = await writeLeaderboard(outDir, board);
  const lines = leaderboardTerminal({ ...board, skipped: [] }, colorEnabled(io.stdout, io.env));
  io.stdout.write(`${lines.join("\n")}\n${files.map((f) => `wrote ${terminalText(f)}`).join("\n")}\n`);
  return EXIT.success;
}
