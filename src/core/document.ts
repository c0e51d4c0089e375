import { type Document, isAlias, isMap, isScalar, isSeq, LineCounter, type Node, parseDocument } from "yaml";
import { InputError, type InputLocation, oneLine } from "./input-error.js";
import { jsonSyntaxErrorOffset } from "./json-syntax.js";

export type DataPath = readonly (string | number)[];

/** A parsed YAML or JSON file: its plain value, and a way to point at any part of it by line. */
export interface ParsedDocument {
  value: unknown;
  /** File, line and dotted field name of the value at `path` (or of its nearest existing parent). */
  locate(path: DataPath): InputLocation;
}

/**
 * Parses YAML (1.2 core schema) or JSON, chosen by the file extension. JSON is also parsed as YAML, which is a
 * superset, only to learn line numbers and to catch duplicate keys that JSON.parse would silently accept.
 */
export function parseConfigText(text: string, file: string): ParsedDocument {
  const isJson = file.toLowerCase().endsWith(".json");
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const lineAt = (offset: number) => lineCounter.linePos(offset).line;

  const empty = isJson ? text.trim() === "" : doc.contents === null && doc.errors.length === 0;
  if (empty) throw new InputError("file is empty", { file, line: 1 });

  let value: unknown;
  if (isJson) {
    value = parseJson(text, file, doc, lineAt);
  } else {
    const problem = doc.errors[0] ?? doc.warnings[0];
    if (problem?.code === "DUPLICATE_KEY") throw duplicateKeyError(doc, file, lineAt);
    if (problem) throw new InputError(yamlReason(problem.message), { file, line: lineAt(problem.pos[0]) });
    value = toPlainValue(doc, file);
  }
  return {
    value,
    locate: (path) => ({ file, ...locateInDocument(doc, path, lineAt), field: fieldName(path) }),
  };
}

function parseJson(text: string, file: string, doc: Document, lineAt: (offset: number) => number): unknown {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const reason = oneLine((error as Error).message)
      .replace(/, ".*" is not valid JSON$/, "")
      .replace(/ in JSON at position \d+/, "");
    const offset = jsonSyntaxErrorOffset(text);
    throw new InputError(`invalid JSON: ${reason}`, {
      file,
      line: offset === undefined ? undefined : lineAt(offset),
    });
  }
  if (doc.errors.some((problem) => problem.code === "DUPLICATE_KEY"))
    throw duplicateKeyError(doc, file, lineAt);
  return value;
}

/** Names the repeated key and points at its second occurrence. */
function duplicateKeyError(doc: Document, file: string, lineAt: (offset: number) => number): InputError {
  const search = (node: unknown, path: (string | number)[]): InputError | undefined => {
    if (isMap(node)) {
      const seen = new Set<string>();
      for (const pair of node.items) {
        const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
        const offset = isNode(pair.key) ? pair.key.range?.[0] : undefined;
        if (seen.has(key)) {
          return new InputError("duplicate key", {
            file,
            line: offset === undefined ? undefined : lineAt(offset),
            field: fieldName([...path, key]),
          });
        }
        seen.add(key);
        const inner = search(pair.value, [...path, key]);
        if (inner) return inner;
      }
    } else if (isSeq(node)) {
      for (const [index, item] of node.items.entries()) {
        const inner = search(item, [...path, index]);
        if (inner) return inner;
      }
    }
    return undefined;
  };
  return search(doc.contents, []) ?? new InputError("duplicate key", { file });
}

function toPlainValue(doc: Document, file: string): unknown {
  try {
    return doc.toJS({ maxAliasCount: 100 });
  } catch (error) {
    throw new InputError(oneLine((error as Error).message), { file });
  }
}

/** The yaml package appends " at line L, column C" and a code excerpt; we report the line ourselves. */
function yamlReason(message: string): string {
  const reason = oneLine(message.split("\n")[0] ?? message).replace(/ at line \d+, column \d+:?$/, "");
  return `YAML: ${reason}`;
}

function locateInDocument(
  doc: Document,
  path: DataPath,
  lineAt: (offset: number) => number,
): { line?: number } {
  let node: unknown = doc.contents;
  let anchor: Node | undefined = isNode(node) ? node : undefined;
  for (const segment of path) {
    if (isAlias(node)) node = node.resolve(doc);
    if (isMap(node)) {
      const pair = node.items.find(
        (item) => isScalar(item.key) && String(item.key.value) === String(segment),
      );
      if (!pair) break;
      // The key's line reads best: block scalars and nested mappings start on the line after it.
      anchor = isNode(pair.key) ? pair.key : anchor;
      node = pair.value;
    } else if (isSeq(node) && typeof segment === "number") {
      const item = node.items[segment];
      if (!isNode(item)) break;
      anchor = item;
      node = item;
    } else {
      break;
    }
  }
  const offset = anchor?.range?.[0];
  return offset === undefined ? {} : { line: lineAt(offset) };
}

function isNode(value: unknown): value is Node {
  return typeof value === "object" && value !== null && "range" in value;
}

/** `["tasks", 0, "samples"]` -> `tasks[0].samples`. */
export function fieldName(path: DataPath): string {
  let name = "";
  for (const segment of path) {
    name += typeof segment === "number" ? `[${segment}]` : name === "" ? segment : `.${segment}`;
  }
  return name;
}
