import { existsSync, readdirSync, statSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { FileAccessError } from "../core/file-access-error.js";
import { oneLine } from "../core/input-error.js";
import { parseResults, readResultsFile } from "../results/load.js";
import type { Results } from "../results/types.js";

export interface LoadedRun {
  /** The file, as the user would recognise it (relative to the working directory when below it). */
  file: string;
  results: Results;
}

export interface CollectedInputs {
  runs: LoadedRun[];
  /** Files that could not be used, each with its first problem: never half-read. */
  skipped: { file: string; problem: string }[];
}

/** Folders are searched this deep for results.json files (reports/<run-id>/results.json is depth 1). */
const MAX_DEPTH = 8;

/**
 * Reads results.json files named directly and found in folders (recursively, `results.json` only), validating
 * each against its version's schema. A path that does not exist is reported like a file that fails.
 */
export function collectInputs(paths: string[], cwd: string): CollectedInputs {
  const files: string[] = [];
  const skipped: CollectedInputs["skipped"] = [];
  for (const given of paths) {
    const path = resolve(cwd, given);
    if (!existsSync(path)) {
      skipped.push({ file: given, problem: "no such file or directory" });
      continue;
    }
    if (statSync(path).isDirectory()) files.push(...findResultsFiles(path, 0));
    else files.push(path);
  }
  const runs: LoadedRun[] = [];
  const seen = new Set<string>();
  for (const path of files) {
    if (seen.has(path)) continue;
    seen.add(path);
    const file = displayPath(path, cwd);
    let text: string;
    try {
      text = readResultsFile(path);
    } catch (error) {
      if (!(error instanceof FileAccessError)) throw error;
      skipped.push({ file, problem: error.reason });
      continue;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      skipped.push({ file, problem: `not valid JSON: ${oneLine((error as Error).message)}` });
      continue;
    }
    try {
      runs.push({ file, results: parseResults(parsed) });
    } catch (error) {
      skipped.push({ file, problem: oneLine((error as Error).message) });
    }
  }
  return { runs, skipped };
}

function findResultsFiles(dir: string, depth: number): string[] {
  if (depth > MAX_DEPTH) return [];
  const found: string[] = [];
  const entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name));
  for (const entry of entries) {
    if (entry.name.startsWith(".") || entry.name === "node_modules") continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...findResultsFiles(path, depth + 1));
    else if (entry.isFile() && entry.name === "results.json") found.push(path);
  }
  return found;
}

function displayPath(path: string, cwd: string): string {
  const rel = relative(cwd, path);
  return rel && !rel.startsWith("..") ? rel : path;
}
