import { FileAccessError } from "../core/file-access-error.js";
import { InputError } from "../core/input-error.js";
import { terminalLines, terminalText } from "../core/untrusted-text.js";
import { ModelSpecError } from "../models/spec.js";
import { AdapterError } from "../models/types.js";
import { ResultsValidationError } from "../results/errors.js";
import { StoreError } from "../store/errors.js";
import { HARNESS_VERSION } from "../version.js";
import { CliError, EXIT, type ExitCode } from "./exit-codes.js";
import type { CliIo } from "./io.js";

const HELP = `persona-bench ${HARNESS_VERSION}: how much does a persona in the system prompt move your model?

Usage: persona-bench <command> [options]

Commands:
  run [benchmark.yaml]     run a benchmark against a model (--model <spec>); see run --help
  grade <file.jsonl|->     grade MATH answers: lines {"gold","response"} or {"gold","pred"}
  data fetch|verify        download or check the pinned datasets
  gate --baseline <r> --candidate <r>
                           release gate: paired non-inferiority of two runs; pass, fail or inconclusive
  leaderboard [paths...]   compare runs: leaderboard.md/.csv/.json/.html from results.json files (default reports/)
  report <run folder>      render one run's report.html from its results.json
  view                     browse runs, transcripts and persona comparisons in a local web page

Exit codes: 0 success, 1 gate failed, 2 bad input, unusable model or full disk, 3 incomplete run,
            4 inconclusive gate, 5 a figure refused by the results schema, 70 internal error, 130 interrupted.
`;

export async function main(argv: string[], io: CliIo): Promise<ExitCode> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      // Each command loads its own modules: `grade` need not pay for SQLite, HTTP clients and schemas.
      case "run":
        return await (await import("./run-command.js")).runCommand(rest, io);
      case "grade":
        return await (await import("./grade-command.js")).gradeCommand(rest, io);
      case "data":
        return await (await import("./data-command.js")).dataCommand(rest, io);
      case "gate":
        return await (await import("./gate-command.js")).gateCommand(rest, io);
      case "leaderboard":
        return await (await import("./leaderboard-command.js")).leaderboardCommand(rest, io);
      case "report":
        return await (await import("./report-command.js")).reportCommand(rest, io);
      case "view":
        return await (await import("./view-command.js")).viewCommand(rest, io);
      case "--version":
      case "-v":
        io.stdout.write(`${HARNESS_VERSION}\n`);
        return EXIT.success;
      case undefined:
      case "help":
      case "--help":
      case "-h":
        io.stdout.write(HELP);
        return EXIT.success;
      default:
        throw new CliError(
          `unknown command "${command}" (commands: run, grade, data, gate, leaderboard, report, view; see persona-bench --help)`,
          EXIT.badInput,
        );
    }
  } catch (error) {
    const { message, code } = describeFailure(error);
    // Messages quote files, servers and arguments: shown, never obeyed. Only a bug's stack keeps its lines.
    const shown = code === EXIT.internal ? terminalLines(message) : terminalText(message);
    io.stderr.write(`persona-bench: ${shown}\n`);
    return code;
  }
}

/** Known failures become one line and an exit code; anything else is a bug and keeps its stack for the report. */
function describeFailure(error: unknown): { message: string; code: ExitCode } {
  if (error instanceof CliError) return { message: error.message, code: error.exitCode };
  if (error instanceof InputError || error instanceof ModelSpecError || error instanceof FileAccessError) {
    return { message: error.message, code: EXIT.badInput };
  }
  if (error instanceof AdapterError) return { message: error.message, code: EXIT.badInput };
  if (error instanceof StoreError) return { message: error.message, code: EXIT.badInput };
  if (error instanceof ResultsValidationError) return { message: error.message, code: EXIT.resultsRefused };
  const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
  return { message: `internal error (please report it): ${detail}`, code: EXIT.internal };
}
