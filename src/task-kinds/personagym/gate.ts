import { InputError } from "../../core/input-error.js";
import { member } from "../../core/json-path.js";
import {
  aggregatePersonaGym,
  type BootstrapInterval,
  type JudgeScore,
  pairedMeanDifference,
} from "../../metrics/index.js";
import { personaGymHeadline } from "../../results/headline.js";
import { decodeJudgements } from "../../results/verdicts.js";
import { compareDecoding, comparePersonas, short } from "../pairing.js";
import {
  bootstrapOptionsOf,
  type FigureCheck,
  type GateStatistics,
  type SectionGate,
} from "../section-gate.js";
import type { PersonaGymSection } from "./section-types.js";

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

/** PersonaGym: personas paired by id, each with its PersonaScore in both runs. */
export function estimatePersonaGym(
  baseline: PersonaGymSection,
  candidate: PersonaGymSection,
  statistics: GateStatistics,
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
    bootstrapOptionsOf(statistics),
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

/** Dataset, personas, prompts, decoding, rubrics, judge prompt and judges: all must be equal to pair. */
function personaGymDifferences(b: PersonaGymSection, c: PersonaGymSection): string[] {
  const out: string[] = [];
  if (b.dataset.hash !== c.dataset.hash)
    out.push(`dataset ${short(b.dataset.hash)} vs ${short(c.dataset.hash)}`);
  out.push(...comparePersonas(b.personas, c.personas));
  const bs = b.settings;
  const cs = c.settings;
  if (bs.systemPrompt !== cs.systemPrompt) out.push("system prompt template differs");
  out.push(...compareDecoding("decoding", bs.decoding, cs.decoding));
  out.push(...compareDecoding("judge decoding", bs.judgeDecoding, cs.judgeDecoding));
  if (bs.scoreExamples !== cs.scoreExamples)
    out.push(`score examples ${onOff(bs.scoreExamples)} vs ${onOff(cs.scoreExamples)}`);
  if (bs.rubrics !== cs.rubrics) out.push(`rubrics ${bs.rubrics} vs ${cs.rubrics}`);
  if (bs.judgePromptVersion !== cs.judgePromptVersion)
    out.push(`judge prompt ${bs.judgePromptVersion} vs ${cs.judgePromptVersion}`);
  const judges = (s: PersonaGymSection) =>
    s.judges.map((j) => `${j.provider}:${j.name}${j.digest ? ` (${short(j.digest)})` : ""}`).join(", ");
  if (judges(b) !== judges(c)) out.push(`judges ${judges(b) || "none"} vs ${judges(c) || "none"}`);
  return out;
}

function onOff(value: boolean): string {
  return value ? "on" : "off";
}

/**
 * A PersonaGym section's PersonaScores (per persona and task, per persona, and the model's) re-aggregated from its
 * per-question judge verdicts by the metrics every run uses (aggregatePersonaGym).
 */
export function personaGymFiguresFromVerdicts(
  section: PersonaGymSection,
  file: string,
): Pick<PersonaGymSection, "personas" | "personaScore" | "tasks" | "headline"> {
  const scores: JudgeScore[] = [];
  section.personas.forEach((persona, index) => {
    for (const [task, perJudge] of Object.entries(persona.verdicts ?? {})) {
      perJudge.forEach((encoded, j) => {
        const judge = section.judges[j]?.spec;
        const field = `tasks${member(section.id)}.personas[${index}].verdicts${member(task)}[${j}]`;
        if (judge === undefined) {
          throw new InputError(`${section.judges.length} judge(s), but a verdict string for judge ${j + 1}`, {
            file,
            field,
          });
        }
        let judgements: ReturnType<typeof decodeJudgements>;
        try {
          judgements = decodeJudgements(encoded);
        } catch (error) {
          throw new InputError((error as Error).message, { file, field });
        }
        judgements.forEach((score, question) => {
          if (score !== undefined)
            scores.push({ personaId: persona.id, task, questionId: String(question), judge, score });
        });
      });
    }
  });
  const { resamples, seed, level } = section.statistics.bootstrap;
  const aggregate = scores.length > 0 ? aggregatePersonaGym(scores, { resamples, seed, level }) : null;
  const byId = new Map(aggregate?.personas.map((p) => [p.personaId, p]));
  const personaScore = aggregate?.personaScore ?? null;
  const ci95 = aggregate?.interval
    ? ([aggregate.interval.lo, aggregate.interval.hi] as [number, number])
    : null;
  return {
    personas: section.personas.map((p) => {
      const found = byId.get(p.id);
      return {
        ...p,
        personaScore: found?.personaScore ?? null,
        tasks: Object.fromEntries((found?.tasks ?? []).map((t) => [t.task, t.score])),
      };
    }),
    personaScore,
    tasks: Object.fromEntries((aggregate?.taskScores ?? []).map((t) => [t.task, t.score])),
    headline: personaGymHeadline({ personaScore, ci95 }),
  };
}

function personaGymFigureChecks(section: PersonaGymSection, file: string) {
  const expected = personaGymFiguresFromVerdicts(section, file);
  const checks: FigureCheck[] = [];
  section.personas.forEach((p, i) => {
    const e = expected.personas[i]!;
    checks.push({ path: `.personas[${i}].personaScore`, found: p.personaScore, expected: e.personaScore });
    checks.push({ path: `.personas[${i}].tasks`, found: p.tasks, expected: e.tasks });
  });
  checks.push({ path: ".personaScore", found: section.personaScore, expected: expected.personaScore });
  checks.push({ path: ".tasks", found: section.tasks, expected: expected.tasks });
  return { checks, headline: expected.headline };
}

/** How the gate pairs PersonaGym sections: PersonaScore per persona, paired by persona id. */
export const personaGymGate: SectionGate<PersonaGymSection, PersonaGymEstimates> = {
  metrics: [{ name: "persona-score", scale: "score" }],
  unit: "personas",
  unpairable: (section) =>
    section.personas.some((p) => p.personaScore !== null && p.verdicts === undefined)
      ? "has no per-question judge verdicts, so its PersonaScores cannot be checked"
      : undefined,
  differences: personaGymDifferences,
  estimate: estimatePersonaGym,
  figure: (_metric, { baseline, candidate, difference }) => ({ baseline, candidate, difference }),
  coverage: (estimates) => ({ paired: estimates.personas, total: estimates.totalPersonas }),
  partialNote: (e) =>
    `task ${e.task}: ${e.personas} of ${e.totalPersonas} personas have a PersonaScore in both runs`,
  recompute: personaGymFigureChecks,
};
