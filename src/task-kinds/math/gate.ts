import { canonicalJson } from "../../core/canonical.js";
import { InputError } from "../../core/input-error.js";
import {
  type ConditionDrop,
  type GenerationState,
  type PairedRunFigures,
  pairedConditionDrops,
  pairedRunFigures,
  type RunScores,
} from "../../metrics/index.js";
import { decodeMathOutcomes } from "../../results/verdicts.js";
import { compareDecoding, comparePersonas, examples, short } from "../pairing.js";
import { bootstrapOptionsOf, type GateStatistics, type SectionGate } from "../section-gate.js";
import { mathFigureChecks } from "./gate-recompute.js";
import { mathHealing } from "./rescore.js";
import type { MathSection } from "./section-types.js";
import { checkMathAgainstStore } from "./store-check.js";

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

/** The policy's metric names, each a figure of pairedRunFigures. */
const FIGURE_OF = {
  "control-accuracy": "control",
  "mean-accuracy": "mean",
  "worst-persona": "worst",
  pss: "pss",
} as const;

/**
 * Pairs two comparable math sections (see compareRuns): personas by id, problems by position in `items`; only
 * problems every condition answered in full in both runs enter (a partial run never compares different problems).
 */
export function estimateMath(
  baseline: MathSection,
  candidate: MathSection,
  statistics: GateStatistics,
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
    statistics,
    typeof temperature === "number" ? temperature : null,
  );
}

/** The same estimates from per-problem scores directly (what the calibration simulations feed in). */
export function estimateMathScores(
  meta: { task: string; conditions: string[]; totalProblems: number; samples: number },
  baseline: RunScores,
  candidate: RunScores,
  statistics: GateStatistics,
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
    figures: pairedRunFigures(baseline, candidate, bootstrapOptionsOf(statistics)),
    drops: pairedConditionDrops(baseline, candidate),
  };
}

/** Items, personas, prompt, placement, samples, decoding, dataset and catalog: all must be equal to pair. */
function mathDifferences(b: MathSection, c: MathSection): string[] {
  const out: string[] = [];
  if (b.dataset.hash !== c.dataset.hash)
    out.push(
      `dataset ${b.dataset.name} ${short(b.dataset.hash)} vs ${c.dataset.name} ${short(c.dataset.hash)}`,
    );
  out.push(...compareItems(b.items ?? [], c.items ?? []));
  out.push(...comparePersonas(b.personas, c.personas));
  if (b.prompt !== c.prompt) out.push("prompt template differs");
  if (b.personaPlacement !== c.personaPlacement)
    out.push(`persona placement ${b.personaPlacement} vs ${c.personaPlacement}`);
  if (b.samples !== c.samples) out.push(`samples per problem ${b.samples} vs ${c.samples}`);
  out.push(...compareDecoding("decoding", b.decoding, c.decoding));
  if (canonicalJson(b.catalog) !== canonicalJson(c.catalog)) {
    out.push(
      `persona catalog ${b.catalog.id} version ${b.catalog.version} (${short(b.catalog.sha256)}) vs ${c.catalog.id} version ${c.catalog.version} (${short(c.catalog.sha256)})`,
    );
  }
  return out;
}

function compareItems(b: readonly string[], c: readonly string[]): string[] {
  if (b.length === c.length && b.every((id, i) => id === c[i])) return [];
  const inC = new Set(c);
  const inB = new Set(b);
  const onlyB = b.filter((id) => !inC.has(id));
  const onlyC = c.filter((id) => !inB.has(id));
  if (onlyB.length === 0 && onlyC.length === 0) return ["the same problems in a different order"];
  return [
    `problems differ: ${b.length} vs ${c.length}; ${onlyB.length} only in the baseline${examples(onlyB)}, ${onlyC.length} only in the candidate${examples(onlyC)}`,
  ];
}

/**
 * How the gate pairs sections of binary verdicts (correct or not, per problem and sample): accuracy figures with
 * paired bootstrap bounds and per-persona McNemar drops. Any kind whose sections have the math section's shape
 * (per-item outcome strings, conditions with the control first) reuses it as `gate: mathGate`.
 */
export const mathGate: SectionGate<MathSection, MathEstimates> = {
  metrics: Object.keys(FIGURE_OF).map((name) => ({ name, scale: "proportion" })),
  unit: "problems",
  unpairable: (section) =>
    !section.items || section.personas.some((p) => p.outcomes === undefined)
      ? "has no per-item outcomes, so it cannot be paired"
      : undefined,
  differences: mathDifferences,
  estimate: estimateMath,
  figure: (metric, estimates) => {
    const figure = FIGURE_OF[metric as keyof typeof FIGURE_OF];
    if (!figure) throw new Error(`metric ${metric} is not a metric of ${estimates.kind} tasks`);
    return estimates.figures[figure];
  },
  coverage: (estimates) => ({ paired: estimates.problems, total: estimates.totalProblems }),
  partialNote: (e) =>
    `task ${e.task}: ${e.problems} of ${e.totalProblems} problems were answered in full by every persona in both runs; only those are paired`,
  drops: (estimates) => estimates.drops.map((d) => ({ ...d, id: estimates.conditions[d.condition]! })),
  sampling: ({ samples, temperature }) => ({ samples, temperature }),
  recompute: mathFigureChecks,
  checkStore: checkMathAgainstStore,
  healing: mathHealing,
};
