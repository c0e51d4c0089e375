/**
 * Where persona-bench keeps its files unless told otherwise: one place for every default, so the commands, their
 * help texts and the library cannot disagree.
 */
import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { join, resolve } from "node:path";
import { packageRoot } from "./package-root.js";

/** The SQLite results store, relative to the working directory (--store). */
export const DEFAULT_STORE_PATH = ".persona-bench/store.sqlite";
/** Run reports and leaderboards, relative to the working directory (--out, --reports). */
export const DEFAULT_REPORTS_DIR = "reports";
/** The benchmark `run` uses when none is named. */
export const DEFAULT_BENCHMARK = "benchmarks/default.yaml";
/** The release gate's policy when none is named; always the package's own. */
export const DEFAULT_GATE_POLICY = "benchmarks/gate-default.yaml";

/** The cache root for datasets and model files: `PERSONA_BENCH_CACHE_DIR`, then the XDG cache dir, then ~/.cache. */
export function defaultCacheDir(env: Record<string, string | undefined> = process.env): string {
  if (env.PERSONA_BENCH_CACHE_DIR) return resolve(env.PERSONA_BENCH_CACHE_DIR);
  if (env.XDG_CACHE_HOME) return join(resolve(env.XDG_CACHE_HOME), "persona-bench");
  return join(homedir(), ".cache", "persona-bench");
}

/** The benchmark file to run: the one given, else the working directory's default, else the package's (npx). */
export function benchmarkFile(given: string | undefined, cwd: string): string {
  if (given) return resolve(cwd, given);
  const local = resolve(cwd, DEFAULT_BENCHMARK);
  return existsSync(local) ? local : join(packageRoot, DEFAULT_BENCHMARK);
}
