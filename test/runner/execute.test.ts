import pLimit from "p-limit";
import { afterEach, describe, expect, it } from "vitest";
import { createAdapter } from "../../src/models/registry.js";
import type { Timeouts } from "../../src/models/types.js";
import type { WorkItem } from "../../src/plan/types.js";
import { executePlan, type RunnerEvent } from "../../src/runner/execute.js";
import { DEFAULT_RETRY_POLICY } from "../../src/runner/retry.js";
import { Store } from "../../src/store/store.js";
import { type FakeOpenAI, faults, type RespondHook, startFakeOpenAI } from "../fakes/index.js";

const TIMEOUTS: Timeouts = { connectMs: 2_000, firstTokenMs: 10_000, idleMs: 10_000, totalMs: 20_000 };
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
