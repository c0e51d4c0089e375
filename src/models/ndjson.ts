/**
 * A strict NDJSON body filter. The `ollama` client skips malformed lines with a console warning; we put this
 * filter between the socket and the client so a malformed line, an error line or a missing terminator fails
 * the stream instead. Lines before the failing one are still delivered, so the caller keeps the partial text.
 */

export interface NdjsonRules {
  /** Inspects each parsed line; throw to fail the stream at this line. */
  onObject(value: Record<string, unknown>, raw: string): void;
  /** Runs at end of stream; throw to fail it (e.g. no terminal line seen). */
  onEnd(): void;
  /** The error for a line that is not a JSON object. */
  malformed(raw: string): Error;
}

export function strictNdjson(
  source: ReadableStream<Uint8Array>,
  rules: NdjsonRules,
): ReadableStream<Uint8Array> {
  const reader = source.getReader();
  const decoder = new TextDecoder("utf-8", { fatal: true });
  const encoder = new TextEncoder();
  let buffer = "";
  let pending: unknown;
  let failed = false;

  /** Validates complete lines; returns the valid ones, and records the first failure in `pending`. */
  const take = (lines: string[]): string => {
    let out = "";
    for (const line of lines) {
      if (line.trim() === "") continue;
      try {
        let value: unknown;
        try {
          value = JSON.parse(line);
        } catch {
          throw rules.malformed(line);
        }
        if (typeof value !== "object" || value === null || Array.isArray(value)) throw rules.malformed(line);
        rules.onObject(value as Record<string, unknown>, line);
      } catch (err) {
        pending = err;
        failed = true;
        return out;
      }
      out += `${line}\n`;
    }
    return out;
  };

  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        // A failure found while reading the previous chunk is raised only now, after its valid lines were read.
        if (failed) {
          controller.error(pending);
          await reader.cancel(pending).catch(() => {});
          return;
        }
        for (;;) {
          let done: boolean;
          try {
            const chunk = await reader.read();
            done = chunk.done;
            buffer += chunk.done ? decoder.decode() : decoder.decode(chunk.value, { stream: true });
          } catch (err) {
            controller.error(err);
            return;
          }
          const lines = buffer.split("\n");
          buffer = done ? "" : (lines.pop() ?? "");
          const out = take(lines);
          if (done && !failed) {
            try {
              rules.onEnd();
            } catch (err) {
              pending = err;
              failed = true;
            }
          }
          if (out.length > 0) {
            controller.enqueue(encoder.encode(out));
            if (done && !failed) controller.close();
            return;
          }
          if (failed) {
            controller.error(pending);
            if (!done) await reader.cancel(pending).catch(() => {});
            return;
          }
          if (done) {
            controller.close();
            return;
          }
        }
      },
      cancel: (reason) => reader.cancel(reason),
    },
    { highWaterMark: 0 },
  );
}
