import type { Math500TaskConfig } from "../config/benchmark.js";
import {
  bootstrapMeanInterval,
  comparePaired,
  expectedMaxCurve,
  flipStats,
  holmAdjust,
  summarizePersonas,
  wilsonInterval,
} from "../metrics/index.js";
import { personaSystemText } from "../personas/render.js";
import type { Math500Plan } from "../plan/math500.js";
import type { MathVerdict } from "../scoring/math500.js";
import type { Interval, Math500PersonaResult, Math500Results } from "./types.js";

/** Seed of every bootstrap in a report, so the same verdicts always give the same intervals. */
const BOOTSTRAP_SEED = 20_260_410;

interface PersonaRows {
  /** Per problem: the verdicts of its samples, or undefined when any sample is missing. */
  perProblem: (MathVerdict[] | undefined)[];
  graded: MathVerdict[];
  failedProblems: number;
}

export interface DatasetRecord {
  sha256: string;
  pinned: boolean;
  origin: string;
}

/**
 * Turns the verdicts of a MATH500 plan into the results section: per-persona accuracy with intervals and a paired
 * test against the control, then the spread across personas. Only problems that every compared condition answered
 * in full enter a paired statistic, so a partial run never compares different problem sets.
 */
export function buildMath500Results(
  task: Math500TaskConfig,
  plan: Math500Plan,
  verdicts: ReadonlyMap<string, MathVerdict>,
  failedKeys: ReadonlySet<string>,
  dataset: DatasetRecord,
): Math500Results {
  const rows = collectRows(plan, verdicts, failedKeys);
  const [control, ...personas] = plan.personas.map((p, index) => ({ ...p, rows: rows[index]! }));
  const controlScores = control!.rows.perProblem;

  const personaResults: Math500PersonaResult[] = plan.personas.map((entry, index) => {
    const { graded, failedProblems } = rows[index]!;
    const correct = graded.filter((v) => v.correct).length;
    const found = graded.filter((v) => v.found);
    return {
      id: entry.id,
      category: entry.persona?.category ?? "control",
      text: entry.persona ? personaSystemText(entry.persona, task.catalog) : "",
      ...(entry.persona?.expectedEffect ? { expectedEffect: entry.persona.expectedEffect } : {}),
      n: graded.length,
      correct,
      accuracy: graded.length === 0 ? null : correct / graded.length,
      ci95: graded.length === 0 ? null : accuracyInterval(rows[index]!, plan.samples),
      extractionFailures: graded.length - found.length,
      accuracyWhenExtracted: found.length === 0 ? null : found.filter((v) => v.correct).length / found.length,
      truncated: graded.filter((v) => v.truncated).length,
      deltaVsControl: 0,
      deltaCi95: null,
      pValue: null,
      pValueHolm: null,
      discordant: null,
      errors: failedProblems,
    };
  });

  const pValues: { index: number; p: number }[] = [];
  personas.forEach((persona, i) => {
    const index = i + 1;
    const shared = sharedProblems([persona.rows.perProblem, controlScores]);
    if (shared.length === 0) return;
    const comparison = comparePaired(
      shared.map((p) => meanCorrect(persona.rows.perProblem[p]!)),
      shared.map((p) => meanCorrect(controlScores[p]!)),
      { seed: BOOTSTRAP_SEED },
    );
    const result = personaResults[index]!;
    result.deltaVsControl = comparison.delta;
    result.deltaCi95 = [comparison.deltaInterval.lo, comparison.deltaInterval.hi];
    result.pValue = comparison.mcnemar.pValue;
    result.discordant = { personaOnly: comparison.mcnemar.b, controlOnly: comparison.mcnemar.c };
    pValues.push({ index, p: comparison.mcnemar.pValue });
  });
  const adjusted = holmAdjust(pValues.map((x) => x.p));
  pValues.forEach(({ index }, i) => {
    personaResults[index]!.pValueHolm = adjusted[i]!;
  });

  return {
    dataset,
    problems: plan.problems.length,
    samples: plan.samples,
    prompt: task.prompt,
    personaPlacement: task.personaPlacement,
    decoding: { ...task.decoding },
    catalog: { id: task.catalog.id, version: task.catalog.version, sha256: task.catalog.sha256 },
    personas: personaResults,
    summary: summarize(personaResults, personas),
  };
}

function summarize(
  results: Math500PersonaResult[],
  personas: { id: string; persona: { lottery?: boolean } | null; rows: PersonaRows }[],
): Math500Results["summary"] {
  const measured = results
    .slice(1)
    .flatMap((r) => (r.accuracy === null ? [] : [{ id: r.id, accuracy: r.accuracy }]));
  const control = results[0]!;
  if (measured.length === 0) return null;
  const summary = summarizePersonas(
    measured.map((r) => ({ personaId: r.id, accuracy: r.accuracy })),
    control.accuracy,
  );
  const shared = sharedProblems(personas.map((p) => p.rows.perProblem));
  const flips =
    personas.length >= 2 && shared.length > 0
      ? flipStats(personas.map((p) => shared.map((i) => meanCorrect(p.rows.perProblem[i]!))))
      : { flipRate: 0, consistencyRate: 1 };
  const lotteryIds = new Set(personas.filter((p) => p.persona?.lottery).map((p) => p.id));
  const lottery = measured.filter((r) => lotteryIds.has(r.id));
  const { worstPersonaIds, bestPersonaIds, ...spread } = summary;
  return {
    ...spread,
    worst: worstPersonaIds,
    best: bestPersonaIds,
    flipRate: flips.flipRate,
    consistencyRate: flips.consistencyRate,
    expectedMaxAtK: expectedMaxCurve(measured.map((r) => r.accuracy)),
    lottery:
      lottery.length >= 2
        ? {
            personas: lottery.map((r) => r.id),
            expectedMaxAtK: expectedMaxCurve(lottery.map((r) => r.accuracy)),
          }
        : null,
  };
}

function collectRows(
  plan: Math500Plan,
  verdicts: ReadonlyMap<string, MathVerdict>,
  failedKeys: ReadonlySet<string>,
): PersonaRows[] {
  const personaIndex = new Map(plan.personas.map((p, i) => [p.id, i]));
  const problemIndex = new Map(plan.problems.map((p, i) => [p.id, i]));
  const samples: (MathVerdict | undefined)[][][] = plan.personas.map(() =>
    plan.problems.map(() => new Array<MathVerdict | undefined>(plan.samples)),
  );
  const failed = plan.personas.map(() => new Set<number>());
  for (const item of plan.items()) {
    const p = personaIndex.get(item.personaId)!;
    const i = problemIndex.get(item.itemId)!;
    samples[p]![i]![item.sample] = verdicts.get(item.key);
    if (failedKeys.has(item.key)) failed[p]!.add(i);
  }
  return samples.map((perProblem, p) => ({
    perProblem: perProblem.map((s) => (s.every((v) => v !== undefined) ? (s as MathVerdict[]) : undefined)),
    graded: perProblem.flat().filter((v): v is MathVerdict => v !== undefined),
    failedProblems: failed[p]!.size,
  }));
}

/** Indices of the problems every given row answered in full. */
function sharedProblems(rows: (MathVerdict[] | undefined)[][]): number[] {
  const length = rows[0]?.length ?? 0;
  const indices: number[] = [];
  for (let i = 0; i < length; i++) if (rows.every((row) => row[i] !== undefined)) indices.push(i);
  return indices;
}

function meanCorrect(samples: MathVerdict[]): number {
  return samples.filter((v) => v.correct).length / samples.length;
}

/**
 * With one sample per problem, generations are independent trials: Wilson. With several, samples of a problem are
 * correlated, so the interval is a bootstrap over problems of their mean@S (a Wilson interval over all generations
 * would be too narrow).
 */
function accuracyInterval(rows: PersonaRows, samples: number): Interval {
  const correct = rows.graded.filter((v) => v.correct).length;
  if (samples === 1) {
    const [lo, hi] = wilsonInterval(correct, rows.graded.length);
    return [lo, hi];
  }
  const complete = rows.perProblem.filter((s): s is MathVerdict[] => s !== undefined);
  if (complete.length === 0) return [0, 1];
  const interval = bootstrapMeanInterval(complete.map(meanCorrect), { seed: BOOTSTRAP_SEED });
  return [interval.lo, interval.hi];
}
