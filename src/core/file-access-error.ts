/**
 * Why a file could not be read or written, when the cause lies outside the program: a full disk, a read-only
 * folder, a missing file, a special file where a regular one was expected, a file over its size bound. The message
 * is one line that starts with the file; the CLI reports it as bad input or environment (exit 2), never as a bug.
 */
export class FileAccessError extends Error {
  override readonly name = "FileAccessError";
  constructor(
    readonly file: string,
    /** The reason without the file. */
    readonly reason: string,
    /** The errno code behind it, when there was one (ENOSPC, EROFS, ...). */
    readonly code?: string,
  ) {
    super(`${file}: ${reason}`);
  }
}

/** errno codes that say the environment refuses a write: no space, no quota, a read-only mount, no permission. */
const WRITE_REFUSALS: Readonly<Record<string, string>> = {
  ENOSPC: "the disk is full (no space left on device)",
  EDQUOT: "the disk quota is exceeded",
  EROFS: "the file system is read-only",
  EACCES: "permission denied",
  EPERM: "operation not permitted",
};

/** errno codes of a read that cannot succeed as asked. */
const READ_REFUSALS: Readonly<Record<string, string>> = {
  ENOENT: "file not found",
  EACCES: "permission denied",
  EPERM: "operation not permitted",
  EISDIR: "is a directory, expected a file",
  ENOTDIR: "a part of the path is not a directory",
  ELOOP: "too many levels of symbolic links",
  ENAMETOOLONG: "the path is too long",
};

export function errnoCode(error: unknown): string | undefined {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === "string" ? code : undefined;
}

/** A failed write as a FileAccessError when the environment refused it; undefined for anything else (a bug). */
export function writeRefusal(file: string, error: unknown): FileAccessError | undefined {
  const code = errnoCode(error);
  const reason = code === undefined ? undefined : WRITE_REFUSALS[code];
  return reason === undefined ? undefined : new FileAccessError(file, `cannot write: ${reason}`, code);
}

/** A failed read as a FileAccessError: the known errno codes in words, anything else with its own message. */
export function readRefusal(file: string, error: unknown): FileAccessError {
  if (error instanceof FileAccessError) return error;
  const code = errnoCode(error);
  const reason = (code && READ_REFUSALS[code]) ?? (error instanceof Error ? error.message : String(error));
  return new FileAccessError(file, reason.replace(/\s*\r?\n\s*/g, " "), code);
}
