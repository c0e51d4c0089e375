/**
 * Long texts go to the page in parts: a response (or a judge's verdict, or a prompt) of 50 MB must not become a
 * 50 MB page. A text is cut into parts of a fixed number of UTF-8 bytes, each part ending on a character boundary
 * (the first boundary at or after its nominal end), so the parts of a text join to the whole; SQLite hands over
 * only the bytes of the part asked for, read from the stored text as a blob (which, unlike substr() on text, does
 * not stop at a NUL character).
 */
import type Database from "better-sqlite3";
import { utf8Prefix } from "../models/response-limit.js";

/** A transcript's response: one part per page, with links to the others. */
export const TRANSCRIPT_PART_BYTES = 128 * 1024;
/** Texts shown beside others (compare columns, judges' verdicts, score examples, judges' prompts). */
export const PREVIEW_PART_BYTES = 16 * 1024;

/** One part of a text. */
export interface TextPart {
  text: string;
  /** 0-based; parts of `partBytes` bytes. */
  part: number;
  parts: number;
  partBytes: number;
  /** UTF-8 bytes of the whole text. */
  totalBytes: number;
}

/** Where a part sits in the whole text, for the page's links to the other parts. */
export type PartOf = Omit<TextPart, "text">;

export function withoutText({ text: _text, ...part }: TextPart): PartOf {
  return part;
}

/** A UTF-8 continuation byte (10xxxxxx): not the start of a character. */
function continuation(byte: number | undefined): boolean {
  return byte !== undefined && (byte & 0xc0) === 0x80;
}

function partCount(totalBytes: number, partBytes: number): number {
  return Math.max(1, Math.ceil(totalBytes / partBytes));
}

/**
 * SQL columns giving part `part` of a text column: `<alias>_window`, the part's bytes and a few beyond (to find the
 * character boundary), and `<alias>_bytes`, the whole text's size. `part` is an SQL expression (a number or a
 * parameter).
 */
export function partColumns(column: string, alias: string, partBytes: number, part = "0"): string {
  return `substr(CAST(${column} AS BLOB), (${part}) * ${partBytes} + 1, ${partBytes + 4}) AS ${alias}_window,
    octet_length(${column}) AS ${alias}_bytes`;
}

/** The part read by `partColumns`, cut on character boundaries. */
export function partFromWindow(
  window: Buffer | null,
  totalBytes: number | null,
  part: number,
  partBytes: number,
): TextPart {
  const total = totalBytes ?? 0;
  if (window === null)
    return { text: "", part, parts: partCount(total, partBytes), partBytes, totalBytes: total };
  let start = 0;
  // The bytes before the first character boundary belong to the character ending the previous part.
  if (part > 0) while (start < 3 && continuation(window[start])) start++;
  let end = Math.min(window.length, partBytes);
  if ((part + 1) * partBytes < total) while (end < window.length && continuation(window[end])) end++;
  return {
    text: window.subarray(start, end).toString("utf8"),
    part,
    parts: partCount(total, partBytes),
    partBytes,
    totalBytes: total,
  };
}

/** Part `part` of a generation's text (clamped to its last part); undefined when there is no such generation. */
export function generationTextPart(
  prepare: (sql: string) => Database.Statement,
  key: string,
  part: number,
): TextPart | undefined {
  const size = prepare("SELECT octet_length(text) AS bytes FROM generations WHERE key = ?").get(key) as
    | { bytes: number }
    | undefined;
  if (!size) return undefined;
  const shown = Math.min(part, partCount(size.bytes, TRANSCRIPT_PART_BYTES) - 1);
  const row = prepare(
    `SELECT ${partColumns("text", "text", TRANSCRIPT_PART_BYTES, "@part")} FROM generations WHERE key = @key`,
  ).get({ key, part: shown }) as { text_window: Buffer | null; text_bytes: number };
  return partFromWindow(row.text_window, row.text_bytes, shown, TRANSCRIPT_PART_BYTES);
}

/** The first part of a text already in memory (a prompt or message parsed from a stored request). */
export function firstPart(text: string, partBytes = PREVIEW_PART_BYTES): TextPart {
  const totalBytes = Buffer.byteLength(text, "utf8");
  return {
    text: totalBytes <= partBytes ? text : utf8Prefix(text, partBytes),
    part: 0,
    parts: partCount(totalBytes, partBytes),
    partBytes,
    totalBytes,
  };
}
