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

/**
 * Compiles a schema built at run time (no `$id`, so it can be rebuilt), with the same options as the files'
 * validators.
 */
export function compileSchema(schema: Record<string, unknown>): ValidateFunction {
  return ajvFor(String(schema.$schema).includes("2020-12") ? "2020-12" : "draft-07").compile(schema);
}

function ajvFor(draft: "draft-07" | "2020-12"): Ajv | Ajv2020 {
  let ajv = ajvByDraft.get(draft);
  if (!ajv) {
    ajv = draft === "2020-12" ? new Ajv2020(options) : new Ajv(options);
    ajvByDraft.set(draft, ajv);
  }
  return ajv;
}
