import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { deriveSeed, generationKey } from "../../src/plan/keys.js";
import type { PersonaGymTaskConfig } from "../../src/task-kinds/personagym/config.js";
import { buildExampleMessages } from "../../src/task-kinds/personagym/judge/examples.js";
import { buildJudgeMessages } from "../../src/task-kinds/personagym/judge/prompt.js";
import { rubricTextsFor } from "../../src/task-kinds/personagym/judge/rubrics.js";
import { loadPersonaGym, selectPersonaGymPersonas } from "../../src/task-kinds/personagym/personas.js";
import {
  PERSONAGYM_TASK,
  type PersonaGymWorkItem,
  planPersonaGymExamples,
  planPersonaGymJudgements,
  planPersonaGymSubjects,
  renderPersonaGymSystemPrompt,
} from "../../src/task-kinds/personagym/plan.js";
import { fixturesDir, requireSharedData } from "../helpers/paths.js";

const task: PersonaGymTaskConfig = {
  task: "personagym",
  id: "personagym",
  seed: 3,
  systemPrompt: "You are {persona}. Stay in character.",
  decoding: { temperature: 0.9, topP: 0.9, maxTokens: 1024, seed: 17 },
  judgeDecoding: { temperature: 0, topP: 1, maxTokens: 512, seed: 23 },
  scoreExamples: true,
  rubrics: "ours",
};
const data = loadPersonaGym(resolve(fixturesDir, "personagym/good"));
const personasById = new Map(data.personas.map((persona) => [persona.id, persona]));
const rubrics = rubricTextsFor("ours");
const [chess, keeper] = data.personas as [(typeof data.personas)[0], (typeof data.personas)[0]];
const all = <T>(plan: { items(): Generator<T> }) => [...plan.items()];

describe("planPersonaGymSubjects", () => {
  it("one request per question of each selected persona, persona by persona", () => {
    const items = all(planPersonaGymSubjects(task, data.personas, data.questions, "subject"));
    expect(planPersonaGymSubjects(task, data.personas, data.questions, "subject").size).toBe(20);
    expect(items).toHaveLength(20);
    expect(items.slice(0, 10).every((item) => item.personaId === chess.id)).toBe(true);
    expect(items.map((item) => item.itemId)).toEqual(data.questions.map((question) => question.id));
    const only = planPersonaGymSubjects(task, [keeper], data.questions, "subject");
    expect(only.size).toBe(10);
    expect(all(only).every((item) => item.personaId === keeper.id)).toBe(true);
  });

  it("puts the persona in the system message and the question alone in the user turn", () => {
    const question = data.questions.find((q) => q.personaId === keeper.id && q.task === "Toxicity")!;
    const item = all(planPersonaGymSubjects(task, [keeper], data.questions, "subject")).find(
      (candidate) => candidate.itemId === question.id,
    )!;
    expect(item.request.messages).toEqual([
      { role: "system", content: `You are ${keeper.text}. Stay in character.` },
      { role: "user", content: question.text },
    ]);
    const sampling = {
      temperature: 0.9,
      topP: 0.9,
      maxTokens: 1024,
      seed: deriveSeed(17, question.id, 0),
    };
    expect(item).toEqual({
      key: generationKey("subject", item.request.messages, sampling, 0),
      task: PERSONAGYM_TASK,
      stage: "subject",
      personaGymTask: "Toxicity",
      // Recorded with run membership so the viewer can filter by PersonaGym task.
      group: "Toxicity",
      personaId: keeper.id,
      itemId: question.id,
      sample: 0,
      request: { messages: item.request.messages, sampling },
    });
  });

  it("has stable, distinct keys that follow the model and the seed", () => {
    const keys = (model: string, config = task) =>
      all(planPersonaGymSubjects(config, data.personas, data.questions, model)).map((item) => item.key);
    const first = keys("subject");
    expect(keys("subject")).toEqual(first);
    expect(new Set(first).size).toBe(20);
    expect(keys("other").some((key) => first.includes(key))).toBe(false);
    const reseeded = keys("subject", { ...task, decoding: { ...task.decoding, seed: 18 } });
    expect(reseeded.some((key) => first.includes(key))).toBe(false);
  });

  it("renders persona text literally", () => {
    expect(renderPersonaGymSystemPrompt("Be {persona}; {persona}.", "a $& fan")).toBe(
      "Be a $& fan; a $& fan.",
    );
  });

  it("plans the whole real benchmark: 10,000 distinct requests", () => {
    const real = loadPersonaGym(join(requireSharedData(), "personagym/questions/benchmark-v1"));
    const plan = planPersonaGymSubjects(task, real.personas, real.questions, "subject");
    expect(plan.size).toBe(10_000);
    expect(new Set(all(plan).map((item) => item.key)).size).toBe(10_000);
    const subset = selectPersonaGymPersonas(real.personas, 20, task.seed);
    expect(planPersonaGymSubjects(task, subset, real.questions, "subject").size).toBe(1_000);
  });
});

describe("planPersonaGymExamples", () => {
  it("one request per question with judge decoding, and none when score examples are off", () => {
    const plan = planPersonaGymExamples(
      task,
      { questions: data.questions, personasById, rubrics },
      "examiner",
    );
    expect(plan.size).toBe(20);
    const items = all(plan);
    const question = data.questions[4]!;
    const item = items[4]!;
    expect(item.stage).toBe("examples");
    expect(item.itemId).toBe(question.id);
    expect(item.request.messages).toEqual(
      buildExampleMessages({
        task: question.task,
        persona: personasById.get(question.personaId)!.text,
        question: question.text,
        rubric: rubrics[question.task],
      }),
    );
    expect(item.request.sampling).toEqual({
      temperature: 0,
      topP: 1,
      maxTokens: 512,
      seed: deriveSeed(23, question.id, 0),
    });
    const off = planPersonaGymExamples(
      { ...task, scoreExamples: false },
      { questions: data.questions, personasById, rubrics },
      "examiner",
    );
    expect(off.size).toBe(0);
    expect(all(off)).toEqual([]);
  });
});

describe("planPersonaGymJudgements", () => {
  const [q0, , q2] = data.questions as [(typeof data.questions)[0], unknown, (typeof data.questions)[0]];
  const answers = new Map([
    [q0.id, "Answer zero."],
    [q2.id, "Answer two."],
  ]);
  const fiveExamples = ["e1", "e2", "e3", "e4", "e5"];
  const examples = new Map<string, string[] | null>([
    [q0.id, fiveExamples],
    [q2.id, null],
  ]);
  const input = { questions: data.questions, personasById, rubrics, answers, examples };

  it("judges only answered questions, with their examples when there are any", () => {
    const plan = planPersonaGymJudgements(task, input, "judge-model", "ollama:judge");
    expect(plan.size).toBe(2);
    const items: PersonaGymWorkItem[] = all(plan);
    expect(items.map((item) => item.itemId)).toEqual([q0.id, q2.id]);
    expect(items.every((item) => item.stage === "judge" && item.judge === "ollama:judge")).toBe(true);
    expect(items[0]!.request.messages).toEqual(
      buildJudgeMessages({
        task: q0.task,
        persona: personasById.get(q0.personaId)!.text,
        question: q0.text,
        answer: "Answer zero.",
        examples: fiveExamples,
        rubric: rubrics[q0.task],
      }),
    );
    expect(items[1]!.request.messages[1]!.content).not.toContain("Score examples");
    expect(items.map((item) => item.key)).not.toContain(
      all(planPersonaGymJudgements(task, input, "other-judge", "ollama:other"))[0]!.key,
    );
  });

  it("ignores examples when score examples are off, and keys follow the answer", () => {
    const off = all(planPersonaGymJudgements({ ...task, scoreExamples: false }, input, "judge-model", "j"));
    expect(off[0]!.request.messages[1]!.content).not.toContain("Score examples");
    const first = all(planPersonaGymJudgements(task, input, "judge-model", "j"))[0]!.key;
    expect(all(planPersonaGymJudgements(task, input, "judge-model", "j"))[0]!.key).toBe(first);
    const changed = { ...input, answers: new Map([[q0.id, "Another answer."]]) };
    expect(all(planPersonaGymJudgements(task, changed, "judge-model", "j"))[0]!.key).not.toBe(first);
  });
});
