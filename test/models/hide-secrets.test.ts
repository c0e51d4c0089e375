import { describe, expect, it } from "vitest";
import { hidingSecrets } from "../../src/models/hide-secrets.js";
import { AdapterError, type CompletionRequest, type ModelAdapter } from "../../src/models/types.js";

const KEY = "sk-test-0123456789";

const request: CompletionRequest = {
  requestId: "r1",
  messages: [{ role: "user", content: "hi" }],
  sampling: { temperature: 0, maxTokens: 8 },
  timeouts: { connectMs: 1000, firstTokenMs: 1000, idleMs: 1000, totalMs: 1000 },
};

/** An adapter whose server echoes the key everywhere it can. */
function echoing(fail = false): ModelAdapter {
  return {
    provider: "openai",
    spec: "openai:m@http://127.0.0.1:9/v1",
    identify: async () => ({
      provider: "openai",
      name: "m",
      endpoint: "http://127.0.0.1:9/v1",
      serverVersion: `v1 ${KEY}`,
      details: { servedModels: [`m-${KEY}`], meta: { note: `Bearer ${KEY}` } },
    }),
    complete: async () => {
      if (fail) {
        throw new AdapterError("server", `server: 500 Bearer ${KEY}`, {
          status: 500,
          body: `{"echo":"${KEY}"}`,
          partialText: `half an answer ${KEY}`,
        });
      }
      return {
        text: `You sent ${KEY}, twice: ${KEY}`,
        finishReason: "stop",
        usage: { completionTokens: 3 },
        timing: { startedAt: "2026-01-01T00:00:00.000Z", totalMs: 5 },
        served: { model: `m ${KEY}` },
      };
    },
    close: async () => {},
  };
}

describe("hidingSecrets", () => {
  it("replaces the key in answers, identities and errors (message, body, partial text)", async () => {
    const adapter = hidingSecrets(echoing(), [KEY]);
    const answer = await adapter.complete(request);
    expect(answer.text).toBe("You sent [redacted], twice: [redacted]");
    expect(answer.served.model).toBe("m [redacted]");
    expect(answer.timing).toEqual({ startedAt: "2026-01-01T00:00:00.000Z", totalMs: 5 });
    expect(JSON.stringify(await adapter.identify())).not.toContain(KEY);
    const error = await hidingSecrets(echoing(true), [KEY])
      .complete(request)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AdapterError);
    expect((error as AdapterError).kind).toBe("server");
    expect((error as AdapterError).details.status).toBe(500);
    expect(JSON.stringify([(error as AdapterError).message, (error as AdapterError).details])).not.toContain(
      KEY,
    );
    expect((error as AdapterError).details.partialText).toBe("half an answer [redacted]");
  });

  it("keeps the adapter's optional methods exactly as they are, and its spec", () => {
    const adapter = hidingSecrets(echoing(), [KEY]);
    expect(adapter.spec).toBe("openai:m@http://127.0.0.1:9/v1");
    expect(adapter.close).toBeTypeOf("function");
    expect(adapter.replicaUsage).toBeUndefined();
    expect(adapter.concurrency).toBeUndefined();
    expect(JSON.stringify(adapter)).not.toContain(KEY);
  });

  it("leaves answers alone for a placeholder key too short to be a secret", async () => {
    const inner = echoing();
    expect(hidingSecrets(inner, ["EMPTY", ""])).toBe(inner);
  });
});
