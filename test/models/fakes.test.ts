import { afterEach, describe, expect, test } from "vitest";
import { createAdapter } from "../../src/models/registry.js";
import { type FakeServer, faults, pseudoText, startFakeOllama, startFakeOpenAI } from "../fakes/index.js";
import { failure, request, SYSTEM, USER } from "./helpers.js";

/** A gate the fakes await before each token, opened by the test. */
function gate(): { wait: () => Promise<void>; open: () => void } {
  let open: () => void = () => {};
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { wait: () => opened, open };
}

const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0)) await fn();
});

function track<T extends FakeServer>(fake: T): T {
  cleanup.push(() => fake.close());
  return fake;
}

describe("fake servers", () => {
  test("waitFor fails after its deadline, naming what it waited for and the counters", async () => {
    const fake = track(await startFakeOpenAI());
    await expect(fake.waitFor((s) => s.generations === 99, 50)).rejects.toThrow(
      /gave up after 50 ms waiting for \(s\) => s\.generations === 99; stats \{"requests":0,"generations":0/,
    );
    await fake.waitFor((s) => s.generations === 0, 50);
  });

  test.each(["ollama", "openai"])(
    "%s: slot limit queues excess generations instead of rejecting them",
    async (kind) => {
      const g = gate();
      const fake = track(
        kind === "ollama"
          ? await startFakeOllama({ slots: 2, beforeToken: () => g.wait() })
          : await startFakeOpenAI({ slots: 2, beforeToken: () => g.wait() }),
      );
      const spec = kind === "ollama" ? `ollama:qwen2.5:7b-instruct@${fake.url}` : `openai:m@${fake.url}/v1`;
      const adapter = createAdapter(spec, {});
      cleanup.push(async () => adapter.close?.());
      const calls = Array.from({ length: 5 }, (_, i) =>
        adapter.complete(request({ sampling: { temperature: 0, seed: i, maxTokens: 8 } })),
      );
      await fake.waitFor((s) => s.generating === 2 && s.queued === 3);
      g.open();
      const results = await Promise.all(calls);
      expect(results.map((r) => r.text)).toEqual(
        results.map((_, i) => pseudoText([SYSTEM, USER], i, 0).split(" ").slice(0, 8).join(" ")),
      );
      expect(fake.stats).toMatchObject({
        maxGenerating: 2,
        generating: 0,
        queued: 0,
        maxInFlight: 5,
        inFlight: 0,
        disconnects: 0,
      });
    },
  );

  test("ollama: a full bounded queue answers 503 server busy", async () => {
    const g = gate();
    const fake = track(await startFakeOllama({ slots: 1, maxQueue: 1, beforeToken: () => g.wait() }));
    const adapter = createAdapter(`ollama:qwen2.5:7b-instruct@${fake.url}`, {});
    cleanup.push(async () => adapter.close?.());
    const running = adapter.complete(request());
    const queued = adapter.complete(request());
    await fake.waitFor((s) => s.generating === 1 && s.queued === 1);
    const err = await failure(adapter.complete(request()), "overloaded");
    expect(err.message).toContain("server busy");
    g.open();
    await Promise.all([running, queued]);
  });

  test("a client that leaves while queued frees its place and is counted as a disconnect", async () => {
    const g = gate();
    const fake = track(await startFakeOpenAI({ slots: 1, beforeToken: () => g.wait() }));
    const adapter = createAdapter(`openai:m@${fake.baseUrl}`, {});
    cleanup.push(async () => adapter.close?.());
    const running = adapter.complete(request());
    const controller = new AbortController();
    const leaving = failure(adapter.complete(request({ signal: controller.signal })), "aborted");
    await fake.waitFor((s) => s.queued === 1);
    controller.abort();
    await leaving;
    await fake.waitFor((s) => s.queued === 0 && s.disconnects === 1);
    g.open();
    await running;
    expect(fake.stats.maxGenerating).toBe(1);
  });

  test("respond hook sees the attempt number per identical body, so 'fail the first N' scripts work", async () => {
    const seen: Array<[number, number]> = [];
    const fake = track(
      await startFakeOpenAI({
        respond: (ctx) => {
          seen.push([ctx.attempt, ctx.requestIndex]);
          return ctx.attempt <= 2 ? faults.llamaLoading() : "third time lucky";
        },
      }),
    );
    const adapter = createAdapter(`openai:m@${fake.baseUrl}`, {});
    cleanup.push(async () => adapter.close?.());
    const same = request();
    await failure(adapter.complete(same), "overloaded");
    await failure(adapter.complete(same), "overloaded");
    expect((await adapter.complete(same)).text).toBe("third time lucky");
    expect(seen).toEqual([
      [1, 0],
      [2, 1],
      [3, 2],
    ]);
  });

  test("pseudo-text is a pure function of (messages, seed, temperature), random without a seed at temperature > 0", () => {
    const a = pseudoText([USER], 3, 0.7);
    expect(pseudoText([USER], 3, 0.7)).toBe(a);
    expect(pseudoText([USER], 4, 0.7)).not.toBe(a);
    expect(pseudoText([SYSTEM, USER], 3, 0.7)).not.toBe(a);
    const unseeded = new Set(Array.from({ length: 5 }, () => pseudoText([USER], undefined, 1)));
    expect(unseeded.size).toBeGreaterThan(1);
  });

  test("llama-server flavour: /health goes from 503 loading to 200, /slots and /metrics answer", async () => {
    const fake = track(await startFakeOpenAI({ loading: true, slots: 3 }));
    const health = await fetch(`${fake.url}/health`);
    expect(health.status).toBe(503);
    expect(await health.json()).toEqual({
      error: { code: 503, message: "Loading model", type: "unavailable_error" },
    });
    fake.setReady();
    expect((await fetch(`${fake.url}/health`)).status).toBe(200);
    expect(await (await fetch(`${fake.url}/slots`)).json()).toHaveLength(3);
    expect(await (await fetch(`${fake.url}/metrics`)).text()).toContain("llamacpp:requests_deferred 0");
  });

  test("ollama: warm-up with empty messages answers done_reason load; /api/ps lists the loaded model", async () => {
    const fake = track(await startFakeOllama());
    const warm = await fetch(`${fake.url}/api/chat`, {
      method: "POST",
      body: JSON.stringify({ model: "qwen2.5:7b-instruct", messages: [] }),
    });
    expect(await warm.json()).toMatchObject({ done: true, done_reason: "load" });
    const adapter = createAdapter(`ollama:qwen2.5:7b-instruct@${fake.url}`, {});
    cleanup.push(async () => adapter.close?.());
    await adapter.complete(request());
    const ps = (await (await fetch(`${fake.url}/api/ps`)).json()) as {
      models: Array<{ context_length: number }>;
    };
    expect(ps.models[0]?.context_length).toBe(4096);
  });

  test("close() ends stalled responses promptly", async () => {
    const fake = await startFakeOpenAI({ respond: () => ({ fault: "stall", text: "x" }) });
    const adapter = createAdapter(`openai:m@${fake.baseUrl}`, {});
    const call = adapter.complete(request()).catch((e: unknown) => e);
    await fake.waitFor((s) => s.generating === 1);
    await fake.close();
    // Before or after the headers went out, depending on where the handler was: either way the call ends.
    expect(["connection", "protocol"]).toContain(((await call) as { kind: string }).kind);
    await adapter.close?.();
  });
});
