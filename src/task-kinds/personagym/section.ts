import { aggregatePersonaGym, type JudgeScore, judgeAgreementByTask } from "../../metrics/index.js";
import type { ModelIdentity } from "../../models/types.js";
import { personaGymHeadline } from "../../results/headline.js";
import { encodeJudgements, type JudgementState } from "../../results/verdicts.js";
import type { PersonaGymTaskConfig } from "./config.js";
import { JUDGE_PROMPT_VERSION } from "./judge/index.js";
import {
  PERSONAGYM_TASK_LABELS,
  type PersonaGymPersona,
  type PersonaGymQuestion,
  type PersonaGymTask,
} from "./personas.js";
import type { PersonaGymResults, PersonaGymVerdicts } from "./section-types.js";

/** Every bootstrap of a PersonaGym section (over personas), so the same verdicts always give the same interval. */
export const PERSONAGYM_BOOTSTRAP = { resamples: 2000, seed: 20_240_726, level: 0.95 } as const;

export interface PersonaGymReportTask {
  config: PersonaGymTaskConfig;
  personas: readonly PersonaGymPersona[];
  questions: readonly PersonaGymQuestion[];
  personasById: ReadonlyMap<string, PersonaGymPersona>;
  dataset: Omit<PersonaGymResults["dataset"], "name" | "hash">;
}

export interface PersonaGymReportCollected {
  answers: { readonly size: number };
  examples: PersonaGymResults["examples"];
  /** Per judge: the verdict by question id, null when unparseable after the retry. */
  verdicts: {
    judge: { spec: string; identity: ModelIdentity };
    byQuestion: ReadonlyMap<string, number | null>;
  }[];
}

/**
 * PersonaGym's aggregation, without its bugs: per item the mean over the judges that parsed, per task the mean
 * over items, PersonaScore per persona the mean of its task scores, the model's the mean over personas. Unparsed
 * judgements are excluded but counted; unanswered questions are errors, never graded.
 */
export function buildPersonaGymResults(
  prepared: PersonaGymReportTask,
  collected: PersonaGymReportCollected,
  subject: ModelIdentity,
  alpha: number,
): PersonaGymResults | undefined {
  const questions = new Map(prepared.questions.map((q) => [q.id, q]));
  const label = (task: string) => PERSONAGYM_TASK_LABELS[task as PersonaGymTask] ?? task;
  const scores: JudgeScore[] = [];
  for (const { judge, byQuestion } of collected.verdicts) {
    for (const [questionId, score] of byQuestion) {
      const question = questions.get(questionId)!;
      scores.push({
        personaId: question.personaId,
        task: label(question.task),
        questionId,
        judge: judge.spec,
        score,
      });
    }
  }
  if (scores.length === 0) return undefined;
  const aggregate = aggregatePersonaGym(scores, PERSONAGYM_BOOTSTRAP);
  const byJudge = new Map(aggregate.judges.map((j) => [j.judge, j]));
  const subjectFamily = modelFamily(subject);
  const { config } = prepared;
  const personaScore = aggregate.personaScore;
  const ci95: PersonaGymResults["ci95"] = aggregate.interval
    ? [aggregate.interval.lo, aggregate.interval.hi]
    : null;
  const verdicts = verdictStrings(prepared, collected);
  return {
    id: config.id,
    kind: "personagym",
    dataset: { name: "personagym", hash: prepared.dataset.digest, ...prepared.dataset },
    scorer: { name: "personagym-judge", version: JUDGE_PROMPT_VERSION },
    headline: personaGymHeadline({ personaScore, ci95 }),
    statistics: {
      alpha,
      bootstrap: { ...PERSONAGYM_BOOTSTRAP, method: "percentile" },
      intervals: { personaScore: "percentile bootstrap over personas of their PersonaScore" },
    },
    subset: { limit: config.limit ?? null, seed: config.seed },
    settings: {
      systemPrompt: config.systemPrompt,
      decoding: { ...config.decoding },
      judgeDecoding: { ...config.judgeDecoding },
      scoreExamples: config.scoreExamples,
      rubrics: config.rubrics,
      judgePromptVersion: JUDGE_PROMPT_VERSION,
    },
    personasEvaluated: prepared.personas.length,
    questions: prepared.questions.length,
    personaScore,
    ci95,
    tasks: Object.fromEntries(aggregate.taskScores.map((t) => [t.task, t.score])),
    personas: aggregate.personas.map((p) => ({
      id: p.personaId,
      text: prepared.personasById.get(p.personaId)?.text ?? "",
      tasks: Object.fromEntries(p.tasks.map((t) => [t.task, t.score])),
      personaScore: p.personaScore,
      verdicts: verdicts.get(p.personaId) ?? {},
    })),
    judges: collected.verdicts.map(({ judge, byQuestion }) => {
      const values = [...byQuestion.values()];
      const family = modelFamily(judge.identity);
      return {
        spec: judge.spec,
        provider: judge.identity.provider,
        name: judge.identity.name,
        ...(judge.identity.digest ? { digest: judge.identity.digest } : {}),
        personaScore: byJudge.get(judge.spec)?.personaScore ?? null,
        judged: values.length,
        unparsed: values.filter((v) => v === null).length,
        sameFamilyAsSubject: family !== undefined && family === subjectFamily,
      };
    }),
    agreement:
      collected.verdicts.length >= 2
        ? judgeAgreementByTask(scores).map((a) => ({
            task: a.task,
            alpha: a.alpha,
            spearman: a.spearman,
            pairableItems: a.pairableItems,
          }))
        : null,
    unparsed: {
      total: aggregate.unparsed.reduce((sum, u) => sum + u.unparsed, 0),
      byJudgeAndTask: aggregate.unparsed,
    },
    examples: collected.examples,
    unanswered: prepared.questions.length - collected.answers.size,
  };
}

/**
 * Per persona and task label, one string per judge of its questions' verdicts in dataset order (see
 * PersonaGymVerdicts): what lets a file be re-aggregated or paired without the store.
 */
function verdictStrings(
  prepared: PersonaGymReportTask,
  collected: PersonaGymReportCollected,
): Map<string, PersonaGymVerdicts> {
  const byPersona = new Map<string, Map<string, PersonaGymQuestion[]>>();
  for (const question of prepared.questions) {
    const tasks = byPersona.get(question.personaId) ?? new Map<string, PersonaGymQuestion[]>();
    const label = PERSONAGYM_TASK_LABELS[question.task];
    tasks.set(label, [...(tasks.get(label) ?? []), question]);
    byPersona.set(question.personaId, tasks);
  }
  const result = new Map<string, PersonaGymVerdicts>();
  for (const [personaId, tasks] of byPersona) {
    const verdicts: PersonaGymVerdicts = {};
    for (const [label, questions] of tasks) {
      const ordered = [...questions].sort((a, b) => a.index - b.index);
      verdicts[label] = collected.verdicts.map(({ byQuestion }) =>
        encodeJudgements(ordered.map((q): JudgementState => byQuestion.get(q.id))),
      );
    }
    result.set(personaId, verdicts);
  }
  return result;
}

const FAMILIES = [
  "llama",
  "qwen",
  "gemma",
  "mistral",
  "mixtral",
  "phi",
  "deepseek",
  "gpt",
  "claude",
  "command",
  "granite",
  "olmo",
  "falcon",
  "yi",
  "smollm",
  "internlm",
  "glm",
] as const;

/** The model family from the server's metadata (Ollama `details.family`) or the model name; undefined if unknown. */
export function modelFamily(identity: ModelIdentity): string | undefined {
  const details = identity.details as { family?: unknown };
  const candidates = [typeof details.family === "string" ? details.family : "", identity.name];
  for (const text of candidates) {
    const lower = text.toLowerCase();
    const family = FAMILIES.find((f) => new RegExp(`(^|[^a-z])${f}`).test(lower));
    if (family) return family === "mixtral" ? "mistral" : family;
  }
  return undefined;
}
