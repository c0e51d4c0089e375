import { existsSync } from "node:fs";
import { basename, extname, resolve } from "node:path";
import { type Decoding, type DecodingFile, toDecoding } from "../../config/decoding.js";
import { InputError } from "../../core/input-error.js";
import {
  loadCatalog,
  type Persona,
  type PersonaCatalog,
  type PersonaSelector,
  selectPersonas,
} from "../../personas/catalog.js";
import type { BenchmarkOverrides, BlockContext, OverrideName, TaskConfigBase } from "../types.js";
import { type FieldMapping, findMathDataset, mathDatasets } from "./sources.js";

export const PROBLEM_PLACEHOLDER = "{problem}";

/** A registered math dataset by name, or a user's own JSONL with where each part of a problem is. */
export type MathDatasetRef = { name: string } | { name: string; file: string; fields: FieldMapping };

/** A math task block (MATH500, AIME 2024, AMC 2023, GSM8K, a user's own set): persona stability. */
export interface MathTaskConfig extends TaskConfigBase {
  /** `math500` (version-1 benchmark files) is `math` with the MATH500 dataset. */
  task: "math500" | "math";
  dataset: MathDatasetRef;
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

interface DatasetFileBlock extends FieldMapping {
  path: string;
  name?: string;
}

/** The file format (snake_case keys); see schemas/benchmark.schema.json. */
interface MathTaskFile {
  task: "math500" | "math";
  id?: string;
  dataset?: string | DatasetFileBlock;
  catalog: string;
  personas?: PersonaSelector;
  limit?: number;
  samples: number;
  prompt: string;
  persona_placement?: "system" | "user";
  decoding: DecodingFile;
}

export function resolveMathTask(block: Record<string, unknown>, context: BlockContext): MathTaskConfig {
  const task = block as unknown as MathTaskFile;
  if (!task.prompt.includes(PROBLEM_PLACEHOLDER)) {
    throw new InputError(`must contain the ${PROBLEM_PLACEHOLDER} placeholder`, context.locate(["prompt"]));
  }
  const catalogFile = resolve(context.baseDir, task.catalog);
  if (!existsSync(catalogFile)) {
    throw new InputError(`catalog file not found: ${catalogFile}`, context.locate(["catalog"]));
  }
  const catalog = loadCatalog(catalogFile);
  const dataset = resolveDatasetRef(task.dataset ?? "math500", context);
  const config: MathTaskConfig = {
    task: task.task,
    id: task.id ?? dataset.name,
    dataset,
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

function resolveDatasetRef(dataset: string | DatasetFileBlock, context: BlockContext): MathDatasetRef {
  if (typeof dataset === "string") {
    if (!findMathDataset(dataset)) {
      const known = mathDatasets().map((d) => d.name);
      throw new InputError(
        `unknown dataset "${dataset}" (known: ${known.join(", ")})`,
        context.locate(["dataset"]),
      );
    }
    return { name: dataset };
  }
  const file = resolve(context.baseDir, dataset.path);
  if (!existsSync(file))
    throw new InputError(`dataset file not found: ${file}`, context.locate(["dataset", "path"]));
  const { path: _path, name, ...fields } = dataset;
  return { name: name ?? slug(basename(file, extname(file))), file, fields };
}

/** A file name as a task id: lower case, anything else than letters, digits, `.`, `_` and `-` as `-`. */
function slug(text: string): string {
  return (
    text
      .toLowerCase()
      .replace(/[^a-z0-9._-]+/g, "-")
      .replace(/^[^a-z0-9]+/, "")
      .slice(0, 64) || "dataset"
  );
}

export function applyMathOverrides(
  task: MathTaskConfig,
  { limit, samples, seed, personas }: BenchmarkOverrides,
): { config: MathTaskConfig; ignored: OverrideName[] } {
  const updated: MathTaskConfig = { ...task, decoding: { ...task.decoding } };
  if (limit !== undefined) updated.limit = limit;
  if (samples !== undefined) updated.samples = samples;
  if (seed !== undefined) updated.decoding.seed = seed;
  if (personas !== undefined)
    updated.personas = selectPersonas(task.catalog, personas, { field: "personas" });
  return { config: updated, ignored: [] };
}

/**
 * Catalog identity (including the file's sha256), selected personas with their resolved templates, and the rest.
 * The dataset enters by name (and field mapping for a user's file; its content is hashed in the results), and not
 * at all for `task: math500`, so version-1 benchmark files keep their hash.
 */
export function mathHashView(task: MathTaskConfig): unknown {
  const dataset =
    "file" in task.dataset ? { name: task.dataset.name, fields: task.dataset.fields } : task.dataset.name;
  return {
    task: task.task,
    ...(task.task === "math500" ? {} : { dataset }),
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
