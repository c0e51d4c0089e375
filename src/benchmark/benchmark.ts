import { dirname, resolve } from "node:path";
import type { ValidateFunction } from "ajv";
import { loadValidated } from "../config/load.js";
import { composedValidator } from "../config/schemas.js";
import { canonicalJson, sha256Hex } from "../core/canonical.js";
import type { DataPath } from "../core/document.js";
import { InputError } from "../core/input-error.js";
import { registeredTaskKinds, registryGeneration, taskKindFor } from "../task-kinds/registry.js";
import type { BenchmarkOverrides, OverrideName, TaskConfigBase } from "../task-kinds/types.js";

export type { Decoding } from "../config/decoding.js";
export type { BenchmarkOverrides } from "../task-kinds/types.js";

export const DEFAULT_ALPHA = 0.05;
export const MAX_SAMPLES = 1000;

export interface BenchmarkDefinition {
  id: string;
  description?: string;
  /** Absolute path of the benchmark file. */
  file: string;
  /** sha256 of the canonical resolved definition: changes whenever anything sent to a model would change. */
  hash: string;
  /** Significance level of the reports' tests (reporting only: not part of the hash). */
  alpha: number;
  tasks: TaskConfigBase[];
  /** Command-line overrides that some task could not take, to be reported once. */
  ignoredOverrides: { taskId: string; override: OverrideName }[];
}

interface BenchmarkFile {
  id: string;
  description?: string;
  alpha?: number;
  tasks: ({ task: string; id?: string } & Record<string, unknown>)[];
}

/** Loads a benchmark file; each task block is resolved by its registered kind (catalogs, placeholders, specs). */
export function loadBenchmark(file: string): BenchmarkDefinition {
  const { value, locate } = loadValidated<BenchmarkFile>(file, benchmarkValidator());
  const baseDir = dirname(resolve(file));
  const tasks = value.tasks.map((block, index) => {
    const locateInTask = (path: DataPath) => locate(["tasks", index, ...path]);
    return taskKindFor(block.task).resolve(block, { baseDir, locate: locateInTask });
  });
  const seen = new Map<string, number>();
  tasks.forEach((task, index) => {
    const first = seen.get(task.id);
    if (first !== undefined) {
      const firstLine = locate(["tasks", first]).line;
      throw new InputError(
        `duplicate task id "${task.id}" (also the id of tasks[${first}]${firstLine ? ` on line ${firstLine}` : ""}); give one block another id`,
        locate(["tasks", index, ...(value.tasks[index]!.id === undefined ? [] : ["id"])]),
      );
    }
    seen.set(task.id, index);
  });
  const definition: BenchmarkDefinition = {
    id: value.id,
    file: resolve(file),
    hash: "",
    alpha: value.alpha ?? DEFAULT_ALPHA,
    tasks,
    ignoredOverrides: [],
  };
  if (value.description !== undefined) definition.description = value.description;
  return withHash(definition);
}

/**
 * schemas/benchmark.schema.json with its task branches taken from the registry, so a kind registered by a plugin
 * (or a test) validates like a built-in one. The file itself lists the built-in kinds for editors and docs.
 */
export function benchmarkValidator(): ValidateFunction {
  return composedValidator("benchmark", registryGeneration(), (schema) => {
    const definitions = schema.definitions as Record<string, unknown>;
    const items = (schema.properties as { tasks: { items: { oneOf: unknown[] } } }).tasks.items;
    items.oneOf = registeredTaskKinds().map((kind) => {
      const ref = kind.blockSchema.$ref;
      if (typeof ref === "string") return { $ref: ref };
      const name = `registered:${kind.task}`;
      definitions[name] = kind.blockSchema;
      return { $ref: `#/definitions/${name}` };
    });
  });
}

/**
 * Applies command-line overrides to every task that can take them and recomputes the hash. Numbers are checked
 * here because they come from flags, not from a schema-validated file.
 */
export function applyOverrides(def: BenchmarkDefinition, overrides: BenchmarkOverrides): BenchmarkDefinition {
  const { limit, samples, seed } = overrides;
  if (limit !== undefined) requireInteger(limit, "limit", 1, Number.MAX_SAFE_INTEGER);
  if (samples !== undefined) requireInteger(samples, "samples", 1, MAX_SAMPLES);
  if (seed !== undefined) requireInteger(seed, "seed", 0, Number.MAX_SAFE_INTEGER);
  const ignoredOverrides: BenchmarkDefinition["ignoredOverrides"] = [];
  const tasks = def.tasks.map((task) => {
    const { config, ignored } = taskKindFor(task.task).applyOverrides(task, overrides);
    for (const override of ignored) ignoredOverrides.push({ taskId: task.id, override });
    return config;
  });
  return withHash({ ...def, tasks, ignoredOverrides });
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
 * Everything that decides what is sent to a model and how often, as each kind sees it. File paths and the
 * description are left out so the same benchmark hashes the same on every machine. A task id enters only when it
 * is not the default, so benchmarks written before ids existed keep their hash (and their run ids).
 */
export function benchmarkHash(def: Pick<BenchmarkDefinition, "id" | "tasks">): string {
  const view = {
    hashVersion: HASH_VERSION,
    id: def.id,
    tasks: def.tasks.map((task) => {
      const taskView = taskKindFor(task.task).hashView(task);
      return task.id === task.task ? taskView : { id: task.id, task: taskView };
    }),
  };
  return sha256Hex(canonicalJson(view));
}
