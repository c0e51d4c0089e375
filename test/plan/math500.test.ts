import { describe, expect, it } from "vitest";
import type { Math500TaskConfig } from "../../src/config/benchmark.js";
import type { ModelIdentity } from "../../src/models/types.js";
import type { PersonaCatalog } from "../../src/personas/catalog.js";
import { deriveSeed, generationKey, modelCacheKey } from "../../src/plan/keys.js";
import { planMath500 } from "../../src/plan/math500.js";
import type { MathProblem } from "../../src/tasks/math500.js";

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

function task(overrides: Partial<Math500TaskConfig> = {}): Math500TaskConfig {
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

describe("planMath500", () => {
  it("crosses control and personas with problems and samples, problem by problem", () => {
    const plan = planMath500(task(), problems, "mk");
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
    const items = [...planMath500(task(), problems, "mk").items()].filter((i) => i.itemId === "p2");
    const control = items.find((i) => i.personaId === "none")!;
    expect(control.request.messages).toEqual([{ role: "user", content: "Cost is $&5 and $'x$\n\nBox it." }]);
    const blue = items.find((i) => i.personaId === "blue")!;
    expect(blue.request.messages[0]).toEqual({ role: "system", content: "Your favorite color is blue." });
  });

  it("gives every persona the same seed for a problem and sample, and different samples different seeds", () => {
    const items = [...planMath500(task(), problems, "mk").items()];
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
    const keys = (t: Math500TaskConfig, model = "mk", personasOnly = false) =>
      [...planMath500(t, problems, model).items()]
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

describe("cache keys", () => {
  const identity: ModelIdentity = { provider: "ollama", name: "m", endpoint: "http://a:1", details: {} };
  it("uses the weights digest when known, so another endpoint with the same weights shares the cache", () => {
    const a = modelCacheKey({ ...identity, digest: "d1" });
    expect(modelCacheKey({ ...identity, endpoint: "http://b:2", digest: "d1" })).toBe(a);
    expect(modelCacheKey({ ...identity, digest: "d2" })).not.toBe(a);
    expect(modelCacheKey(identity)).not.toBe(modelCacheKey({ ...identity, endpoint: "http://b:2" }));
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
