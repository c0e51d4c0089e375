/**
 * Incremental Server-Sent Events parser (WHATWG rules: `\n`, `\r\n` or `\r` line ends, `:` comments,
 * multi-line `data:` joined by `\n`, `event:`). Unlike a spec parser it also surfaces unknown fields, because
 * older llama-server builds report mid-stream failures as a bare `error: {...}` line.
 */

export interface SseEvent {
  /** The `event:` field, or "" when absent. */
  event: string;
  /** All `data:` lines joined with `\n`; undefined when the event had no data field. */
  data: string | undefined;
  /** Non-standard fields such as `error`; `id` and `retry` are dropped. */
  extra: Record<string, string>;
}

export class SseParser {
  private readonly decoder = new TextDecoder("utf-8", { fatal: true });
  private buffer = "";
  private skipLeadingLf = false;
  private event = "";
  private data: string[] = [];
  private extra: Record<string, string> = {};
  private hasExtra = false;

  /** Feeds raw bytes (any split, including inside a UTF-8 character); returns the events completed. */
  push(bytes: Uint8Array): SseEvent[] {
    return this.consume(this.decoder.decode(bytes, { stream: true }), false);
  }

  /** Call at end of stream; a final event without its blank line is still delivered. */
  end(): SseEvent[] {
    const events = this.consume(this.decoder.decode(), true);
    const last = this.dispatch();
    return last ? [...events, last] : events;
  }

  /**
   * For a body cut at its size bound (no more bytes will come): the data of the event being read when it was cut,
   * its last `data:` line as far as it arrived, or undefined when the cut fell between events. Not dispatched:
   * the data is a prefix, for a reader that can make sense of one.
   */
  cutData(): string | undefined {
    const data = [...this.data];
    const colon = this.buffer.indexOf(":");
    if (colon !== -1 && this.buffer.slice(0, colon) === "data") {
      const value = this.buffer.slice(colon + 1);
      data.push(value.startsWith(" ") ? value.slice(1) : value);
    }
    return data.length > 0 ? data.join("\n") : undefined;
  }

  private consume(text: string, final: boolean): SseEvent[] {
    let input = text;
    if (this.skipLeadingLf && input.startsWith("\n")) input = input.slice(1);
    if (input.length > 0) this.skipLeadingLf = false;
    // The kept buffer never holds a line end, so only the new input needs scanning: a long line arriving in many
    // chunks costs linear time, not quadratic.
    const scanFrom = this.buffer.length;
    this.buffer += input;
    const events: SseEvent[] = [];
    let start = 0;
    for (let i = scanFrom; i < this.buffer.length; i++) {
      const ch = this.buffer[i];
      if (ch !== "\n" && ch !== "\r") continue;
      const line = this.buffer.slice(start, i);
      if (ch === "\r") {
        if (i + 1 < this.buffer.length) {
          if (this.buffer[i + 1] === "\n") i++;
        } else {
          this.skipLeadingLf = true;
        }
      }
      start = i + 1;
      const event = this.line(line);
      if (event) events.push(event);
    }
    this.buffer = this.buffer.slice(start);
    if (final && this.buffer.length > 0) {
      const event = this.line(this.buffer);
      this.buffer = "";
      if (event) events.push(event);
    }
    return events;
  }

  private line(line: string): SseEvent | undefined {
    if (line === "") return this.dispatch();
    if (line.startsWith(":")) return undefined;
    const colon = line.indexOf(":");
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? "" : line.slice(colon + 1);
    if (value.startsWith(" ")) value = value.slice(1);
    if (field === "data") this.data.push(value);
    else if (field === "event") this.event = value;
    else if (field !== "id" && field !== "retry") {
      this.extra[field] = value;
      this.hasExtra = true;
    }
    return undefined;
  }

  private dispatch(): SseEvent | undefined {
    const hasData = this.data.length > 0;
    const event: SseEvent = {
      event: this.event,
      data: hasData ? this.data.join("\n") : undefined,
      extra: this.extra,
    };
    const deliver = hasData || this.hasExtra || this.event === "error";
    this.event = "";
    this.data = [];
    this.extra = {};
    this.hasExtra = false;
    return deliver ? event : undefined;
  }
}
