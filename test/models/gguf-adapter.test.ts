/**
 * The gguf: adapter through the real node-llama-cpp, on a tiny random-weight model the test writes itself. Its
 * text is noise: the assertions are about behaviour (template, system prompt, seeds, token limits, sequences,
 * deadlines, abort), never about what it says.
 */
import { createHash } from "node:crypto";
import { mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GgufAdapter } from "../../src/models/gguf/adapter.js";
import { modelSha256 } from "../../src/models/gguf/hash-cache.js";
import { acquireModel, releaseModel } from "../../src/models/gguf/runtime.js";
import { createAdapter } from "../../src/models/registry.js";
import { parseModelSpec } from "../../src/models/spec.js";
import type { CompletionRequest, ModelIdentity } from "../../src/models/types.js";
import { NO_SYSTEM_TEMPLATE, syntheticGguf, writeSyntheticGguf } from "../helpers/gguf.js";
import { failure, RELAXED, request } from "./helpers.js";

const SETTINGS = { gpu: "off" as const, threads: 1 };

function ask(overrides: Partial<CompletionRequest["sampling"]> = {}, extra: Partial<CompletionRequest> = {}) {
  return request({ sampling: { temperature: 0.8, seed: 7, maxTokens: 24, ...overrides }, ...extra });
}

describe("gguf: adapter (node-llama-cpp, synthetic model)", () => {
  let dir: string;
  let path: string;
  let adapter: GgufAdapter;
  let identity: ModelIdentity;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "persona-bench-gguf-"));
    path = writeSyntheticGguf(join(dir, "tiny.gguf"), { contextLength: 1024 });
    adapter = createAdapter(
      `gguf:${path}`,
      { PERSONA_BENCH_CACHE_DIR: join(dir, "cache") },
      {
        ...SETTINGS,
        sequences: 2,
      },
    ) as GgufAdapter;
    identity = await adapter.identify();
  });
  afterAll(async () => {
    await adapter.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("identifies the weights by their sha256, with GGUF metadata, versions and the compute backend", async () => {
    const sha256 = createHash("sha256")
      .update(syntheticGguf({ contextLength: 1024 }))
      .digest("hex");
    expect(identity).toMatchObject({
      provider: "gguf",
      name: "synthetic-tiny-random-llama",
      digest: sha256,
      endpoint: `file://${path}`,
      serverVersion: expect.stringMatching(/^node-llama-cpp 3\.21\.1 \(llama\.cpp .+\)$/),
    });
    expect(identity.details).toMatchObject({
      architecture: "llama",
      quantization: "ALL_F32",
      parameterCount: 116_928,
      contextLength: 1024,
      chatTemplateSha256: expect.stringMatching(/^[0-9a-f]{64}$/),
      chatWrapper: "ChatML",
      nodeLlamaCpp: "3.21.1",
      compute: "cpu",
      backend: "cpu",
      threads: 1,
      sequences: 2,
    });
    expect(adapter.concurrency(8)).toEqual({ key: expect.stringContaining(path), slots: 2 });
    expect(adapter.concurrency(1)).toEqual({ key: expect.stringContaining(path), slots: 1 });
  });

  it("renders the model's chat template with the system prompt, and the same seed gives the same text", async () => {
    const withSystem = await adapter.complete(ask());
    const again = await adapter.complete(ask());
    const noSystem = await adapter.complete(
      ask({}, { messages: [{ role: "user", content: "Say something." }] }),
    );
    expect(again.text).toBe(withSystem.text);
    // ChatML: "<|im_start|>system\nYou are terse.<|im_end|>\n" = 4 control/newline tokens + 14 byte tokens.
    expect(withSystem.usage.promptTokens! - noSystem.usage.promptTokens!).toBeGreaterThanOrEqual(
      "You are terse.".length,
    );
    const texts = new Set<string>();
    for (const seed of [1, 2, 3, 4]) texts.add((await adapter.complete(ask({ seed, maxTokens: 16 }))).text);
    expect(texts.size).toBeGreaterThan(1);
  });

  it("honours max tokens and reports a length stop", async () => {
    for (const maxTokens of [1, 5, 17]) {
      const response = await adapter.complete(ask({ maxTokens, seed: 11 }));
      expect(response.usage.completionTokens).toBeLessThanOrEqual(maxTokens);
      if (response.finishReason === "length") {
        expect(response.usage.completionTokens).toBe(maxTokens);
        expect(response.rawFinishReason).toBe("maxTokens");
      } else {
        expect(response.rawFinishReason).toBe("eogToken");
      }
    }
  });

  it("runs as many generations at once as the context has sequences, and queues the rest", async () => {
    const shared = await acquireModel(path, { ...SETTINGS, sequences: 1 });
    try {
      const busy = { now: 0, max: 0 };
      const acquire = shared.acquire.bind(shared);
      const release = shared.release.bind(shared);
      shared.acquire = async (...args) => {
        const sequence = await acquire(...args);
        busy.now++;
        busy.max = Math.max(busy.max, busy.now);
        return sequence;
      };
      shared.release = (sequence) => {
        busy.now--;
        release(sequence);
      };
      const responses = await Promise.all(
        [1, 2, 3, 4, 5].map((seed) => adapter.complete(ask({ seed, maxTokens: 40 }))),
      );
      shared.acquire = acquire;
      shared.release = release;
      expect(responses).toHaveLength(5);
      expect(busy.max).toBe(2);
      // The same request alone or beside others gives the same text (sequences do not share state).
      const alone = await adapter.complete(ask({ seed: 3, maxTokens: 40 }));
      expect(responses[2]!.text).toBe(alone.text);
    } finally {
      await releaseModel(shared);
    }
  });

  it("stops at the total deadline and on the caller's abort, then serves the next request", async () => {
    // A model that does not end its turn under greedy decoding: every generation runs until it is stopped.
    const file = writeSyntheticGguf(join(dir, "endless.gguf"), { endless: true, contextLength: 4096 });
    const endless = new GgufAdapter({ spec: parseGgufOrThrow(`gguf:${file}`), ...SETTINGS, env: {} });
    const maxTokens = 3000;
    const long = (extra: Partial<CompletionRequest> = {}) =>
      request({ sampling: { temperature: 0, maxTokens, contextLength: 4096 }, ...extra });
    try {
      await endless.identify();
      // Tokens generated by each call, counted on its sequence: a stopped generation made fewer than it asked.
      const shared = await acquireModel(file, { ...SETTINGS, sequences: 1 });
      const generated: (() => number)[] = [];
      const acquire = shared.acquire.bind(shared);
      shared.acquire = async (...args) => {
        const sequence = await acquire(...args);
        const before = sequence.tokenMeter.getState();
        generated.push(() => sequence.tokenMeter.diff(before).usedOutputTokens);
        return sequence;
      };
      const lastCall = () => generated[generated.length - 1]!();
      const control = await endless.complete(request({ sampling: { temperature: 0, maxTokens: 200 } }));
      expect(control.finishReason).toBe("length");
      expect(lastCall()).toBe(200);

      const timeout = await failure(
        endless.complete(long({ timeouts: { ...RELAXED, totalMs: 40 } })),
        "timeout",
      );
      expect(timeout.details.deadline).toBe("total");
      expect(lastCall()).toBeLessThan(maxTokens);

      const firstToken = await failure(
        endless.complete(long({ timeouts: { ...RELAXED, firstTokenMs: 1 } })),
        "timeout",
      );
      expect(firstToken.details.deadline).toBe("first_token");

      await failure(endless.complete(long({ signal: AbortSignal.timeout(30) })), "aborted");
      expect(lastCall()).toBeLessThan(maxTokens);

      const controller = new AbortController();
      controller.abort();
      await failure(endless.complete(long({ signal: controller.signal })), "aborted");

      const next = await endless.complete(request({ sampling: { temperature: 0, maxTokens: 200 } }));
      expect(next.text).toBe(control.text);
      shared.acquire = acquire;
      await releaseModel(shared);
    } finally {
      await endless.close();
    }
  });

  it("refuses a prompt longer than the context as context_overflow", async () => {
    const long = "x".repeat(1500);
    await failure(
      adapter.complete(ask({}, { messages: [{ role: "user", content: long }] })),
      "context_overflow",
    );
  });

  it("folds the system prompt into the user turn for a template without a system role", async () => {
    const file = writeSyntheticGguf(join(dir, "no-system.gguf"), {
      chatTemplate: NO_SYSTEM_TEMPLATE,
      seed: 3,
    });
    const noSystem = new GgufAdapter({ spec: parseGgufOrThrow(`gguf:${file}`), ...SETTINGS, env: {} });
    try {
      // Not a template node-llama-cpp knows: it runs the Jinja template itself, which raises on a system role,
      // so the library puts the system prompt at the top of the first user turn.
      expect((await noSystem.identify()).details.chatWrapper).toBe("JinjaTemplate");
      const withSystem = await noSystem.complete(ask());
      const userOnly = await noSystem.complete(
        ask({}, { messages: [{ role: "user", content: "Say something." }] }),
      );
      expect(withSystem.usage.promptTokens!).toBeGreaterThan(
        userOnly.usage.promptTokens! + "You are terse.".length - 1,
      );
    } finally {
      await noSystem.close();
    }
  });

  it("hashes a file once: the cached sha256 is reused until its size or mtime changes", async () => {
    const cache = join(dir, "hash-cache");
    const file = join(dir, "data.bin");
    writeFileSync(file, "first");
    utimesSync(file, new Date(1_000_000), new Date(1_000_000));
    const first = await modelSha256(file, cache);
    // Same size and mtime: the remembered hash is used (this is what spares rehashing a 5 GB file).
    writeFileSync(file, "fir5t");
    utimesSync(file, new Date(1_000_000), new Date(1_000_000));
    expect(await modelSha256(file, cache)).toBe(first);
    utimesSync(file, new Date(2_000_000), new Date(2_000_000));
    const second = await modelSha256(file, cache);
    expect(second).not.toBe(first);
    expect(second).toBe(createHash("sha256").update("fir5t").digest("hex"));
  });
});

function parseGgufOrThrow(spec: string) {
  const parsed = parseModelSpec(spec, {});
  if (parsed.provider !== "gguf") throw new Error("not a gguf spec");
  return parsed;
}
