import { afterEach, describe, expect, it } from "vitest";
import { createAdapter } from "../../src/models/registry.js";
import { type FakeServer, startFakeOllama, startFakeOpenAI } from "../fakes/index.js";
import { HANG_MS } from "../helpers/hang.js";

const TIMEOUTS = { connectMs: HANG_MS, firstTokenMs: HANG_MS, idleMs: HANG_MS, totalMs: HANG_MS };

describe("identity probes against a server that only has its chat endpoint", () => {
  let fake: FakeServer | undefined;
  afterEach(async () => {
    await fake?.close();
    fake = undefined;
  });

  it("openai: runs without /models, /props and /version, and claims nothing they would have told", async () => {
    const server = await startFakeOpenAI({ chatOnly: true, respond: () => "hello" });
    fake = server;
    const adapter = createAdapter(`openai:any-model@${server.baseUrl}`, {});
    const identity = await adapter.identify();
    // Every probe was tried and answered 501; the identity holds only what the spec said: no digest, no server
    // version, no model metadata, an empty list of served models.
    expect(server.requests.map((r) => r.path)).toEqual(["/v1/models", "/props", "/version"]);
    expect(identity).toEqual({
      provider: "openai",
      name: "any-model",
      endpoint: server.baseUrl,
      details: { servedModels: [] },
    });
    const response = await adapter.complete({
      requestId: "r",
      messages: [{ role: "user", content: "hi" }],
      sampling: { temperature: 0, maxTokens: 4 },
      timeouts: TIMEOUTS,
    });
    expect(response.text).toBe("hello");
  });

  it("ollama: runs without /api/version, /api/tags and /api/show, listing them as unavailable", async () => {
    const server = await startFakeOllama({ chatOnly: true, respond: () => "hello" });
    fake = server;
    const adapter = createAdapter(`ollama:qwen2.5:7b-instruct@${server.url}`, {});
    const identity = await adapter.identify();
    expect(identity.digest).toBeUndefined();
    expect(identity.serverVersion).toBeUndefined();
    expect(identity.details.unavailable).toEqual([
      expect.stringMatching(/^\/api\/version: .*501/),
      expect.stringMatching(/^\/api\/tags: .*501/),
      expect.stringMatching(/^\/api\/show: .*501/),
    ]);
    const response = await adapter.complete({
      requestId: "r",
      messages: [{ role: "user", content: "hi" }],
      sampling: { temperature: 0, maxTokens: 4 },
      timeouts: TIMEOUTS,
    });
    expect(response.text).toBe("hello");
  });

  it("still fails at once when nothing listens", async () => {
    const adapter = createAdapter("ollama:m:1@http://127.0.0.1:9", {});
    await expect(adapter.identify()).rejects.toMatchObject({ kind: "connection" });
  });
});
