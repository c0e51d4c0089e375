import { closeSync, readSync } from "node:fs";
import { FileAccessError } from "../core/file-access-error.js";
import { InputError } from "../core/input-error.js";
import { decodeUtf8, describeFsError } from "../core/input-text.js";
import { openRegularFileSync } from "../core/regular-file.js";

const CHUNK_BYTES = 64 * 1024;
const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 0x0d;

export interface TextLine {
  /** 1-based line number in the file. */
  line: number;
  text: string;
}

/**
 * Reads a text file line by line in fixed-size chunks, so memory stays bounded by `maxLineBytes` however large the
 * file is. Each line must be valid UTF-8 and at most `maxLineBytes` long (without its line ending); `\r\n` endings
 * are accepted.
 */
export function* readLinesSync(file: string, maxLineBytes: number): Generator<TextLine> {
  let fd: number;
  try {
    fd = openRegularFileSync(file);
  } catch (error) {
    if (error instanceof FileAccessError) throw new InputError(error.reason, { file });
    throw error;
  }
  try {
    const chunk = Buffer.allocUnsafe(CHUNK_BYTES);
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    let line = 1;
    const finishLine = (): TextLine => {
      let bytes = Buffer.concat(pending, pendingBytes);
      if (bytes.at(-1) === CARRIAGE_RETURN) bytes = bytes.subarray(0, -1);
      if (bytes.length > maxLineBytes) {
        throw new InputError(`line is longer than ${maxLineBytes} bytes`, { file, line });
      }
      pending = [];
      pendingBytes = 0;
      return { line, text: decodeUtf8(bytes, file, line) };
    };
    for (;;) {
      let read: number;
      try {
        read = readSync(fd, chunk, 0, CHUNK_BYTES, null);
      } catch (error) {
        throw new InputError(describeFsError(error), { file });
      }
      if (read === 0) break;
      let start = 0;
      while (start < read) {
        const newline = chunk.indexOf(NEWLINE, start);
        const end = newline === -1 || newline >= read ? read : newline;
        pendingBytes += end - start;
        // +1 leaves room for the "\r" of a CRLF ending, which is not part of the line.
        if (pendingBytes > maxLineBytes + 1) {
          throw new InputError(`line is longer than ${maxLineBytes} bytes`, { file, line });
        }
        pending.push(Buffer.from(chunk.subarray(start, end)));
        if (end === read) break;
        yield finishLine();
        line += 1;
        start = end + 1;
      }
    }
    if (pendingBytes > 0) yield finishLine();
  } finally {
    closeSync(fd);
  }
}
