import { appendFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { writeFileAtomic } from "../core/atomic-write.js";
import { packageRoot } from "../core/package-root.js";
import { DEFAULT_GATE_POLICY, DEFAULT_REPORTS_DIR, DEFAULT_STORE_PATH } from "../core/paths.js";
import { jsonText, terminalText } from "../core/untrusted-text.js";
import { gate } from "../gate/gate.js";
import { loadPolicy } from "../gate/policy.js";
import { renderJunit, renderMarkdown, renderTerminal } from "../gate/render.js";
import { loadSides } from "../gate/sources.js";
import type { RuleOutcome } from "../gate/types.js";
import { CliError, EXIT, type ExitCode } from "./exit-codes.js";
import type { CliIo } from "./io.js";
import { parseCommandArgs } from "./options.js";

export const GATE_HELP = `Usage: persona-bench gate --baseline <results.json | run-id> --candidate <results.json | run-id> [options]

Compares a candidate run with a baseline run of the same benchmark, paired on the same problems and personas, and
applies a policy: non-inferiority with margins, a per-persona drop rule, absolute floors. Says pass, fail or
inconclusive (the data cannot decide at the margins asked for, with how much more data would).

A path is read alone (no store needed); anything else is a run id, looked up in --store, whose results are read
from <reports>/<run-id>/results.json.

Options:
  --baseline <file|run-id>    the release to compare against
  --baseline-sha256 <hex>     refuse a baseline whose results.json is not the file with this sha256 (the digest
                              recorded when the baseline was kept; docs/gate.md, "Trust")
  --candidate <file|run-id>   the release under test
  --policy <file>             gate policy, YAML or JSON (default ${DEFAULT_GATE_POLICY})
  --junit <file>              also write JUnit XML (one test case per rule; inconclusive rules are skipped)
  --markdown <file>           also write the verdict as Markdown
  --json                      print the gate report as JSON (schemas/gate-report.schema.json) instead of text
  --store <path>              SQLite store for run ids (default ${DEFAULT_STORE_PATH})
  --reports <dir>             report folders of runs (run --out; default ${DEFAULT_REPORTS_DIR})
  --data-dir <dir>            datasets for re-grading a stored run scored by an older grader, when its verdicts
                              did not keep the gold answers (or PERSONA_BENCH_DATA_DIR; never downloads)

Two stored runs (given by run id) scored by different grader versions are paired after the older one is
re-graded from the store, as \`run\` would; a results.json read alone cannot be re-graded. A run the store holds
(given by run id, or a file whose run id it knows) is checked against its stored verdicts first. Every file's
figures are checked against its own per-item verdicts, and a run gated against itself is refused.

The Markdown verdict is appended to $GITHUB_STEP_SUMMARY when it is set.
Exit codes: 0 pass, 1 fail, 4 inconclusive, 2 bad input (unreadable or unpairable runs, bad policy).
`;

const EXIT_OF: Record<RuleOutcome, ExitCode> = {
  pass: EXIT.success,
  fail: EXIT.gateFailed,
  inconclusive: EXIT.inconclusive,
};

export async function gateCommand(argv: string[], io: CliIo): Promise<ExitCode> {
  const { values, positionals } = parseCommandArgs("gate", argv, {
    baseline: { type: "string" },
    "baseline-sha256": { type: "string" },
    candidate: { type: "string" },
    policy: { type: "string" },
    junit: { type: "string" },
    markdown: { type: "string" },
    json: { type: "boolean" },
    store: { type: "string" },
    reports: { type: "string" },
    "data-dir": { type: "string" },
    help: { type: "boolean", short: "h" },
  });
  if (values.help) {
    io.stdout.write(GATE_HELP);
    return EXIT.success;
  }
  if (positionals.length > 0) {
    throw new CliError(
      `gate: unexpected argument "${positionals[0]}" (use --baseline and --candidate)`,
      EXIT.badInput,
    );
  }
  for (const flag of ["baseline", "candidate"] as const) {
    if (!values[flag]) {
      throw new CliError(`gate: --${flag} <results.json | run-id> is required`, EXIT.badInput);
    }
  }
  const policyFile = values.policy ? resolve(io.cwd, values.policy) : join(packageRoot, DEFAULT_GATE_POLICY);
  const policy = { ...loadPolicy(policyFile), source: values.policy ?? DEFAULT_GATE_POLICY };
  const dataDir = values["data-dir"] ?? io.env.PERSONA_BENCH_DATA_DIR;
  const sourceOptions = {
    cwd: io.cwd,
    store: values.store ?? DEFAULT_STORE_PATH,
    reports: values.reports ?? DEFAULT_REPORTS_DIR,
    data: { env: io.env, ...(dataDir ? { dataDir: resolve(io.cwd, dataDir) } : {}) },
  };
  const { baseline, candidate, notes } = await loadSides(
    {
      baseline: values.baseline!,
      candidate: values.candidate!,
      ...(values["baseline-sha256"] === undefined ? {} : { baselineSha256: values["baseline-sha256"] }),
    },
    sourceOptions,
  );
  for (const note of notes) io.stderr.write(`note: ${terminalText(note)}\n`);
  const report = gate(baseline, candidate, policy);

  const markdown = renderMarkdown(report);
  const write = async (flag: string, file: string, text: string) => {
    try {
      await writeFileAtomic(resolve(io.cwd, file), text);
    } catch (error) {
      throw new CliError(`--${flag}: cannot write ${file}: ${(error as Error).message}`, EXIT.badInput);
    }
  };
  if (values.junit) await write("junit", values.junit, renderJunit(report));
  if (values.markdown) await write("markdown", values.markdown, markdown);
  const summary = io.env.GITHUB_STEP_SUMMARY;
  if (summary) {
    try {
      appendFileSync(summary, `${markdown}\n`);
    } catch (error) {
      io.stderr.write(
        `note: cannot append to $GITHUB_STEP_SUMMARY: ${terminalText((error as Error).message)}\n`,
      );
    }
  }
  io.stdout.write(values.json ? `${jsonText(report, 2)}\n` : renderTerminal(report));
  return EXIT_OF[report.verdict];
}
