import { existsSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { ModelSpecError, parseModelSpec } from "../models/spec.js";
import {
  loadCatalog,
  type Persona,
  type PersonaCatalog,
  type PersonaSelector,
  selectPersonas,
} from "../personas/catalog.js";
import { canonicalJson, sha256Hex } from "./canonical.js";
import type { DataPath } from "./document.js";
import { InputError, type InputLocation } from "./errors.js";
import { loadValidated } from "./load.js";

export interface Decoding {
  temperature: number;
  topP: number;
  topK?: number;
  maxTokens: number;
  seed: number;
  /** Context window to request (Ollama num_ctx); unset leaves the server's default. */
  contextLength?: number;
}

export interface Math500TaskConfig {
  task: "math500";
  /** Absolute path of the persona catalog. */
  catalogFile: string;
  catalog: PersonaCatalog;
  /** The selected personas, in catalog order. The no-persona control is not listed: it is always run. */
  personas: Persona[];
  /** Only the first `limit` problems in file order; undefined means all. */
  limit?: number;
  samples: number;
  /** User prompt with a `{problem}` placeholder. */
  prompt: string;
  personaPlacement: "system" | "user";
  decoding: Decoding;
}

export interface PersonaGymTaskConfig {
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

/** One entry per task kind, discriminated by `task`. */
export type TaskConfig = Math500TaskConfig | PersonaGymTaskConfig;

export interface BenchmarkDefinition {
  id: string;
  description?: string;
  /** Absolute path of the benchmark file. */
  file: string;
  /** sha256 of the canonical resolved definition: changes whenever anything sent to a model would change. */
  hash: string;
  tasks: TaskConfig[];
}

export interface BenchmarkOverrides {
  limit?: number;
  samples?: number;
  seed?: number;
  personas?: PersonaSelector;
}

export const PROBLEM_PLACEHOLDER = "{problem}";
/** In a PersonaGym system prompt; the same spelling as persona catalog templates. */
export const PERSONAGYM_PERSONA_PLACEHOLDER = "{persona}";
/** Our own wording (the upstream code's prompt is not used); recorded in results through the benchmark hash. */
export const DEFAULT_PERSONAGYM_SYSTEM_PROMPT =
  "You are {persona}. Stay in character as this person throughout, and answer every question the way this person would, in their own voice.";
export const MAX_SAMPLES = 1000;

/** The file format (snake_case keys); see schemas/benchmark.schema.json. */
interface Math500TaskFile {
  task: "math500";
  catalog: string;
  personas?: PersonaSelector;
  limit?: number;
  samples: number;
  prompt: string;
  persona_placement?: "system" | "user";
  decoding: {
    temperature: number;
    top_p: number;
    top_k?: number;
    max_tokens: number;
    seed: number;
    context_length?: number;
  };
}

type DecodingFile = Math500TaskFile["decoding"];

interface PersonaGymTaskFile {
  task: "personagym";
  limit?: number;
  seed: number;
  system_prompt?: string;
  decoding: DecodingFile;
  judge_decoding: DecodingFile;
  score_examples?: boolean;
  rubrics?: "ours" | "upstream";
  judges?: string[];
}

interface BenchmarkFile {
  id: string;
  description?: string;
  tasks: (Math500TaskFile | PersonaGymTaskFile)[];
}

/** Loads a benchmark file, its persona catalogs (paths relative to the benchmark file) and selects personas. */
export function loadBenchmark(file: string): BenchmarkDefinition {
  const { value, locate } = loadValidated<BenchmarkFile>(file, "benchmark");
  const baseDir = dirname(resolve(file));
  const tasks = value.tasks.map((task, index): TaskConfig => {
    const locateInTask = (path: DataPath) => locate(["tasks", index, ...path]);
    return task.task === "math500"
      ? resolveMath500Task(task, baseDir, locateInTask)
      : resolvePersonaGymTask(task, locateInTask);
  });
  const definition = { id: value.id, file: resolve(file), hash: "", tasks };
  return withHash(
    value.description === undefined ? definition : { ...definition, description: value.description },
  );
}

function resolveMath500Task(
  task: Math500TaskFile,
  baseDir: string,
  locate: (path: DataPath) => InputLocation,
): Math500TaskConfig {
  if (!task.prompt.includes(PROBLEM_PLACEHOLDER)) {
    throw new InputError(`must contain the ${PROBLEM_PLACEHOLDER} placeholder`, locate(["prompt"]));
  }
  const catalogFile = resolve(baseDir, task.catalog);
  if (!existsSync(catalogFile)) {
    throw new InputError(`catalog file not found: ${catalogFile}`, locate(["catalog"]));
  }
  const catalog = loadCatalog(catalogFile);
  const config: Math500TaskConfig = {
    task: "math500",
    catalogFile,
    catalog,
    personas: selectPersonas(catalog, task.personas, locate(["personas"])),
    samples: task.samples,
    prompt: task.prompt,
    personaPlacement: task.persona_placement ?? "system",
    decoding: toDecoding(task.decoding),
  };
  if (task.limit !== undefined) config.limit = task.limit;
  return config;
}

function toDecoding(decoding: DecodingFile): Decoding {
  const result: Decoding = {
    temperature: decoding.temperature,
    topP: decoding.top_p,
    maxTokens: decoding.max_tokens,
    seed: decoding.seed,
  };
  if (decoding.top_k !== undefined) result.topK = decoding.top_k;
  if (decoding.context_length !== undefined) result.contextLength = decoding.context_length;
  return result;
}

function resolvePersonaGymTask(
  task: PersonaGymTaskFile,
  locate: (path: DataPath) => InputLocation,
): PersonaGymTaskConfig {
  const systemPrompt = task.system_prompt ?? DEFAULT_PERSONAGYM_SYSTEM_PROMPT;
  if (!systemPrompt.includes(PERSONAGYM_PERSONA_PLACEHOLDER)) {
    throw new InputError(
      `must contain the ${PERSONAGYM_PERSONA_PLACEHOLDER} placeholder`,
      locate(["system_prompt"]),
    );
  }
  task.judges?.forEach((spec, index) => {
    try {
      // An empty environment: only the spec's own syntax is checked here, not OLLAMA_HOST and friends.
      parseModelSpec(spec, {});
    } catch (error) {
      if (error instanceof ModelSpecError) throw new InputError(error.message, locate(["judges", index]));
      throw error;
    }
  });
  const config: PersonaGymTaskConfig = {
    task: "personagym",
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
 * Applies command-line overrides to every task and recomputes the hash. Numbers are checked here because they
 * come from flags, not from a schema-validated file.
 */
export function applyOverrides(def: BenchmarkDefinition, overrides: BenchmarkOverrides): BenchmarkDefinition {
  const { limit, samples, seed, personas } = overrides;
  if (limit !== undefined) requireInteger(limit, "limit", 1, Number.MAX_SAFE_INTEGER);
  if (samples !== undefined) requireInteger(samples, "samples", 1, MAX_SAMPLES);
  if (seed !== undefined) requireInteger(seed, "seed", 0, Number.MAX_SAFE_INTEGER);
  const tasks = def.tasks.map((task): TaskConfig => {
    if (task.task === "personagym") {
      // --limit counts personas here; --samples and --personas do not apply (one answer per question, and the
      // personas come from the dataset). --seed moves both the persona subset and the subject's sampling seeds.
      const updated: PersonaGymTaskConfig = { ...task, decoding: { ...task.decoding } };
      if (limit !== undefined) updated.limit = limit;
      if (seed !== undefined) {
        updated.seed = seed;
        updated.decoding.seed = seed;
      }
      return updated;
    }
    const updated: Math500TaskConfig = { ...task, decoding: { ...task.decoding } };
    if (limit !== undefined) updated.limit = limit;
    if (samples !== undefined) updated.samples = samples;
    if (seed !== undefined) updated.decoding.seed = seed;
    if (personas !== undefined)
      updated.personas = selectPersonas(task.catalog, personas, { field: "personas" });
    return updated;
  });
  return withHash({ ...def, tasks });
}

function requireInteger(value: number, field: string, min: number, max: number): void {
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `between ${min} and ${max}`;
    throw new InputError(`must be an integer ${range} (got ${value})`, { field });
  }
}

/** Bump when the hashed view changes shape, so old and new hashes never collide by accident. */
const HASH_VERSION = 1;

function withHash(def: BenchmarkDefinition): BenchmarkDefinition {
  return { ...def, hash: benchmarkHash(def) };
}

/**
 * Everything that decides what is sent to a model and how often: ids, catalog identity (including the file's
 * sha256), selected personas with their resolved templates, prompt, placement, decoding, limit and samples.
 * File paths and the description are left out so the same benchmark hashes the same on every machine.
 */
export function benchmarkHash(def: Pick<BenchmarkDefinition, "id" | "tasks">): string {
  const view = {
    hashVersion: HASH_VERSION,
    id: def.id,
    tasks: def.tasks.map((task) =>
      task.task === "math500" ? math500HashView(task) : personaGymHashView(task),
    ),
  };
  return sha256Hex(canonicalJson(view));
}

/**
 * Every PersonaGym setting changes what is sent or to whom: subset, seeds, prompts (through the system prompt,
 * rubric mode and score examples), decoding of every stage and the configured judges.
 */
function personaGymHashView(task: PersonaGymTaskConfig): unknown {
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

function math500HashView(task: Math500TaskConfig): unknown {
  return {
    task: task.task,
    catalog: { id: task.catalog.id, version: task.catalog.version, sha256: task.catalog.sha256 },
    personas: task.personas.map((persona) => ({
      id: persona.id,
      text: persona.text,
      template: persona.template ?? task.catalog.defaultTemplate,
    })),
    limit: task.limit ?? null,
    samples: task.samples,
    prompt: task.prompt,
    personaPlacement: task.personaPlacement,
    decoding: task.decoding,
  };
}
