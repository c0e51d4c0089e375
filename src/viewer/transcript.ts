/**
 * One generation as a run used it, for the transcript page: its members, request, response (in parts, see
 * text-parts.ts), verdict or failure, and for a PersonaGym answer the judges' verdicts and the score examples.
 */
import type Database from "better-sqlite3";
import type { GenerationRow as GenerationDbRow } from "../store/store.js";
import { MATH_SCORER, type MathVerdict } from "../task-kinds/math/score.js";
import type { MemberView, Verdict } from "./data.js";
import {
  firstPart,
  generationTextPart,
  type PartOf,
  PREVIEW_PART_BYTES,
  partColumns,
  partFromWindow,
  TRANSCRIPT_PART_BYTES,
  withoutText,
} from "./text-parts.js";

/** A generation read for one run; long texts in parts (the response: the part asked for). */
export interface Transcript {
  key: string;
  run: string;
  members: MemberView[];
  generation: null | {
    modelKey: string;
    messages: { role: string; content: string; contentPart: PartOf }[];
    sampling: unknown;
    text: string;
    textPart: PartOf;
    finishReason: string;
    rawFinishReason: string | null;
    usage: unknown;
    timing: unknown;
    served: unknown;
    attempts: number;
    createdAt: string;
  };
  verdict: Verdict;
  math: (MathVerdict & { scorer: string }) | null;
  failure: { kind: string; message: string; attempts: number; createdAt: string } | null;
  /** PersonaGym: the judges' verdicts on this answer (their first parts), and the score examples they saw. */
  judges: {
    stage: string;
    key: string;
    text: string;
    textPart: PartOf;
    score: number | null;
    prompt: string | null;
  }[];
  examples: { key: string; text: string; textPart: PartOf } | null;
}

/** What the transcript reader needs of the store's read-only connection. */
export interface TranscriptSource {
  prepared(sql: string): Database.Statement;
  /** The run's task ids: members are looked up by their primary key (run_id, task_id, key). */
  taskIds(runId: string): string[];
  /** Members carry persona, item and group (store version 3). */
  hasMemberFacts: boolean;
}

/**
 * One generation as the run used it: the request, the answer (part `part` of it), its verdict, and for PersonaGym
 * its judgements; undefined when the run does not use it.
 */
export function readTranscript(
  source: TranscriptSource,
  runId: string,
  key: string,
  part: number,
): Transcript | undefined {
  const members =
    // Task by task, so the lookup uses the primary key (run_id, task_id, key).
    source
      .taskIds(runId)
      .flatMap(
        (task) =>
          source
            .prepared("SELECT * FROM run_members WHERE run_id = ? AND task_id = ? AND key = ?")
            .all(runId, task, key) as MemberRow[],
      )
      .map((m) => ({
        taskId: m.task_id,
        stage: m.stage,
        personaId: m.persona_id ?? null,
        itemId: m.item_id ?? null,
        sample: m.sample ?? null,
        group: m.item_group ?? null,
      }));
  if (members.length === 0) return undefined;
  const g = source
    .prepared(
      `SELECT key, model_key, request_json, finish_reason, raw_finish_reason, usage_json, timing_json, served_json,
         attempts, created_at FROM generations WHERE key = ?`,
    )
    .get(key) as Omit<GenerationDbRow, "text"> | undefined;
  const response = g && generationTextPart((sql) => source.prepared(sql), key, part);
  const score = source
    .prepared("SELECT value_json FROM scores WHERE key = ? AND scorer = ?")
    .get(key, MATH_SCORER) as { value_json: string } | undefined;
  const failure = source.prepared("SELECT * FROM failures WHERE run_id = ? AND key = ?").get(runId, key) as
    | { kind: string; message: string; attempts: number; created_at: string }
    | undefined;
  const math = score ? { ...(parseJson(score.value_json) as MathVerdict), scorer: MATH_SCORER } : null;
  const verdict: Verdict = !g
    ? failure
      ? "failed"
      : "missing"
    : !math
      ? "ungraded"
      : math.correct
        ? "correct"
        : math.found
          ? "wrong"
          : "none";
  const request = g
    ? (parseJson(g.request_json) as { messages?: { role: string; content: string }[]; sampling?: unknown })
    : null;
  const member = members[0]!;
  const related = readRelated(source, runId, member);
  return {
    key,
    run: runId,
    members,
    generation:
      g && response
        ? {
            modelKey: g.model_key,
            messages: (request?.messages ?? []).map(({ role, content }) => {
              const { text, ...contentPart } = firstPart(content, TRANSCRIPT_PART_BYTES);
              return { role, content: text, contentPart };
            }),
            sampling: request?.sampling ?? null,
            text: response.text,
            textPart: withoutText(response),
            finishReason: g.finish_reason,
            rawFinishReason: g.raw_finish_reason,
            usage: parseJson(g.usage_json),
            timing: parseJson(g.timing_json),
            served: parseJson(g.served_json),
            attempts: g.attempts,
            createdAt: g.created_at,
          }
        : null,
    verdict,
    math,
    failure: failure
      ? {
          kind: failure.kind,
          message: failure.message,
          attempts: failure.attempts,
          createdAt: failure.created_at,
        }
      : null,
    ...related,
  };
}

/** PersonaGym: the judgements of a subject answer and the score examples of its question. */
function readRelated(
  source: TranscriptSource,
  runId: string,
  member: MemberView,
): Pick<Transcript, "judges" | "examples"> {
  if (!source.hasMemberFacts || member.itemId === null || !/ subject$/.test(member.stage))
    return { judges: [], examples: null };
  const rows = source
    .prepared(
      `SELECT m.stage, m.key, ${partColumns("g.text", "text", PREVIEW_PART_BYTES)},
         CASE WHEN m.stage LIKE '% judge %' THEN judge_score(g.text) END AS score, g.request_json
       FROM run_members m JOIN generations g ON g.key = m.key
       WHERE m.run_id = ? AND m.task_id = ? AND m.item_id = ? AND (m.stage LIKE '% judge %' OR m.stage LIKE '% examples')
       ORDER BY m.rowid`,
    )
    .all(runId, member.taskId, member.itemId) as {
    stage: string;
    key: string;
    text_window: Buffer | null;
    text_bytes: number;
    score: number | null;
    request_json: string;
  }[];
  const judges: Transcript["judges"] = [];
  let examples: Transcript["examples"] = null;
  for (const row of rows) {
    const { text, ...textPart } = partFromWindow(row.text_window, row.text_bytes, 0, PREVIEW_PART_BYTES);
    if (/ examples$/.test(row.stage)) {
      examples = { key: row.key, text, textPart };
      continue;
    }
    const request = parseJson(row.request_json) as {
      messages?: { role: string; content: string }[];
    } | null;
    const prompt = request?.messages?.map((m) => m.content).join("\n\n");
    judges.push({
      stage: row.stage,
      key: row.key,
      text,
      textPart,
      score: row.score,
      prompt: prompt === undefined ? null : firstPart(prompt).text,
    });
  }
  return { judges, examples };
}

interface MemberRow {
  task_id: string;
  stage: string;
  key: string;
  persona_id?: string | null;
  item_id?: string | null;
  sample?: number | null;
  item_group?: string | null;
}

/** Parsed JSON, or null for text that is not JSON (a stored column is never trusted). */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
