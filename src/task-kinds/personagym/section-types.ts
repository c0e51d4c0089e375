import type { Interval, Results, TaskSection, TaskSectionFrame } from "../../results/types.js";

// The fields a "personagym" section adds to the frame every section has (results.json, `tasks.<id>`).

export interface PersonaGymJudgeResult {
  spec: string;
  provider: string;
  name: string;
  digest?: string;
  /** This judge's own PersonaScore; null when it parsed no verdict. */
  personaScore: number | null;
  judged: number;
  unparsed: number;
  /** The judge comes from the subject's model family: its scores may favour the subject. */
  sameFamilyAsSubject: boolean;
}

/**
 * Per task label, one string per judge (in the order of the section's `judges`), one character per question of
 * that persona and task in dataset order (question index i is `<personaId>-<task slug>-<i>`): 1-5 the judge's
 * score, u unparseable after the retry, - no verdict (the subject gave no answer, or the judge was not reached).
 */
export type PersonaGymVerdicts = Record<string, string[]>;

export interface PersonaGymPersonaResult {
  id: string;
  text: string;
  tasks: Record<string, number>;
  personaScore: number | null;
  /** Absent only in files upgraded from version 1. */
  verdicts?: PersonaGymVerdicts;
}

/** PersonaGym: persona fidelity graded by LLM judges. */
export interface PersonaGymSection extends TaskSectionFrame {
  kind: "personagym";
  dataset: {
    name: string;
    hash: string;
    digest: string;
    pinned: boolean;
    origin: string;
    personasAvailable: number;
  };
  /** Seeded subset of personas when `limit` is set; the seed is recorded so the subset can be rebuilt. */
  subset: { limit: number | null; seed: number };
  settings: {
    systemPrompt: string;
    decoding: Record<string, unknown>;
    judgeDecoding: Record<string, unknown>;
    scoreExamples: boolean;
    rubrics: "ours" | "upstream";
    judgePromptVersion: string;
  };
  personasEvaluated: number;
  questions: number;
  /** Mean over personas of PersonaScore (1-5), with a bootstrap interval over personas. */
  personaScore: number | null;
  ci95: Interval | null;
  /** Mean over personas of each task's score, by task label. */
  tasks: Record<string, number>;
  personas: PersonaGymPersonaResult[];
  judges: PersonaGymJudgeResult[];
  /** Inter-judge agreement per task; null with a single judge. */
  agreement: { task: string; alpha: number | null; spearman: number | null; pairableItems: number }[] | null;
  /** Judgements still unparseable after one retry: excluded from means, counted here. */
  unparsed: {
    total: number;
    byJudgeAndTask: { judge: string; task: string; unparsed: number; total: number }[];
  };
  examples: { requested: number; unparsed: number } | null;
  /** Questions with no subject answer (failed calls): never graded. */
  unanswered: number;
}

export function isPersonaGymSection(section: TaskSection): section is PersonaGymSection {
  return section.kind === "personagym";
}

/** The PersonaGym sections of a run, in benchmark order. */
export function personaGymSections(results: Results): PersonaGymSection[] {
  return Object.values(results.tasks).filter(isPersonaGymSection);
}

/** The version-1 name, kept for library users. */
export type PersonaGymResults = PersonaGymSection;
