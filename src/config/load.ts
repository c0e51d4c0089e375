import type { ErrorObject, ValidateFunction } from "ajv";
import { sha256Hex } from "../core/canonical.js";
import { type DataPath, type ParsedDocument, parseConfigText } from "../core/document.js";
import { InputError, type InputLocation } from "../core/input-error.js";
import { decodeUtf8, readInputFile } from "../core/input-text.js";
import { getValidator } from "./schemas.js";

export interface LoadedConfig<T> {
  value: T;
  /** The file's text exactly as read. */
  text: string;
  /** sha256 of the file's bytes. */
  sha256: string;
  /** Location (file, line, field) of the value at a path, for errors found after schema validation. */
  locate(path: DataPath): InputLocation;
}

/**
 * Reads a YAML or JSON file (by extension) and validates it against `schemas/<schemaId>.schema.json` (or a
 * validator compiled elsewhere, e.g. the benchmark schema composed from the registered task kinds).
 * Every problem (missing, empty, not UTF-8, syntax, duplicate key, schema violation) is an InputError that names
 * the file, line and field.
 */
export function loadValidated<T>(file: string, schema: string | ValidateFunction): LoadedConfig<T> {
  const validate = typeof schema === "string" ? getValidator(schema) : schema;
  const bytes = readInputFile(file);
  const text = decodeUtf8(bytes, file);
  const doc = parseConfigText(text, file);
  if (!validate(doc.value)) {
    const first = validate.errors?.[0];
    if (!first) throw new InputError("does not match its schema", { file });
    throw describeSchemaError(first, doc, validate.schema);
  }
  return { value: doc.value as T, text, sha256: sha256Hex(bytes), locate: doc.locate };
}

function describeSchemaError(error: ErrorObject, doc: ParsedDocument, rootSchema: unknown): InputError {
  const path = toDataPath(error.instancePath, doc.value);
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case "required": {
      // A misspelt key shows up first as a missing one; the unknown spelling is the more useful report.
      const unknown = unknownKeys(error.data, error.parentSchema)[0];
      if (unknown !== undefined) return unknownKeyError(doc, path, unknown, error.parentSchema);
      const key = String(params.missingProperty);
      return at(doc, path, [...path, key], `missing required key "${key}"`);
    }
    case "additionalProperties":
      return unknownKeyError(doc, path, String(params.additionalProperty), error.parentSchema);
    case "enum":
      return at(doc, path, path, `must be one of: ${(params.allowedValues as unknown[]).join(", ")}`);
    case "type":
      return at(doc, path, path, `must be ${articled(String(params.type))} (got ${typeName(error.data)})`);
    case "discriminator": {
      const tag = String(params.tag);
      const known = discriminatorValues(error.parentSchema, rootSchema, tag);
      const reason =
        params.error === "mapping"
          ? `unknown ${tag} ${JSON.stringify(params.tagValue)} (known: ${known.join(", ")})`
          : `must be a string naming the ${tag} (known: ${known.join(", ")})`;
      return at(doc, [...path, tag], [...path, tag], reason);
    }
    default:
      return at(doc, path, path, error.message ?? `fails the "${error.keyword}" rule`);
  }
}

function unknownKeyError(
  doc: ParsedDocument,
  path: DataPath,
  key: string,
  parentSchema: unknown,
): InputError {
  const allowed = Object.keys((parentSchema as { properties?: object }).properties ?? {});
  return at(doc, [...path, key], [...path, key], `unknown key "${key}" (allowed: ${allowed.join(", ")})`);
}

function unknownKeys(data: unknown, parentSchema: unknown): string[] {
  const schema = parentSchema as { properties?: object; additionalProperties?: unknown };
  if (schema.additionalProperties !== false || typeof data !== "object" || data === null) return [];
  const allowed = Object.keys(schema.properties ?? {});
  return Object.keys(data).filter((key) => !allowed.includes(key));
}

function at(doc: ParsedDocument, linePath: DataPath, fieldPath: DataPath, reason: string): InputError {
  const where = doc.locate(linePath);
  return new InputError(reason, { ...where, field: doc.locate(fieldPath).field });
}

/** Ajv's instancePath is a JSON pointer; array indices become numbers so they print as `[0]`. */
function toDataPath(pointer: string, root: unknown): DataPath {
  if (pointer === "") return [];
  const path: (string | number)[] = [];
  let value = root;
  for (const raw of pointer.slice(1).split("/")) {
    const segment = raw.replace(/~1/g, "/").replace(/~0/g, "~");
    const key = Array.isArray(value) ? Number(segment) : segment;
    path.push(key);
    value = (value as Record<string | number, unknown> | undefined)?.[key];
  }
  return path;
}

function discriminatorValues(parentSchema: unknown, rootSchema: unknown, tag: string): string[] {
  const branches = (parentSchema as { oneOf?: { $ref?: string }[] }).oneOf ?? [];
  return branches.flatMap((branch) => {
    const resolved = branch.$ref ? resolveLocalRef(rootSchema, branch.$ref) : branch;
    const tagSchema = (resolved as { properties?: Record<string, { const?: unknown }> }).properties?.[tag];
    return tagSchema?.const === undefined ? [] : [String(tagSchema.const)];
  });
}

function resolveLocalRef(rootSchema: unknown, ref: string): unknown {
  if (!ref.startsWith("#/")) return {};
  return ref
    .slice(2)
    .split("/")
    .reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], rootSchema);
}

function articled(type: string): string {
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

function typeName(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (typeof value === "number" && Number.isInteger(value)) return "integer";
  return typeof value === "object" ? "object" : typeof value;
}
