import { existsSync } from "node:fs";
import { resolve } from "node:path";
import {
  loadCatalog,
  type Persona,
  type PersonaCatalog,
  type PersonaSelector,
  selectPersonas,
} from "../personas/catalog.js";
import type { BenchmarkOverrides, BlockContext, OverrideName, TaskConfigBase } from "../task-kinds/types.js";
import { type Decoding, type DecodingFile, toDecoding } from "./decoding.js";
import { InputError } from "./errors.js";

export const PROBLEM_PLACEHOLDER = "{problem}";

/** A math task block (MATH500 and any other math dataset): persona stability. */
export interface Math500TaskConfig extends TaskConfigBase {
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

/** The file format (snake_case keys); see schemas/benchmark.schema.json. */
interface MathTaskFile {
  task: "math500";
  id?: string;
  catalog: string;
  personas?: PersonaSelector;
  limit?: number;
  samples: number;
  prompt: string;
  persona_placement?: "system" | "user";
  decoding: DecodingFile;
}

export function resolveMathTask(block: Record<string, unknown>, context: BlockContext): Math500TaskConfig {
  const task = block as unknown as MathTaskFile;
  if (!task.prompt.includes(PROBLEM_PLACEHOLDER)) {
    throw new InputError(`must contain the ${PROBLEM_PLACEHOLDER} placeholder`, context.locate(["prompt"]));
  }
  const catalogFile = resolve(context.baseDir, task.catalog);
  if (!existsSync(catalogFile)) {
    throw new InputError(`catalog file not found: ${catalogFile}`, context.locate(["catalog"]));
  }
  const catalog = loadCatalog(catalogFile);
  const config: Math500TaskConfig = {
    task: "math500",
    id: task.id ?? task.task,
    catalogFile,
    catalog,
    personas: selectPersonas(catalog, task.personas, context.locate(["personas"])),
    samples: task.samples,
    prompt: task.prompt,
    personaPlacement: task.persona_placement ?? "system",
    decoding: toDecoding(task.decoding),
  };
  if (task.limit !== undefined) config.limit = task.limit;
  return config;
}

export function applyMathOverrides(
  task: Math500TaskConfig,
  { limit, samples, seed, personas }: BenchmarkOverrides,
): { config: Math500TaskConfig; ignored: OverrideName[] } {
  const updated: Math500TaskConfig = { ...task, decoding: { ...task.decoding } };
  if (limit !== undefined) updated.limit = limit;
  if (samples !== undefined) updated.samples = samples;
  if (seed !== undefined) updated.decoding.seed = seed;
  if (personas !== undefined)
    updated.personas = selectPersonas(task.catalog, personas, { field: "personas" });
  return { config: updated, ignored: [] };
}

/** Catalog identity (including the file's sha256), selected personas with their resolved templates, and the rest. */
export function mathHashView(task: Math500TaskConfig): unknown {
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
