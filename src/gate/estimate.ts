import { InputError } from "../core/input-error.js";
import {
  type BootstrapInterval,
  type ConditionDrop,
  type GenerationState,
  type PairedRunFigures,
  pairedConditionDrops,
  pairedMeanDifference,
  pairedRunFigures,
  type RunScores,
} from "../metrics/index.js";
import { decodeMathOutcomes } from "../results/verdicts.js";
import type { MathSection } from "../task-kinds/math/section-types.js";
import type { PersonaGymSection } from "../task-kinds/personagym/section-types.js";
import type { GatePolicy } from "./types.js";

/** Paired estimates of one math task: figures over the shared problems and per-condition drops. */
export interface MathEstimates {
  kind: "math";
  task: string;
  /** Condition ids in [control, ...personas] order. */
  conditions: string[];
  /** Problems answered in full by every condition in both runs (the paired units). */
  problems: number;
  /** Problems in the task. */
  totalProblems: number;
  samples: number;
  /** Sampling temperature of the runs (more samples per problem cannot help at 0). */
  temperature: number | null;
  figures: PairedRunFigures;
  drops: ConditionDrop[];
}

export interface PersonaGymEstimates {
  kind: "personagym";
  task: string;
  /** Personas with a PersonaScore in both runs (the paired units). */
  personas: number;
  totalPersonas: number;
  baseline: number;
  candidate: BootstrapInterval;
  difference: BootstrapInterval;
}

export type TaskEstimates = MathEstimates | PersonaGymEstimates;

/** Bootstrap options of a policy: one-sided bounds at `confidence` are the two-sided interval at 2c - 1. */
export function bootstrapOptionsOf(policy: Pick<GatePolicy, "confidence" | "bootstrap">) {
  return { ...policy.bootstrap, level: 2 * policy.confidence - 1 };
}

/**
 * Pairs two comparable math sections (see compareRuns): personas by id, problems by position in `items`; only
 * problems every condition answered in full in both runs enter (a partial run never compares different problems).
 */
export function estimateMath(
  baseline: MathSection,
  candidate: MathSection,
  policy: Pick<GatePolicy, "confidence" | "bootstrap">,
  source: { baseline: string; candidate: string },
): MathEstimates {
  const problems = baseline.problems;
  const samples = baseline.samples;
  const decode = (section: MathSection, id: string, file: string) => {
    const persona = section.personas.find((p) => p.id === id)!;
    try {
      return decodeMathOutcomes(persona.outcomes ?? "", section.items?.length ?? problems, samples);
    } catch (error) {
      throw new InputError(`task ${section.id}, persona ${id}: ${(error as Error).message}`, { file });
    }
  };
  const ids = baseline.personas.map((p) => p.id);
  const base = ids.map((id) => decode(baseline, id, source.baseline));
  const cand = ids.map((id) => decode(candidate, id, source.candidate));
  const complete = (row: GenerationState[]) => row.every((g) => g !== undefined && g !== "failed");
  const shared: number[] = [];
  const rows = base[0]?.length ?? 0;
  for (let i = 0; i < rows; i++) {
    if (base.every((p) => complete(p[i]!)) && cand.every((p) => complete(p[i]!))) shared.push(i);
  }
  if (shared.length === 0) {
    throw new InputError(
      `task ${baseline.id}: no problem was answered in full by every persona in both runs, so nothing can be paired`,
      { file: source.candidate },
    );
  }
  const scoresOf = (run: GenerationState[][][]): RunScores => {
    const matrix = run.map((persona) =>
      Float64Array.from(shared, (i) => {
        const row = persona[i]!;
        let correct = 0;
        for (const g of row) if (typeof g === "object" && g.correct) correct++;
        return correct / row.length;
      }),
    );
    return { control: matrix[0]!, personas: matrix.slice(1) };
  };
  const temperature = baseline.decoding.temperature;
  return estimateMathScores(
    { task: baseline.id, conditions: ids, totalProblems: problems, samples },
    scoresOf(base),
    scoresOf(cand),
    policy,
    typeof temperature === "number" ? temperature : null,
  );
}

/** The same estimates from per-problem scores directly (what the calibration simulations feed in). */
export function estimateMathScores(
  meta: { task: string; conditions: string[]; totalProblems: number; samples: number },
  baseline: RunScores,
  candidate: RunScores,
  policy: Pick<GatePolicy, "confidence" | "bootstrap">,
  temperature: number | null = null,
): MathEstimates {
  if (baseline.personas.length === 0) {
    throw new InputError(`task ${meta.task}: no persona besides the control, so there is nothing to gate`);
  }
  return {
    kind: "math",
    ...meta,
    temperature,
    problems: baseline.control.length,
    figures: pairedRunFigures(baseline, candidate, bootstrapOptionsOf(policy)),
    drops: pairedConditionDrops(baseline, candidate),
  };
}

/** PersonaGym: personas paired by id, each with its PersonaScore in both runs. */
export function estimatePersonaGym(
  baseline: PersonaGymSection,
  candidate: PersonaGymSection,
  policy: Pick<GatePolicy, "confidence" | "bootstrap">,
  source: { candidate: string },
): PersonaGymEstimates {
  const candById = new Map(candidate.personas.map((p) => [p.id, p.personaScore]));
  const pairs = baseline.personas.flatMap((p) => {
    const c = candById.get(p.id);
    return p.personaScore === null || c === null || c === undefined ? [] : [[p.personaScore, c] as const];
  });
  if (pairs.length === 0) {
    throw new InputError(`task ${baseline.id}: no persona has a PersonaScore in both runs`, {
      file: source.candidate,
    });
  }
  const paired = pairedMeanDifference(
    pairs.map((p) => p[0]),
    pairs.map((p) => p[1]),
    bootstrapOptionsOf(policy),
  );
  return {
    kind: "personagym",
    task: baseline.id,
    personas: paired.units,
    totalPersonas: baseline.personas.length,
    baseline: paired.baseline,
    candidate: paired.candidate,
    difference: paired.difference,
  };
}
