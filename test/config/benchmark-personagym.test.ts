import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import {
  applyOverrides,
  type BenchmarkDefinition,
  benchmarkHash,
  loadBenchmark,
} from "../../src/benchmark/benchmark.js";
import type { MathTaskConfig } from "../../src/task-kinds/math/config.js";
import {
  DEFAULT_PERSONAGYM_SYSTEM_PROMPT,
  type PersonaGymTaskConfig,
} from "../../src/task-kinds/personagym/config.js";
import { thrown } from "../helpers/errors.js";
import { fixturesDir, repoRoot } from "../helpers/paths.js";

const fixture = (name: string) => resolve(fixturesDir, "personagym/config", name);
const personaGymTask = (def: BenchmarkDefinition, index = 0) => def.tasks[index] as PersonaGymTaskConfig;

describe("loadBenchmark: personagym tasks", () => {
  it("maps every setting", () => {
    expect(personaGymTask(loadBenchmark(fixture("pg-good.yaml")))).toEqual({
      task: "personagym",
      id: "personagym",
      limit: 3,
      seed: 11,
      systemPrompt: "Play {persona}; answer as them.",
      decoding: { temperature: 0.7, topP: 0.8, maxTokens: 256, seed: 5 },
      judgeDecoding: { temperature: 0, topP: 1, maxTokens: 300, seed: 9 },
      scoreExamples: false,
      rubrics: "upstream",
      judges: ["ollama:judge-a", "openai:judge-b@http://127.0.0.1:8080/v1"],
    });
  });

  it("defaults to all personas, our system prompt and rubrics, score examples on, no judges", () => {
    const task = personaGymTask(loadBenchmark(fixture("pg-minimal.yaml")));
    expect(task.limit).toBeUndefined();
    expect(task.systemPrompt).toBe(DEFAULT_PERSONAGYM_SYSTEM_PROMPT);
    expect(task.systemPrompt).toContain("{persona}");
    expect(task.scoreExamples).toBe(true);
    expect(task.rubrics).toBe("ours");
    expect(task.judges).toBeUndefined();
  });

  it("ships benchmarks/personagym.yaml with the documented values", () => {
    const def = loadBenchmark(resolve(repoRoot, "benchmarks/personagym.yaml"));
    expect(def.id).toBe("personagym");
    expect(personaGymTask(def)).toEqual({
      task: "personagym",
      id: "personagym",
      seed: 1234,
      systemPrompt: DEFAULT_PERSONAGYM_SYSTEM_PROMPT,
      decoding: { temperature: 0.9, topP: 0.9, maxTokens: 1024, seed: 1234, contextLength: 8192 },
      judgeDecoding: { temperature: 0, topP: 1, maxTokens: 1024, seed: 1234, contextLength: 8192 },
      scoreExamples: true,
      rubrics: "ours",
    });
  });

  it("loads a benchmark with both task kinds", () => {
    const def = loadBenchmark(fixture("pg-mixed.yaml"));
    expect(def.tasks.map((task) => task.task)).toEqual(["math500", "personagym"]);
    expect((def.tasks[0] as MathTaskConfig).samples).toBe(2);
  });

  const cases: [string, number, string, string][] = [
    ["pg-no-placeholder.yaml", 5, "tasks[0].system_prompt", "{persona} placeholder"],
    ["pg-bad-judge.yaml", 9, "tasks[0].judges[1]", 'invalid model spec "gpt4-without-provider"'],
    ["pg-unknown-key.yaml", 5, "tasks[0].samples", 'unknown key "samples"'],
    ["pg-missing-judge-decoding.yaml", 3, "tasks[0].judge_decoding", 'missing required key "judge_decoding"'],
    ["pg-bad-rubrics.yaml", 7, "tasks[0].rubrics", "must be one of: ours, upstream"],
  ];
  it.each(cases)("%s fails at line %s, %s", (name, line, field, reason) => {
    const error = thrown(() => loadBenchmark(fixture(name)));
    expect(error.file).toBe(fixture(name));
    expect(error.line).toBe(line);
    expect(error.field).toBe(field);
    expect(error.reason).toContain(reason);
  });
});

describe("benchmark hash and overrides for personagym", () => {
  const def = loadBenchmark(fixture("pg-good.yaml"));
  const task = personaGymTask(def);
  const hashWith = (changed: Partial<PersonaGymTaskConfig>) =>
    benchmarkHash({ id: def.id, tasks: [{ ...task, ...changed }] });

  it("changes with everything that changes a prompt, a request or its count", () => {
    const variants: Partial<PersonaGymTaskConfig>[] = [
      { limit: 4 },
      { limit: undefined },
      { seed: 12 },
      { systemPrompt: "Be {persona}." },
      { decoding: { ...task.decoding, temperature: 0.8 } },
      { decoding: { ...task.decoding, seed: 6 } },
      { judgeDecoding: { ...task.judgeDecoding, maxTokens: 301 } },
      { scoreExamples: true },
      { rubrics: "ours" },
      { judges: ["ollama:judge-a"] },
    ];
    const hashes = variants.map(hashWith);
    expect(hashWith({})).toBe(def.hash);
    expect(new Set([def.hash, ...hashes]).size).toBe(variants.length + 1);
  });

  it("--limit counts personas, --seed moves the subset and the subject seeds, not the judges'", () => {
    const updated = personaGymTask(applyOverrides(def, { limit: 7, seed: 99 }));
    expect(updated.limit).toBe(7);
    expect(updated.seed).toBe(99);
    expect(updated.decoding.seed).toBe(99);
    expect(updated.judgeDecoding).toEqual(task.judgeDecoding);
    expect(task.seed).toBe(11);
  });

  it("--samples and --personas leave personagym tasks alone but still apply to math500", () => {
    const mixed = loadBenchmark(fixture("pg-mixed.yaml"));
    const updated = applyOverrides(mixed, { samples: 5, personas: { ids: ["sailor"] } });
    expect(updated.tasks[1]).toEqual(mixed.tasks[1]);
    expect(updated.ignoredOverrides).toEqual([
      { taskId: "personagym", override: "samples" },
      { taskId: "personagym", override: "personas" },
    ]);
    const math = updated.tasks[0] as MathTaskConfig;
    expect(math.samples).toBe(5);
    expect(math.personas.map((persona) => persona.id)).toEqual(["sailor"]);
  });
});
