import { describe, expect, it } from "vitest";
import type { ChatMessage, ModelIdentity, Sampling } from "../../src/models/types.js";
import type { PersonaCatalog } from "../../src/personas/catalog.js";
import { CACHE_KEY_VERSION, deriveSeed, generationKey, modelCacheKey } from "../../src/plan/keys.js";
import type { MathTaskConfig } from "../../src/task-kinds/math/config.js";
import { planMath } from "../../src/task-kinds/math/plan.js";
import type { MathProblem } from "../../src/task-kinds/math/problems.js";

const catalog: PersonaCatalog = {
  id: "c",
  version: "1",
  file: "/c.yaml",
  sha256: "0".repeat(64),
  defaultTemplate: "You are {persona}.",
  personas: [
    { id: "expert", text: "an expert", category: "expert" },
    { id: "blue", text: "favorite color is blue", category: "attr", template: "Your {persona}." },
  ],
};

function task(overrides: Partial<MathTaskConfig> = {}): MathTaskConfig {
  return {
    task: "math500",
    id: "math500",
    dataset: { name: "math500" },
    catalogFile: catalog.file,
    catalog,
    personas: catalog.personas,
    samples: 2,
    prompt: "{problem}\n\nBox it.",
    personaPlacement: "system",
    decoding: { temperature: 0.7, topP: 0.95, maxTokens: 256, seed: 7 },
    ...overrides,
  };
}

// Our own made-up problems; the second has "$&" and "$'", which String.replace would expand.
const problems: MathProblem[] = [
  { id: "p1", problem: "What is $1+2$?", answer: "3", subject: "Algebra", level: 1 },
  { id: "p2", problem: "Cost is $&5 and $'x$", answer: "5", subject: "Algebra", level: 1 },
];

describe("planMath", () => {
  it("crosses control and personas with problems and samples, problem by problem", () => {
    const plan = planMath(task(), problems, "mk");
    const items = [...plan.items()];
    expect(plan.size).toBe(3 * 2 * 2);
    expect(items).toHaveLength(plan.size);
    expect(items.slice(0, 6).map((i) => [i.itemId, i.personaId, i.sample])).toEqual([
      ["p1", "none", 0],
      ["p1", "none", 1],
      ["p1", "expert", 0],
      ["p1", "expert", 1],
      ["p1", "blue", 0],
      ["p1", "blue", 1],
    ]);
    expect(new Set(items.map((i) => i.key)).size).toBe(items.length);
  });

  it("renders the problem text verbatim, the persona as the system message, none for the control", () => {
    const items = [...planMath(task(), problems, "mk").items()].filter((i) => i.itemId === "p2");
    const control = items.find((i) => i.personaId === "none")!;
    expect(control.request.messages).toEqual([{ role: "user", content: "Cost is $&5 and $'x$\n\nBox it." }]);
    const blue = items.find((i) => i.personaId === "blue")!;
    expect(blue.request.messages[0]).toEqual({ role: "system", content: "Your favorite color is blue." });
  });

  it("gives every persona the same seed for a problem and sample, and different samples different seeds", () => {
    const items = [...planMath(task(), problems, "mk").items()];
    const seeds = (itemId: string, sample: number) =>
      new Set(
        items.filter((i) => i.itemId === itemId && i.sample === sample).map((i) => i.request.sampling.seed),
      );
    expect(seeds("p1", 0).size).toBe(1);
    expect([...seeds("p1", 0)][0]).toBe(deriveSeed(7, "p1", 0));
    expect([...seeds("p1", 0)][0]).not.toBe([...seeds("p1", 1)][0]);
    expect([...seeds("p1", 0)][0]).not.toBe([...seeds("p2", 0)][0]);
  });

  it("changes every key when the model, the decoding or the seed changes, and no key otherwise", () => {
    const keys = (t: MathTaskConfig, model = "mk", personasOnly = false) =>
      [...planMath(t, problems, model).items()]
        .filter((i) => !personasOnly || i.personaId !== "none")
        .map((i) => i.key);
    const base = keys(task());
    expect(keys(task())).toEqual(base);
    for (const changed of [
      keys(task(), "other-model"),
      keys(task({ decoding: { temperature: 0.7, topP: 0.95, maxTokens: 512, seed: 7 } })),
      keys(task({ decoding: { temperature: 0.7, topP: 0.95, maxTokens: 256, seed: 8 } })),
      keys(task({ decoding: { temperature: 0, topP: 0.95, maxTokens: 256, seed: 7 } })),
      // The control has no persona to place: only persona items change.
      keys(task({ personaPlacement: "user" }), "mk", true),
    ]) {
      expect(changed.filter((k) => base.includes(k))).toEqual([]);
    }
  });
});

/**
 * sha256 of [1, model key, [[role, content], ...], [[field, value], ...] sorted by field without undefined ones,
 * sample], as JSON; computed outside the project once and pinned.
 */
const PINNED_GENERATION_KEY = "d54c90a8c6f6f8317b0180313047187b7ee39dde942ada9d193b5de7fc9cf8ff";

describe("cache keys", () => {
  const identity: ModelIdentity = { provider: "ollama", name: "m", endpoint: "http://a:1", details: {} };
  it("uses the weights digest when known, so another endpoint with the same weights shares the cache", () => {
    const a = modelCacheKey({ ...identity, digest: "d1" });
    expect(modelCacheKey({ ...identity, endpoint: "http://b:2", digest: "d1" })).toBe(a);
    expect(modelCacheKey({ ...identity, digest: "d2" })).not.toBe(a);
    expect(modelCacheKey(identity)).not.toBe(modelCacheKey({ ...identity, endpoint: "http://b:2" }));
  });
  it("has a pinned format: any change must come with a bump of CACHE_KEY_VERSION", () => {
    // If this fails because the key format changed on purpose, bump CACHE_KEY_VERSION (old rows then stop
    // matching instead of being served for requests they were not answers to) and pin the new values here.
    expect(CACHE_KEY_VERSION).toBe(1);
    expect(modelCacheKey({ ...identity, digest: "sha256:d1" })).toBe(
      '{"provider":"ollama","name":"m","digest":"sha256:d1"}',
    );
    expect(modelCacheKey(identity)).toBe('{"provider":"ollama","name":"m","endpoint":"http://a:1"}');
    const messages = [
      { role: "system" as const, content: "You are a pirate." },
      { role: "user" as const, content: "What is 2+2?" },
    ];
    const sampling = { temperature: 0, topP: 1, maxTokens: 512, seed: 7, topK: undefined };
    expect(generationKey(modelCacheKey(identity), messages, sampling, 0)).toBe(PINNED_GENERATION_KEY);
  });
  it("depends on each message's role, and not on sampling fields left undefined", () => {
    const key = (messages: ChatMessage[], sampling: Sampling) => generationKey("m", messages, sampling, 0);
    const sampling = { temperature: 0, maxTokens: 5, seed: 1 };
    const asSystem = key([{ role: "system", content: "q" }], sampling);
    expect(key([{ role: "user", content: "q" }], sampling)).not.toBe(asSystem);
    expect(key([{ role: "system", content: "q" }], { ...sampling, topK: undefined, topP: undefined })).toBe(
      asSystem,
    );
  });
  it("does not depend on the order of sampling fields", () => {
    const messages = [{ role: "user" as const, content: "q" }];
    expect(generationKey("m", messages, { temperature: 0, maxTokens: 5, seed: 1 }, 0)).toBe(
      generationKey("m", messages, { seed: 1, maxTokens: 5, temperature: 0 }, 0),
    );
    expect(generationKey("m", messages, { temperature: 0, maxTokens: 5, seed: 1 }, 1)).not.toBe(
      generationKey("m", messages, { temperature: 0, maxTokens: 5, seed: 1 }, 0),
    );
  });
});
