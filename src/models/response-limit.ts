/**
 * How much of one generation's response we read. A server owes us at most `max_tokens` tokens; a body far beyond
 * that is a misbehaving (or hostile) server, and reading it whole costs memory and store space, and an endless
 * stream costs the whole total deadline and then every retry. Two bounds, both generous multiples of max_tokens:
 *
 * - the answer kept (the text we store and grade; reasoning is not stored): 32 UTF-8 bytes per token + 4 KiB.
 *   A token of natural text or LaTeX is 2-6 bytes, a long repeated-symbol token 16-32;
 * - the body read off the wire: 1 KiB per token + 1 MiB. A streamed token costs about 150-400 bytes of framing
 *   (SSE or NDJSON envelope, model name, ids), JSON may escape one character into 12 bytes, and the allowance covers
 *   role and usage chunks, keep-alive comments, error bodies, and reasoning a server does not count against
 *   max_tokens.
 *
 * Whichever is reached first ends the read: the rest of the body is abandoned (the connection closes, so the
 * server sees the disconnect and stops), the answer up to the bound is kept, and the generation finishes as a
 * token-limit stop ("length", raw reason SIZE_LIMIT_REASON), so it counts as a cut-off answer in every figure and
 * is never retried.
 */

export const ANSWER_BYTES_PER_TOKEN = 32;
export const ANSWER_ALLOWANCE_BYTES = 4 * 1024;
export const BODY_BYTES_PER_TOKEN = 1024;
export const BODY_ALLOWANCE_BYTES = 1024 * 1024;

/** The raw finish reason of a response we cut at a bound (the server sent none). */
export const SIZE_LIMIT_REASON = "size_limit";

export interface ResponseLimits {
  /** UTF-8 bytes of answer text kept. */
  answerBytes: number;
  /** Bytes of response body read. */
  bodyBytes: number;
}

export function responseLimits(maxTokens: number): ResponseLimits {
  const tokens = Number.isFinite(maxTokens) && maxTokens > 0 ? Math.floor(maxTokens) : 0;
  return {
    answerBytes: tokens * ANSWER_BYTES_PER_TOKEN + ANSWER_ALLOWANCE_BYTES,
    bodyBytes: tokens * BODY_BYTES_PER_TOKEN + BODY_ALLOWANCE_BYTES,
  };
}

/** The answer text as it arrives, cut at a byte bound (on a character boundary); `cut` once anything was dropped. */
export class AnswerText {
  private parts: string[] = [];
  private bytes = 0;
  private dropped = false;

  constructor(private readonly maxBytes: number) {}

  get cut(): boolean {
    return this.dropped;
  }

  get text(): string {
    if (this.parts.length > 1) this.parts = [this.parts.join("")];
    return this.parts[0] ?? "";
  }

  /** Appends a piece; returns false once the bound is reached (the piece's excess and everything after is dropped). */
  append(piece: string): boolean {
    if (this.dropped) return false;
    if (piece === "") return true;
    const size = Buffer.byteLength(piece, "utf8");
    if (this.bytes + size <= this.maxBytes) {
      this.parts.push(piece);
      this.bytes += size;
      return true;
    }
    const kept = utf8Prefix(piece, this.maxBytes - this.bytes);
    if (kept !== "") this.parts.push(kept);
    this.bytes += Buffer.byteLength(kept, "utf8");
    this.dropped = true;
    return false;
  }
}

/** The longest prefix of `text` that fits in `maxBytes` UTF-8 bytes without splitting a character. */
export function utf8Prefix(text: string, maxBytes: number): string {
  if (maxBytes <= 0) return "";
  // Every UTF-16 unit takes at least one UTF-8 byte, so the prefix lies within the first maxBytes units (less a
  // high surrogate whose pair was cut off).
  let units = text.slice(0, maxBytes);
  if (/[\ud800-\udbff]$/.test(units)) units = units.slice(0, -1);
  const encoded = Buffer.from(units, "utf8");
  if (encoded.length <= maxBytes) return units;
  let end = maxBytes;
  // Back off continuation bytes (10xxxxxx) to the start of the character the bound falls in.
  while (end > 0 && ((encoded[end] ?? 0) & 0xc0) === 0x80) end--;
  return encoded.subarray(0, end).toString("utf8");
}
