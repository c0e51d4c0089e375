/**
 * The stage context's concurrency limits: keyed on the endpoint URL for servers, and on the adapter's own key for
 * in-process models, which never get more than their slots even when two roles (subject and judge) share them.
 */
import { describe, expect, it } from "vitest";
import type { CompletionResponse, ModelAdapter, ModelIdentity, Timeouts } from "../../src/models/types.js";
import type { WorkItem } from "../../src/plan/types.js";
import { DEFAULT_RETRY_POLICY } from "../../src/runner/retry.js";
import { StageContext } from "../../src/runner/stage.js";
import { Store } from "../../src/store/store.js";

const TIMEOUTS: Timeouts = { connectMs: 1_000, firstTokenMs: 5_000, idleMs: 5_000, totalMs: 10_000 };

function items(prefix: string, n: number): WorkItem[] {
  return Array.from({ length: n }, (_, i) => ({
    key: `${prefix}-${i}`,
    task: "t",
    personaId: "p",
    itemId: `${prefix}-${i}`,
    sample: 0,
    request: {
      messages: [{ role: "user" as const, content: `${prefix} ${i}` }],
      sampling: { temperature: 0, maxTokens: 4 },
    },
  }));
}

/** Counts calls in flight across every adapter sharing `counter`; each call waits for a few event-loop turns. */
function adapter(
  counter: { now: number; max: number },
  concurrency?: { key: string; slots: number },
): ModelAdapter {
  return {
    provider: "fake",
    spec: "fake:m",
    // Like an in-process model: its own key, and at most its slots whatever the run's concurrency.
    ...(concurrency
      ? {
          concurrency: (perServer: number) => ({
            key: concurrency.key,
            slots: Math.min(concurrency.slots, perServer),
          }),
        }
      : {}),
    identify: async () => identity,
    async complete(): Promise<CompletionResponse> {
      counter.now++;
      counter.max = Math.max(counter.max, counter.now);
      for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
      counter.now--;
      return {
        text: "x",
        finishReason: "stop",
        usage: {},
        timing: { startedAt: "", totalMs: 1 },
        served: {},
      };
    },
  };
}

const identity: ModelIdentity = { provider: "fake", name: "m", endpoint: "http://127.0.0.1:1", details: {} };

function context() {
  return new StageContext("run", Store.open(":memory:"), {
    concurrency: 4,
    timeouts: TIMEOUTS,
    retry: { ...DEFAULT_RETRY_POLICY, baseDelayMs: 0 },
  });
}

describe("StageContext limits", () => {
  it("gives an in-process model's roles one shared limit of min(slots, --concurrency)", async () => {
    const counter = { now: 0, max: 0 };
    const shared = { key: "gguf:/m.gguf", slots: 2 };
    const ctx = context();
    const subject = { spec: "gguf:/m.gguf", adapter: adapter(counter, shared), identity };
    const judge = {
      spec: "gguf:/m.gguf",
      adapter: adapter(counter, shared),
      identity: { ...identity, endpoint: "" },
    };
    await Promise.all([
      ctx.execute("t", "subject", subject, items("s", 8), 8),
      ctx.execute("t", "judge", judge, items("j", 8), 8),
    ]);
    expect(ctx.totals.completed).toBe(16);
    expect(counter.max).toBe(2);
  });

  it("keys a server on its endpoint with --concurrency slots", async () => {
    const counter = { now: 0, max: 0 };
    const ctx = context();
    await ctx.execute(
      "t",
      "subject",
      { spec: "fake:m", adapter: adapter(counter), identity },
      items("s", 12),
      12,
    );
    expect(counter.max).toBe(4);
    const many = { now: 0, max: 0 };
    const big = {
      spec: "gguf:/b.gguf",
      adapter: adapter(many, { key: "gguf:/b.gguf", slots: 16 }),
      identity,
    };
    await context().execute("t", "subject", big, items("b", 12), 12);
    expect(many.max).toBe(4);
  });
});
