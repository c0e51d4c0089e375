import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Ajv, type ValidateFunction } from "ajv";
import { Ajv2020 } from "ajv/dist/2020.js";
import { packageRoot } from "../core/package-root.js";

export const schemaDir = `${join(packageRoot, "schemas")}/`;

const options = {
  strict: true,
  allErrors: false,
  verbose: true,
  discriminator: true,
  logger: false,
} as const;
const ajvByDraft = new Map<"draft-07" | "2020-12", Ajv | Ajv2020>();
const compiled = new Map<string, ValidateFunction>();

/**
 * The compiled validator for `schemas/<schemaId>.schema.json`. A missing or invalid schema is a bug in the
 * package, not bad input, so it throws a plain Error.
 */
export function getValidator(schemaId: string): ValidateFunction {
  const cached = compiled.get(schemaId);
  if (cached) return cached;
  const schema = JSON.parse(readFileSync(`${schemaDir}${schemaId}.schema.json`, "utf8")) as {
    $schema?: string;
  };
  const validate = ajvFor(String(schema.$schema).includes("2020-12") ? "2020-12" : "draft-07").compile(
    schema,
  );
  compiled.set(schemaId, validate);
  return validate;
}

const composed = new Map<string, { generation: number; validate: ValidateFunction }>();

/**
 * `schemas/<schemaId>.schema.json` as `compose` changes a copy of it (without its `$id`, so it can be rebuilt),
 * compiled once per `generation` of what it is composed from (the task-kind registry: a kind registered by a plugin
 * validates like a built-in one, while the file lists the built-in ones for editors and docs).
 */
export function composedValidator(
  schemaId: string,
  generation: number,
  compose: (schema: Record<string, unknown>) => void,
): ValidateFunction {
  const cached = composed.get(schemaId);
  if (cached?.generation === generation) return cached.validate;
  const { $id: _id, ...schema } = structuredClone(getValidator(schemaId).schema) as Record<string, unknown>;
  compose(schema);
  const validate = ajvFor(String(schema.$schema).includes("2020-12") ? "2020-12" : "draft-07").compile(
    schema,
  );
  composed.set(schemaId, { generation, validate });
  return validate;
}

function ajvFor(draft: "draft-07" | "2020-12"): Ajv | Ajv2020 {
  let ajv = ajvByDraft.get(draft);
  if (!ajv) {
    ajv = draft === "2020-12" ? new Ajv2020(options) : new Ajv(options);
    ajvByDraft.set(draft, ajv);
  }
  return ajv;
}
