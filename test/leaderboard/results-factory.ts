import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { mathHeadline, personaGymHeadline } from "../../src/results/headline.js";
import type { Results } from "../../src/results/types.js";
import type { MathPersonaResult, MathSection } from "../../src/task-kinds/math/section-types.js";
import type { PersonaGymSection } from "../../src/task-kinds/personagym/section-types.js";

const HEX = (c: string) => c.repeat(64).slice(0, 64);

export interface FakeRun {
  model: string;
  digest?: string;
  benchmarkHash?: string;
  benchmarkId?: string;
  datasetHash?: string;
  status?: Results["status"];
  finishedAt?: string;
  /** Control accuracy, then each persona's. */
  control: number;
  personas: Record<string, number>;
  /** Persona texts, by id (default: "a <id>"). */
  texts?: Record<string, string>;
  personaScore?: number | null;
  runId?: string;
}

/** A valid version-2 results.json with exactly the figures given; the summary is computed plainly from them. */
export function fakeResults(run: FakeRun): Results {
  const ids = Object.keys(run.personas);
  const accs = ids.map((id) => run.personas[id]!);
  const mean = accs.reduce((a, b) => a + b, 0) / accs.length;
  const std = Math.sqrt(accs.reduce((a, b) => a + (b - mean) ** 2, 0) / accs.length);
  const min = Math.min(...accs);
  const max = Math.max(...accs);
  const persona = (id: string, category: string, text: string, accuracy: number): MathPersonaResult => ({
    id,
    category,
    text,
    n: 100,
    correct: Math.round(accuracy * 100),
    accuracy,
    ci95: [Math.max(0, accuracy - 0.09), Math.min(1, accuracy + 0.09)],
    extractionFailures: 2,
    accuracyWhenExtracted: accuracy,
    truncated: 1,
    deltaVsControl: id === "none" ? 0 : accuracy - run.control,
    deltaCi95: id === "none" ? null : [accuracy - run.control - 0.05, accuracy - run.control + 0.05],
    pValue: id === "none" ? null : 0.01,
    pValueHolm: id === "none" ? null : 0.04,
    discordant: id === "none" ? null : { personaOnly: 3, controlOnly: 5 },
    errors: 0,
  });
  const personas = [
    persona("none", "control", "", run.control),
    ...ids.map((id) => persona(id, "test", run.texts?.[id] ?? `You are a ${id}.`, run.personas[id]!)),
  ];
  const summary: MathSection["summary"] = {
    personas: ids.length,
    mean,
    std,
    stdKind: "population",
    min,
    max,
    range: max - min,
    worst: ids.filter((id) => run.personas[id] === min),
    best: ids.filter((id) => run.personas[id] === max),
    pss: mean - std,
    pssFormula: "mean - populationStd",
    controlAccuracy: run.control,
    worstRetention: min / run.control,
    worstCaseUtility: min - run.control,
    flipRate: 0.4,
    consistencyRate: 0.8,
    expectedMaxAtK: [...accs].sort().map((_, i) => mean + ((max - mean) * i) / Math.max(1, accs.length - 1)),
    lottery: null,
    intervals: {
      mean: [mean - 0.05, mean + 0.05],
      worst: [min - 0.05, min + 0.05],
      pss: [mean - std - 0.06, mean - std + 0.04],
    },
  } as MathSection["summary"];
  const math: MathSection = {
    id: "math500",
    kind: "math",
    dataset: {
      name: "math500",
      hash: run.datasetHash ?? HEX("a"),
      sha256: HEX("a"),
      pinned: true,
      origin: "test",
    },
    scorer: { name: "math-grader", version: "math-grader-2" },
    headline: mathHeadline(personas[0], summary),
    statistics: {
      alpha: 0.05,
      bootstrap: { resamples: 1000, seed: 1, level: 0.95, method: "percentile" },
      intervals: {},
    },
    problems: 100,
    samples: 1,
    prompt: "{problem}",
    personaPlacement: "system",
    decoding: { temperature: 0 },
    catalog: { id: "test", version: "1", sha256: HEX("c") },
    personas,
    summary,
  };
  const tasks: Results["tasks"] = { math500: math };
  if (run.personaScore !== undefined) {
    const gym: PersonaGymSection = {
      id: "personagym",
      kind: "personagym",
      dataset: {
        name: "personagym",
        hash: HEX("b"),
        digest: HEX("b"),
        pinned: true,
        origin: "test",
        personasAvailable: 200,
      },
      scorer: { name: "personagym-judge", version: "1" },
      headline: personaGymHeadline({
        personaScore: run.personaScore,
        ci95: run.personaScore === null ? null : [run.personaScore - 0.1, run.personaScore + 0.1],
      }),
      statistics: {
        alpha: 0.05,
        bootstrap: { resamples: 1000, seed: 1, level: 0.95, method: "percentile" },
        intervals: {},
      },
      subset: { limit: 2, seed: 1 },
      settings: {
        systemPrompt: "You are {persona}.",
        decoding: {},
        judgeDecoding: {},
        scoreExamples: false,
        rubrics: "ours",
        judgePromptVersion: "1",
      },
      personasEvaluated: 2,
      questions: 20,
      personaScore: run.personaScore,
      ci95: run.personaScore === null ? null : [run.personaScore - 0.1, run.personaScore + 0.1],
      tasks:
        run.personaScore === null
          ? {}
          : { "Expected Action": run.personaScore, "Toxicity Control": run.personaScore },
      personas: [],
      judges: [
        {
          spec: "ollama:judge",
          provider: "ollama",
          name: "judge",
          personaScore: run.personaScore,
          judged: 20,
          unparsed: 0,
          sameFamilyAsSubject: false,
        },
      ],
      agreement: null,
      unparsed: { total: 0, byJudgeAndTask: [] },
      examples: null,
      unanswered: 0,
    };
    tasks.personagym = gym;
  }
  const benchmarkId = run.benchmarkId ?? "math500-quick";
  return {
    schemaVersion: "2.0.0",
    runId:
      run.runId ??
      `${benchmarkId}--${run.model.replace(/[^a-z0-9]+/gi, "-")}--${(run.digest ?? "nodigest").slice(0, 12)}`,
    createdAt: "2026-01-01T00:00:00.000Z",
    finishedAt: run.finishedAt ?? "2026-01-01T01:00:00.000Z",
    status: run.status ?? "complete",
    harness: { name: "persona-bench", version: "0.1.0", node: "v20.0.0" },
    model: {
      spec: `ollama:${run.model}`,
      provider: "ollama",
      name: run.model,
      ...(run.digest ? { digest: run.digest } : {}),
      endpoint: "http://127.0.0.1:11434",
      serverVersion: "0.12.6",
      details: {},
    },
    benchmark: { id: benchmarkId, hash: run.benchmarkHash ?? HEX("d") },
    suiteChoices: { catalog: "ours" },
    tasks,
    skipped: [],
    errors: { total: 0, byKind: {}, examples: [] },
    usage: { promptTokens: 0, completionTokens: 0, modelCalls: 0, cachedCalls: 0 },
  };
}

export function writeJson(file: string, value: unknown): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`);
}
