import { createHash } from "node:crypto";
import { type Dirent, readdirSync } from "node:fs";
import { join } from "node:path";
import { sha256Hex } from "../../core/canonical.js";
import { InputError } from "../../core/input-error.js";
import { decodeUtf8, describeFsError, readInputFile } from "../../core/input-text.js";
import { createRng, sampleWithoutReplacement } from "../../metrics/random.js";
import { deriveSeed } from "../../plan/keys.js";

/** The five upstream task keys, in the order of the upstream code and files. */
export const PERSONAGYM_TASKS = [
  "Expected Action",
  "Toxicity",
  "Linguistic Habits",
  "Persona Consistency",
  "Action Justification",
] as const;

export type PersonaGymTask = (typeof PERSONAGYM_TASKS)[number];

/** Names for reports: the paper's names (the code's "Toxicity" is the paper's "Toxicity Control"). */
export const PERSONAGYM_TASK_LABELS: Readonly<Record<PersonaGymTask, string>> = {
  "Expected Action": "Expected Action",
  Toxicity: "Toxicity Control",
  "Linguistic Habits": "Linguistic Habits",
  "Persona Consistency": "Persona Consistency",
  "Action Justification": "Action Justification",
};

/** Slugs used inside question ids. */
export const PERSONAGYM_TASK_SLUGS: Readonly<Record<PersonaGymTask, string>> = {
  "Expected Action": "expected-action",
  Toxicity: "toxicity",
  "Linguistic Habits": "linguistic-habits",
  "Persona Consistency": "persona-consistency",
  "Action Justification": "action-justification",
};

export interface PersonaGymPersona {
  /** `pg-` + the first 12 hex digits of sha256(text): stable, and never embeds the persona text. */
  id: string;
  /** The persona string (the file name without `.json`). */
  text: string;
}

export interface PersonaGymQuestion {
  /** `<personaId>-<task slug>-<index>`, e.g. `pg-0123456789ab-toxicity-3`. */
  id: string;
  personaId: string;
  task: PersonaGymTask;
  /** 0-based position in the task's array. */
  index: number;
  text: string;
}

export interface PersonaGymData {
  /** In file-name byte order. */
  personas: PersonaGymPersona[];
  /** Persona by persona (same order), then task in PERSONAGYM_TASKS order, then file order. */
  questions: PersonaGymQuestion[];
  digest: string;
}

export const PERSONAGYM_FILE_SUFFIX = ".json";
/** The largest upstream file is about 14 KB; anything near this is not a PersonaGym question file. */
export const MAX_PERSONAGYM_FILE_BYTES = 1024 * 1024;

export function personaGymPersonaId(text: string): string {
  return `pg-${sha256Hex(text).slice(0, 12)}`;
}

/** Sorts names by their UTF-8 bytes, which is the order the digest is defined in (independent of locale). */
export function sortFileNames(names: readonly string[]): string[] {
  return [...names].sort((a, b) => Buffer.compare(Buffer.from(a, "utf8"), Buffer.from(b, "utf8")));
}

/**
 * The benchmark digest: sha256 over, for each question file in UTF-8 byte order of its name,
 *   <file name as UTF-8 bytes> 0x00 <lowercase hex sha256 of the file's bytes> 0x0a
 * File names are bare (`<persona>.json`, no directory). Any added, removed, renamed or changed file changes it.
 */
export function personaGymDigest(files: readonly { name: string; bytes: Uint8Array }[]): string {
  const byName = new Map(files.map((file) => [file.name, file.bytes]));
  const digest = createHash("sha256");
  for (const name of sortFileNames([...byName.keys()])) {
    digest.update(Buffer.from(name, "utf8"));
    digest.update("\u0000");
    digest.update(sha256Hex(byName.get(name) as Uint8Array));
    digest.update("\n");
  }
  return digest.digest("hex");
}

/** The `.json` file names directly in `dir` (other entries are ignored), sorted as the digest sorts them. */
export function listPersonaGymFiles(dir: string): string[] {
  let entries: Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch (error) {
    throw new InputError(describeFsError(error), { file: dir });
  }
  const names = entries
    .filter((entry) => entry.isFile() && entry.name.endsWith(PERSONAGYM_FILE_SUFFIX))
    .map((entry) => entry.name);
  if (names.length === 0) {
    throw new InputError(`contains no PersonaGym question files (*${PERSONAGYM_FILE_SUFFIX})`, {
      file: dir,
    });
  }
  return sortFileNames(names);
}

/** Reads the question files of a benchmark directory; used for both loading and verifying. */
export function readPersonaGymFiles(dir: string): { name: string; bytes: Uint8Array }[] {
  return listPersonaGymFiles(dir).map((name) => ({
    name,
    bytes: readInputFile(join(dir, name), MAX_PERSONAGYM_FILE_BYTES),
  }));
}

/**
 * Loads every `<persona>.json` in `dir`: each must be UTF-8 JSON, an object with exactly the five task keys, each an
 * array of non-empty strings. Any problem is an InputError naming the file, line and key.
 */
export function loadPersonaGym(dir: string): PersonaGymData {
  const files = readPersonaGymFiles(dir);
  const personas: PersonaGymPersona[] = [];
  const questions: PersonaGymQuestion[] = [];
  const textOfId = new Map<string, string>();
  for (const { name, bytes } of files) {
    const file = join(dir, name);
    const text = name.slice(0, -PERSONAGYM_FILE_SUFFIX.length);
    if (text.trim() === "") throw new InputError("the persona (file name) is empty", { file });
    const persona = { id: personaGymPersonaId(text), text };
    const clash = textOfId.get(persona.id);
    if (clash !== undefined) {
      throw new InputError(`persona id ${persona.id} is also the id of "${clash}"`, { file });
    }
    textOfId.set(persona.id, text);
    personas.push(persona);
    const byTask = parseQuestionFile(decodeUtf8(bytes, file), file);
    for (const task of PERSONAGYM_TASKS) {
      byTask[task].forEach((questionText, index) => {
        questions.push({
          id: `${persona.id}-${PERSONAGYM_TASK_SLUGS[task]}-${index}`,
          personaId: persona.id,
          task,
          index,
          text: questionText,
        });
      });
    }
  }
  return { personas, questions, digest: personaGymDigest(files) };
}

function parseQuestionFile(text: string, file: string): Record<PersonaGymTask, string[]> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const reason = (error as Error).message.replace(/, ".*" is not valid JSON$/s, "");
    throw new InputError(`invalid JSON: ${reason}`, { file });
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new InputError("must be a JSON object with the five PersonaGym task keys", { file });
  }
  const keys = topLevelKeys(text);
  const lineOf = (key: string) => keys.find((entry) => entry.key === key)?.line;
  const seen = new Set<string>();
  for (const { key, line } of keys) {
    const where = { file, line, field: JSON.stringify(key) };
    if (seen.has(key)) throw new InputError("duplicate key", where);
    seen.add(key);
    if (!(PERSONAGYM_TASKS as readonly string[]).includes(key)) {
      throw new InputError(`unknown key (expected exactly: ${PERSONAGYM_TASKS.join(", ")})`, where);
    }
  }
  const fields = value as Record<string, unknown>;
  for (const task of PERSONAGYM_TASKS) {
    const where = { file, line: lineOf(task), field: JSON.stringify(task) };
    const list = fields[task];
    if (list === undefined) throw new InputError("missing", where);
    if (!Array.isArray(list)) throw new InputError("must be an array of question strings", where);
    if (list.length === 0) throw new InputError("must not be empty", where);
    list.forEach((question, index) => {
      const at = { ...where, field: `${where.field}[${index}]` };
      if (typeof question !== "string") throw new InputError("must be a string", at);
      if (question.trim() === "") throw new InputError("must not be empty", at);
    });
  }
  return fields as Record<PersonaGymTask, string[]>;
}

/**
 * The keys of the top-level object of valid JSON, with their lines, in file order. JSON.parse keeps only the last
 * of duplicate keys, so they are found here instead.
 */
function topLevelKeys(text: string): { key: string; line: number }[] {
  const keys: { key: string; line: number }[] = [];
  let depth = 0;
  let line = 1;
  for (let at = 0; at < text.length; at++) {
    const char = text[at];
    if (char === "\n") line += 1;
    else if (char === "{" || char === "[") depth += 1;
    else if (char === "}" || char === "]") depth -= 1;
    else if (char === '"') {
      const start = at;
      at += 1;
      while (text[at] !== '"') at += text[at] === "\\" ? 2 : 1;
      let next = at + 1;
      while (/\s/.test(text[next] ?? "")) next += 1;
      if (depth === 1 && text[next] === ":") {
        keys.push({ key: JSON.parse(text.slice(start, at + 1)) as string, line });
      }
    }
  }
  return keys;
}

/**
 * A seeded subset of `limit` personas, returned in their original order; all of them when `limit` is undefined
 * or not smaller than the list. The draw is a partial Fisher-Yates from the suite's PRNG, so for one seed a
 * smaller subset is always contained in a larger one.
 */
export function selectPersonaGymPersonas(
  personas: readonly PersonaGymPersona[],
  limit: number | undefined,
  seed: number,
): PersonaGymPersona[] {
  if (limit !== undefined && (!Number.isSafeInteger(limit) || limit < 1)) {
    throw new InputError(`must be an integer >= 1 (got ${limit})`, { field: "limit" });
  }
  if (!Number.isSafeInteger(seed) || seed < 0) {
    throw new InputError(`must be an integer >= 0 (got ${seed})`, { field: "seed" });
  }
  if (limit === undefined || limit >= personas.length) return [...personas];
  // The config allows seeds up to 2^53; the PRNG takes 32 bits, so the seed is hashed down rather than truncated.
  const rng = createRng(deriveSeed(seed, "personagym/personas", 0));
  const picked = sampleWithoutReplacement(rng, personas.length, limit).sort((a, b) => a - b);
  return picked.map((index) => personas[index] as PersonaGymPersona);
}

/** Placeholders every upstream rubric file has (Python str.format style). */
export const UPSTREAM_RUBRIC_PLACEHOLDERS = ["{score_example}", "{persona}", "{question}", "{response}"];

/** `rubrics/<Task>.txt` of the upstream repository, relative to its `rubrics/` folder. */
export function upstreamRubricFileName(task: PersonaGymTask): string {
  return `${task}.txt`;
}

/** Reads the five upstream rubric files (`<Task>.txt`) from `dir`; each must be UTF-8 with its four placeholders. */
export function loadUpstreamRubrics(dir: string): Record<PersonaGymTask, string> {
  const rubrics = {} as Record<PersonaGymTask, string>;
  for (const task of PERSONAGYM_TASKS) {
    const file = join(dir, upstreamRubricFileName(task));
    const text = decodeUtf8(readInputFile(file, MAX_PERSONAGYM_FILE_BYTES), file);
    const missing = UPSTREAM_RUBRIC_PLACEHOLDERS.filter((placeholder) => !text.includes(placeholder));
    if (missing.length > 0) {
      throw new InputError(`not a PersonaGym rubric: missing placeholder ${missing.join(", ")}`, { file });
    }
    rubrics[task] = text;
  }
  return rubrics;
}
