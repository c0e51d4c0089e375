import { readFileSync } from "node:fs";
import { InputError } from "../config/errors.js";
import { validateResults } from "./results.js";
import type { Results } from "./types.js";

/** Reads a results.json written by any persona-bench of the same schema major version, validated. */
export function loadResults(file: string): Results {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    throw new InputError(`cannot read results: ${(error as Error).message}`, { file });
  }
  try {
    validateResults(parsed);
  } catch (error) {
    throw new InputError((error as Error).message, { file });
  }
  return parsed;
}
