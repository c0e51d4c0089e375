/**
 * A response far beyond max_tokens is cut at the bounds of src/models/response-limit.ts: the client stops reading
 * (the fake sees the disconnect and has sent a small part of the flood), keeps the answer up to its bound, and
 * reports a token-limit stop. Through the CLI: one request per item (no retry), stored cut, counted as cut-off
 * answers. Every assertion counts bytes, events and requests; none measures time.
 */
import { once } from "node:events";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, afterEach, beforeAll, describe, expect, test } from "vitest";
import { createAdapter } from "../../src/models/registry.js";
import {
  type ResponseLimits,
  responseLimits,
  SIZE_LIMIT_REASON,
  utf8Prefix,
} from "../../src/models/response-limit.js";
import type { ModelAdapter, Timeouts } from "../../src/models/types.js";
import type { Results } from "../../src/results/types.js";
import { floodText } from "../fakes/core.js";
import {
  type FakeServer,
  type Fault,
  type RespondResult,
  startFakeOllama,
  startFakeOpenAI,
} from "../fakes/index.js";
import { runArgs, runCli } from "../helpers/cli.js";
import { tempDir } from "../helpers/tmp.js";
import { readReport, writeBenchmark } from "../reliability/harness.js";
import { failure, request } from "./helpers.js";

const MB = 1024 * 1024;
const MAX_TOKENS = 256;
const LIMITS: ResponseLimits = responseLimits(MAX_TOKENS);
/** Generous: these deadlines only catch a client that never stops reading. */
const PATIENT: Timeouts = { connectMs: 10_000, firstTokenMs: 30_000, idleMs: 30_000, totalMs: 30_000 };
/**
 * What the fake may have handed to the socket beyond what the client read: the kernel's send and receive buffers
 * on loopback (a few MB) plus undici's own. A fraction of the 50 MB flood: a client reading it all fails this.
 */
const IN_FLIGHT_SLACK = 16 * MB;

const dialects = {
  openai: async (respond: () => RespondResult) => {
    const fake = await startFakeOpenAI({ respond });
    return { fake: fake as FakeServer, adapter: createAdapter(`openai:m@${fake.baseUrl}`, {}) };
  },
  ollama: async (respond: () => RespondResult) => {
    const fake = await startFakeOllama({ respond });
    return { fake: fake as FakeServer, adapter: createAdapter(`ollama:qwen2.5:7b-instruct@${fake.url}`, {}) };
  },
};
type Dialect = keyof typeof dialects;

test("the bounds are 32 bytes of answer and 1 KiB of body per token, plus 4 KiB and 1 MiB", () => {
  expect(responseLimits(256)).toEqual({ answerBytes: 256 * 32 + 4096, bodyBytes: 256 * 1024 + MB });
  expect(responseLimits(0)).toEqual({ answerBytes: 4096, bodyBytes: MB });
  // A cut never splits a character: "é" is 2 bytes, "🙂" 4 (a surrogate pair in UTF-16).
  expect(utf8Prefix("aé🙂b", 1)).toBe("a");
  expect(utf8Prefix("aé🙂b", 2)).toBe("a");
  expect(utf8Prefix("aé🙂b", 3)).toBe("aé");
  expect(utf8Prefix("aé🙂b", 6)).toBe("aé");
  expect(utf8Prefix("aé🙂b", 7)).toBe("aé🙂");
  expect(utf8Prefix("🙂🙂", 4)).toBe("🙂");
});

describe.each(Object.keys(dialects) as Dialect[])("a response beyond max_tokens (%s)", (dialect) => {
  let fake: FakeServer;
  let adapter: ModelAdapter;
  let next: Fault = { fault: "flood" };

  beforeAll(async () => {
    ({ fake, adapter } = await dialects[dialect](() => next));
  });
  afterAll(async () => {
    await adapter.close?.();
    await fake.close();
  });

  /** One call answered by `flood`; returns the response and what the fake did for it. */
  async function call(flood: Fault) {
    next = flood;
    const before = { ...fake.stats };
    const response = await adapter.complete(
      request({ sampling: { temperature: 0, seed: 1, maxTokens: MAX_TOKENS }, timeouts: PATIENT }),
    );
    // The connection's close reaches the fake a moment after the call returns: wait for it (an event, not time).
    await fake.waitFor((s) => s.inFlight === 0);
    return {
      response,
      generations: fake.stats.generations - before.generations,
      disconnects: fake.stats.disconnects - before.disconnects,
      floodBytes: fake.stats.floodBytes - before.floodBytes,
    };
  }

  function expectCut(result: Awaited<ReturnType<typeof call>>, text: string) {
    expect(result.response.finishReason).toBe("length");
    expect(result.response.rawFinishReason).toBe(SIZE_LIMIT_REASON);
    expect(result.response.text.length).toBe(text.length);
    expect(result.response.text === text, "the answer is the flood's text up to the bound").toBe(true);
    expect(result.generations).toBe(1);
    expect(result.disconnects, "the client closed the connection before the server finished").toBe(1);
  }

  test("a 50 MB answer streamed a word per event stops at the answer bound", async () => {
    const result = await call({ fault: "flood", bytes: 50 * MB });
    expectCut(result, floodText(0, LIMITS.answerBytes));
    expect(result.floodBytes).toBeLessThan(LIMITS.bodyBytes + IN_FLIGHT_SLACK);
  });

  test("a 50 MB answer in a single event stops at the body bound and keeps the answer that arrived", async () => {
    const result = await call({ fault: "flood", bytes: 50 * MB, eventBytes: 50 * MB });
    expectCut(result, floodText(0, LIMITS.answerBytes));
    expect(result.floodBytes).toBeLessThan(LIMITS.bodyBytes + IN_FLIGHT_SLACK);
  });

  test("a 50 MB answer as one JSON document (stream ignored) is cut at the body bound and read as a prefix", async () => {
    const result = await call({ fault: "flood", bytes: 50 * MB, json: true });
    expectCut(result, floodText(0, LIMITS.answerBytes));
    expect(result.floodBytes).toBeLessThan(LIMITS.bodyBytes + IN_FLIGHT_SLACK);
  });

  test("an endless stream stops at the answer bound, in one request", async () => {
    const result = await call({ fault: "flood" });
    expectCut(result, floodText(0, LIMITS.answerBytes));
    expect(result.floodBytes).toBeLessThan(LIMITS.bodyBytes + IN_FLIGHT_SLACK);
  });

  test("an endless stream of reasoning (no answer text) stops at the body bound", async () => {
    const result = await call({ fault: "flood", field: "reasoning", eventBytes: 4096 });
    expectCut(result, "");
    // The client read the body up to its bound, and not much more reached the socket.
    expect(result.floodBytes).toBeGreaterThanOrEqual(LIMITS.bodyBytes);
    expect(result.floodBytes).toBeLessThan(LIMITS.bodyBytes + IN_FLIGHT_SLACK);
  });

  test("an answer exactly at the bound is kept whole and ends as the server said; one byte more is cut", async () => {
    const whole = await call({ fault: "flood", bytes: LIMITS.answerBytes });
    expect(whole.response.finishReason).toBe("stop");
    expect(whole.response.text).toBe(floodText(0, LIMITS.answerBytes));
    expect(whole.disconnects).toBe(0);
    // The last byte comes in the last event: the server has sent everything (no disconnect), the answer is cut.
    const over = await call({ fault: "flood", bytes: LIMITS.answerBytes + 1 });
    expect(over.response.finishReason).toBe("length");
    expect(over.response.rawFinishReason).toBe(SIZE_LIMIT_REASON);
    expect(over.response.text).toBe(floodText(0, LIMITS.answerBytes));
  });
});

describe.each(Object.keys(dialects) as Dialect[])("through the CLI (%s)", (dialect) => {
  const servers: FakeServer[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });

  test("oversized and endless answers are stored cut, small, once each, and count as cut-off answers", async () => {
    const dir = tempDir();
    const bench = writeBenchmark(dir, { limit: 1 });
    // The four requests (control and three personas of one problem) get the four kinds of flood.
    const floods: Fault[] = [
      { fault: "flood" },
      { fault: "flood", bytes: 50 * MB, eventBytes: 50 * MB },
      { fault: "flood", bytes: 50 * MB, json: true },
      { fault: "flood", field: "reasoning", eventBytes: 4096 },
    ];
    let served = 0;
    const respond = () => floods[served++ % floods.length]!;
    const fake =
      dialect === "openai" ? await startFakeOpenAI({ respond }) : await startFakeOllama({ respond });
    servers.push(fake);
    const spec =
      dialect === "openai"
        ? `openai:sim@${(fake as Awaited<ReturnType<typeof startFakeOpenAI>>).baseUrl}`
        : `ollama:qwen2.5:7b-instruct@${fake.url}`;
    const run = await runCli(runArgs(bench, spec, dir, ["--json"]));
    expect(run.stderr).not.toMatch(/internal error/);
    expect(run.code, run.stderr).toBe(0);
    // One request per item: a cut answer is an answer, not a failure to retry.
    expect(fake.stats.generations).toBe(4);
    expect(fake.stats.floodBytes).toBeLessThan(4 * (responseLimits(512).bodyBytes + IN_FLIGHT_SLACK));

    const db = new Database(join(dir, "store.sqlite"), { readonly: true });
    const rows = db
      .prepare(
        "SELECT finish_reason, raw_finish_reason, length(CAST(text AS BLOB)) AS bytes FROM generations",
      )
      .all() as { finish_reason: string; raw_finish_reason: string; bytes: number }[];
    db.close();
    expect(rows).toHaveLength(4);
    // The benchmark asks for max_tokens 512.
    const answerBytes = responseLimits(512).answerBytes;
    for (const row of rows) {
      expect(row).toMatchObject({ finish_reason: "length", raw_finish_reason: SIZE_LIMIT_REASON });
      expect(row.bytes).toBeLessThanOrEqual(answerBytes);
    }
    expect(rows.filter((r) => r.bytes === answerBytes)).toHaveLength(3);

    const results = readReport(dir, (JSON.parse(run.stdout) as Results).runId).results;
    const section = Object.values(results.tasks)[0] as unknown as {
      personas: { outcomes: string; truncated: number }[];
    };
    // Upper-case letters: answers that hit the token limit (the flood's "the answer is 42" reads as a wrong answer).
    for (const persona of section.personas) expect(persona.outcomes).toMatch(/^[CWN]$/);
    expect(section.personas.every((p) => p.truncated === 1)).toBe(true);
  });
});

describe("other bodies a server can make endless", () => {
  test.each(Object.keys(dialects) as Dialect[])(
    "%s: an endless error body is read up to 64 KiB: the server sees the client leave",
    async (dialect) => {
      const { fake, adapter } = await dialects[dialect](() => ({ fault: "flood", status: 500 }));
      try {
        const error = await failure(adapter.complete(request({ timeouts: PATIENT })), "server");
        expect(error.message).toMatch(/HTTP 500 .*So the answer is 42/);
        await fake.waitFor((s) => s.inFlight === 0);
        expect(fake.stats.disconnects).toBe(1);
        expect(fake.stats.floodBytes).toBeLessThan(IN_FLIGHT_SLACK);
      } finally {
        await adapter.close?.();
        await fake.close();
      }
    },
  );

  test("an identity probe's answer past 16 MiB fails as a protocol error instead of filling memory", async () => {
    let written = 0;
    const server = createServer((req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.write('{"object":"list","data":[');
      const more = (): void => {
        while (!res.destroyed) {
          written += 64 * 1024;
          if (!res.write(`"${"m".repeat(64 * 1024 - 3)}",`)) {
            res.once("drain", more);
            return;
          }
        }
      };
      more();
      req.on("close", () => res.destroy());
    });
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    const { port } = server.address() as AddressInfo;
    const adapter = createAdapter(`openai:m@http://127.0.0.1:${port}/v1`, {});
    try {
      const error = await failure(adapter.identify(), "protocol");
      expect(error.message).toMatch(/larger than 16777216 bytes/);
      expect(written).toBeLessThan(16 * MB + IN_FLIGHT_SLACK);
    } finally {
      await adapter.close?.();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
