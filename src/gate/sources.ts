import { existsSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { InputError } from "../config/errors.js";
import { loadResults } from "../results/load.js";
import { Store } from "../store/store.js";
import type { Side } from "./compare.js";

export interface SourceOptions {
  cwd: string;
  /** The SQLite store run ids are looked up in. */
  store: string;
  /** Where run report folders are (`run --out`): a run's results are `<reports>/<run-id>/results.json`. */
  reports: string;
}

/**
 * A side of the gate from what the user typed: an existing file is read alone (no store needed, so a CI job can
 * gate against a results.json kept as an artifact); anything else is a run id, looked up in the store, whose
 * results.json is read from its report folder.
 */
export function loadSide(label: Side["label"], argument: string, options: SourceOptions): Side {
  const path = resolve(options.cwd, argument);
  if (existsSync(path) && statSync(path).isFile())
    return { label, source: argument, results: loadResults(path) };
  if (/[\\/]/.test(argument) || argument.endsWith(".json")) {
    throw new InputError(`--${label}: no such file ${argument}`);
  }
  const storePath = resolve(options.cwd, options.store);
  if (!existsSync(storePath)) {
    throw new InputError(
      `--${label}: ${argument} is neither a file nor a run id in a store: there is no store at ${storePath} (pass a results.json path, or --store)`,
    );
  }
  const store = Store.open(storePath);
  try {
    const run = store.getRun(argument);
    if (!run) {
      const known = store
        .listRuns()
        .slice(0, 5)
        .map((r) => r.runId);
      throw new InputError(
        `--${label}: ${argument} is neither a file nor a run id in ${storePath}${known.length > 0 ? ` (recent runs: ${known.join(", ")})` : ""}`,
      );
    }
  } finally {
    store.close();
  }
  const file = join(resolve(options.cwd, options.reports), argument, "results.json");
  if (!existsSync(file)) {
    throw new InputError(
      `--${label}: the store knows run ${argument}, but ${file} is missing: pass the run's results.json path, point --reports at its report folder, or re-run its \`persona-bench run\` command (everything is cached) to rewrite it`,
    );
  }
  return { label, source: argument, results: loadResults(file) };
}
