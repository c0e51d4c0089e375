import { getValidator } from "../config/schemas.js";
import { FileAccessError } from "../core/file-access-error.js";
import { InputError } from "../core/input-error.js";
import { readRegularFileSync } from "../core/regular-file.js";
import { RESULTS_SCHEMA_VERSION, type Results } from "./types.js";
import { upgradeV1 } from "./upgrade-v1.js";

const CURRENT_MAJOR = Number(RESULTS_SCHEMA_VERSION.split(".")[0]);

/**
 * The largest results.json read: 256 MiB, about three times the file of a 10,000-persona catalog over 500 problems
 * with 16 samples each. Anything bigger is not a results file (or would not fit in memory once parsed).
 */
export const MAX_RESULTS_BYTES = 256 * 1024 * 1024;

/** The bytes of a results.json: a regular file (symlinks followed) of at most MAX_RESULTS_BYTES. */
export function readResultsFile(file: string): string {
  return readRegularFileSync(file, MAX_RESULTS_BYTES, "results.json").toString("utf8");
}

/**
 * Reads a results.json of any version this persona-bench knows, validated against its version's schema: version 2
 * as is (a newer 2.x file's extra fields are kept and ignored), version 1 upgraded to the version-2 shape (see
 * upgrade-v1.ts). A file from a newer major version is refused with a message saying so.
 */
export function loadResults(file: string): Results {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readResultsFile(file));
  } catch (error) {
    const reason = error instanceof FileAccessError ? error.reason : (error as Error).message;
    throw new InputError(`cannot read results: ${reason}`, { file });
  }
  try {
    return parseResults(parsed);
  } catch (error) {
    if (error instanceof ResultsFormatError) throw new InputError(error.message, { file });
    throw error;
  }
}

export class ResultsFormatError extends Error {
  override readonly name = "ResultsFormatError";
}

/** Validates parsed results.json content of any known version and returns it in the current shape. */
export function parseResults(parsed: unknown): Results {
  const version = (parsed as { schemaVersion?: unknown } | null)?.schemaVersion;
  const major = typeof version === "string" ? Number(version.split(".")[0]) : Number.NaN;
  if (!Number.isInteger(major) || major < 1) {
    throw new ResultsFormatError(
      `not a persona-bench results file: schemaVersion is ${JSON.stringify(version)}`,
    );
  }
  if (major > CURRENT_MAJOR) {
    throw new ResultsFormatError(
      `results version ${version} is newer than this persona-bench reads (${CURRENT_MAJOR}.x); upgrade persona-bench`,
    );
  }
  const schema = major === 1 ? "results-v1" : "results";
  const validate = getValidator(schema);
  if (!validate(parsed)) {
    const error = validate.errors?.[0];
    throw new ResultsFormatError(
      `does not match schemas/${schema}.schema.json: ${error?.instancePath || "/"} ${error?.message ?? ""}`.trim(),
    );
  }
  return major === 1 ? upgradeV1(parsed as Record<string, unknown>) : (parsed as Results);
}
