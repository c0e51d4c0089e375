import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { comparePaired } from "../../src/metrics/index.js";
import type { Results } from "../../src/results/types.js";
import { MATH_BOOTSTRAP } from "../../src/task-kinds/math/section.js";
import { type FakeOllama, startFakeOllama } from "../fakes/index.js";
import { runCli } from "../helpers/cli.js";
import { repoRoot, requireSharedData } from "../helpers/paths.js";
import {
  binomial,
  expectedMaxBySubsets,
  holmAdjusted,
  mcnemar,
  mean,
  populationStd,
  wilson,
} from "../helpers/reference-statistics.js";
import { mathSection } from "../helpers/sections.js";
import { tempDir } from "../helpers/tmp.js";
import { type Outcome, type OutcomeShares, SimulatedModel, WRONG_ANSWER } from "./simulated-model.js";

const LIMIT = 20;

const PROMPT = "{problem}\n\nPlease reason step by step, and put your final answer within \\boxed{}.";

function accuracyOf(systemText: string): OutcomeShares {
  if (systemText === "") return { correct: 0.75, noAnswer: 0.05, truncated: 0.05 };
  if (/toddler|child/i.test(systemText)) return { correct: 0.2, noAnswer: 0.3, truncated: 0.1 };
  const h = createHash("sha256").update(systemText).digest().readUInt32BE(0) / 2 ** 32;
  return { correct: 0.4 + 0.4 * h, noAnswer: 0.05, truncated: 0.05 };
}

interface CatalogEntry {
  id: string;
  text: string;
  category: string;
  template?: string;
  expected_effect?: string;
  lottery?: boolean;
}
interface Catalog {
  default_template: string;
  personas: CatalogEntry[];
}

const close = (value: number) => expect.closeTo(value, 12);
const sha256Of = (file: string) => createHash("sha256").update(readFileSync(file)).digest("hex");

describe("persona-bench run (MATH500, end to end through the CLI and a fake Ollama)", () => {
  let fake: FakeOllama;
  let model: SimulatedModel;
  let dir: string;
  const dataDir = requireSharedData();

  beforeEach(async () => {
    model = new SimulatedModel(LIMIT, accuracyOf);
    fake = await startFakeOllama({ respond: model.respond, models: [{ name: "sim:7b" }] });
    dir = tempDir();
  });
  afterEach(async () => {
    await fake.close();
  });

  const args = () => [
    "run",
    "benchmarks/math500-quick.yaml",
    "--model",
    `ollama:sim:7b@${fake.url}`,
    "--limit",
    String(LIMIT),
    "--data-dir",
    dataDir,
    "--store",
    join(dir, "store.sqlite"),
    "--out",
    join(dir, "reports"),
    "--concurrency",
    "3",
    "--json",
  ];

  it("reports exactly the figures implied by what the model answered, and a second run makes no calls", async () => {
    expect(model.problems.every((p) => p.answer !== WRONG_ANSWER)).toBe(true);
    const first = await runCli(args());
    expect(first.stderr).not.toMatch(/internal error/);
    expect(first.code).toBe(0);
    const results = JSON.parse(first.stdout) as Results;
    const math = mathSection(results);
    expect(results.status).toBe("complete");
    expect(results.model).toMatchObject({
      provider: "ollama",
      name: "sim:7b",
      digest: fake.digestOf("sim:7b"),
    });
    expect(fake.stats.generations).toBe(9 * LIMIT);
    expect(fake.stats.maxInFlight).toBeLessThanOrEqual(3);

    const dataFile = join(dataDir, "math500/test.jsonl");
    const catalogFile = join(repoRoot, "personas/math.yaml");
    expect(math).toMatchObject({
      dataset: { sha256: sha256Of(dataFile), origin: "data-dir" },
      problems: LIMIT,
      samples: 1,
      prompt: PROMPT,
      personaPlacement: "system",
      decoding: { temperature: 0, topP: 1, maxTokens: 4096, seed: 1234 },
      catalog: { id: "math-personas", version: "1", sha256: sha256Of(catalogFile) },
    });

    // Which personas ran and as what text, from the catalog file itself.
    const catalog = parseYaml(readFileSync(catalogFile, "utf8")) as Catalog;
    const chosen = catalog.personas.filter((p) => p.lottery === true || p.id === "primary-school");
    const textOf = (p: CatalogEntry) => (p.template ?? catalog.default_template).replace("{persona}", p.text);
    const outcomesOf = (text: string) => {
      const outcomes = model.problems.map((p) => model.answered.get(`${text}\u0000${p.id}`));
      expect(outcomes.every((o) => o !== undefined)).toBe(true);
      return outcomes as Outcome[];
    };
    const control = outcomesOf("").map((o) => o === "correct");
    const rows = [
      { id: "none", category: "control", text: "", outcomes: outcomesOf("") },
      ...chosen.map((p) => ({
        id: p.id,
        category: p.category,
        text: textOf(p),
        ...(p.expected_effect ? { expectedEffect: p.expected_effect } : {}),
        outcomes: outcomesOf(textOf(p)),
      })),
    ];
    const count = (outcomes: Outcome[], ...kinds: Outcome[]) =>
      outcomes.filter((o) => kinds.includes(o)).length;
    const paired = rows.slice(1).map(({ outcomes }) => {
      const mine = outcomes.map((o) => o === "correct");
      const b = mine.filter((v, i) => v && !control[i]).length;
      const c = mine.filter((v, i) => !v && control[i]).length;
      return {
        b,
        c,
        p: mcnemar(b, c),
        interval: comparePaired(mine, control, { seed: MATH_BOOTSTRAP.seed }),
      };
    });
    const holm = holmAdjusted(paired.map((x) => x.p));
    const expectedRows = rows.map(({ outcomes, ...identity }, index) => {
      const correct = count(outcomes, "correct");
      const extracted = count(outcomes, "correct", "wrong");
      const [lo, hi] = wilson(correct, LIMIT);
      const vs = index === 0 ? undefined : paired[index - 1]!;
      return {
        ...identity,
        n: LIMIT,
        correct,
        accuracy: close(correct / LIMIT),
        ci95: [close(lo), close(hi)],
        extractionFailures: count(outcomes, "no-answer", "truncated"),
        accuracyWhenExtracted: extracted === 0 ? null : close(correct / extracted),
        truncated: count(outcomes, "truncated"),
        deltaVsControl: vs ? close((vs.b - vs.c) / LIMIT) : 0,
        deltaCi95: vs ? [close(vs.interval.deltaInterval.lo), close(vs.interval.deltaInterval.hi)] : null,
        pValue: vs ? close(vs.p) : null,
        pValueHolm: vs ? close(holm[index - 1]!) : null,
        discordant: vs ? { personaOnly: vs.b, controlOnly: vs.c } : null,
        errors: 0,
        // Per-item verdicts in problem order (a cut answer has no box: no answer, at the token limit).
        outcomes: outcomes
          .map((o) => ({ correct: "c", wrong: "w", "no-answer": "n", truncated: "N" })[o])
          .join(""),
      };
    });
    expect(math.personas).toEqual(expectedRows);
    // The simulated model was asked for truncations and extraction failures, so those columns are exercised.
    expect(math.personas.some((p) => p.truncated > 0)).toBe(true);
    expect(math.personas.some((p) => p.extractionFailures > p.truncated)).toBe(true);
    for (const persona of math.personas.slice(1)) {
      const [lo, hi] = persona.deltaCi95!;
      expect(lo).toBeLessThanOrEqual(persona.deltaVsControl);
      expect(hi).toBeGreaterThanOrEqual(persona.deltaVsControl);
      expect(lo).toBeLessThan(hi);
    }

    const personaRows = rows.slice(1);
    const accuracies = personaRows.map((r) => count(r.outcomes, "correct") / LIMIT);
    const controlAccuracy = count(rows[0]!.outcomes, "correct") / LIMIT;
    const min = Math.min(...accuracies);
    const max = Math.max(...accuracies);
    const flips = model.problems.filter(
      (_, i) => new Set(personaRows.map((r) => r.outcomes[i] === "correct")).size > 1,
    );
    // Consistency: per problem, the share of persona pairs that agree, averaged over problems.
    const P = personaRows.length;
    const agreement = model.problems.map((_, i) => {
      const right = personaRows.filter((r) => r.outcomes[i] === "correct").length;
      return (binomial(right, 2) + binomial(P - right, 2)) / binomial(P, 2);
    });
    const lotteryRows = personaRows.filter((r) => chosen.find((p) => p.id === r.id)!.lottery === true);
    const lotteryAccuracies = lotteryRows.map((r) => count(r.outcomes, "correct") / LIMIT);
    expect(lotteryRows).toHaveLength(7);
    expect(math.summary).toEqual({
      personas: P,
      mean: close(mean(accuracies)),
      std: close(populationStd(accuracies)),
      stdKind: "population",
      min: close(min),
      max: close(max),
      range: close(max - min),
      worst: personaRows.filter((_, i) => accuracies[i] === min).map((r) => r.id),
      best: personaRows.filter((_, i) => accuracies[i] === max).map((r) => r.id),
      pss: close(mean(accuracies) - populationStd(accuracies)),
      pssFormula: expect.stringMatching(/^mean - populationStd/),
      controlAccuracy: close(controlAccuracy),
      worstRetention: close(min / controlAccuracy),
      worstCaseUtility: close(min - controlAccuracy),
      flipRate: close(flips.length / LIMIT),
      consistencyRate: close(mean(agreement)),
      expectedMaxAtK: accuracies.map((_, i) => close(expectedMaxBySubsets(accuracies, i + 1))),
      lottery: {
        personas: lotteryRows.map((r) => r.id),
        expectedMaxAtK: lotteryAccuracies.map((_, i) =>
          close(expectedMaxBySubsets(lotteryAccuracies, i + 1)),
        ),
      },
      intervals: expect.any(Object),
    });
    // Bootstrap intervals of the spread hold their estimates.
    const spread = math.summary!.intervals!;
    for (const [interval, value] of [
      [spread.mean, mean(accuracies)],
      [spread.worst, min],
      [spread.pss, mean(accuracies) - populationStd(accuracies)],
    ] as const) {
      expect(interval[0]).toBeLessThanOrEqual(value + 1e-12);
      expect(interval[1]).toBeGreaterThanOrEqual(value - 1e-12);
    }

    const reportDir = join(dir, "reports", results.runId);
    expect(JSON.parse(readFileSync(join(reportDir, "results.json"), "utf8"))).toEqual(results);
    expect(existsSync(join(reportDir, "summary.md"))).toBe(true);
    const csv = readFileSync(join(reportDir, "personas.csv"), "utf8").trim().split("\n");
    expect(csv).toHaveLength(10);

    const callsBefore = fake.stats.generations;
    const second = await runCli(args());
    expect(second.code).toBe(0);
    expect(fake.stats.generations).toBe(callsBefore);
    const again = JSON.parse(second.stdout) as Results;
    expect(again.runId).toBe(results.runId);
    expect(again.createdAt).toBe(results.createdAt);
    expect(again.tasks).toEqual(results.tasks);
    expect(again.usage).toMatchObject({ modelCalls: 0, cachedCalls: 9 * LIMIT });
  });

  it("--dry-run counts requests, cached and to do without calling the model", async () => {
    const before = await runCli([...args(), "--dry-run"]);
    expect(before.code).toBe(0);
    expect(before.stdout).toMatch(/requests: 180/);
    expect(before.stdout).toMatch(/already cached: 0/);
    expect(fake.stats.generations).toBe(0);
    await runCli([...args().filter((a) => a !== "--json"), "--personas", "math-expert"]);
    const after = await runCli([...args(), "--dry-run"]);
    expect(after.stdout).toMatch(/already cached: 40\nto do: 140/);
  });
});
