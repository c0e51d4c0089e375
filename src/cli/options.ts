import { accessSync, constants, existsSync, statSync } from "node:fs";
import { dirname } from "node:path";
import { type ParseArgsConfig, parseArgs } from "node:util";
import { CliError, EXIT } from "./exit-codes.js";

type OptionSpec = NonNullable<ParseArgsConfig["options"]>;

/** Strict parsing: an unknown flag or a missing value is a bad-input error naming it, not a crash. */
export function parseCommandArgs<T extends OptionSpec>(
  command: string,
  argv: string[],
  options: T,
): {
  values: ReturnType<typeof parseArgs<{ options: T; allowPositionals: true; strict: true }>>["values"];
  positionals: string[];
} {
  try {
    const parsed = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
    return { values: parsed.values, positionals: parsed.positionals };
  } catch (error) {
    const message = error instanceof Error ? error.message.split("\n")[0] : String(error);
    throw new CliError(`${command}: ${message} (see persona-bench ${command} --help)`, EXIT.badInput);
  }
}

/** An integer flag within bounds, or a one-line error naming the flag. */
export function integerOption(
  flag: string,
  raw: string | undefined,
  bounds: { min: number; max: number },
): number | undefined {
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (!/^-?\d+$/.test(raw.trim()) || !Number.isSafeInteger(value)) {
    throw new CliError(`--${flag}: expected a whole number, got "${raw}"`, EXIT.badInput);
  }
  if (value < bounds.min || value > bounds.max) {
    throw new CliError(`--${flag}: ${value} is out of range ${bounds.min}..${bounds.max}`, EXIT.badInput);
  }
  return value;
}

/** A duration flag in seconds (fractions allowed), returned in milliseconds. */
export function secondsOption(flag: string, raw: string | undefined, maxSeconds: number): number | undefined {
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (raw.trim() === "" || !Number.isFinite(value) || value <= 0 || value > maxSeconds) {
    throw new CliError(`--${flag}: expected seconds in (0, ${maxSeconds}], got "${raw}"`, EXIT.badInput);
  }
  return Math.round(value * 1000);
}

/**
 * A directory flag (such as --out) checked before any work starts: it must be a writable directory, or not exist
 * yet below one, so a run never fails at its very end for want of a place to write its reports.
 */
export function writableDirectoryOption(flag: string, dir: string): void {
  let existing = dir;
  while (!existsSync(existing) && dirname(existing) !== existing) existing = dirname(existing);
  const where = existing === dir ? dir : `cannot create ${dir}: ${existing}`;
  if (!statSync(existing).isDirectory()) {
    throw new CliError(`--${flag}: ${where} is not a directory`, EXIT.badInput);
  }
  try {
    accessSync(existing, constants.W_OK);
  } catch {
    throw new CliError(`--${flag}: ${where} is not writable`, EXIT.badInput);
  }
}
