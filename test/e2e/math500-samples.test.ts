import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { bootstrapMeanInterval, comparePaired } from "../../src/metrics/index.js";
import type { Results } from "../../src/results/types.js";
import { MATH_BOOTSTRAP } from "../../src/task-kinds/math/section.js";
import { type FakeOpenAI, startFakeOpenAI } from "../fakes/index.js";
import { runArgs, runCli } from "../helpers/cli.js";
import { holmAdjusted, signFlipExact, wilson } from "../helpers/reference-statistics.js";
import { mathSection } from "../helpers/sections.js";
import { tempDir } from "../helpers/tmp.js";
import { SimulatedModel } from "./simulated-model.js";

const LIMIT = 12;
const SAMPLES = 3;

describe("persona-bench run with several samples per problem (mean@S)", () => {
  let fake: FakeOpenAI;
  let model: SimulatedModel;
  beforeEach(async () => {
    // Each sample is its own draw: the outcome depends on the request's seed too.
    model = new SimulatedModel(
      LIMIT,
      (s) => (s === "" ? { correct: 0.7, noAnswer: 0 } : { correct: 0.45, noAnswer: 0.1 }),
      true,
    );
    fake = await startFakeOpenAI({ respond: model.respond });
  });
  afterEach(async () => {
    await fake.close();
  });

  it("scores mean@S per problem, pairs problems by majority verdict, and seeds samples apart but personas alike", async () => {
    const dir = tempDir();
    const run = await runCli(
      runArgs("benchmarks/math500-quick.yaml", `openai:sim@${fake.baseUrl}`, dir, [
        "--limit",
        String(LIMIT),
        "--samples",
        String(SAMPLES),
        "--personas",
        "math-expert,toddler",
        "--json",
      ]),
    );
    expect(run.stderr).not.toMatch(/internal error/);
    expect(run.code).toBe(0);
    const math = mathSection(JSON.parse(run.stdout) as Results);
    expect(math.samples).toBe(SAMPLES);

    // Seeds: per problem and sample, identical across personas, different across samples.
    const seeds = new Map<string, Set<number>>();
    for (const request of fake.requests.filter((r) => r.path.endsWith("/chat/completions"))) {
      const body = request.body as { seed: number; messages: { role: string; content: string }[] };
      const user = body.messages.find((m) => m.role === "user")!.content;
      const set = seeds.get(user) ?? new Set<number>();
      set.add(body.seed);
      seeds.set(user, set);
    }
    expect([...seeds.values()].every((set) => set.size === SAMPLES)).toBe(true);

    const seedsOf = (problemText: string) => [
      ...seeds.get(
        `${problemText}\n\nPlease reason step by step, and put your final answer within \\boxed{}.`,
      )!,
    ];
    const outcomesOf = (text: string) =>
      model.problems.map((p) => seedsOf(p.problem).map((seed) => model.outcome(text, p.id, seed)));
    const perProblem = (text: string) =>
      outcomesOf(text).map((samples) => samples.filter((o) => o === "correct").length / SAMPLES);
    const control = perProblem("");
    const paired = math.personas.slice(1).map((persona) => {
      const scores = perProblem(persona.text);
      // Majority verdict: right when more than half of the samples are right.
      const b = scores.filter((x, i) => x > 0.5 && !(control[i]! > 0.5)).length;
      const c = scores.filter((x, i) => !(x > 0.5) && control[i]! > 0.5).length;
      // With several samples the test is a sign-flip test on the per-problem differences of mean@S.
      return { b, c, p: signFlipExact(scores.map((x, i) => x - control[i]!)) };
    });
    const holm = holmAdjusted(paired.map((x) => x.p));
    math.personas.forEach((persona, index) => {
      const outcomes = outcomesOf(persona.text).flat();
      const scores = perProblem(persona.text);
      const correct = outcomes.filter((o) => o === "correct").length;
      const extracted = outcomes.filter((o) => o === "correct" || o === "wrong").length;
      expect(persona.n).toBe(LIMIT * SAMPLES);
      expect(persona.correct).toBe(correct);
      expect(persona.correct).toBe(Math.round(scores.reduce((a, b) => a + b, 0) * SAMPLES));
      expect(persona.accuracy).toBeCloseTo(correct / (LIMIT * SAMPLES), 12);
      expect(persona.extractionFailures).toBe(outcomes.filter((o) => o === "no-answer").length);
      expect(persona.accuracyWhenExtracted).toBeCloseTo(correct / extracted, 12);
      expect(persona.truncated).toBe(0);
      expect(persona.errors).toBe(0);
      // mean@S: a bootstrap over problems of their mean@S, not a Wilson interval over all generations, which
      // would treat correlated samples of one problem as independent trials.
      const bootstrap = bootstrapMeanInterval(scores, { seed: MATH_BOOTSTRAP.seed });
      expect(persona.ci95).toEqual([bootstrap.lo, bootstrap.hi]);
      expect(persona.ci95).not.toEqual(wilson(correct, LIMIT * SAMPLES));
      if (index === 0) {
        expect(persona).toMatchObject({ deltaVsControl: 0, deltaCi95: null, pValue: null, discordant: null });
        return;
      }
      const { b, c, p } = paired[index - 1]!;
      expect(persona.discordant).toEqual({ personaOnly: b, controlOnly: c });
      const delta = scores.reduce((sum, x, i) => sum + x - control[i]!, 0) / LIMIT;
      expect(persona.deltaVsControl).toBeCloseTo(delta, 12);
      const { deltaInterval } = comparePaired(scores, control, { seed: MATH_BOOTSTRAP.seed });
      expect(persona.deltaCi95).toEqual([deltaInterval.lo, deltaInterval.hi]);
      expect(persona.pValue).toBeCloseTo(p, 12);
      expect(persona.pValueHolm).toBeCloseTo(holm[index - 1]!, 12);
    });
  });
});
