import { describe, expect, test } from "vitest";
import { classifyError, extractErrorInfo, parseRetryAfter, transportError } from "../../src/models/errors.js";
import { type SseEvent, SseParser } from "../../src/models/sse.js";

const encoder = new TextEncoder();

/** Parses `bytes` split at every possible pair of positions, so every boundary case is covered. */
function parseAllSplits(text: string): SseEvent[][] {
  const bytes = encoder.encode(text);
  const results: SseEvent[][] = [];
  for (let i = 0; i <= bytes.length; i++) {
    for (let j = i; j <= bytes.length; j += 3) {
      const parser = new SseParser();
      results.push([
        ...parser.push(bytes.slice(0, i)),
        ...parser.push(bytes.slice(i, j)),
        ...parser.push(bytes.slice(j)),
        ...parser.end(),
      ]);
    }
  }
  return results;
}

describe("SseParser", () => {
  test("CRLF, CR and LF endings, comments, multi-line data, event and legacy error fields, UTF-8 split anywhere", () => {
    const stream =
      ': ping\r\n\r\nevent: message\r\ndata: {"a":\r\ndata: "é🙂"}\r\n\r\n' +
      'data: second\r\rerror: {"code":500}\n\n' +
      "id: 7\nretry: 10\ndata: [DONE]\n\n";
    const expected: SseEvent[] = [
      { event: "message", data: '{"a":\n"é🙂"}', extra: {} },
      { event: "", data: "second", extra: {} },
      { event: "", data: undefined, extra: { error: '{"code":500}' } },
      { event: "", data: "[DONE]", extra: {} },
    ];
    for (const events of parseAllSplits(stream)) expect(events).toEqual(expected);
  });

  test("a final event without its blank line is delivered at end of stream", () => {
    const parser = new SseParser();
    expect(parser.push(encoder.encode("data: [DONE]"))).toEqual([]);
    expect(parser.end()).toEqual([{ event: "", data: "[DONE]", extra: {} }]);
  });

  test("invalid UTF-8 is an error, not replacement characters", () => {
    expect(() => new SseParser().push(Uint8Array.of(0x64, 0x61, 0xff, 0x0a))).toThrow();
  });
});

describe("error classification helpers", () => {
  test("Retry-After: retry-after-ms wins, then seconds, then HTTP date; junk is ignored", () => {
    const now = Date.parse("2025-01-01T00:00:00Z");
    expect(parseRetryAfter(new Headers({ "retry-after-ms": "250", "retry-after": "9" }), now)).toBe(250);
    expect(parseRetryAfter(new Headers({ "retry-after": "7" }), now)).toBe(7000);
    expect(parseRetryAfter(new Headers({ "retry-after": "Wed, 01 Jan 2025 00:01:00 GMT" }), now)).toBe(
      60_000,
    );
    expect(parseRetryAfter(new Headers({ "retry-after": "Tue, 31 Dec 2024 00:00:00 GMT" }), now)).toBe(0);
    expect(parseRetryAfter(new Headers({ "retry-after": "soon" }), now)).toBeUndefined();
    expect(parseRetryAfter(new Headers(), now)).toBeUndefined();
  });

  test("error bodies in every dialect", () => {
    expect(extractErrorInfo({ error: "model 'x' not found" })).toEqual({ message: "model 'x' not found" });
    expect(extractErrorInfo({ error: { message: "m", type: "t", code: "c", param: null } })).toEqual({
      message: "m",
      type: "t",
      code: "c",
    });
    expect(extractErrorInfo({ object: "error", message: "m", type: "BadRequestError", code: 400 })).toEqual({
      message: "m",
      type: "BadRequestError",
      code: 400,
    });
    expect(extractErrorInfo("<html>")).toEqual({});
  });

  test("mid-stream errors without status use the numeric code, else count as server errors", () => {
    expect(classifyError(undefined, { code: 503, message: "Loading model" })).toBe("overloaded");
    expect(classifyError(undefined, { message: "an error was encountered while running the model" })).toBe(
      "server",
    );
    expect(classifyError(undefined, { message: "server busy, please try again." })).toBe("overloaded");
    expect(
      classifyError(400, { message: "the request exceeds the available context size, try increasing it" }),
    ).toBe("context_overflow");
    expect(classifyError(402, { message: "Insufficient credits" })).toBe("quota");
    expect(classifyError(501, { type: "not_supported_error" })).toBe("bad_request");
  });

  test("an undici connect timeout is a timeout with deadline connect", () => {
    const cause = Object.assign(new Error("Connect Timeout Error"), { code: "UND_ERR_CONNECT_TIMEOUT" });
    const err = transportError({}, "http://10.0.0.1/v1", new TypeError("fetch failed", { cause }), false);
    expect(err.kind).toBe("timeout");
    expect(err.details.deadline).toBe("connect");
  });
});
