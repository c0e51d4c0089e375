/** The exit codes, one table in the README. Scripts and CI gates rely on them. */
export const EXIT = {
  success: 0,
  /** The gate compared two results and found a regression. */
  gateFailed: 1,
  /**
   * Bad input (arguments, config, catalog, dataset, model spec, a file that is not a regular file or is too large), a
   * model server that cannot be used, or an environment that refuses a write (a full disk, a read-only folder).
   */
  badInput: 2,
  /** The run finished but some items failed permanently; results cover the rest and list the failures. */
  incomplete: 3,
  /** The gate could not decide: too little data for the declared margin. */
  inconclusive: 4,
  /**
   * A computed figure failed the results schema after the model calls were made (a bug in persona-bench):
   * results.json was not written, every other report was, and the store keeps every generation.
   */
  resultsRefused: 5,
  /** A bug in persona-bench. */
  internal: 70,
  /** Stopped by Ctrl-C or SIGTERM; finished work is kept and the same command resumes. */
  interrupted: 130,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** An error the CLI reports as one line with a chosen exit code, never as a stack trace. */
export class CliError extends Error {
  override readonly name = "CliError";
  constructor(
    message: string,
    readonly exitCode: ExitCode,
  ) {
    super(message);
  }
}
