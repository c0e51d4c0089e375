import { existsSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { InputError } from "../core/input-error.js";
import { type DatasetOptions, hashFile } from "../datasets/datasets.js";
import { loadResults } from "../results/load.js";
import type { Side } from "./compare.js";
import { gateOf } from "./kinds.js";
import { regradeStoredRun } from "./regrade.js";
import { checkAgainstStore } from "./store-check.js";
import { type GateStoreReader, openStoreForReading } from "./store-reader.js";

export interface SourceOptions {
  cwd: string;
  /** Where gold answers for re-grading may be read (a data dir, the cache; never a download). */
  data: DatasetOptions;
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
    return { label, source: argument, file: argument, results: loadResults(path) };
  if (/[\\/]/.test(argument) || argument.endsWith(".json")) {
    throw new InputError(`--${label}: no such file ${argument}`);
  }
  const storePath = resolve(options.cwd, options.store);
  if (!existsSync(storePath)) {
    throw new InputError(
      `--${label}: ${argument} is neither a file nor a run id in a store: there is no store at ${storePath} (pass a results.json path, or --store)`,
    );
  }
  const store = openStoreForReading(storePath);
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
  return { label, source: argument, file, results: loadResults(file), storeRun: true };
}

/**
 * Both sides from what the user typed, checked before anything is compared: the baseline's sha256 when one was
 * given, each side's outcomes against the store wherever the store holds its run, then grader versions healed.
 */
export async function loadSides(
  given: { baseline: string; candidate: string; baselineSha256?: string },
  options: SourceOptions,
): Promise<{ baseline: Side; candidate: Side; notes: string[] }> {
  const withDigest = async (side: Side): Promise<Side> => ({
    ...side,
    sha256: (await hashFile(resolve(options.cwd, side.file!))).sha256,
  });
  const baseline = await withDigest(loadSide("baseline", given.baseline, options));
  const candidate = await withDigest(loadSide("candidate", given.candidate, options));
  if (given.baselineSha256 !== undefined) requireDigest(baseline, given.baselineSha256);
  const notes = [...checkWithStore(baseline, options), ...checkWithStore(candidate, options)];
  const healed = await healGraderVersions(baseline, candidate, options);
  return { ...healed, notes: [...notes, ...healed.notes] };
}

/** Refuses a side whose file is not the one recorded (a baseline kept with its digest, see docs/gate.md). */
export function requireDigest(side: Side, expected: string): void {
  const want = expected.trim().toLowerCase();
  if (!/^[0-9a-f]{64}$/.test(want)) {
    throw new InputError(
      `--${side.label}-sha256: ${JSON.stringify(expected)} is not a sha256 (64 hex digits)`,
    );
  }
  if (side.sha256 !== want) {
    throw new InputError(
      `sha256 ${side.sha256} is not the recorded ${want} (--${side.label}-sha256): the ${side.label} is not the file that was recorded`,
      { file: side.file ?? side.source },
    );
  }
}

/**
 * Checks a side against the store when the store holds its run: always for a run id, and for a file whose run id
 * it knows. A file read where there is no store (a CI job) is not checked, and no store is created.
 */
function checkWithStore(side: Side, options: SourceOptions): string[] {
  const storePath = resolve(options.cwd, options.store);
  if (!side.storeRun && !existsSync(storePath)) return [];
  let store: GateStoreReader;
  try {
    store = openStoreForReading(storePath);
  } catch (error) {
    if (side.storeRun) throw error;
    return [`the ${side.label} was not checked against ${storePath}: ${(error as Error).message}`];
  }
  try {
    if (!side.storeRun && !store.getRun(side.results.runId)) return [];
    return checkAgainstStore(side, store);
  } finally {
    store.close();
  }
}

/**
 * Heals a grader-version difference where it can: when the two sides' sections of a kind the gate can re-grade
 * (its gate part says) were scored by different grader versions, each side that is a stored run and was scored by an older version than this persona-bench's is
 * re-graded from the store (see regrade.ts). A side read from a file alone is left as it is; the comparability check
 * then refuses the pair with advice.
 */
export async function healGraderVersions(
  baseline: Side,
  candidate: Side,
  options: SourceOptions,
): Promise<{ baseline: Side; candidate: Side; notes: string[] }> {
  const versions = (side: Side) =>
    Object.values(side.results.tasks)
      .filter((s) => gateOf(s.kind)?.healing)
      .map((s) => `${s.id}:${s.scorer.version}`)
      .sort()
      .join(",");
  if (versions(baseline) === versions(candidate)) return { baseline, candidate, notes: [] };
  const notes: string[] = [];
  const heal = async (side: Side): Promise<Side> => {
    if (!side.storeRun) return side;
    // regrade.ts opens the store, for writing only when there are verdicts to store.
    const regraded = await regradeStoredRun(side.results, resolve(options.cwd, options.store), options.data);
    notes.push(...regraded.notes);
    return { ...side, results: regraded.results };
  };
  return { baseline: await heal(baseline), candidate: await heal(candidate), notes };
}
