import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Results } from "../../src/results/types.js";
import { type FakeOllama, startFakeOllama } from "../fakes/index.js";
import { runCli } from "../helpers/cli.js";
import { requireSharedData } from "../helpers/paths.js";
import { mathSection } from "../helpers/sections.js";
import { tempDir } from "../helpers/tmp.js";
import { SimulatedModel, WRONG_ANSWER } from "./simulated-model.js";

const LIMIT = 20;

function accuracyOf(systemText: string) {
  if (systemText === "") return { correct: 0.75, noAnswer: 0.05 };
  if (/toddler|child/i.test(systemText)) return { correct: 0.2, noAnswer: 0.3 };
  const h = createHash("sha256").update(systemText).digest().readUInt32BE(0) / 2 ** 32;
  return { correct: 0.4 + 0.4 * h, noAnswer: 0.05 };
}

// Reference statistics written out here, independently of src/metrics.
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const populationStd = (xs: number[]) => Math.sqrt(mean(xs.map((x) => (x - mean(xs)) ** 2)));
function binomial(n: number, k: number): number {
  let r = 1;
  for (let i = 1; i <= k; i++) r = (r * (n - k + i)) / i;
  return r;
}
function mcnemar(b: number, c: number): number {
  const n = b + c;
  if (n === 0) return 1;
  let tail = 0;
  for (let i = 0; i <= Math.min(b, c); i++) tail += binomial(n, i) / 2 ** n;
  return Math.min(1, 2 * tail);
}
function expectedMaxBySubsets(values: number[], k: number): number {
  let total = 0;
  let count = 0;
  for (let mask = 0; mask < 1 << values.length; mask++) {
    const chosen = values.filter((_, i) => mask & (1 << i));
    if (chosen.length !== k) continue;
    total += Math.max(...chosen);
    count++;
  }
  return total / count;
}
function wilson(correct: number, n: number): [number, number] {
  const z = 1.96;
  const p = correct / n;
  const centre = (p + (z * z) / (2 * n)) / (1 + (z * z) / n);
  const half = (z / (1 + (z * z) / n)) * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n));
  return [Math.max(0, centre - half), Math.min(1, centre + half)];
}

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
    expect(math.problems).toBe(LIMIT);
    expect(math.personas[0]!.id).toBe("none");
    expect(math.personas).toHaveLength(9);
    expect(fake.stats.generations).toBe(9 * LIMIT);
    expect(fake.stats.maxInFlight).toBeLessThanOrEqual(3);

    const verdicts = new Map<string, boolean[]>();
    for (const persona of math.personas) {
      const outcomes = model.problems.map((p) => model.answered.get(`${persona.text}\u0000${p.id}`));
      expect(outcomes.every((o) => o !== undefined)).toBe(true);
      const correct = outcomes.filter((o) => o === "correct").length;
      verdicts.set(
        persona.id,
        outcomes.map((o) => o === "correct"),
      );
      expect(persona.n).toBe(LIMIT);
      expect(persona.correct).toBe(correct);
      expect(persona.accuracy).toBeCloseTo(correct / LIMIT, 12);
      expect(persona.extractionFailures).toBe(outcomes.filter((o) => o === "no-answer").length);
      const [lo, hi] = wilson(correct, LIMIT);
      expect(persona.ci95![0]).toBeCloseTo(lo, 9);
      expect(persona.ci95![1]).toBeCloseTo(hi, 9);
    }

    const control = verdicts.get("none")!;
    const personaRows = math.personas.slice(1);
    for (const persona of personaRows) {
      const mine = verdicts.get(persona.id)!;
      const b = mine.filter((v, i) => v && !control[i]).length;
      const c = mine.filter((v, i) => !v && control[i]).length;
      expect(persona.discordant).toEqual({ personaOnly: b, controlOnly: c });
      expect(persona.deltaVsControl).toBeCloseTo((b - c) / LIMIT, 12);
      expect(persona.pValue).toBeCloseTo(mcnemar(b, c), 12);
    }
    // Holm: the adjusted p-values are the step-down maxima of (m - rank) * p.
    const raw = personaRows.map((p) => p.pValue!);
    const order = raw.map((p, i) => [p, i] as const).sort((a, b) => a[0] - b[0]);
    let running = 0;
    const holm = new Array<number>(raw.length);
    order.forEach(([p, i], rank) => {
      running = Math.max(running, Math.min(1, (raw.length - rank) * p));
      holm[i] = running;
    });
    personaRows.forEach((p, i) => {
      expect(p.pValueHolm).toBeCloseTo(holm[i]!, 12);
    });

    const accuracies = personaRows.map((p) => p.accuracy!);
    const s = math.summary!;
    expect(s.mean).toBeCloseTo(mean(accuracies), 12);
    expect(s.std).toBeCloseTo(populationStd(accuracies), 12);
    expect(s.pss).toBeCloseTo(mean(accuracies) - populationStd(accuracies), 12);
    expect(s.min).toBe(Math.min(...accuracies));
    expect(s.max).toBe(Math.max(...accuracies));
    expect(s.controlAccuracy).toBe(math.personas[0]!.accuracy);
    expect(s.worstRetention).toBeCloseTo(Math.min(...accuracies) / math.personas[0]!.accuracy!, 12);
    expect(s.expectedMaxAtK).toHaveLength(8);
    s.expectedMaxAtK.forEach((value, i) => {
      expect(value).toBeCloseTo(expectedMaxBySubsets(accuracies, i + 1), 12);
    });
    const flips = model.problems.filter(
      (_, i) => new Set(personaRows.map((p) => verdicts.get(p.id)![i])).size > 1,
    );
    expect(s.flipRate).toBeCloseTo(flips.length / LIMIT, 12);
    // Consistency: per problem, the share of persona pairs that agree, averaged over problems.
    const P = personaRows.length;
    const agreement = model.problems.map((_, i) => {
      const right = personaRows.filter((p) => verdicts.get(p.id)![i]).length;
      return (binomial(right, 2) + binomial(P - right, 2)) / binomial(P, 2);
    });
    expect(s.consistencyRate).toBeCloseTo(mean(agreement), 12);
    expect(s.lottery?.personas).toHaveLength(7);

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
