/** Grader throughput on the MATH500 self-pairs (reference solution vs answer) and on the labeled fixtures. */
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { quantile } from "../src/metrics/index.js";
import { grade, isEquivalent } from "../src/scoring/math/index.js";
import { loadMath500 } from "../src/task-kinds/math/problems.js";

interface Timing {
  label: string;
  times: number[];
  agree: number;
}

function summarize({ label, times, agree }: Timing): string {
  const total = times.reduce((s, t) => s + t, 0);
  return (
    `${label}: ${times.length} pairs, ${agree}/${times.length} as expected, ` +
    `${Math.round((times.length / total) * 1000)} pairs/s, median ${quantile(times, 0.5).toFixed(3)} ms, ` +
    `p99 ${quantile(times, 0.99).toFixed(3)} ms, max ${Math.max(...times).toFixed(3)} ms`
  );
}

/**
 * Each pair is timed three times and its fastest run kept: the figure is the grader's own work per pair, without
 * the garbage-collection and JIT pauses that land on random pairs.
 */
function timeEach<T>(label: string, items: T[], run: (item: T) => boolean): Timing {
  const times: number[] = [];
  let agree = 0;
  for (const item of items) {
    let best = Number.POSITIVE_INFINITY;
    let ok = false;
    for (let repeat = 0; repeat < 3; repeat++) {
      const start = performance.now();
      ok = run(item);
      best = Math.min(best, performance.now() - start);
    }
    times.push(best);
    if (ok) agree++;
  }
  return { label, times, agree };
}

async function readJsonl(path: string): Promise<Record<string, unknown>[]> {
  const text = await readFile(path, "utf8");
  return text
    .split("\n")
    .filter((l) => l.trim())
    .map((l, k) => {
      try {
        return JSON.parse(l) as Record<string, unknown>;
      } catch {
        throw new Error(`${path}:${k + 1}: invalid JSON`);
      }
    });
}

const str = (v: unknown, where: string): string => {
  if (typeof v !== "string") throw new Error(`${where}: expected a string`);
  return v;
};

/** Inputs built to make a grader hang; each must be refused, quickly. */
const ADVERSARIAL = [
  { gold: "7", response: `${"x".repeat(1_000_000)} \\boxed{8}` },
  { gold: "7", response: `\\boxed{${"{".repeat(10_000)}1${"}".repeat(10_000)}}` },
  { gold: "7", response: `\\boxed{${"{".repeat(10_000)}` },
  { gold: "7", response: "\\boxed{1}".repeat(100_000) },
  { gold: "2", response: "\\boxed{2^{2^{2^{99}}}}" },
  { gold: "1", response: "\\boxed{(10^{10})!}" },
  { gold: "1", response: "\\boxed{\\binom{10000}{5000}}" },
  { gold: "1", response: "\\boxed{(1+\\sqrt{2})^{100000}}" },
  { gold: "x^{400}", response: "\\boxed{x^{399}}" },
  { gold: "1", response: `\\boxed{${"{1 \\over ".repeat(150)}2${"}".repeat(150)}}` },
  { gold: "1", response: `\\boxed{${"sqrt(".repeat(500)}}` },
  { gold: "1", response: `\\boxed{${"1 000 ".repeat(300)}}` },
  { gold: "(-\\infty, 1)", response: `\\boxed{${"x < ".repeat(300)}1}` },
  { gold: "1", response: `${"\\boxed{1}, ".repeat(10_000)}\\boxed{2}` },
  { gold: "1", response: `{"answer": "${"\\\\".repeat(100_000)}"}` },
];

/** Inputs built against the rules for answers stated in words (issue 25): each must be graded, quickly. */
const ADVERSARIAL_STATED = [
  { gold: "7", response: ".".repeat(200_000) },
  { gold: "7", response: `Answer${" ".repeat(200_000)}x` },
  { gold: "7", response: `answer${" **".repeat(70_000)}` },
  { gold: "7", response: "### Final Answer\n".repeat(12_000) },
  { gold: "7", response: "**".repeat(100_000) },
  { gold: "7", response: `So the total is **${"1".repeat(200_000)}**` },
  { gold: "7", response: "\nHuman:".repeat(30_000) },
  { gold: "7", response: "<think>".repeat(30_000) },
  { gold: "7", response: "</think>".repeat(25_000) },
  { gold: "7", response: `${"#### ".repeat(40_000)}\n#### 8` },
  { gold: "7", response: "答案是".repeat(60_000) },
  { gold: "7", response: `So the total is **8**${" \t".repeat(100_000)}` },
];

async function readResponses(path: string): Promise<{ gold: string; response: string; correct: boolean }[]> {
  return (await readJsonl(path)).map((r, k) => ({
    gold: str(r.gold, `${path}:${k + 1} gold`),
    response: str(r.response, `${path}:${k + 1} response`),
    correct: r.correct === true,
  }));
}

async function readPairs(path: string): Promise<{ gold: string; pred: string; equal: boolean }[]> {
  return (await readJsonl(path)).map((r, k) => ({
    gold: str(r.gold, `${path}:${k + 1} gold`),
    pred: str(r.pred, `${path}:${k + 1} pred`),
    equal: r.equal === true,
  }));
}

export async function runGradingPerf(opts: { dataDir: string; fixturesDir: string }): Promise<string[]> {
  const problems = loadMath500(resolve(opts.dataDir, "math500/test.jsonl")).map((p) => ({
    solution: p.solution ?? "",
    answer: p.answer,
  }));
  const pairs = await readPairs(resolve(opts.fixturesDir, "grading/equivalence.jsonl"));
  const independent = await readPairs(resolve(opts.fixturesDir, "grading/independent.jsonl"));
  const recall = await readPairs(resolve(opts.fixturesDir, "grading/recall.jsonl"));
  const blind = await readPairs(resolve(opts.fixturesDir, "grading/blind-recall.jsonl"));
  const issue25 = await readPairs(resolve(opts.fixturesDir, "grading/issue25.jsonl"));
  const responses = (
    await Promise.all(
      ["independent-extraction", "blind-recall-extraction", "recall-extraction", "issue25-extraction"].map((name) =>
        readResponses(resolve(opts.fixturesDir, `grading/${name}.jsonl`)),
      ),
    )
  ).flat();
  // One warm-up pass so the figures measure steady state rather than JIT compilation.
  for (const p of problems) grade(p.answer, p.solution);
  for (const p of pairs) isEquivalent(p.gold, p.pred);
  const results = [
    timeEach(
      "MATH500 solution vs answer (extract + grade)",
      problems,
      (p) => grade(p.answer, p.solution).correct,
    ),
    timeEach("MATH500 answer vs itself", problems, (p) => isEquivalent(p.answer, p.answer)),
    timeEach("labeled fixtures (gold vs pred)", pairs, (p) => isEquivalent(p.gold, p.pred) === p.equal),
    timeEach("independent fixtures (gold vs pred)", independent, (p) => isEquivalent(p.gold, p.pred) === p.equal),
    timeEach("recall fixtures (gold vs pred)", recall, (p) => isEquivalent(p.gold, p.pred) === p.equal),
    timeEach("blind recall fixtures (gold vs pred)", blind, (p) => isEquivalent(p.gold, p.pred) === p.equal),
    timeEach("issue 25 fixtures (gold vs pred)", issue25, (p) => isEquivalent(p.gold, p.pred) === p.equal),
    timeEach("labeled responses (extract + grade)", responses, (r) => grade(r.gold, r.response).correct === r.correct),
    timeEach("adversarial inputs (huge, nested, towering)", ADVERSARIAL, (p) => grade(p.gold, p.response).correct === false),
    timeEach("adversarial inputs for answers stated in words", ADVERSARIAL_STATED, (p) => grade(p.gold, p.response).correct === false),
  ];
  return ["Grading performance (one core, after one warm-up pass; per pair the fastest of 3 runs)", ...results.map(summarize)];
}
