import type { ChatMessage, Sampling } from "../../models/types.js";
import { generationKey } from "../../plan/keys.js";
import { samplingFor } from "../../plan/sampling.js";
import type { WorkItem } from "../../plan/types.js";
import { PERSONAGYM_PERSONA_PLACEHOLDER, type PersonaGymTaskConfig } from "./config.js";
import { buildExampleMessages } from "./judge/examples.js";
import { buildJudgeMessages } from "./judge/prompt.js";
import type { PersonaGymRubrics } from "./judge/rubrics.js";
import type { PersonaGymPersona, PersonaGymQuestion, PersonaGymTask } from "./personas.js";

export const PERSONAGYM_TASK = "personagym";

export type PersonaGymStage = "subject" | "examples" | "judge";

/** A PersonaGym request; `itemId` is the question id. */
export interface PersonaGymWorkItem extends WorkItem {
  stage: PersonaGymStage;
  personaGymTask: PersonaGymTask;
  /** The judge's model spec (judge stage only). */
  judge?: string;
}

export interface PersonaGymPlan {
  size: number;
  items(): Generator<PersonaGymWorkItem>;
}

/** The subject's system prompt for a persona. split/join, not String.replace: no `$&` surprises. */
export function renderPersonaGymSystemPrompt(systemPrompt: string, persona: string): string {
  return systemPrompt.split(PERSONAGYM_PERSONA_PLACEHOLDER).join(persona);
}

/**
 * One answer per (persona, question) for the selected personas: the persona in the system message, the question
 * verbatim as the only user turn. Questions of personas not in `personas` are left out. Items come persona by
 * persona, so an interrupted run holds complete personas.
 */
export function planPersonaGymSubjects(
  task: PersonaGymTaskConfig,
  personas: readonly PersonaGymPersona[],
  questions: readonly PersonaGymQuestion[],
  subjectModelKey: string,
): PersonaGymPlan {
  const questionsByPersona = groupByPersona(questions);
  const selected = personas.map((persona) => ({
    persona,
    questions: questionsByPersona.get(persona.id) ?? [],
  }));
  return {
    size: selected.reduce((sum, entry) => sum + entry.questions.length, 0),
    *items() {
      for (const { persona, questions: own } of selected) {
        const system = renderPersonaGymSystemPrompt(task.systemPrompt, persona.text);
        for (const question of own) {
          const messages: ChatMessage[] = [
            { role: "system", content: system },
            { role: "user", content: question.text },
          ];
          yield item(
            "subject",
            question,
            subjectModelKey,
            messages,
            samplingFor(task.decoding, question.id, 0),
          );
        }
      }
    },
  };
}

export interface PersonaGymExamplesInput {
  questions: readonly PersonaGymQuestion[];
  personasById: ReadonlyMap<string, PersonaGymPersona>;
  rubrics: PersonaGymRubrics;
}

/**
 * One score-examples request per question (judge decoding); empty when the task has `score_examples: false`.
 * Examples depend on the persona, question and rubric only, not on any answer, so they are shared by every subject
 * model and every judge.
 */
export function planPersonaGymExamples(
  task: PersonaGymTaskConfig,
  input: PersonaGymExamplesInput,
  examplesModelKey: string,
): PersonaGymPlan {
  const questions = task.scoreExamples ? input.questions : [];
  return {
    size: questions.length,
    *items() {
      for (const question of questions) {
        const messages = buildExampleMessages({
          task: question.task,
          persona: personaOf(input.personasById, question).text,
          question: question.text,
          rubric: input.rubrics[question.task],
        });
        yield item(
          "examples",
          question,
          examplesModelKey,
          messages,
          samplingFor(task.judgeDecoding, question.id, 0),
        );
      }
    },
  };
}

export interface PersonaGymJudgementsInput extends PersonaGymExamplesInput {
  /** Subject answers by question id; questions without one are not judged. */
  answers: ReadonlyMap<string, string>;
  /** Parsed score examples by question id; missing or null means judging without examples. */
  examples: ReadonlyMap<string, readonly string[] | null>;
}

/** One judge request per answered question, for one judge. */
export function planPersonaGymJudgements(
  task: PersonaGymTaskConfig,
  input: PersonaGymJudgementsInput,
  judgeModelKey: string,
  judgeSpec: string,
): PersonaGymPlan {
  const answered = input.questions.filter((question) => input.answers.has(question.id));
  return {
    size: answered.length,
    *items() {
      for (const question of answered) {
        const messages = buildJudgeMessages({
          task: question.task,
          persona: personaOf(input.personasById, question).text,
          question: question.text,
          answer: input.answers.get(question.id) as string,
          examples: (task.scoreExamples ? input.examples.get(question.id) : null) ?? null,
          rubric: input.rubrics[question.task],
        });
        yield {
          ...item(
            "judge",
            question,
            judgeModelKey,
            messages,
            samplingFor(task.judgeDecoding, question.id, 0),
          ),
          judge: judgeSpec,
        };
      }
    },
  };
}

function item(
  stage: PersonaGymStage,
  question: PersonaGymQuestion,
  modelKey: string,
  messages: ChatMessage[],
  requestSampling: Sampling,
): PersonaGymWorkItem {
  return {
    key: generationKey(modelKey, messages, requestSampling, 0),
    task: PERSONAGYM_TASK,
    stage,
    personaGymTask: question.task,
    group: question.task,
    personaId: question.personaId,
    itemId: question.id,
    sample: 0,
    request: { messages, sampling: requestSampling },
  };
}

function groupByPersona(questions: readonly PersonaGymQuestion[]): Map<string, PersonaGymQuestion[]> {
  const groups = new Map<string, PersonaGymQuestion[]>();
  for (const question of questions) {
    const group = groups.get(question.personaId);
    if (group) group.push(question);
    else groups.set(question.personaId, [question]);
  }
  return groups;
}

function personaOf(
  personasById: ReadonlyMap<string, PersonaGymPersona>,
  question: PersonaGymQuestion,
): PersonaGymPersona {
  const persona = personasById.get(question.personaId);
  if (!persona)
    throw new Error(`PersonaGym plan: question ${question.id} has no persona ${question.personaId}`);
  return persona;
}
