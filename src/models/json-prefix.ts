/**
 * Reads the beginning of a JSON document whose end was cut off (a response body cut at its size bound): every
 * value complete up to the cut, plus the string being read when the text ended, as far as it went. Objects and
 * arrays open at the cut are closed; a member whose key or value is incomplete is dropped, and so is a number or
 * literal cut in its middle (it might have gone on). What cannot be read (invalid JSON before the cut, nesting
 * deeper than MAX_DEPTH) gives undefined for that value, so the caller keeps whatever came before it.
 */

const MAX_DEPTH = 64;

/** Marks the end of the text: the value being read was cut off. */
const CUT = Symbol("cut");
type Read = { value: unknown } | typeof CUT | undefined;

export function parseJsonPrefix(text: string): unknown {
  const reader = new PrefixReader(text);
  const read = reader.value(0);
  if (read === undefined || read === CUT) return undefined;
  return read.value;
}

class PrefixReader {
  private at = 0;

  constructor(private readonly text: string) {}

  /** A value at the current position: {value}, CUT when the text ended before it began, undefined when invalid. */
  value(depth: number): Read {
    this.skipSpace();
    if (this.at >= this.text.length) return CUT;
    const ch = this.text[this.at];
    if (ch === "{" || ch === "[") {
      if (depth >= MAX_DEPTH) return undefined;
      return ch === "{" ? this.object(depth) : this.array(depth);
    }
    if (ch === '"') return this.string(true);
    return this.scalar();
  }

  private object(depth: number): Read {
    this.at++;
    const out: Record<string, unknown> = {};
    if (this.closes("}")) return { value: out };
    for (;;) {
      this.skipSpace();
      const key = this.string(false);
      if (key === CUT) return { value: out };
      if (key === undefined) return undefined;
      this.skipSpace();
      if (this.at >= this.text.length) return { value: out };
      if (this.text[this.at++] !== ":") return undefined;
      const member = this.value(depth + 1);
      if (member === CUT) return { value: out };
      if (member === undefined) return undefined;
      out[key.value as string] = member.value;
      const next = this.separator("}");
      if (next !== "more") return next === "invalid" ? undefined : { value: out };
    }
  }

  private array(depth: number): Read {
    this.at++;
    const out: unknown[] = [];
    if (this.closes("]")) return { value: out };
    for (;;) {
      const item = this.value(depth + 1);
      if (item === CUT) return { value: out };
      if (item === undefined) return undefined;
      out.push(item.value);
      const next = this.separator("]");
      if (next !== "more") return next === "invalid" ? undefined : { value: out };
    }
  }

  /** An empty container: its closing bracket right after the opening one (consumed). */
  private closes(bracket: "}" | "]"): boolean {
    this.skipSpace();
    if (this.text[this.at] !== bracket) return false;
    this.at++;
    return true;
  }

  /** After a member or item: a comma ("more"), the closing bracket or the end of the text ("done"), else invalid. */
  private separator(bracket: "}" | "]"): "more" | "done" | "invalid" {
    this.skipSpace();
    if (this.at >= this.text.length) return "done";
    const next = this.text[this.at++];
    if (next === ",") return "more";
    return next === bracket ? "done" : "invalid";
  }

  /**
   * A string. A string cut off counts as read as far as it went when `partialOk` (a value); as CUT otherwise (a key).
   * An escape cut in its middle is dropped.
   */
  private string(partialOk: boolean): Read {
    if (this.text[this.at] !== '"') return this.at >= this.text.length ? CUT : undefined;
    const start = this.at;
    let i = start + 1;
    let lastComplete = i;
    while (i < this.text.length) {
      const ch = this.text[i];
      if (ch === '"') {
        this.at = i + 1;
        return parseOrUndefined(this.text.slice(start, i + 1));
      }
      if (ch === "\\") {
        const length = this.text[i + 1] === "u" ? 6 : 2;
        if (i + length > this.text.length) break;
        i += length;
      } else {
        i++;
      }
      lastComplete = i;
    }
    this.at = this.text.length;
    if (!partialOk) return CUT;
    return parseOrUndefined(`${this.text.slice(start, lastComplete)}"`);
  }

  /** A number, true, false or null; one that reaches the end of the text may be cut off, so it is not read. */
  private scalar(): Read {
    const match = /^[\w.+-]+/.exec(this.text.slice(this.at, this.at + 400));
    if (!match) return undefined;
    const end = this.at + match[0].length;
    if (end >= this.text.length) {
      this.at = this.text.length;
      return CUT;
    }
    this.at = end;
    return parseOrUndefined(match[0]);
  }

  private skipSpace(): void {
    while (this.at < this.text.length && /\s/.test(this.text[this.at]!)) this.at++;
  }
}

function parseOrUndefined(text: string): Read {
  try {
    return { value: JSON.parse(text) as unknown };
  } catch {
    return undefined;
  }
}
