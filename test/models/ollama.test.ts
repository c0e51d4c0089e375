import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createAdapter } from "../../src/models/registry.js";
import type { AdapterErrorKind, ModelAdapter } from "../../src/models/types.js";
import {
  type FakeOllama,
  type Fault,
  faults,
  pseudoText,
  type RespondResult,
  startFakeOllama,
} from "../fakes/index.js";
import { failure, request, SYSTEM, USER } from "./helpers.js";

const MODEL = "qwen2.5:7b-instruct";
let fake: FakeOllama;
let adapter: ModelAdapter;
let next: () => RespondResult = () => ({});

beforeAll(async () => {
  fake = await startFakeOllama({
    respond: () => next(),
    models: [{ name: MODEL }, { name: "llama3.2:latest", family: "llama" }],
  });
  adapter = createAdapter(`ollama:${MODEL}@${fake.url}`, {});
});
afterAll(async () => {
  await adapter.close?.();
  await fake.close();
});

function answer(result: RespondResult): void {
  next = () => result;
}

describe("ollama adapter: happy paths and request mapping", () => {
  test("streams /api/chat and aggregates text, usage and server timings (ns -> ms)", async () => {
    answer({});
    const first = await adapter.complete(request({ requestId: "r-1" }));
    expect(first.text).toBe(pseudoText([SYSTEM, USER], 7, 0));
    expect(first.finishReason).toBe("stop");
    expect(first.rawFinishReason).toBe("stop");
    expect(first.usage).toEqual({ promptTokens: 5, completionTokens: expect.any(Number) });
    expect(first.timing.server).toEqual({ loadMs: 1200, promptMs: 100, genMs: 200 });
    expect(first.served.model).toBe(MODEL);
    // load_duration is omitempty once loaded: absent, not zero.
    const second = await adapter.complete(request());
    expect(second.timing.server).toEqual({ promptMs: 100, genMs: 200 });
    const captured = fake.requests.at(-1)!;
    expect(captured.path).toBe("/api/chat");
    expect(captured.headers.authorization).toBeUndefined();
  });

  test("sends stream:true and options temperature, top_p, top_k, seed, num_predict, num_ctx, stop explicitly", async () => {
    answer({});
    await adapter.complete(
      request({
        requestId: "r-2",
        sampling: {
          temperature: 0.6,
          topP: 0.95,
          topK: 20,
          seed: 99,
          maxTokens: 77,
          stop: ["END"],
          contextLength: 8192,
        },
      }),
    );
    const captured = fake.requests.at(-1)!;
    expect(captured.body).toEqual({
      model: MODEL,
      messages: [SYSTEM, USER],
      stream: true,
      options: {
        temperature: 0.6,
        top_p: 0.95,
        top_k: 20,
        seed: 99,
        num_predict: 77,
        num_ctx: 8192,
        stop: ["END"],
      },
    });
    expect(captured.headers["x-request-id"]).toBe("r-2");
  });

  test("done_reason length", async () => {
    answer({ text: "a b c d e" });
    const res = await adapter.complete(request({ sampling: { temperature: 0, maxTokens: 3 } }));
    expect(res.text).toBe("a b c");
    expect(res.finishReason).toBe("length");
  });

  test("thinking is not part of the text", async () => {
    answer({ text: "42", reasoning: "let me think" });
    expect((await adapter.complete(request())).text).toBe("42");
  });

  test("byte-by-byte chunking splits NDJSON lines and multi-byte characters", async () => {
    answer({ text: "naïve 🙂 ∑ x² résumé", chunking: "byte" });
    expect((await adapter.complete(request())).text).toBe("naïve 🙂 ∑ x² résumé");
  });

  test("a single non-streamed JSON object is accepted as a one-line stream", async () => {
    answer({ fault: "ignore-stream", text: "all at once" });
    const res = await adapter.complete(request());
    expect(res.text).toBe("all at once");
    expect(res.finishReason).toBe("stop");
  });
});

describe("ollama adapter: errors", () => {
  const cases: Array<[string, Fault, AdapterErrorKind]> = [
    ["503 server busy (no Retry-After)", faults.ollamaBusy(), "overloaded"],
    ["404 model 'x' not found", faults.ollamaNotFound(MODEL), "not_found"],
    ['404 model "x" not found, try pulling it first', faults.ollamaNotFoundPull(MODEL), "not_found"],
    [
      "500 runner crash",
      faults.http(500, { error: "llama runner process has terminated: signal: killed" }),
      "server",
    ],
    ["500 text", faults.serverText(), "server"],
    ["502 HTML", faults.badGatewayHtml(), "server"],
    ["400 bad options", faults.http(400, { error: 'invalid options: "num_predict"' }), "bad_request"],
    ["429 with Retry-After", faults.rateLimitedSeconds(3), "rate_limited"],
    ["403 cloud disabled", faults.http(403, { error: "cloud models are disabled" }), "auth"],
  ];
  test.each(cases)("%s", async (_, fault, kind) => {
    answer(fault);
    const err = await failure(adapter.complete(request()), kind);
    expect(err.message).toContain(`${fake.url}/api/chat`);
    expect(err.message).toContain(`HTTP ${err.details.status}`);
    if (kind === "not_found") expect(err.message).toContain(`ollama pull ${MODEL}`);
  });

  test("unknown model from the real handler path is not_found with the pull hint", async () => {
    const missing = createAdapter(`ollama:mistral:7b@${fake.url}`, {});
    const err = await failure(missing.complete(request()), "not_found");
    expect(err.message).toContain("ollama pull mistral:7b");
    await missing.close?.();
  });

  test("mid-stream {error} line is a server error with the partial text", async () => {
    answer({ fault: "stream-error", text: "one two" });
    const err = await failure(adapter.complete(request()), "server");
    expect(err.details.partialText).toBe("one two");
    expect(err.message).toContain("an error was encountered while running the model");
  });

  test("stream without done:true is a protocol error with the partial text", async () => {
    answer({ fault: "no-terminator", text: "one two three" });
    const err = await failure(adapter.complete(request()), "protocol");
    expect(err.details.partialText).toBe("one two three");
    expect(err.message).toContain("done:true");
  });

  test("a malformed NDJSON line is an error, not skipped", async () => {
    answer({ fault: "malformed-line", text: "alpha beta" });
    const err = await failure(adapter.complete(request()), "protocol");
    expect(err.message).toContain("{not json");
    expect(err.details.partialText).toBe("alpha");
  });

  test("half-written JSON with 200", async () => {
    answer({ fault: "half-json" });
    await failure(adapter.complete(request()), "protocol");
  });

  test("reset mid-stream keeps the partial text", async () => {
    answer({ fault: "reset-mid-stream", text: "so far" });
    const err = await failure(adapter.complete(request()), "protocol");
    expect(err.details.partialText).toBe("so far");
  });

  test("reset before headers is a connection error", async () => {
    answer({ fault: "reset-before-headers" });
    await failure(adapter.complete(request()), "connection");
  });

  test("connection refused names the URL and says how to start Ollama", async () => {
    const gone = await startFakeOllama();
    await gone.close();
    const dead = createAdapter(`ollama:${MODEL}@${gone.url}`, {});
    for (const call of [() => dead.complete(request()), () => dead.identify()]) {
      const err = await failure(call(), "connection");
      expect(err.message).toContain(gone.url);
      expect(err.message).toContain("ECONNREFUSED");
      expect(err.message).toContain("ollama serve");
    }
    await dead.close?.();
  });
});

describe("ollama adapter: identify", () => {
  test("version, tags digest, show details and the blob sha256 from the FROM line", async () => {
    const id = await adapter.identify();
    expect(id).toMatchObject({
      provider: "ollama",
      name: MODEL,
      endpoint: fake.url,
      digest: fake.digestOf(MODEL),
      serverVersion: "0.12.6",
    });
    expect(id.details).toMatchObject({
      family: "qwen2",
      parameterSize: "7.6B",
      quantization: "Q4_K_M",
      format: "gguf",
      blobSha256: fake.blobOf(MODEL),
      contextLength: 32768,
      architecture: "qwen2",
      capabilities: ["completion", "tools"],
    });
    expect(id.details.templateSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(() => JSON.stringify(id)).not.toThrow();
  });

  test("a name without tag matches the :latest entry", async () => {
    const bare = createAdapter(`ollama:llama3.2@${fake.url}`, {});
    expect((await bare.identify()).digest).toBe(fake.digestOf("llama3.2:latest"));
    await bare.close?.();
  });

  test("a model that is not installed is not_found with `ollama pull` advice and the installed list", async () => {
    const missing = createAdapter(`ollama:phi3:mini@${fake.url}`, {});
    const err = await failure(missing.identify(), "not_found");
    expect(err.message).toContain("ollama pull phi3:mini");
    expect(err.message).toContain(MODEL);
    await missing.close?.();
  });
});
