import { describe, expect, it } from "vitest";
import { ReplicaSetAdapter } from "../../src/models/replicas.js";
import {
  AdapterError,
  type CompletionRequest,
  type CompletionResponse,
  type ModelAdapter,
} from "../../src/models/types.js";

/**
 * An in-memory replica whose next answers are scripted: "ok" or a connection failure. `digest` is the weights
 * digest it reports (none by default, as an OpenAI-compatible server).
 */
function replica(
  endpoint: string,
  script: ("ok" | "down")[] = [],
  digest?: string,
): ModelAdapter & { calls: number } {
  return {
    provider: "openai",
    spec: `openai:m@${endpoint}`,
    calls: 0,
    async identify() {
      return { provider: "openai", name: "m", endpoint, ...(digest ? { digest } : {}), details: {} };
    },
    async complete(): Promise<CompletionResponse> {
      this.calls++;
      if ((script.shift() ?? "ok") === "down")
        throw new AdapterError("connection", `connection: cannot reach ${endpoint} (ECONNREFUSED)`);
      return {
        text: endpoint,
        finishReason: "stop",
        usage: {},
        timing: { startedAt: "", totalMs: 0 },
        served: {},
      };
    },
  };
}

const request: CompletionRequest = {
  requestId: "r",
  messages: [{ role: "user", content: "hi" }],
  sampling: { temperature: 0, maxTokens: 8 },
  timeouts: { connectMs: 1000, firstTokenMs: 1000, idleMs: 1000, totalMs: 1000 },
};

describe("ReplicaSetAdapter", () => {
  it("takes a replica that stops answering out of rotation, sends its request elsewhere, and tries it again later", async () => {
    let now = 0;
    const notices: string[] = [];
    const a = replica("http://a/v1", ["down"]);
    const b = replica("http://b/v1");
    const set = new ReplicaSetAdapter({
      provider: "openai",
      spec: "openai:m@http://a/v1,http://b/v1",
      name: "m",
      replicas: [
        { endpoint: "http://a/v1", adapter: a },
        { endpoint: "http://b/v1", adapter: b },
      ],
      onNotice: (m) => notices.push(m),
      now: () => now,
    });
    expect(set.concurrency(4)).toEqual({ key: "replicas:http://a/v1,http://b/v1", slots: 8 });
    expect((await set.complete(request)).text).toBe("http://b/v1");
    expect(notices).toEqual([
      "replica http://a/v1 stopped answering (connection: cannot reach http://a/v1 (ECONNREFUSED)): out of rotation, trying again in 5 s; 1 of 2 replicas left",
    ]);
    expect((await set.complete(request)).text).toBe("http://b/v1");
    expect(a.calls).toBe(1);
    now = 5_000;
    expect((await set.complete(request)).text).toBe("http://a/v1");
    expect(notices[1]).toBe("replica http://a/v1 answers again: back in rotation");
    expect(set.replicaUsage()).toEqual([
      { endpoint: "http://a/v1", served: 1 },
      { endpoint: "http://b/v1", served: 2 },
    ]);
  });

  it("refuses a replica that reports no digest beside one that does, naming it", async () => {
    const digest = "a".repeat(64);
    const set = (...digests: (string | undefined)[]) =>
      new ReplicaSetAdapter({
        provider: "ollama",
        spec: "s",
        name: "m",
        replicas: digests.map((d, i) => ({
          endpoint: `http://r${i}:11434`,
          adapter: replica(`http://r${i}:11434`, [], d),
        })),
      });
    const error = await set(digest, undefined, digest)
      .identify()
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(error).toBeInstanceOf(AdapterError);
    expect((error as AdapterError).message).toBe(
      `replicas serve different weights: http://r1:11434 reports no digest, while http://r0:11434, http://r2:11434 report ${digest}; every replica must serve the same model (drop the odd one out)`,
    );
    // Replicas that all report the same digest, or none at all, are one model.
    expect((await set(digest, digest).identify()).digest).toBe(digest);
    expect((await set(undefined, undefined).identify()).digest).toBeUndefined();
  });

  it("passes the connection error to the runner's retry policy when every replica is down", async () => {
    const set = new ReplicaSetAdapter({
      provider: "openai",
      spec: "s",
      name: "m",
      replicas: [
        { endpoint: "http://a/v1", adapter: replica("http://a/v1", ["down"]) },
        { endpoint: "http://b/v1", adapter: replica("http://b/v1", ["down"]) },
      ],
    });
    await expect(set.complete(request)).rejects.toMatchObject({ kind: "connection" });
  });

  it("keeps each replica under its own slots and sends work to the least busy", async () => {
    const gates: Array<() => void> = [];
    const slow = (endpoint: string): ModelAdapter => ({
      ...replica(endpoint),
      complete: () =>
        new Promise((resolve) =>
          gates.push(() =>
            resolve({
              text: endpoint,
              finishReason: "stop",
              usage: {},
              timing: { startedAt: "", totalMs: 0 },
              served: {},
            }),
          ),
        ),
    });
    const set = new ReplicaSetAdapter({
      provider: "openai",
      spec: "s",
      name: "m",
      replicas: [
        { endpoint: "http://a/v1", adapter: slow("http://a/v1") },
        { endpoint: "http://b/v1", adapter: slow("http://b/v1") },
      ],
    });
    set.concurrency(2);
    const answers = Array.from({ length: 5 }, () => set.complete(request));
    await new Promise((resolve) => setImmediate(resolve));
    expect(gates).toHaveLength(4);
    gates.shift()!();
    await new Promise((resolve) => setImmediate(resolve));
    expect(gates).toHaveLength(4);
    for (const open of gates.splice(0)) open();
    await new Promise((resolve) => setImmediate(resolve));
    for (const open of gates.splice(0)) open();
    const texts = (await Promise.all(answers)).map((r) => r.text).sort();
    expect(texts.filter((t) => t === "http://a/v1").length).toBeGreaterThanOrEqual(2);
    expect(texts.filter((t) => t === "http://b/v1").length).toBe(2);
  });
});
