import type { DatasetOptions } from "../../datasets/datasets.js";
import { deriveSeed, generationKey, modelCacheKey } from "../../plan/keys.js";
import { countCached, type Endpoint, type StageContext } from "../../runner/stage.js";
import type { Store } from "../../store/store.js";
import type { PersonaGymTaskConfig } from "./config.js";
import { parseExamples } from "./judge/examples.js";
import { type PersonaGymRubrics, rubricTextsFor } from "./judge/rubrics.js";
import {
  loadPersonaGym,
  loadUpstreamRubrics,
  type PersonaGymPersona,
  type PersonaGymQuestion,
  selectPersonaGymPersonas,
} from "./personas.js";
import {
  type PersonaGymPlan,
  type PersonaGymWorkItem,
  planPersonaGymExamples,
  planPersonaGymJudgements,
  planPersonaGymSubjects,
} from "./plan.js";
import { judgeTargets, personaGymJudgeScorer, storedJudgements } from "./score.js";
import { resolvePersonaGym, resolveUpstreamRubrics } from "./source.js";

export interface PreparedPersonaGym {
  config: PersonaGymTaskConfig;
  personas: PersonaGymPersona[];
  questions: PersonaGymQuestion[];
  personasById: Map<string, PersonaGymPersona>;
  rubrics: PersonaGymRubrics;
  dataset: { digest: string; pinned: boolean; origin: string; personasAvailable: number };
}

export async function preparePersonaGym(
  config: PersonaGymTaskConfig,
  data: DatasetOptions,
): Promise<PreparedPersonaGym> {
  const resolved = await resolvePersonaGym(data);
  const all = loadPersonaGym(resolved.dir);
  const personas = selectPersonaGymPersonas(all.personas, config.limit, config.seed);
  const selected = new Set(personas.map((p) => p.id));
  const rubrics =
    config.rubrics === "upstream"
      ? rubricTextsFor("upstream", loadUpstreamRubrics((await resolveUpstreamRubrics(data)).dir))
      : rubricTextsFor("ours");
  return {
    config,
    personas,
    questions: all.questions.filter((q) => selected.has(q.personaId)),
    personasById: new Map(personas.map((p) => [p.id, p])),
    rubrics,
    dataset: {
      digest: resolved.digest,
      pinned: resolved.pinned,
      origin: resolved.origin,
      personasAvailable: all.personas.length,
    },
  };
}

/** One judge's verdicts by question id; null for a judgement that could not be parsed even after one retry. */
export type JudgeVerdicts = Map<string, number | null>;

export interface PersonaGymCollected {
  /** Subject answers by question id (failed subject calls are absent: an error, never an answer to grade). */
  answers: Map<string, string>;
  examples: { requested: number; unparsed: number } | null;
  verdicts: { judge: Endpoint; byQuestion: JudgeVerdicts }[];
  keys: string[];
}

/**
 * Subject answers, then score examples (written by the first judge), then every judge; each stage cache-first. Each
 * judge's replies go through the judge scorer stage (their parsed scores are stored per generation), and the
 * verdicts handed to the section, and the choice of which judgements to retry, are read from the stored scores.
 */
export async function executePersonaGym(
  ctx: StageContext,
  prepared: PreparedPersonaGym,
  subject: Endpoint,
  judges: readonly Endpoint[],
): Promise<PersonaGymCollected> {
  const { config } = prepared;
  const keys: string[] = [];
  const subjects = planPersonaGymSubjects(
    config,
    prepared.personas,
    prepared.questions,
    modelCacheKey(subject.identity),
  );
  // Plans are streamed twice (to send, then to read back) rather than held: a judge prompt is several KB and a
  // full run has 10,000 of them per judge.
  await runPlan(ctx, config.id, `${config.id} subject`, subject, subjects.items(), subjects.size, keys);
  const answers = textsByQuestion(ctx.store, subjects.items());
  const collected: PersonaGymCollected = { answers, examples: null, verdicts: [], keys };
  if (ctx.interrupted || judges.length === 0) return collected;

  const input = {
    questions: prepared.questions,
    personasById: prepared.personasById,
    rubrics: prepared.rubrics,
  };
  const examples = new Map<string, string[] | null>();
  const examplesModel = judges[0]!;
  if (config.scoreExamples) {
    const plan = planPersonaGymExamples(config, input, modelCacheKey(examplesModel.identity));
    await runPlan(ctx, config.id, `${config.id} examples`, examplesModel, plan.items(), plan.size, keys);
    if (ctx.interrupted) return collected;
    let unparsed = 0;
    for (const [questionId, text] of textsByQuestion(ctx.store, plan.items())) {
      const parsed = parseExamples(text);
      if (parsed === null) unparsed++;
      examples.set(questionId, parsed);
    }
    collected.examples = { requested: plan.size, unparsed };
  }

  for (const judge of judges) {
    const judgeKey = modelCacheKey(judge.identity);
    const plan = planPersonaGymJudgements(config, { ...input, answers, examples }, judgeKey, judge.spec);
    await runPlan(ctx, config.id, `${config.id} judge ${judge.spec}`, judge, plan.items(), plan.size, keys);
    await ctx.score(personaGymJudgeScorer, judgeTargets(plan.items()));
    if (ctx.interrupted) return collected;
    const first = storedJudgements(ctx.store, plan.items());
    // An unparseable judgement gets one more try, as a new request (another sample, another seed).
    const retries = retryItems(plan.items(), first, judgeKey, config.judgeDecoding.seed);
    await runPlan(
      ctx,
      config.id,
      `${config.id} judge ${judge.spec} (retry)`,
      judge,
      retries,
      retries.length,
      keys,
    );
    await ctx.score(personaGymJudgeScorer, judgeTargets(retries));
    if (ctx.interrupted) return collected;
    const second = storedJudgements(ctx.store, retries);
    const byQuestion: JudgeVerdicts = new Map();
    for (const [questionId, verdict] of first)
      byQuestion.set(questionId, verdict ?? second.get(questionId) ?? null);
    collected.verdicts.push({ judge, byQuestion });
  }
  return collected;
}

/**
 * Dry-run counts per stage. Judge requests are counted for every question (an upper bound until the subject has
 * answered); the cached ones are found by rebuilding the judge prompts from the answers the store already has.
 */
export function planPersonaGymCounts(
  prepared: PreparedPersonaGym,
  subject: Endpoint,
  judges: readonly Endpoint[],
  store: Store | undefined,
): { stage: string; requests: number; cached: number | null }[] {
  const { config } = prepared;
  const cached = (plan: PersonaGymPlan) => (store ? countCached(store, plan.items()) : 0);
  const subjects = planPersonaGymSubjects(
    config,
    prepared.personas,
    prepared.questions,
    modelCacheKey(subject.identity),
  );
  const counts = [{ stage: `${config.id} subject`, requests: subjects.size, cached: cached(subjects) }];
  if (judges.length === 0) return counts;
  const input = {
    questions: prepared.questions,
    personasById: prepared.personasById,
    rubrics: prepared.rubrics,
  };
  const examples = new Map<string, string[] | null>();
  if (config.scoreExamples) {
    const plan = planPersonaGymExamples(config, input, modelCacheKey(judges[0]!.identity));
    counts.push({
      stage: `${config.id} examples (${judges[0]!.spec})`,
      requests: plan.size,
      cached: cached(plan),
    });
    if (store) {
      for (const [id, text] of textsByQuestion(store, plan.items())) examples.set(id, parseExamples(text));
    }
  }
  const answers = store ? textsByQuestion(store, subjects.items()) : new Map<string, string>();
  for (const judge of judges) {
    const plan = planPersonaGymJudgements(
      config,
      { ...input, answers, examples },
      modelCacheKey(judge.identity),
      judge.spec,
    );
    counts.push({
      stage: `${config.id} judge ${judge.spec}`,
      requests: prepared.questions.length,
      cached: cached(plan),
    });
  }
  return counts;
}

async function runPlan(
  ctx: StageContext,
  taskId: string,
  stage: string,
  endpoint: Endpoint,
  items: Iterable<PersonaGymWorkItem>,
  size: number,
  keys: string[],
) {
  const recorded = function* () {
    for (const item of items) {
      keys.push(item.key);
      yield item;
    }
  };
  await ctx.execute(taskId, stage, endpoint, recorded(), size);
}

/** The finished generations' texts by question id (failed or missing requests are absent); read in chunks. */
function textsByQuestion(store: Store, items: Iterable<PersonaGymWorkItem>): Map<string, string> {
  const texts = new Map<string, string>();
  let chunk: PersonaGymWorkItem[] = [];
  const flush = () => {
    const found = store.getTexts(chunk.map((item) => item.key));
    for (const item of chunk) {
      const text = found.get(item.key);
      if (text !== undefined) texts.set(item.itemId, text);
    }
    chunk = [];
  };
  for (const item of items) {
    chunk.push(item);
    if (chunk.length === 500) flush();
  }
  flush();
  return texts;
}

/** A second request (sample 1, its own seed) for each judgement that could not be parsed. */
function retryItems(
  items: Iterable<PersonaGymWorkItem>,
  first: Map<string, number | null>,
  judgeKey: string,
  seed: number,
): PersonaGymWorkItem[] {
  const retries: PersonaGymWorkItem[] = [];
  for (const item of items) {
    if (first.get(item.itemId) !== null) continue;
    const sampling = { ...item.request.sampling, seed: deriveSeed(seed, item.itemId, 1) };
    retries.push({
      ...item,
      sample: 1,
      request: { messages: item.request.messages, sampling },
      key: generationKey(judgeKey, item.request.messages, sampling, 1),
    });
  }
  return retries;
}
