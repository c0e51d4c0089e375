/**
 * PersonaGym aggregation: judge scores -> item -> task -> persona PersonaScore -> model PersonaScore, plus per-judge
 * scores, unparsed counts and inter-judge agreement per task.
 *
 * Differs from the original code (personagym-method.md, step 6) only where the original is biased: an unparsed
 * judge score is dropped per item instead of zeroing a whole 5-item batch. With every score parsed and equal batch
 * sizes, the two orders of averaging give the same task score.
 */

import { krippendorffAlphaInterval, spearmanRho } from "./agreement.js";
import { type BootstrapInterval, type BootstrapOptions, bootstrapMeanInterval } from "./bootstrap.js";
import { mean } from "./descriptive.js";
import { fail } from "./validate.js";

export interface JudgeScore {
  personaId: string;
  task: string;
  questionId: string;
  judge: string;
  /** The judge's score in [1, 5], or null when its output could not be parsed. */
  score: number | null;
}

export interface TaskScore {
  task: string;
  score: number;
  /** Items (questions) that entered the mean: those with at least one parsed judge score. */
  items: number;
}

export interface PersonaGymPersona {
  personaId: string;
  /** Unweighted mean of `tasks`; null when no task of this persona has a scored item. */
  personaScore: number | null;
  /** Tasks with at least one scored item, in order of first appearance in the input. */
  tasks: TaskScore[];
}

export interface ModelTaskScore {
  task: string;
  /** Mean over personas of their score on this task. */
  score: number;
  personas: number;
}

export interface PersonaGymAggregate {
  /** Mean of PersonaScore over the scored personas; null when none is scored. */
  personaScore: number | null;
  /** Percentile bootstrap over personas; null when no persona is scored. */
  interval: BootstrapInterval | null;
  personas: PersonaGymPersona[];
  taskScores: ModelTaskScore[];
  /** Personas that appear in the input but have no parsed score at all (left out of the model mean). */
  unscoredPersonaIds: string[];
  /** Distinct (persona, task, question) items in the input. */
  items: number;
  /** Items without any parsed judge score (left out of their task mean). */
  excludedItems: number;
}

export interface UnparsedCount {
  judge: string;
  task: string;
  unparsed: number;
  total: number;
}

export interface PersonaGymResult extends PersonaGymAggregate {
  /** The same aggregation using one judge's scores alone, per judge in order of first appearance. */
  judges: ({ judge: string } & PersonaGymAggregate)[];
  unparsed: UnparsedCount[];
}

export interface TaskAgreement {
  task: string;
  judges: string[];
  /** Krippendorff's alpha (interval metric) over the task's items; null when undefined. */
  alpha: number | null;
  /** Items with at least two parsed judge scores. */
  pairableItems: number;
  /** Spearman's rho between the two judges over items both parsed; null unless exactly 2 judges (or undefined). */
  spearman: number | null;
  spearmanPairs: number;
}

const KEY_SEPARATOR = "\u0000";

function itemKey(s: JudgeScore): string {
  return [s.personaId, s.task, s.questionId].join(KEY_SEPARATOR);
}

function validateScores(where: string, scores: readonly JudgeScore[]): void {
  const seen = new Set<string>();
  scores.forEach((s, index) => {
    for (const field of ["personaId", "task", "questionId", "judge"] as const) {
      if (typeof s[field] !== "string" || s[field] === "") {
        fail(where, `scores[${index}].${field} must be a non-empty string`);
      }
    }
    if (s.score !== null && (typeof s.score !== "number" || !(s.score >= 1 && s.score <= 5))) {
      fail(where, `scores[${index}].score must be null or a number in [1, 5] (got ${s.score})`);
    }
    const key = itemKey(s) + KEY_SEPARATOR + s.judge;
    if (seen.has(key)) {
      fail(
        where,
        `scores[${index}] repeats judge "${s.judge}" on persona "${s.personaId}", task "${s.task}", question "${s.questionId}"`,
      );
    }
    seen.add(key);
  });
}

/** Groups preserving first-appearance order of keys. */
function groupBy<T>(values: readonly T[], key: (value: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const value of values) {
    const k = key(value);
    const group = groups.get(k);
    if (group) group.push(value);
    else groups.set(k, [value]);
  }
  return groups;
}

function aggregate(scores: readonly JudgeScore[], options: BootstrapOptions): PersonaGymAggregate {
  let items = 0;
  let excludedItems = 0;
  const personas: PersonaGymPersona[] = [];
  for (const [personaId, personaScores] of groupBy(scores, (s) => s.personaId)) {
    const tasks: TaskScore[] = [];
    for (const [task, taskScores] of groupBy(personaScores, (s) => s.task)) {
      const itemMeans: number[] = [];
      for (const itemScores of groupBy(taskScores, (s) => s.questionId).values()) {
        items++;
        const parsed = itemScores.flatMap((s) => (s.score === null ? [] : [s.score]));
        if (parsed.length === 0) excludedItems++;
        else itemMeans.push(mean(parsed));
      }
      if (itemMeans.length > 0) tasks.push({ task, score: mean(itemMeans), items: itemMeans.length });
    }
    const personaScore = tasks.length === 0 ? null : mean(tasks.map((t) => t.score));
    personas.push({ personaId, personaScore, tasks });
  }

  const scored = personas.flatMap((p) => (p.personaScore === null ? [] : [p.personaScore]));
  const byTask = groupBy(
    personas.flatMap((p) => p.tasks),
    (t) => t.task,
  );
  return {
    personaScore: scored.length === 0 ? null : mean(scored),
    interval: scored.length === 0 ? null : bootstrapMeanInterval(scored, options),
    personas,
    taskScores: [...byTask].map(([task, taskScores]) => ({
      task,
      score: mean(taskScores.map((t) => t.score)),
      personas: taskScores.length,
    })),
    unscoredPersonaIds: personas.filter((p) => p.personaScore === null).map((p) => p.personaId),
    items,
    excludedItems,
  };
}

/**
 * Item score = mean over the judges that parsed (item dropped if none did); task score = mean over items;
 * persona PersonaScore = mean over its scored tasks; model PersonaScore = mean over scored personas, with a
 * bootstrap interval over personas (`options`, defaults 2000 resamples, seed 1, level 0.95).
 */
export function aggregatePersonaGym(
  scores: readonly JudgeScore[],
  options: BootstrapOptions = {},
): PersonaGymResult {
  const where = "aggregatePersonaGym";
  validateScores(where, scores);
  if (scores.length === 0) fail(where, "scores must not be empty");
  const byJudge = groupBy(scores, (s) => s.judge);
  const unparsed: UnparsedCount[] = [];
  for (const [judge, judgeScores] of byJudge) {
    for (const [task, taskScores] of groupBy(judgeScores, (s) => s.task)) {
      unparsed.push({
        judge,
        task,
        unparsed: taskScores.filter((s) => s.score === null).length,
        total: taskScores.length,
      });
    }
  }
  return {
    ...aggregate(scores, options),
    judges: [...byJudge].map(([judge, judgeScores]) => ({ judge, ...aggregate(judgeScores, options) })),
    unparsed,
  };
}

/**
 * Inter-judge agreement per task: units are the task's (persona, question) items, one value per judge.
 * Krippendorff's alpha for any number of judges; Spearman only when the task has exactly 2 judges.
 */
export function judgeAgreementByTask(scores: readonly JudgeScore[]): TaskAgreement[] {
  const where = "judgeAgreementByTask";
  validateScores(where, scores);
  return [...groupBy(scores, (s) => s.task)].map(([task, taskScores]) => {
    const judges = [...new Set(taskScores.map((s) => s.judge))];
    const units = [...groupBy(taskScores, itemKey).values()].map((itemScores) =>
      judges.map((judge) => itemScores.find((s) => s.judge === judge)?.score ?? null),
    );
    const { alpha, pairableUnits } = krippendorffAlphaInterval(units);
    let spearman: number | null = null;
    let spearmanPairs = 0;
    if (judges.length === 2) {
      const both = units.filter((u): u is [number, number] => u[0] !== null && u[1] !== null);
      spearmanPairs = both.length;
      spearman = spearmanRho(
        both.map((u) => u[0]),
        both.map((u) => u[1]),
      );
    }
    return { task, judges, alpha, pairableItems: pairableUnits, spearman, spearmanPairs };
  });
}
