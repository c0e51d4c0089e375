import { type Decoding, type DecodingFile, toDecoding } from "../../config/decoding.js";
import { InputError } from "../../core/input-error.js";
import { ModelSpecError, parseModelSpec } from "../../models/spec.js";
import type { BenchmarkOverrides, BlockContext, OverrideName, TaskConfigBase } from "../types.js";

/** In a PersonaGym system prompt; the same spelling as persona catalog templates. */
export const PERSONAGYM_PERSONA_PLACEHOLDER = "{persona}";
/** Our own wording (the upstream code's prompt is not used); recorded in results through the benchmark hash. */
export const DEFAULT_PERSONAGYM_SYSTEM_PROMPT =
  "You are {persona}. Stay in character as this person throughout, and answer every question the way this person would, in their own voice.";

export interface PersonaGymTaskConfig extends TaskConfigBase {
  task: "personagym";
  /** Number of personas, a seeded subset (see `seed`); undefined means all of them. */
  limit?: number;
  /** Seed of the persona subset. */
  seed: number;
  /** The subject's system prompt with a `{persona}` placeholder; the question is the user turn. */
  systemPrompt: string;
  /** Subject decoding; each request's seed is derived from `decoding.seed` and the question id. */
  decoding: Decoding;
  /** Decoding of score-example and judge requests; seeds derived from `judgeDecoding.seed` and the question id. */
  judgeDecoding: Decoding;
  /** Generate one example answer per score for each question and show them to the judges. */
  scoreExamples: boolean;
  /** "ours": our own rubric wording; "upstream": the official repository's rubric files (exact-protocol mode). */
  rubrics: "ours" | "upstream";
  /** Judge model specs; the command line's `--judge` replaces them. */
  judges?: string[];
}

interface PersonaGymTaskFile {
  task: "personagym";
  id?: string;
  limit?: number;
  seed: number;
  system_prompt?: string;
  decoding: DecodingFile;
  judge_decoding: DecodingFile;
  score_examples?: boolean;
  rubrics?: "ours" | "upstream";
  judges?: string[];
}

export function resolvePersonaGymTask(
  block: Record<string, unknown>,
  context: BlockContext,
): PersonaGymTaskConfig {
  const task = block as unknown as PersonaGymTaskFile;
  const systemPrompt = task.system_prompt ?? DEFAULT_PERSONAGYM_SYSTEM_PROMPT;
  if (!systemPrompt.includes(PERSONAGYM_PERSONA_PLACEHOLDER)) {
    throw new InputError(
      `must contain the ${PERSONAGYM_PERSONA_PLACEHOLDER} placeholder`,
      context.locate(["system_prompt"]),
    );
  }
  task.judges?.forEach((spec, index) => {
    try {
      // An empty environment: only the spec's own syntax is checked here, not OLLAMA_HOST and friends.
      parseModelSpec(spec, {});
    } catch (error) {
      if (error instanceof ModelSpecError)
        throw new InputError(error.message, context.locate(["judges", index]));
      throw error;
    }
  });
  const config: PersonaGymTaskConfig = {
    task: "personagym",
    id: task.id ?? task.task,
    seed: task.seed,
    systemPrompt,
    decoding: toDecoding(task.decoding),
    judgeDecoding: toDecoding(task.judge_decoding),
    scoreExamples: task.score_examples ?? true,
    rubrics: task.rubrics ?? "ours",
  };
  if (task.limit !== undefined) config.limit = task.limit;
  if (task.judges !== undefined) config.judges = [...task.judges];
  return config;
}

/**
 * --limit counts personas here; --samples and --personas do not apply (one answer per question, and the personas
 * come from the dataset). --seed moves both the persona subset and the subject's sampling seeds.
 */
export function applyPersonaGymOverrides(
  task: PersonaGymTaskConfig,
  { limit, seed, samples, personas }: BenchmarkOverrides,
): { config: PersonaGymTaskConfig; ignored: OverrideName[] } {
  const updated: PersonaGymTaskConfig = { ...task, decoding: { ...task.decoding } };
  if (limit !== undefined) updated.limit = limit;
  if (seed !== undefined) {
    updated.seed = seed;
    updated.decoding.seed = seed;
  }
  const ignored: OverrideName[] = [];
  if (samples !== undefined) ignored.push("samples");
  if (personas !== undefined) ignored.push("personas");
  return { config: updated, ignored };
}

/**
 * Every PersonaGym setting changes what is sent or to whom: subset, seeds, prompts (through the system prompt,
 * rubric mode and score examples), decoding of every stage and the configured judges.
 */
export function personaGymHashView(task: PersonaGymTaskConfig): unknown {
  return {
    task: task.task,
    limit: task.limit ?? null,
    seed: task.seed,
    systemPrompt: task.systemPrompt,
    decoding: task.decoding,
    judgeDecoding: task.judgeDecoding,
    scoreExamples: task.scoreExamples,
    rubrics: task.rubrics,
    judges: task.judges ?? null,
  };
}
