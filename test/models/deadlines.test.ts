import { Agent } from "undici";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { AgentPool, Attempt, dispatcherOptions } from "../../src/models/http.js";
import { createAdapter } from "../../src/models/registry.js";
import { AdapterError, type ModelAdapter, type Timeouts } from "../../src/models/types.js";
import { type FakeServer, type RespondResult, startFakeOllama, startFakeOpenAI } from "../fakes/index.js";
import { failure, request } from "./helpers.js";

/**
 * Short deadlines keep the suite fast; each test makes exactly one deadline the shortest, and the fake stalls for
 * ever, so the deadline fires however slow the machine is. Every clock starts once the request has been written
 * to the socket (test/models/deadline-clock.test.ts); the first-token and total ones get a little more room so
 * the fake has usually read the request before the client gives up.
 */
const SHORT = 30;
const FROM_START = 150;
const LONG = 10_000;
const firstToken: Timeouts = { connectMs: LONG, firstTokenMs: FROM_START, idleMs: LONG, totalMs: LONG };
const idle: Timeouts = { connectMs: LONG, firstTokenMs: LONG, idleMs: SHORT, totalMs: LONG };
const total: Timeouts = { connectMs: LONG, firstTokenMs: LONG, idleMs: LONG, totalMs: FROM_START };

interface Backend {
  name: string;
  fake: FakeServer;
  adapter: ModelAdapter;
}

let next: () => RespondResult = () => ({});
const backends: Backend[] = [];

beforeAll(async () => {
  const ollama = await startFakeOllama({ respond: () => next() });
  const openai = await startFakeOpenAI({ respond: () => next() });
  backends.push(
    { name: "ollama", fake: ollama, adapter: createAdapter(`ollama:qwen2.5:7b-instruct@${ollama.url}`, {}) },
    { name: "openai", fake: openai, adapter: createAdapter(`openai:m@${openai.baseUrl}`, {}) },
  );
});
afterAll(async () => {
  for (const b of backends) {
    await b.adapter.close?.();
    await b.fake.close();
  }
});

/**
 * Runs the call; if the request reached the fake, waits until the fake has seen the client disconnect (a
 * request still unanswered would otherwise keep generating). On a starved machine the client can give up before
 * the fake has read the request.
 */
async function expectDisconnect(b: Backend, run: () => Promise<AdapterError>): Promise<AdapterError> {
  const { disconnects, requests } = b.fake.stats;
  const err = await run();
  if (b.fake.stats.requests > requests) await b.fake.waitFor((s) => s.disconnects > disconnects);
  return err;
}

describe.each(["ollama", "openai"])("%s deadlines and aborts", (name) => {
  const backend = () => backends.find((b) => b.name === name)!;

  test("first-token deadline fires while headers are held back, and the server sees the disconnect", async () => {
    const b = backend();
    next = () => ({ fault: "delay-headers" });
    const err = await expectDisconnect(b, () =>
      failure(b.adapter.complete(request({ timeouts: firstToken })), "timeout"),
    );
    expect(err.details.deadline).toBe("first_token");
  });

  test("first-token deadline fires when headers came but no token did", async () => {
    const b = backend();
    next = () => ({ fault: "stall", text: "" });
    const err = await expectDisconnect(b, () =>
      failure(b.adapter.complete(request({ timeouts: firstToken })), "timeout"),
    );
    expect(err.details.deadline).toBe("first_token");
  });

  test("idle deadline fires on a stall mid-stream, keeping the partial text", async () => {
    const b = backend();
    next = () => ({ fault: "stall", text: "started but" });
    const err = await expectDisconnect(b, () =>
      failure(b.adapter.complete(request({ timeouts: idle })), "timeout"),
    );
    expect(err.details.deadline).toBe("idle");
    expect(err.details.partialText).toBe("started but");
  });

  test("total deadline fires even while the idle clock is happy", async () => {
    const b = backend();
    next = () => ({ fault: "stall", text: "x" });
    const err = await expectDisconnect(b, () =>
      failure(b.adapter.complete(request({ timeouts: total })), "timeout"),
    );
    expect(err.details.deadline).toBe("total");
  });

  test("aborting the caller's signal mid-stream closes the connection", async () => {
    const b = backend();
    next = () => ({ fault: "stall", text: "partial" });
    const controller = new AbortController();
    const started = b.fake.waitFor((s) => s.generating > 0);
    const err = await expectDisconnect(b, async () => {
      const call = failure(b.adapter.complete(request({ signal: controller.signal })), "aborted");
      await started;
      controller.abort();
      return call;
    });
    expect(err.message).toContain("cancelled");
  });

  test("an already-aborted signal fails without sending a request", async () => {
    const b = backend();
    const before = b.fake.stats.requests;
    await failure(b.adapter.complete(request({ signal: AbortSignal.abort() })), "aborted");
    expect(b.fake.stats.requests).toBe(before);
  });

  test("identify honours the caller's signal", async () => {
    const b = backend();
    await failure(b.adapter.identify(AbortSignal.abort()), "aborted");
  });
});

describe("dispatcher: Node's hidden 300 s limits are off", () => {
  function agentOptions(agent: Agent): Record<string, unknown> {
    const symbol = Object.getOwnPropertySymbols(agent).find((s) => s.description === "options")!;
    return (agent as unknown as Record<symbol, Record<string, unknown>>)[symbol]!;
  }

  test("the pooled Agent has headersTimeout 0, bodyTimeout 0 and the request's connect deadline", async () => {
    const pool = new AgentPool();
    const agent = pool.get(1234);
    expect(pool.get(1234)).toBe(agent);
    expect(agentOptions(agent)).toMatchObject({ headersTimeout: 0, bodyTimeout: 0, connectTimeout: 1234 });
    expect(dispatcherOptions(50)).toEqual({ headersTimeout: 0, bodyTimeout: 0, connectTimeout: 50 });
    await pool.close();
  });

  test("attempts really go through the given dispatcher: a finite headersTimeout on it would fire", async () => {
    // Same options as production except a tiny headersTimeout; if Attempt ignored its agent this could not fail.
    const fake = await startFakeOpenAI({ respond: () => ({ fault: "delay-headers" }) });
    const agent = new Agent({ ...dispatcherOptions(LONG), headersTimeout: 30 });
    const attempt = new Attempt({
      timeouts: { connectMs: LONG, firstTokenMs: LONG, idleMs: LONG, totalMs: LONG },
      agent,
      errors: {},
    });
    const err = await attempt
      .fetch(`${fake.baseUrl}/chat/completions`, {
        method: "POST",
        body: JSON.stringify({ messages: [], stream: true }),
      })
      .then(
        () => undefined,
        (e: unknown) => e as AdapterError,
      );
    attempt.finish();
    expect(err).toBeInstanceOf(AdapterError);
    expect(JSON.stringify(String((err?.details.cause as Error)?.cause))).toContain("Headers Timeout");
    await agent.destroy();
    await fake.close();
  });
});
