import pLimit from "p-limit";
import { afterEach, describe, expect, it } from "vitest";
import { createAdapter } from "../../src/models/registry.js";
import {
  AdapterError,
  type CompletionResponse,
  type ModelAdapter,
  type Timeouts,
} from "../../src/models/types.js";
import type { WorkItem } from "../../src/plan/types.js";
import { AimdController, adaptiveLimit, DEFAULT_AIMD } from "../../src/runner/adaptive.js";
import { executePlan, type RunnerEvent } from "../../src/runner/execute.js";
import { DEFAULT_RETRY_POLICY } from "../../src/runner/retry.js";
import { Store } from "../../src/store/store.js";
import { type FakeOpenAI, faults, type RespondHook, startFakeOpenAI } from "../fakes/index.js";
import { HANG_MS } from "../helpers/hang.js";

/** Deadlines no healthy answer can miss, however loaded the machine: only a hang reaches them. */
const TIMEOUTS: Timeouts = { connectMs: HANG_MS, firstTokenMs: HANG_MS, idleMs: HANG_MS, totalMs: HANG_MS };
const RETRY = { ...DEFAULT_RETRY_POLICY, baseDelayMs: 0 };

function items(n: number): WorkItem[] {
  return Array.from({ length: n }, (_, i) => ({
    key: `key-${i}`,
    task: "t",
    personaId: "p",
    itemId: `item-${i}`,
    sample: 0,
    request: {
      messages: [{ role: "user" as const, content: `question ${i}` }],
      sampling: { temperature: 0, maxTokens: 8, seed: i },
    },
  }));
}

describe("executePlan against a real adapter and a fake server", () => {
  let fake: FakeOpenAI | undefined;
  afterEach(async () => {
    await fake?.close();
    fake = undefined;
  });

  async function setup(respond: RespondHook, extra: Parameters<typeof startFakeOpenAI>[0] = {}) {
    fake = await startFakeOpenAI({ respond, ...extra });
    return { adapter: createAdapter(`openai:m@${fake.baseUrl}`, {}), store: Store.open(":memory:") };
  }

  it("keeps exactly the limit of requests in flight, never more", async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const { adapter, store } = await setup(() => "ok", { beforeToken: () => gate });
    const running = executePlan(items(12), 12, {
      runId: "r",
      adapter,
      modelKey: "m",
      store,
      limit: pLimit(4),
      timeouts: TIMEOUTS,
      retry: RETRY,
    });
    // No request can finish before the gate opens, so reaching 4 proves the runner fills every slot.
    await fake!.waitFor((s) => s.inFlight === 4);
    release();
    const result = await running;
    expect(result).toMatchObject({ completed: 12, failed: 0, cached: 0, interrupted: false });
    expect(fake!.stats.maxInFlight).toBe(4);
    expect(store.count("generations")).toBe(12);
  });

  it("retries transient failures, records permanent ones with their reason, and skips the cache next time", async () => {
    const respond: RespondHook = (ctx) => {
      const i = Number(ctx.messages[0]!.content.split(" ")[1]);
      if (i === 3)
        return faults.http(400, { error: { message: "bad prompt", type: "invalid_request_error" } });
      if (i % 2 === 0 && ctx.attempt === 1) return faults.llamaLoading();
      return `answer ${i}`;
    };
    const { adapter, store } = await setup(respond);
    const events: RunnerEvent[] = [];
    const options = {
      runId: "r",
      adapter,
      modelKey: "m",
      store,
      limit: pLimit(3),
      timeouts: TIMEOUTS,
      retry: RETRY,
      onEvent: (e: RunnerEvent) => events.push(e),
    };
    const first = await executePlan(items(8), 8, options);
    expect(first).toMatchObject({ completed: 7, failed: 1, retries: 4 });
    expect(store.getGenerations(["key-2"]).get("key-2")).toMatchObject({ text: "answer 2", attempts: 2 });
    expect(store.failures("r")).toEqual([
      expect.objectContaining({
        key: "key-3",
        kind: "bad_request",
        attempts: 1,
        message: expect.stringMatching(/bad prompt.*not retryable/),
      }),
    ]);
    expect(events.filter((e) => e.type === "retry")).toHaveLength(4);

    const requests = fake!.stats.generations;
    const second = await executePlan(items(8), 8, options);
    expect(second).toMatchObject({ cached: 7, completed: 0, failed: 1 });
    expect(fake!.stats.generations).toBe(requests + 1);
  });

  it("stops on abort, keeps what finished, records no failure, and the server sees the cancelled requests go", async () => {
    const controller = new AbortController();
    const { adapter, store } = await setup((ctx) =>
      Number(ctx.messages[0]!.content.split(" ")[1]) < 2 ? "fast" : { fault: "stall", text: "partial" },
    );
    const running = executePlan(items(6), 6, {
      runId: "r",
      adapter,
      modelKey: "m",
      store,
      limit: pLimit(6),
      timeouts: TIMEOUTS,
      retry: RETRY,
      signal: controller.signal,
    });
    await fake!.waitFor((s) => s.generations === 6 && s.inFlight === 4);
    controller.abort(new Error("stop"));
    const result = await running;
    expect(result).toMatchObject({ completed: 2, failed: 0, interrupted: true });
    expect(store.count("generations")).toBe(2);
    expect(store.failures("r")).toEqual([]);
    await fake!.waitFor((s) => s.disconnects === 4);
  });
});

describe("executePlan under --concurrency auto", () => {
  it("does not charge a request for the 429s the controller's probing caused: every request completes", async () => {
    // A server that takes one request at a time and answers 429 to any other, and a limit that starts at 8. The
    // controller shrinks towards 1 and probes upwards again; meanwhile requests meet more 429s than the cap of 3
    // allows, none of them their own.
    let inFlight = 0;
    const rejectedOf = new Map<string, number>();
    const server: ModelAdapter = {
      provider: "fake",
      spec: "fake:one-slot",
      identify: async () => ({ provider: "fake", name: "m", endpoint: "fake", details: {} }),
      async complete(request): Promise<CompletionResponse> {
        if (inFlight >= 1) {
          const key = request.messages[0]!.content;
          rejectedOf.set(key, (rejectedOf.get(key) ?? 0) + 1);
          throw new AdapterError("rate_limited", "rate_limited: 429", { status: 429, retryAfterMs: 0 });
        }
        inFlight++;
        await new Promise((resolve) => setImmediate(resolve));
        inFlight--;
        return {
          text: "ok",
          finishReason: "stop",
          usage: {},
          timing: { startedAt: "", totalMs: 1 },
          served: {},
        };
      },
    };
    const controller = new AimdController({ ...DEFAULT_AIMD, initial: 8 });
    const limit = adaptiveLimit<CompletionResponse>(
      controller,
      () => 1, // no latency signal: only the 429s move the limit
      (error) => error instanceof AdapterError && error.kind === "rate_limited",
      DEFAULT_AIMD.max,
    );
    const store = Store.open(":memory:");
    const result = await executePlan(items(16), 16, {
      runId: "r",
      adapter: server,
      modelKey: "m",
      store,
      limit,
      timeouts: TIMEOUTS,
      retry: { ...RETRY, maxAttempts: 3 },
    });
    expect(result).toMatchObject({ completed: 16, failed: 0 });
    expect(store.failures("r")).toEqual([]);
    expect(Math.max(...rejectedOf.values())).toBeGreaterThanOrEqual(3);
    expect(controller.history[0]).toBe(6);
  });
});
