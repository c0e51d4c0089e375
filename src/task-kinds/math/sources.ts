import { InputError } from "../../core/input-error.js";
import type { DatasetSource } from "../../datasets/datasets.js";
import { readLinesSync } from "../../datasets/lines.js";

/** The pinned files of the registered math task sets, by id. */
const PINNED_SOURCES: readonly DatasetSource[] = [
  {
    // openai/prm800k, the MATH500 test split of "Let's Verify Step by Step" (MIT); stored there with Git LFS.
    id: "math500",
    relPath: "math500/test.jsonl",
    url: "https://media.githubusercontent.com/media/openai/prm800k/7ecc794703b2877f63226f2477a49b34f9b25163/prm800k/math_splits/test.jsonl",
    bytes: 446564,
    sha256: "35dc41080a3680858b27fa7e0533d2d547825316fc5dafe5d316f4ccc5a06132",
  },
  {
    // QwenLM/Qwen2.5-Math's evaluation copy of AIME 2024 I and II (MIT), the one most math evaluations use.
    id: "aime24",
    relPath: "aime24/test.jsonl",
    url: "https://raw.githubusercontent.com/QwenLM/Qwen2.5-Math/a45202bd16f1ec06f433442dc1152d0074773465/evaluation/data/aime24/test.jsonl",
    bytes: 156944,
    sha256: "af2b8bd2aa911b6333ad0df32f3ca05c7ae8ed10f1731f4372c8ae26990bf7ac",
  },
  {
    // The same repository's AMC 2023 (12A and 12B, numeric answers).
    id: "amc23",
    relPath: "amc23/test.jsonl",
    url: "https://raw.githubusercontent.com/QwenLM/Qwen2.5-Math/a45202bd16f1ec06f433442dc1152d0074773465/evaluation/data/amc23/test.jsonl",
    bytes: 27631,
    sha256: "43707e1ca784602d8479de24ee8ce36609dbebc46dd152b0b12a46611aa898a4",
  },
  {
    // openai/grade-school-math, the GSM8K test split (MIT).
    id: "gsm8k",
    relPath: "gsm8k/test.jsonl",
    url: "https://raw.githubusercontent.com/openai/grade-school-math/3101c7d5072418e28b9008a6636bde82a006892c/grade_school_math/data/test.jsonl",
    bytes: 749738,
    sha256: "3730d312f6e3440559ace48831e51066acaca737f6eabec99bccb9e4b3c39d14",
  },
];

/** The pinned file of a registered math task set; an unknown id is a bug (the table below names only pinned ones). */
export function pinnedSource(id: string): DatasetSource {
  const source = PINNED_SOURCES.find((candidate) => candidate.id === id);
  if (!source) throw new Error(`no pinned math dataset "${id}"`);
  return source;
}

export interface MathProblem {
  /** Unique within the dataset: the row's own id where it has one, else one derived from its position. */
  id: string;
  problem: string;
  /** Gold answer, as the grader should read it. */
  answer: string;
  subject?: string;
  /** Difficulty, where the dataset grades it (MATH: 1 easiest to 5). */
  level?: number;
  /** The dataset's worked solution, where it has one. */
  solution?: string;
}

/** Where a row sits, for errors that name the file, line and field. */
export interface RowPlace {
  file: string;
  line: number;
  /** 0-based position among the file's rows (blank lines skipped). */
  index: number;
}

export type RowReader = (row: Record<string, unknown>, place: RowPlace) => MathProblem;

/**
 * One math dataset: where to download it (pinned by size and sha256), and how to read a row and its gold answer.
 * Adding a dataset is one entry here (or one registerMathDataset call).
 */
export interface MathDataset {
  name: string;
  source: DatasetSource;
  /** The field that holds a row's id, for duplicate-id errors (undefined when ids come from positions). */
  idField?: string;
  readRow: RowReader;
}

/** No row of a shipped dataset is near this; a longer line means a wrong or damaged file. */
export const MAX_LINE_BYTES = 1024 * 1024;

/** A string field that must be there and not blank. */
export function requiredString(row: Record<string, unknown>, field: string, place: RowPlace): string {
  const value = row[field];
  if (value === undefined) throw new InputError("missing", { ...placeOf(place), field });
  if (typeof value !== "string") throw new InputError("must be a string", { ...placeOf(place), field });
  if (value.trim() === "") throw new InputError("must not be empty", { ...placeOf(place), field });
  return value;
}

/** A gold answer stored as a string or a JSON number (AMC: `27.0`), as the text the grader reads. */
export function answerText(row: Record<string, unknown>, field: string, place: RowPlace): string {
  const value = row[field];
  if (typeof value === "number") {
    if (!Number.isFinite(value))
      throw new InputError("must be a finite number", { ...placeOf(place), field });
    return String(value);
  }
  if (typeof value === "string" || value === undefined) return requiredString(row, field, place);
  throw new InputError("must be a string or a number", { ...placeOf(place), field });
}

/** A row id stored as a string or an integer. */
export function idText(row: Record<string, unknown>, field: string, place: RowPlace): string {
  const value = row[field];
  if (Number.isSafeInteger(value)) return String(value);
  return requiredString(row, field, place);
}

function optionalString(row: Record<string, unknown>, field: string, place: RowPlace): string | undefined {
  return row[field] === undefined ? undefined : requiredString(row, field, place);
}

function placeOf(place: RowPlace): { file: string; line: number } {
  return { file: place.file, line: place.line };
}

/** Integer answers with leading zeros (AIME's `025`) mean the integer: the grader compares values, not digits. */
function withoutLeadingZeros(answer: string): string {
  return /^0+\d$|^0+[1-9]\d*$/.test(answer.trim()) ? answer.trim().replace(/^0+(?=\d)/, "") : answer;
}

/** Thousands separators in a plain number (GSM8K's `1,600`): the value, not a list of two numbers. */
function withoutThousandsSeparators(answer: string): string {
  const trimmed = answer.trim();
  return /^-?\d{1,3}(,\d{3})+(\.\d+)?$/.test(trimmed) ? trimmed.replace(/,/g, "") : trimmed;
}

const readMath500: RowReader = (row, place) => {
  const level = row.level;
  if (level === undefined) throw new InputError("missing", { ...placeOf(place), field: "level" });
  if (!Number.isInteger(level) || (level as number) < 1 || (level as number) > 5) {
    throw new InputError(`must be an integer from 1 to 5 (got ${JSON.stringify(level)})`, {
      ...placeOf(place),
      field: "level",
    });
  }
  const problem: MathProblem = {
    id: requiredString(row, "unique_id", place),
    problem: requiredString(row, "problem", place),
    answer: requiredString(row, "answer", place),
    subject: requiredString(row, "subject", place),
    level: level as number,
  };
  const solution = optionalString(row, "solution", place);
  if (solution !== undefined) problem.solution = solution;
  return problem;
};

/** The Qwen2.5-Math evaluation files (AIME 2024, AMC 2023): `id`, `problem`, `answer`, optional `solution`. */
function readCompetitionRow(name: string): RowReader {
  return (row, place) => {
    const problem: MathProblem = {
      id: `${name}/${idText(row, "id", place)}`,
      problem: requiredString(row, "problem", place),
      answer: withoutLeadingZeros(answerText(row, "answer", place)),
      subject: name,
    };
    const solution = optionalString(row, "solution", place);
    if (solution !== undefined) problem.solution = solution;
    return problem;
  };
}

const GSM8K_FINAL = "#### ";

/** GSM8K: `question`, and `answer` holding the worked solution whose final answer follows the last `#### `. */
const readGsm8k: RowReader = (row, place) => {
  const worked = requiredString(row, "answer", place);
  const at = worked.lastIndexOf(GSM8K_FINAL);
  const final = at < 0 ? "" : worked.slice(at + GSM8K_FINAL.length).trim();
  if (final === "") {
    throw new InputError(`has no final answer after "${GSM8K_FINAL.trim()}"`, {
      ...placeOf(place),
      field: "answer",
    });
  }
  return {
    id: `gsm8k/${place.index}`,
    problem: requiredString(row, "question", place),
    answer: withoutThousandsSeparators(final),
    solution: worked.slice(0, at).trim(),
  };
};

const datasets = new Map<string, MathDataset>(
  [
    { name: "math500", source: pinnedSource("math500"), idField: "unique_id", readRow: readMath500 },
    {
      name: "aime24",
      source: pinnedSource("aime24"),
      idField: "id",
      readRow: readCompetitionRow("aime24"),
    },
    { name: "amc23", source: pinnedSource("amc23"), idField: "id", readRow: readCompetitionRow("amc23") },
    { name: "gsm8k", source: pinnedSource("gsm8k"), readRow: readGsm8k },
  ].map((dataset) => [dataset.name, dataset]),
);

export function mathDatasets(): MathDataset[] {
  return [...datasets.values()];
}

/** The named dataset; undefined when no dataset has that name. */
export function findMathDataset(name: string): MathDataset | undefined {
  return datasets.get(name);
}

/** Adds a dataset at run time (plugins, tests). A name already taken is a programming error. */
export function registerMathDataset(dataset: MathDataset): void {
  if (datasets.has(dataset.name)) throw new Error(`math dataset "${dataset.name}" is already registered`);
  datasets.set(dataset.name, dataset);
}

export function unregisterMathDataset(name: string): void {
  datasets.delete(name);
}

/** Where a user's own JSONL keeps each part of a problem. */
export interface FieldMapping {
  problem: string;
  answer: string;
  /** Without an id field, a row's id is `<dataset name>/<row index>`. */
  id?: string;
  subject?: string;
  level?: string;
}

/** Reads rows of a user's own file through its field mapping. */
export function mappedRowReader(name: string, fields: FieldMapping): RowReader {
  return (row, place) => {
    const problem: MathProblem = {
      id: fields.id === undefined ? `${name}/${place.index}` : idText(row, fields.id, place),
      problem: requiredString(row, fields.problem, place),
      answer: withoutThousandsSeparators(answerText(row, fields.answer, place)),
    };
    if (fields.subject !== undefined) problem.subject = requiredString(row, fields.subject, place);
    if (fields.level !== undefined) {
      const level = row[fields.level];
      if (!Number.isSafeInteger(level)) {
        throw new InputError(`must be an integer (got ${JSON.stringify(level)})`, {
          ...placeOf(place),
          field: fields.level,
        });
      }
      problem.level = level as number;
    }
    return problem;
  };
}

/**
 * Reads a JSONL file of problems, one JSON object a line (blank lines skipped), through the dataset's row reader.
 * Any bad row is an InputError naming the file, line and field; ids must be unique.
 */
export function loadMathProblems(path: string, readRow: RowReader, idField = "id"): MathProblem[] {
  const problems: MathProblem[] = [];
  const lineOfId = new Map<string, number>();
  for (const { line, text } of readLinesSync(path, MAX_LINE_BYTES)) {
    if (text.trim() === "") continue;
    const place = { file: path, line, index: problems.length };
    const problem = readRow(parseObject(text, place), place);
    const earlier = lineOfId.get(problem.id);
    if (earlier !== undefined) {
      throw new InputError(`duplicate ${idField} "${problem.id}" (first at line ${earlier})`, {
        file: path,
        line,
        field: idField,
      });
    }
    lineOfId.set(problem.id, line);
    problems.push(problem);
  }
  if (problems.length === 0) throw new InputError("contains no problems", { file: path });
  return problems;
}

function parseObject(text: string, place: RowPlace): Record<string, unknown> {
  let row: unknown;
  try {
    row = JSON.parse(text);
  } catch (error) {
    throw new InputError(
      `invalid JSON: ${(error as Error).message.replace(/, ".*" is not valid JSON$/s, "")}`,
      placeOf(place),
    );
  }
  if (typeof row !== "object" || row === null || Array.isArray(row)) {
    throw new InputError("must be a JSON object", placeOf(place));
  }
  return row as Record<string, unknown>;
}
