/** Streams `{"gold", "response"|"pred"}` JSON lines to graded JSON lines; bad lines are reported and skipped. */

import { once } from "node:events";
import { createInterface } from "node:readline";
import type { Readable, Writable } from "node:stream";
import { jsonText } from "../../core/untrusted-text.js";
import { grade, gradePrediction } from "./grade.js";

export interface GradeJsonlSummary {
  lines: number;
  graded: number;
  bad: number;
}

export type BadLineHandler = (lineNumber: number, message: string) => void;

function parseLine(text: string): {
  record: Record<string, unknown>;
  gold: string;
  answer: { response?: string; pred?: string };
} {
  let record: unknown;
  try {
    record = JSON.parse(text);
  } catch (e) {
    throw new Error(`invalid JSON: ${(e as Error).message}`);
  }
  if (record === null || typeof record !== "object" || Array.isArray(record))
    throw new Error("expected a JSON object");
  const r = record as Record<string, unknown>;
  if (typeof r.gold !== "string") throw new Error('field "gold" must be a string');
  const hasResponse = r.response !== undefined;
  const hasPred = r.pred !== undefined;
  if (hasResponse === hasPred) throw new Error('exactly one of the fields "response" or "pred" is required');
  if (hasResponse && typeof r.response !== "string") throw new Error('field "response" must be a string');
  if (hasPred && typeof r.pred !== "string") throw new Error('field "pred" must be a string');
  return {
    record: r,
    gold: r.gold,
    answer: hasResponse ? { response: r.response as string } : { pred: r.pred as string },
  };
}

async function write(output: Writable, text: string): Promise<void> {
  if (!output.write(text)) await once(output, "drain");
}

export async function gradeJsonl(
  input: Readable,
  output: Writable,
  onBadLine: BadLineHandler,
): Promise<GradeJsonlSummary> {
  const summary: GradeJsonlSummary = { lines: 0, graded: 0, bad: 0 };
  const reader = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
  for await (const line of reader) {
    summary.lines++;
    if (line.trim() === "") continue;
    let parsed: ReturnType<typeof parseLine>;
    try {
      parsed = parseLine(line);
    } catch (e) {
      summary.bad++;
      onBadLine(summary.lines, (e as Error).message);
      continue;
    }
    const { record, gold, answer } = parsed;
    const result =
      answer.response !== undefined ? grade(gold, answer.response) : gradePrediction(gold, answer.pred!);
    // The input's strings come back: JSON escapes for what a terminal would obey (bidi, C1), as in every --json.
    await write(output, `${jsonText({ ...record, ...result })}\n`);
    summary.graded++;
  }
  return summary;
}
