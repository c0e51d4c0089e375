import { existsSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

/** The shared datasets (tests and CI only; never copied into the repository). */
export const sharedDataDir = process.env.PERSONA_BENCH_TEST_DATA ?? resolve(repoRoot, "../shared/data");

export function requireSharedData(): string {
  if (!existsSync(resolve(sharedDataDir, "math500/test.jsonl"))) {
    throw new Error(`shared test data not found at ${sharedDataDir}; set PERSONA_BENCH_TEST_DATA`);
  }
  return sharedDataDir;
}

export const fixturesDir = resolve(repoRoot, "fixtures");
