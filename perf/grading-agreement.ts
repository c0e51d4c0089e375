/**
 * Agreement of the grader with a labeled set, with every disagreement named by id:
 *
 *   npx tsc -p tsconfig.perf.json && node dist-perf/perf/grading-agreement.js <file.jsonl>...
 *
 * Each line is one of (the kind is read from the fields present):
 * - a pair `{gold, pred | answer, equal | label}`: is the answer equal to the gold? (isEquivalent)
 * - a response `{gold, response, correct | label, found?}`: is the whole response graded correct? (grade)
 * - an extraction `{response, extracted, found, path}`: is the answer extracted as written? (extractAnswer)
 * `id` names a row (else `file:line`); `class`, `form` or `kind` groups rows. Prints agreement, false positives
 * and false negatives per file. Exit code 0 when there is no false positive, 1 when there is one, 2 on bad input.
 */
import { readFileSync } from "node:fs";
import { basename } from "node:path";
import { pathToFileURL } from "node:url";
import { extractAnswer, grade, isEquivalent } from "../src/scoring/math/index.js";

export type RowKind = "pair" | "response" | "extraction";

export interface RowResult {
  id: string;
  kind: RowKind;
  group: string;
  /** What the label says: the answer is right (pairs, responses) or the extraction is as written. */
  expected: boolean;
  got: boolean;
  /** A response whose `found` label disagrees with the grader (reported apart from correctness). */
  foundMismatch: boolean;
  detail: string;
}

export interface FileReport {
  file: string;
  rows: RowResult[];
}

const TRUE_LABELS = new Set([
  "true",
  "1",
  "yes",
  "correct",
  "right",
  "equal",
  "equivalent",
  "accept",
  "match",
]);
const FALSE_LABELS = new Set([
  "false",
  "0",
  "no",
  "incorrect",
  "wrong",
  "not equal",
  "not_equal",
  "unequal",
  "different",
  "reject",
  "mismatch",
]);

function readLabel(value: unknown, where: string): boolean {
  if (typeof value === "boolean") return value;
  if (value === 0 || value === 1) return value === 1;
  if (typeof value === "string") {
    const v = value.trim().toLowerCase();
    if (TRUE_LABELS.has(v)) return true;
    if (FALSE_LABELS.has(v)) return false;
  }
  throw new Error(`${where}: label ${JSON.stringify(value)} is not true/false (or correct/wrong, 1/0)`);
}

function text(row: Record<string, unknown>, field: string, where: string): string {
  const v = row[field];
  if (typeof v !== "string") throw new Error(`${where}: field "${field}" must be a string`);
  return v;
}

/** Model text shown on one terminal line: control characters escaped, long text cut. */
const shown = (s: string | null, max = 160): string => {
  const json = JSON.stringify(s);
  return json.length > max ? `${json.slice(0, max)}…"` : json;
};

function gradeRow(row: Record<string, unknown>, where: string, fallbackId: string): RowResult {
  const id = typeof row.id === "string" || typeof row.id === "number" ? String(row.id) : fallbackId;
  const group = String(row.class ?? row.form ?? row.kind ?? "");
  const labelOf = (field: string) => readLabel(row.label ?? row[field], `${where} (id ${id})`);
  const answer = row.pred ?? row.answer;
  if (answer !== undefined) {
    const gold = text(row, "gold", where);
    const pred = text(row, row.pred !== undefined ? "pred" : "answer", where);
    const got = isEquivalent(gold, pred);
    return {
      id,
      kind: "pair",
      group,
      expected: labelOf("equal"),
      got,
      foundMismatch: false,
      detail: `gold ${shown(gold)} answer ${shown(pred)}`,
    };
  }
  const response = text(row, "response", where);
  if (row.gold === undefined) {
    const want = {
      extracted: row.extracted as string | null,
      found: row.found === true,
      path: String(row.path),
    };
    const got = extractAnswer(response);
    const same = got.extracted === want.extracted && got.found === want.found && got.path === want.path;
    return {
      id,
      kind: "extraction",
      group,
      expected: true,
      got: same,
      foundMismatch: got.found !== want.found,
      detail: `response ${shown(response)} extracted ${shown(got.extracted)} (${got.path}), labeled ${shown(want.extracted)} (${want.path})`,
    };
  }
  const gold = text(row, "gold", where);
  const result = grade(gold, response);
  const foundLabel = row.found;
  return {
    id,
    kind: "response",
    group,
    expected: labelOf("correct"),
    got: result.correct,
    foundMismatch: typeof foundLabel === "boolean" && foundLabel !== result.found,
    detail: `gold ${shown(gold)} extracted ${shown(result.extracted)} (${result.path}) from ${shown(response)}`,
  };
}

/** Grades every row of a labeled JSONL file; throws one line naming the file and line on bad input. */
export function gradeLabeledFile(path: string): FileReport {
  const name = basename(path);
  let content: string;
  try {
    content = readFileSync(path, "utf8");
  } catch (e) {
    throw new Error(`${path}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  const rows: RowResult[] = [];
  content.split("\n").forEach((line, k) => {
    if (!line.trim()) return;
    const where = `${path}:${k + 1}`;
    let row: unknown;
    try {
      row = JSON.parse(line);
    } catch {
      throw new Error(`${where}: invalid JSON`);
    }
    if (row === null || typeof row !== "object" || Array.isArray(row))
      throw new Error(`${where}: expected a JSON object`);
    rows.push(gradeRow(row as Record<string, unknown>, where, `${name}:${k + 1}`));
  });
  return { file: path, rows };
}

export function summarizeReport({ file, rows }: FileReport): string[] {
  const agree = rows.filter((r) => r.expected === r.got).length;
  const fp = rows.filter((r) => r.kind !== "extraction" && !r.expected && r.got);
  const fn = rows.filter((r) => r.kind !== "extraction" && r.expected && !r.got);
  const wrongExtraction = rows.filter((r) => r.kind === "extraction" && !r.got);
  const found = rows.filter((r) => r.foundMismatch);
  const pct = rows.length ? ((100 * agree) / rows.length).toFixed(1) : "-";
  const kinds = [...new Set(rows.map((r) => r.kind))].join("+");
  const lines = [
    `${file}: ${rows.length} ${kinds || "rows"}, agreement ${agree}/${rows.length} (${pct}%), ` +
      `false positives ${fp.length}, false negatives ${fn.length}` +
      (wrongExtraction.length ? `, extractions differing ${wrongExtraction.length}` : "") +
      (found.length ? `, found differing ${found.length}` : ""),
  ];
  const list = (title: string, items: RowResult[]) => {
    for (const r of items) lines.push(`  ${title} ${r.id}${r.group ? ` [${r.group}]` : ""}: ${r.detail}`);
  };
  list("FALSE POSITIVE", fp);
  list("false negative", fn);
  list("extraction differs", wrongExtraction);
  list(
    "found differs",
    found.filter((r) => r.kind === "response" && r.expected === r.got),
  );
  return lines;
}

function main(paths: string[]): number {
  if (paths.length === 0) {
    console.error("usage: node dist-perf/perf/grading-agreement.js <labeled.jsonl>...");
    return 2;
  }
  let falsePositives = 0;
  for (const path of paths) {
    let report: FileReport;
    try {
      report = gradeLabeledFile(path);
    } catch (e) {
      console.error((e as Error).message);
      return 2;
    }
    for (const line of summarizeReport(report)) console.log(line);
    falsePositives += report.rows.filter((r) => r.kind !== "extraction" && !r.expected && r.got).length;
  }
  return falsePositives > 0 ? 1 : 0;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href)
  process.exitCode = main(process.argv.slice(2));
