/** Grader throughput on the MATH500 self-pairs (reference solution vs answer) and on the labeled fixtures. */
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { grade, isEquivalent } from "../scoring/math/index.js";

interface Timing {
  label: string;
  times: number[];
  agree: number;
}

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
}

function summarize({ label, times, agree }: Timing): string {
  const sorted = [...times].sort((a, b) => a - b);
  const total = times.reduce((s, t) => s + t, 0);
  return (
    `${label}: ${times.length} pairs, ${agree}/${times.length} as expected, ` +
    `${Math.round((times.length / total) * 1000)} pairs/s, median ${quantile(sorted, 0.5).toFixed(3)} ms, ` +
    `p99 ${quantile(sorted, 0.99).toFixed(3)} ms, max ${sorted[sorted.length - 1]!.toFixed(3)} ms`
  );
}

function timeEach<T>(label: string, items: T[], run: (item: T) => boolean): Timing {
  const times: number[] = [];
  let agree = 0;
  for (const item of items) {
    const start = performance.now();
    const ok = run(item);
    times.push(performance.now() - start);
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

export async function runGradingPerf(opts: { dataDir: string; fixturesDir: string }): Promise<string[]> {
  const mathPath = resolve(opts.dataDir, "math500/test.jsonl");
  const problems = (await readJsonl(mathPath)).map((r, k) => ({
    solution: str(r.solution, `${mathPath}:${k + 1} solution`),
    answer: str(r.answer, `${mathPath}:${k + 1} answer`),
  }));
  const pairPath = resolve(opts.fixturesDir, "grading/equivalence.jsonl");
  const pairs = (await readJsonl(pairPath)).map((r, k) => ({
    gold: str(r.gold, `${pairPath}:${k + 1} gold`),
    pred: str(r.pred, `${pairPath}:${k + 1} pred`),
    equal: r.equal === true,
  }));
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
  ];
  return ["Grading performance (one core, after one warm-up pass)", ...results.map(summarize)];
}
