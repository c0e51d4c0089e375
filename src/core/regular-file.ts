/**
 * Reading the files a user names (results.json, benchmarks, catalogs, datasets): only regular files, and whole-file
 * reads only up to a bound. A symlink to /dev/zero would otherwise be read until memory runs out, and a named pipe
 * would block forever; both are refused with one line naming the file. The type is checked on the opened
 * descriptor (fstat after open, symlinks followed), so the file cannot be swapped between the check and the read.
 */
import { closeSync, constants, fstatSync, openSync, readSync, type Stats } from "node:fs";
import { FileAccessError, readRefusal } from "./file-access-error.js";

const MIB = 1024 * 1024;
const CHUNK_BYTES = 1 * MIB;

/**
 * Opens `file` read-only and returns its descriptor when it is a regular file (the caller closes it). Opening does
 * not wait for a named pipe's writer (O_NONBLOCK; no effect on regular files).
 */
export function openRegularFileSync(file: string): number {
  let fd: number;
  try {
    fd = openSync(file, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (error) {
    throw readRefusal(file, error);
  }
  try {
    const stats = fstatSync(fd);
    if (stats.isDirectory()) throw new FileAccessError(file, "is a directory, expected a file", "EISDIR");
    if (!stats.isFile()) {
      throw new FileAccessError(file, `not a regular file (${fileKind(stats)}): only regular files are read`);
    }
    return fd;
  } catch (error) {
    closeSync(fd);
    throw readRefusal(file, error);
  }
}

/**
 * The whole content of a regular file of at most `maxBytes` bytes. `what` names the kind of file whose limit
 * the message gives ("results.json"). The bound is enforced on the bytes read, not only on the size fstat reported, so a file that
 * grows while it is read is refused as well.
 */
export function readRegularFileSync(file: string, maxBytes: number, what?: string): Buffer {
  const fd = openRegularFileSync(file);
  try {
    const limit = what === undefined ? "" : ` (the limit for ${what})`;
    const tooLarge = () =>
      new FileAccessError(file, `too large: more than ${formatBytes(maxBytes)}${limit}`, "EFBIG");
    const size = fstatSync(fd).size;
    if (size > maxBytes) throw tooLarge();
    const chunks: Buffer[] = [];
    let total = 0;
    // The first chunk holds the whole file as fstat saw it, plus one byte to notice the end (or growth).
    let chunk = Buffer.allocUnsafe(Math.min(size, maxBytes) + 1);
    for (;;) {
      const read = readSync(fd, chunk, 0, chunk.length, null);
      if (read === 0) break;
      total += read;
      if (total > maxBytes) throw tooLarge();
      chunks.push(chunk.subarray(0, read));
      chunk = Buffer.allocUnsafe(Math.min(CHUNK_BYTES, maxBytes + 1 - total));
    }
    return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, total);
  } catch (error) {
    throw readRefusal(file, error);
  } finally {
    closeSync(fd);
  }
}

/** "1 MiB", "256 MiB", "512 KiB", "100 bytes": bounds as a reader of the message thinks of them. */
export function formatBytes(bytes: number): string {
  if (bytes >= MIB && bytes % MIB === 0) return `${bytes / MIB} MiB`;
  if (bytes >= 1024 && bytes % 1024 === 0) return `${bytes / 1024} KiB`;
  return `${bytes} bytes`;
}

function fileKind(stats: Stats): string {
  if (stats.isFIFO()) return "a named pipe";
  if (stats.isCharacterDevice()) return "a character device";
  if (stats.isBlockDevice()) return "a block device";
  if (stats.isSocket()) return "a socket";
  return "not a file";
}
