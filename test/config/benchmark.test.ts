import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { applyOverrides, type BenchmarkDefinition, loadBenchmark } from "../../src/benchmark/benchmark.js";
import { loadCatalog } from "../../src/personas/catalog.js";
import type { MathTaskConfig } from "../../src/task-kinds/math/config.js";
import { thrown } from "../helpers/errors.js";
import { fixturesDir } from "../helpers/paths.js";
import { tempDir } from "../helpers/tmp.js";

const fixture = (name: string) => resolve(fixturesDir, "config", name);

/** The first task of a benchmark, which these fixtures all define as a math500 block. */
function math500(def: BenchmarkDefinition): MathTaskConfig {
  const task = def.tasks[0];
  if (task?.task !== "math500") throw new Error("expected a math500 task first");
  return task as MathTaskConfig;
}

describe("loadBenchmark", () => {
  it("resolves the catalog relative to the benchmark file and maps every setting", () => {
    const def = loadBenchmark(fixture("bench-good.yaml"));
    expect(def.id).toBe("test-bench");
    expect(def.description).toBe("tests only");
    expect(def.file).toBe(fixture("bench-good.yaml"));
    expect(def.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(def.tasks).toHaveLength(1);
    const task = math500(def);
    expect(task.catalogFile).toBe(fixture("catalog-good.yaml"));
    expect(task.catalog.id).toBe("test-personas");
    expect(task.personas.map((persona) => persona.id)).toEqual(["arithmetic-expert", "sailor", "likes-red"]);
    expect(task).toMatchObject({
      task: "math500",
      limit: 2,
      samples: 3,
      prompt: "Solve: {problem}",
      personaPlacement: "user",
      decoding: { temperature: 0.6, topP: 0.95, topK: 20, maxTokens: 512, seed: 7 },
    });
  });

  it("refuses a math dataset that is not registered, naming the registered ones and the line", () => {
    const dir = tempDir();
    const file = join(dir, "bench.yaml");
    const good = readFileSync(fixture("bench-good.yaml"), "utf8");
    writeFileSync(
      file,
      good
        .replace("task: math500", "task: math\n    dataset: math5000")
        .replace("catalog-good.yaml", fixture("catalog-good.yaml")),
    );
    expect(thrown(() => loadBenchmark(file)).message).toBe(
      `${file}:6: tasks[0].dataset: unknown dataset "math5000" (known: math500, aime24, amc23, gsm8k)`,
    );
  });

  it("defaults to all personas, no limit and system placement", () => {
    const task = math500(loadBenchmark(fixture("bench-minimal.json")));
    expect(task.personas.map((persona) => persona.id)).toEqual(["arithmetic-expert", "sailor"]);
    expect(task.limit).toBeUndefined();
    expect(task.personaPlacement).toBe("system");
    expect(task.decoding).toEqual({ temperature: 0, topP: 1, maxTokens: 100, seed: 0 });
  });

  const cases: [string, string, number, string, string][] = [
    ["bench-no-placeholder.yaml", "bench-no-placeholder.yaml", 6, "tasks[0].prompt", "{problem} placeholder"],
    [
      "bench-missing-catalog.yaml",
      "bench-missing-catalog.yaml",
      4,
      "tasks[0].catalog",
      "catalog file not found",
    ],
    [
      "bench-unknown-persona.yaml",
      "bench-unknown-persona.yaml",
      5,
      "tasks[0].personas",
      'unknown persona id "pirate"',
    ],
    ["bench-lists-control.yaml", "bench-lists-control.yaml", 5, "tasks[0].personas", "always run"],
    [
      "bench-unknown-decoding-key.yaml",
      "bench-unknown-decoding-key.yaml",
      10,
      "tasks[0].decoding.tempreature",
      "unknown key",
    ],
    ["bench-negative-seed.yaml", "bench-negative-seed.yaml", 11, "tasks[0].decoding.seed", "must be >= 0"],
    ["bench-bad-catalog.yaml", "catalog-duplicate-id.yaml", 10, "personas[2].id", "duplicate persona id"],
  ];
  it.each(cases)("%s fails in %s at line %s", (name, file, line, field, reason) => {
    const error = thrown(() => loadBenchmark(fixture(name)));
    expect(error.file).toBe(fixture(file));
    expect(error.line).toBe(line);
    expect(error.field).toBe(field);
    expect(error.reason).toContain(reason);
  });
});

describe("benchmark hash", () => {
  /** Copies bench-good.yaml and its catalog into a fresh folder, applying text edits to either. */
  function variant(edit: { bench?: (text: string) => string; catalog?: (text: string) => string } = {}) {
    const dir = tempDir();
    const bench = readFileSync(fixture("bench-good.yaml"), "utf8");
    const catalog = readFileSync(fixture("catalog-good.yaml"), "utf8");
    writeFileSync(join(dir, "bench-good.yaml"), (edit.bench ?? ((text) => text))(bench));
    writeFileSync(join(dir, "catalog-good.yaml"), (edit.catalog ?? ((text) => text))(catalog));
    return loadBenchmark(join(dir, "bench-good.yaml")).hash;
  }
  const base = loadBenchmark(fixture("bench-good.yaml")).hash;

  it("is stable across loads and machines (paths and the description are not part of it)", () => {
    expect(loadBenchmark(fixture("bench-good.yaml")).hash).toBe(base);
    expect(variant()).toBe(base);
    expect(variant({ bench: (text) => text.replace("tests only", "another description") })).toBe(base);
    expect(variant({ bench: (text) => text.replace("# A small", "# An edited comment in a small") })).toBe(
      base,
    );
  });

  it.each<[string, { bench?: (text: string) => string; catalog?: (text: string) => string }]>([
    ["prompt", { bench: (text) => text.replace("Solve: {problem}", "Solve this: {problem}") }],
    ["temperature", { bench: (text) => text.replace("temperature: 0.6", "temperature: 0.7") }],
    ["top_p", { bench: (text) => text.replace("top_p: 0.95", "top_p: 0.9") }],
    ["top_k", { bench: (text) => text.replace("      top_k: 20\n", "") }],
    ["max_tokens", { bench: (text) => text.replace("max_tokens: 512", "max_tokens: 513") }],
    ["seed", { bench: (text) => text.replace("seed: 7", "seed: 8") }],
    ["samples", { bench: (text) => text.replace("samples: 3", "samples: 2") }],
    ["limit", { bench: (text) => text.replace("    limit: 2\n", "") }],
    ["placement", { bench: (text) => text.replace("persona_placement: user", "persona_placement: system") }],
    ["selection", { bench: (text) => text.replace("categories: [irrelevant]", "categories: [role]") }],
    ["id", { bench: (text) => text.replace("id: test-bench", "id: test-bench-2") }],
    ["persona text", { catalog: (text) => text.replace("text: a sailor", "text: an old sailor") }],
    ["persona template", { catalog: (text) => text.replace('"Your {persona}."', '"Your {persona}!"') }],
    ["catalog bytes only", { catalog: (text) => `${text}# trailing comment\n` }],
  ])("changes when the %s changes", (_name, edit) => {
    expect(variant(edit)).not.toBe(base);
  });
});

describe("applyOverrides", () => {
  const def: BenchmarkDefinition = loadBenchmark(fixture("bench-good.yaml"));

  it("applies limit, samples, seed and personas to every task and recomputes the hash", () => {
    const changed = applyOverrides(def, { limit: 1, samples: 5, seed: 99, personas: { ids: ["baker"] } });
    const task = math500(changed);
    expect([task.limit, task.samples, task.decoding.seed]).toEqual([1, 5, 99]);
    expect(task.personas.map((persona) => persona.id)).toEqual(["baker"]);
    expect(changed.hash).not.toBe(def.hash);
    // The input definition is not mutated.
    expect(math500(def).decoding.seed).toBe(7);
    expect(math500(def).personas).toHaveLength(3);
  });

  it("keeps the hash when nothing changes, and matches a file with the same values", () => {
    expect(applyOverrides(def, {}).hash).toBe(def.hash);
    expect(applyOverrides(def, { samples: 3, seed: 7 }).hash).toBe(def.hash);
    expect(math500(applyOverrides(def, { personas: { all: true } })).personas).toHaveLength(4);
  });

  it.each([
    [{ limit: 0 }, "limit: must be an integer >= 1 (got 0)"],
    [{ limit: 1.5 }, "limit: must be an integer >= 1 (got 1.5)"],
    [{ samples: 0 }, "samples: must be an integer between 1 and 1000 (got 0)"],
    [{ samples: 1001 }, "samples: must be an integer between 1 and 1000 (got 1001)"],
    [{ seed: -1 }, "seed: must be an integer >= 0 (got -1)"],
    [{ seed: 2 ** 53 }, `seed: must be an integer >= 0 (got ${2 ** 53})`],
    [{ seed: Number.NaN }, "seed: must be an integer >= 0 (got NaN)"],
    [{ personas: { ids: ["pirate"] } }, 'personas: unknown persona id "pirate"'],
  ])("rejects %j", (overrides, message) => {
    expect(thrown(() => applyOverrides(def, overrides)).message).toContain(message);
  });
});

describe("files shipped in the repository", () => {
  const repo = resolve(fixturesDir, "..");

  it("personas/math.yaml is a complete catalog with a 7-persona lottery", () => {
    const catalog = loadCatalog(join(repo, "personas/math.yaml"));
    expect(catalog.id).toBe("math-personas");
    expect(catalog.version).toBe("1");
    expect(catalog.personas.length).toBeGreaterThanOrEqual(30);
    expect(catalog.personas.filter((persona) => persona.lottery)).toHaveLength(7);
    expect(catalog.personas.every((persona) => persona.expectedEffect !== undefined)).toBe(true);
    const categories = new Set(catalog.personas.map((persona) => persona.category));
    expect(categories.size).toBeGreaterThanOrEqual(6);
  });

  it("benchmarks/math500-stability.yaml runs every persona on all problems", () => {
    const def = loadBenchmark(join(repo, "benchmarks/math500-stability.yaml"));
    const task = math500(def);
    expect(task.limit).toBeUndefined();
    expect(task.personas).toHaveLength(task.catalog.personas.length);
    expect(task.samples).toBe(1);
    expect(task.decoding).toEqual({
      temperature: 0,
      topP: 1,
      maxTokens: 4096,
      seed: 1234,
      contextLength: 8192,
    });
    expect(task.prompt).toBe(
      "{problem}\n\nPlease reason step by step, and put your final answer within \\boxed{}.",
    );
    expect(task.personaPlacement).toBe("system");
  });

  it("benchmarks/math500-quick.yaml runs the 7 lottery personas plus one on 50 problems", () => {
    const def = loadBenchmark(join(repo, "benchmarks/math500-quick.yaml"));
    const task = math500(def);
    expect(task.limit).toBe(50);
    expect(task.personas).toHaveLength(8);
    expect(task.personas.filter((persona) => persona.lottery)).toHaveLength(7);
    expect(task.prompt).toBe(math500(loadBenchmark(join(repo, "benchmarks/math500-stability.yaml"))).prompt);
  });

  it("every benchmark and catalog file in the repository loads", () => {
    // gate-*.yaml are release-gate policies (test/gate/rules.test.ts loads them), not benchmarks.
    const benchmarks = readdirSync(join(repo, "benchmarks")).filter(
      (name) => /\.(ya?ml|json)$/.test(name) && !name.startsWith("gate-"),
    );
    const catalogs = readdirSync(join(repo, "personas")).filter((name) => /\.(ya?ml|json)$/.test(name));
    expect(benchmarks.length).toBeGreaterThanOrEqual(2);
    for (const name of benchmarks)
      expect(loadBenchmark(join(repo, "benchmarks", name)).tasks.length).toBeGreaterThan(0);
    for (const name of catalogs)
      expect(loadCatalog(join(repo, "personas", name)).personas.length).toBeGreaterThan(0);
  });
});
