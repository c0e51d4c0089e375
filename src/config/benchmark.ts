import { existsSync } from "node:fs";
import { dirname, resolve } from "node:path";
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

/** One entry per task kind, discriminated by `task`. */
export type TaskConfig = Math500TaskConfig;

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
  decoding: { temperature: number; top_p: number; top_k?: number; max_tokens: number; seed: number };
}

interface BenchmarkFile {
  id: string;
  description?: string;
  tasks: Math500TaskFile[];
}

/** Loads a benchmark file, its persona catalogs (paths relative to the benchmark file) and selects personas. */
export function loadBenchmark(file: string): BenchmarkDefinition {
  const { value, locate } = loadValidated<BenchmarkFile>(file, "benchmark");
  const baseDir = dirname(resolve(file));
  const tasks = value.tasks.map((task, index) =>
    resolveMath500Task(task, baseDir, (path) => locate(["tasks", index, ...path])),
  );
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
    decoding: {
      temperature: task.decoding.temperature,
      topP: task.decoding.top_p,
      maxTokens: task.decoding.max_tokens,
      seed: task.decoding.seed,
    },
  };
  if (task.limit !== undefined) config.limit = task.limit;
  if (task.decoding.top_k !== undefined) config.decoding.topK = task.decoding.top_k;
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
    tasks: def.tasks.map((task) => ({
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
    })),
  };
  return sha256Hex(canonicalJson(view));
}
