import { InputError } from "../core/input-error.js";
import { aggregatePersonaGym, type JudgeScore, personaStability } from "../metrics/index.js";
import { mathHeadline, personaGymHeadline } from "../results/headline.js";
import { decodeJudgements, decodeMathOutcomes } from "../results/verdicts.js";
import type { MathSection } from "../task-kinds/math/section-types.js";
import type { PersonaGymSection } from "../task-kinds/personagym/section-types.js";

/**
 * A math section's figures recomputed from its per-item outcomes by the metrics every run uses (personaStability,
 * with the bootstrap settings the section records, and its lottery personas): per-condition counts, accuracies and
 * comparisons with the control, the summary and the headline. The gate checks a file's own figures against these,
 * and re-grading replaces a healed section's figures with them. `file` names the file in a malformed-outcome error.
 */
export function mathFiguresFromOutcomes(section: MathSection, file: string): MathSection {
  const items = section.items?.length ?? section.problems;
  const lottery = new Set(section.summary?.lottery?.personas ?? []);
  const conditions = section.personas.map((p, index) => {
    try {
      return {
        id: p.id,
        lottery: lottery.has(p.id),
        generations: decodeMathOutcomes(p.outcomes ?? "", items, section.samples),
      };
    } catch (error) {
      throw new InputError(`task ${section.id}, persona ${p.id}: ${(error as Error).message}`, {
        file,
        field: `tasks${member(section.id)}.personas[${index}].outcomes`,
      });
    }
  });
  const { resamples, seed, level } = section.statistics.bootstrap;
  const stability = personaStability(conditions, { bootstrap: { resamples, seed, level } });
  const personas = section.personas.map(({ passAtK: _old, ...p }, index) => ({
    ...p,
    ...stability.conditions[index]!,
  }));
  let summary: MathSection["summary"] = null;
  if (stability.summary) {
    const { worstPersonaIds, bestPersonaIds, ...rest } = stability.summary;
    summary = { ...rest, worst: worstPersonaIds, best: bestPersonaIds };
  }
  return { ...section, personas, summary, headline: mathHeadline(personas[0], summary) };
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

/** A key as a step of a JSON path: `.key`, or `["a key"]` when it is not an identifier. */
export function member(key: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
}
