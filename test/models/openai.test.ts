import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { OpenAIAdapter } from "../../src/models/openai.js";
import { createAdapter } from "../../src/models/registry.js";
import type { AdapterErrorKind } from "../../src/models/types.js";
import {
  type FakeOpenAI,
  type Fault,
  faults,
  pseudoText,
  type RespondResult,
  startFakeOpenAI,
} from "../fakes/index.js";
import { failure, request, SYSTEM, USER } from "./helpers.js";

const KEY = "sk-canary-4f1d9e2b7c";
let fake: FakeOpenAI;
let adapter: OpenAIAdapter;
/** What the fake answers next; each test sets it. */
let next: (attempt: number) => RespondResult = () => ({});

beforeAll(async () => {
  fake = await startFakeOpenAI({ respond: (ctx) => next(ctx.attempt) });
  adapter = createAdapter(`openai:qwen-local@${fake.baseUrl}`, { OPENAI_API_KEY: KEY }) as OpenAIAdapter;
});
afterAll(async () => {
  await adapter.close();
  await fake.close();
});

function answer(result: RespondResult): void {
  next = () => result;
}

describe("openai adapter: happy paths and request mapping", () => {
  test("streams the deterministic text with usage, timings, fingerprint and request id", async () => {
    answer({});
    const res = await adapter.complete(request({ requestId: "abc-1" }));
    expect(res.text).toBe(pseudoText([SYSTEM, USER], 7, 0));
    expect(res.finishReason).toBe("stop");
    expect(res.rawFinishReason).toBe("stop");
    expect(res.usage.completionTokens).toBeGreaterThan(0);
    expect(res.usage.promptTokens).toBe(5);
    expect(res.usage.cachedPromptTokens).toBe(0);
    expect(res.timing.server).toEqual({ promptMs: 30.5, genMs: 661.25 });
    expect(res.timing.ttftMs).toBeGreaterThan(0);
    expect(res.served).toEqual({
      model: "qwen-local",
      fingerprint: "b6097-9515c613",
      requestIdHeader: expect.stringMatching(/^req-/),
    });
    const captured = fake.requests.at(-1)!;
    expect(captured.path).toBe("/v1/chat/completions");
    expect(captured.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(captured.headers["x-request-id"]).toBe("abc-1");
  });

  test("maps sampling to max_tokens, seed, temperature, top_p, top_k, stop and asks for streamed usage", async () => {
    answer({});
    await adapter.complete(
      request({
        sampling: { temperature: 0.7, topP: 0.9, topK: 40, seed: 1234, maxTokens: 99, stop: ["\n\n"] },
      }),
    );
    expect(fake.requests.at(-1)!.body).toEqual({
      model: "qwen-local",
      messages: [SYSTEM, USER],
      stream: true,
      stream_options: { include_usage: true },
      max_tokens: 99,
      temperature: 0.7,
      top_p: 0.9,
      top_k: 40,
      seed: 1234,
      stop: ["\n\n"],
    });
  });

  test("different seeds give the fake's different pseudo-texts (seed really reaches the server)", async () => {
    answer({});
    const a = await adapter.complete(request({ sampling: { temperature: 0.8, seed: 1, maxTokens: 64 } }));
    const b = await adapter.complete(request({ sampling: { temperature: 0.8, seed: 2, maxTokens: 64 } }));
    expect(a.text).toBe(pseudoText([SYSTEM, USER], 1, 0.8));
    expect(b.text).toBe(pseudoText([SYSTEM, USER], 2, 0.8));
    expect(a.text).not.toBe(b.text);
  });

  test("finish_reason length", async () => {
    answer({ text: "one two three four five" });
    const res = await adapter.complete(request({ sampling: { temperature: 0, maxTokens: 2 } }));
    expect(res.text).toBe("one two");
    expect(res.finishReason).toBe("length");
  });

  test("usage only in a separate choices:[] chunk", async () => {
    answer({ text: "a b c", usage: "separate" });
    const res = await adapter.complete(request());
    expect(res.text).toBe("a b c");
    expect(res.usage).toEqual({ promptTokens: 5, completionTokens: 3, cachedPromptTokens: 0 });
  });

  test("missing usage leaves usage empty rather than inventing numbers", async () => {
    answer({ text: "a b c", usage: "none" });
    const res = await adapter.complete(request());
    expect(res.usage).toEqual({});
  });

  test("reasoning_content does not leak into text", async () => {
    answer({ text: "final answer", reasoning: "secret chain of thought" });
    const res = await adapter.complete(request());
    expect(res.text).toBe("final answer");
  });

  test("empty content is a valid completion", async () => {
    answer({ text: "" });
    const res = await adapter.complete(request());
    expect(res.text).toBe("");
    expect(res.finishReason).toBe("stop");
  });

  test.each([
    ["CRLF line endings", { crlf: true }],
    ["comment pings before every event", { comments: true }],
    ["an event: field on every event", { eventName: "message" }],
    ["multi-line data fields", { multilineData: true }],
    [
      "all framing variants at once",
      { crlf: true, comments: true, eventName: "completion", multilineData: true },
    ],
  ])("SSE framing: %s", async (_, framing) => {
    answer({ text: "naïve ∑ 🙂 done", framing });
    const res = await adapter.complete(request());
    expect(res.text).toBe("naïve ∑ 🙂 done");
    expect(res.usage.completionTokens).toBe(4);
  });

  test("byte-by-byte chunking splits JSON lines and multi-byte characters", async () => {
    answer({ text: "résumé 🙂 x² ≈ π", chunking: "byte", framing: { crlf: true } });
    const res = await adapter.complete(request());
    expect(res.text).toBe("résumé 🙂 x² ≈ π");
    expect(res.finishReason).toBe("stop");
  });

  test("a server that ignores stream:true and answers application/json is parsed", async () => {
    answer({ fault: "ignore-stream", text: "whole body" });
    const res = await adapter.complete(request());
    expect(res.text).toBe("whole body");
    expect(res.finishReason).toBe("stop");
    expect(res.usage.completionTokens).toBe(2);
  });
});

describe("openai adapter: HTTP error classification", () => {
  const cases: Array<[string, Fault, AdapterErrorKind, { status?: number; retryAfterMs?: number }]> = [
    [
      "429 Retry-After seconds",
      faults.rateLimitedSeconds(5),
      "rate_limited",
      { status: 429, retryAfterMs: 5000 },
    ],
    [
      "429 retry-after-ms wins",
      faults.rateLimitedMs(1500),
      "rate_limited",
      { status: 429, retryAfterMs: 1500 },
    ],
    [
      "429 huge Retry-After is not clamped",
      faults.rateLimitedSeconds(3600),
      "rate_limited",
      { retryAfterMs: 3_600_000 },
    ],
    [
      "429 without header",
      faults.rateLimitedBare(),
      "rate_limited",
      { status: 429, retryAfterMs: undefined },
    ],
    ["429 insufficient_quota", faults.insufficientQuota(), "quota", { status: 429 }],
    ["503 llama.cpp loading", faults.llamaLoading(), "overloaded", { status: 503 }],
    [
      "503 with Retry-After",
      faults.unavailableRetryAfter(2),
      "overloaded",
      { status: 503, retryAfterMs: 2000 },
    ],
    ["500 JSON", faults.serverJson(), "server", { status: 500 }],
    ["500 text/plain", faults.serverText(), "server", { status: 500 }],
    ["500 only one choice (a bad parameter)", faults.onlyOneChoice(), "bad_request", { status: 500 }],
    ["502 HTML from a proxy", faults.badGatewayHtml(), "server", { status: 502 }],
    ["504", faults.gatewayTimeout(), "server", { status: 504 }],
    [
      "400 llama.cpp exceed_context_size_error",
      faults.llamaContextOverflow(),
      "context_overflow",
      { status: 400 },
    ],
    [
      "400 OpenAI context_length_exceeded",
      faults.openaiContextOverflow(),
      "context_overflow",
      { status: 400 },
    ],
    ["400 vLLM flat context message", faults.vllmFlatOverflow(), "context_overflow", { status: 400 }],
    ["400 vLLM flat bad request", faults.vllmFlatBadRequest(), "bad_request", { status: 400 }],
    ["422 validation error", faults.unprocessable(), "bad_request", { status: 422 }],
    ["404 OpenAI model_not_found", faults.openaiModelNotFound("qwen-local"), "not_found", { status: 404 }],
    ["404 llama.cpp not_found_error", faults.llamaNotFound(), "not_found", { status: 404 }],
    ["404 vLLM flat NotFoundError", faults.vllmNotFound("qwen-local"), "not_found", { status: 404 }],
    ["401 bad key", faults.unauthorized(), "auth", { status: 401 }],
    ["403 permission", faults.forbidden(), "auth", { status: 403 }],
  ];
  test.each(cases)("%s", async (_, fault, kind, expected) => {
    answer(fault);
    const err = await failure(adapter.complete(request()), kind);
    if (expected.status !== undefined) expect(err.details.status).toBe(expected.status);
    if ("retryAfterMs" in expected) expect(err.details.retryAfterMs).toBe(expected.retryAfterMs);
    expect(err.message).toContain(`${fake.baseUrl}/chat/completions`);
    expect(err.message).toContain(`HTTP ${err.details.status}`);
    expect(err.details.body?.length).toBeGreaterThan(0);
    expect(err.message).not.toContain(KEY);
  });

  test("429 Retry-After as an HTTP date", async () => {
    answer(faults.rateLimitedDate(new Date(Date.now() + 120_000)));
    const err = await failure(adapter.complete(request()), "rate_limited");
    // HTTP dates have one-second resolution.
    expect(err.details.retryAfterMs).toBeGreaterThan(110_000);
    expect(err.details.retryAfterMs).toBeLessThanOrEqual(120_000);
  });

  test("the llama.cpp overflow body keeps its extra fields in details.body", async () => {
    answer(faults.llamaContextOverflow());
    const err = await failure(adapter.complete(request()), "context_overflow");
    expect(JSON.parse(err.details.body!).error.n_ctx).toBe(8192);
  });

  test("a server echoing the key in its error body has it redacted", async () => {
    answer(faults.http(401, { error: { message: `bad key ${KEY}`, type: "authentication_error" } }));
    const err = await failure(adapter.complete(request()), "auth");
    expect(err.message).not.toContain(KEY);
    expect(err.details.body).not.toContain(KEY);
    expect(err.message).toContain("[redacted]");
  });

  test("adapters make exactly one request per call (no hidden retries)", async () => {
    answer(faults.llamaLoading());
    const before = fake.stats.generations;
    await failure(adapter.complete(request()), "overloaded");
    expect(fake.stats.generations - before).toBe(1);
  });
});

describe("openai adapter: stream faults", () => {
  test("data: {error} mid-stream with HTTP 200 keeps the partial text", async () => {
    answer({ fault: "stream-error", text: "half way", style: "data" });
    const err = await failure(adapter.complete(request()), "server");
    expect(err.details.partialText).toBe("half way");
  });

  test("legacy llama.cpp `error:` line followed by [DONE] is an error, not a short completion", async () => {
    answer({ fault: "stream-error", text: "half way", style: "legacy" });
    const err = await failure(adapter.complete(request()), "server");
    expect(err.details.partialText).toBe("half way");
    expect(err.message).toContain("the model crashed");
  });

  test("event: error", async () => {
    answer({ fault: "stream-error", text: "x", style: "event" });
    const err = await failure(adapter.complete(request()), "server");
    expect(err.details.partialText).toBe("x");
  });

  test("mid-stream error with a status code is classified by it (OpenRouter 429)", async () => {
    answer({
      fault: "stream-error",
      text: "x",
      error: { error: { code: 429, message: "Rate limited upstream" } },
    });
    await failure(adapter.complete(request()), "rate_limited");
  });

  test("mid-stream context overflow", async () => {
    answer({
      fault: "stream-error",
      text: "x",
      error: { error: { code: 400, type: "exceed_context_size_error", message: "context size exceeded" } },
    });
    await failure(adapter.complete(request()), "context_overflow");
  });

  test("clean close without finish_reason or [DONE] is a protocol error with the partial text", async () => {
    answer({ fault: "no-terminator", text: "cut off here" });
    const err = await failure(adapter.complete(request()), "protocol");
    expect(err.details.partialText).toBe("cut off here");
  });

  test("reset mid-stream is a protocol error with the partial text", async () => {
    answer({ fault: "reset-mid-stream", text: "so far so" });
    const err = await failure(adapter.complete(request()), "protocol");
    expect(err.details.partialText).toBe("so far so");
  });

  test("reset before headers is a connection error", async () => {
    answer({ fault: "reset-before-headers" });
    const err = await failure(adapter.complete(request()), "connection");
    expect(err.message).toContain(fake.baseUrl);
  });

  test("half-written JSON with status 200", async () => {
    answer({ fault: "half-json" });
    await failure(adapter.complete(request()), "protocol");
  });

  test("malformed data line is an error, not skipped", async () => {
    answer({ fault: "malformed-line", text: "a b c" });
    const err = await failure(adapter.complete(request()), "protocol");
    expect(err.message).toContain("{not json");
    expect(err.details.partialText).toBe("a");
  });

  test("finish_reason error (OpenRouter) is a server error", async () => {
    answer({ text: "partial", finishReason: "error" });
    const err = await failure(adapter.complete(request()), "server");
    expect(err.details.partialText).toBe("partial");
  });
});

describe("openai adapter: connection and auth", () => {
  test("connection refused names the URL", async () => {
    const gone = await startFakeOpenAI();
    const url = gone.baseUrl;
    await gone.close();
    const dead = createAdapter(`openai:m@${url}`, {});
    const err = await failure(dead.complete(request()), "connection");
    expect(err.message).toContain(url);
    expect(err.message).toContain("ECONNREFUSED");
    await dead.close?.();
  });

  test("no Authorization header without OPENAI_API_KEY", async () => {
    const plain = createAdapter(`openai:m@${fake.baseUrl}`, {});
    answer({});
    await plain.complete(request());
    expect(fake.requests.at(-1)!.headers.authorization).toBeUndefined();
    await plain.close?.();
  });

  test("a server requiring a key rejects a wrong one as auth, without echoing the key", async () => {
    const locked = await startFakeOpenAI({ apiKey: "sk-right" });
    const wrong = createAdapter(`openai:m@${locked.baseUrl}`, { OPENAI_API_KEY: KEY });
    const err = await failure(wrong.complete(request()), "auth");
    expect(JSON.stringify(err)).not.toContain(KEY);
    expect(err.message).not.toContain(KEY);
    await wrong.close?.();
    await locked.close();
  });
});

describe("openai adapter: identify", () => {
  test("llama-server: /models meta and /props, no digest, no key anywhere", async () => {
    const id = await adapter.identify();
    expect(id.provider).toBe("openai");
    expect(id.name).toBe("qwen-local");
    expect(id.endpoint).toBe(fake.baseUrl);
    expect(id.digest).toBeUndefined();
    expect(id.serverVersion).toBe("b6097-9515c613");
    expect(id.details.llamaServer).toEqual({
      buildInfo: "b6097-9515c613",
      modelPath: "/models/qwen2.5-7b-instruct-q4_k_m.gguf",
      totalSlots: 1,
      nCtx: 8192,
    });
    expect(JSON.stringify(id)).not.toContain(KEY);
    expect(JSON.stringify(id)).not.toContain("canary");
    const probes = fake.requests.slice(-2).map((r) => r.path);
    expect(probes).toEqual(["/v1/models", "/props"]);
    expect(fake.requests.at(-1)!.headers.authorization).toBe(`Bearer ${KEY}`);
  });

  test("the listed model's meta is recorded when the name matches", async () => {
    const named = createAdapter(`openai:qwen2.5-7b-instruct-q4_k_m.gguf@${fake.baseUrl}`, {});
    const id = await named.identify();
    expect(id.details.model).toMatchObject({
      id: "qwen2.5-7b-instruct-q4_k_m.gguf",
      ownedBy: "llamacpp",
      meta: { n_params: 7_615_616_512 },
    });
    await named.close?.();
  });

  test("vLLM-like server: /version recorded, unknown model is not_found listing the available ids", async () => {
    const vllm = await startFakeOpenAI({
      llamaServer: false,
      vllmVersion: "0.6.3",
      modelId: "Qwen/Qwen2.5-7B-Instruct",
    });
    const ok = createAdapter(`openai:Qwen/Qwen2.5-7B-Instruct@${vllm.baseUrl}`, {});
    const id = await ok.identify();
    expect(id.serverVersion).toBe("0.6.3");
    expect(id.details.llamaServer).toBeUndefined();
    const typo = createAdapter(`openai:Qwen/Qwen2.5-7B@${vllm.baseUrl}`, {});
    const err = await failure(typo.identify(), "not_found");
    expect(err.message).toContain("Qwen/Qwen2.5-7B-Instruct");
    await ok.close?.();
    await typo.close?.();
    await vllm.close();
  });

  test("connection refused on identify", async () => {
    const gone = await startFakeOpenAI();
    await gone.close();
    const dead = createAdapter(`openai:m@${gone.baseUrl}`, {});
    await failure(dead.identify(), "connection");
    await dead.close?.();
  });
});
