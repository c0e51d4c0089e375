import { accessSync, constants, createReadStream } from "node:fs";
import { resolve } from "node:path";
import { terminalText } from "../core/untrusted-text.js";
import { gradeJsonl } from "../scoring/math/grade-jsonl.js";
import { CliError, EXIT, type ExitCode } from "./exit-codes.js";
import type { CliIo } from "./io.js";
import { parseCommandArgs } from "./options.js";

export const GRADE_HELP = `Usage: persona-bench grade <file.jsonl|->

Reads JSON lines {"gold": ..., "response": ...} (a full model response) or {"gold": ..., "pred": ...} (an
extracted answer) and writes each line back with "extracted", "found", "path" and "correct" added.
Bad lines are reported on stderr with their line number; the others are still graded. Exit code 2 if any line
was bad.
`;

export async function gradeCommand(argv: string[], io: CliIo): Promise<ExitCode> {
  const { values, positionals } = parseCommandArgs("grade", argv, { help: { type: "boolean", short: "h" } });
  if (values.help) {
    io.stdout.write(GRADE_HELP);
    return EXIT.success;
  }
  const [source] = positionals;
  if (source === undefined || positionals.length > 1) {
    throw new CliError("grade: expected one input file, or - for standard input", EXIT.badInput);
  }
  const label = source === "-" ? "<stdin>" : source;
  let input = io.stdin;
  if (source !== "-") {
    const path = resolve(io.cwd, source);
    try {
      accessSync(path, constants.R_OK);
    } catch (error) {
      throw new CliError(`grade: cannot read ${label}: ${(error as Error).message}`, EXIT.badInput);
    }
    input = createReadStream(path);
  }
  const counts = await gradeJsonl(input, io.stdout, (line, message) => {
    // The message may quote the bad line (JSON.parse does): shown, never obeyed.
    io.stderr.write(`${terminalText(label)}:${line}: ${terminalText(message)}\n`);
  });
  return counts.bad > 0 ? EXIT.badInput : EXIT.success;
}
