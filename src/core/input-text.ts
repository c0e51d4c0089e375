import { FileAccessError } from "./file-access-error.js";
import { InputError } from "./input-error.js";
import { readRegularFileSync } from "./regular-file.js";

const NEWLINE = 0x0a;

/** Config files are small; anything bigger is a mistake (wrong file) rather than a real benchmark or catalog. */
export const MAX_CONFIG_BYTES = 10 * 1024 * 1024;

/**
 * Strict UTF-8 decoding. Invalid bytes are an InputError naming the line, because a replacement character silently
 * changes a prompt. `firstLine` is the line number of the first byte (for callers that decode one line at a time).
 */
export function decodeUtf8(bytes: Uint8Array, file: string, firstLine = 1): string {
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new InputError("invalid UTF-8 (the file must be UTF-8 text)", {
      file,
      line: firstLine + indexOfInvalidLine(bytes),
    });
  }
}

/** A newline byte never occurs inside a multi-byte UTF-8 sequence, so lines can be checked one by one. */
function indexOfInvalidLine(bytes: Uint8Array): number {
  const decoder = new TextDecoder("utf-8", { fatal: true });
  let start = 0;
  let line = 0;
  while (start <= bytes.length) {
    let end = bytes.indexOf(NEWLINE, start);
    if (end === -1) end = bytes.length;
    try {
      decoder.decode(bytes.subarray(start, end));
    } catch {
      return line;
    }
    start = end + 1;
    line += 1;
  }
  return 0;
}

/**
 * Reads a whole small input file (a regular file, symlinks followed, of at most `maxBytes`), turning file-system
 * failures into one-line InputErrors.
 */
export function readInputFile(file: string, maxBytes = MAX_CONFIG_BYTES): Uint8Array {
  try {
    return readRegularFileSync(file, maxBytes);
  } catch (error) {
    if (error instanceof FileAccessError) throw new InputError(error.reason, { file });
    throw error;
  }
}

export function describeFsError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === "ENOENT") return "file not found";
  if (code === "EACCES" || code === "EPERM") return "permission denied";
  if (code === "EISDIR") return "is a directory, expected a file";
  return error instanceof Error ? error.message : String(error);
}
