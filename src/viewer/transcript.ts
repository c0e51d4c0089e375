/**
 * One generation as a run used it, for the transcript page: its members, request, response (in parts, see
 * text-parts.ts), stored score or failure, and for a judged answer its judges' verdicts and the score examples.
 */

import type { GenerationRow as GenerationDbRow } from "../store/store.js";
import type { ScoreDescription } from "../task-kinds/section-viewer.js";
import type { MemberSql } from "./member-sql.js";
import { type RunKinds, stagesJson } from "./run-kinds.js";
import type { StoreSource } from "./source.js";
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
import { type MemberView, parseJson, type Verdict } from "./types.js";

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
  /** The stored verdict, in its kind's words, with the scorer id it is stored under. */
  score: (ScoreDescription & { scorer: string }) | null;
  failure: { kind: string; message: string; attempts: number; createdAt: string } | null;
  /** A judged answer: the judges' verdicts on it (their first parts), and the score examples they saw. */
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

export interface TranscriptContext {
  source: StoreSource;
  kinds: RunKinds;
  sql: MemberSql;
}

/** One generation as the run used it (its response: part `part`); undefined when the run does not use it. */
export function readTranscript(
  context: TranscriptContext,
  runId: string,
  key: string,
  part: number,
): Transcript | undefined {
  const { source } = context;
  if (!source.hasMembers) return undefined;
  const members = [...context.kinds.layout(runId).viewers.keys()]
    // Task by task, so the lookup uses the primary key (run_id, task_id, key).
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
  const response = g && generationTextPart((s) => source.prepared(s), key, part);
  const failure = source.prepared("SELECT * FROM failures WHERE run_id = ? AND key = ?").get(runId, key) as
    | { kind: string; message: string; attempts: number; created_at: string }
    | undefined;
  const score = storedScore(context, key);
  const verdict: Verdict = !g ? (failure ? "failed" : "missing") : (score?.verdict ?? "ungraded");
  const request = g
    ? (parseJson(g.request_json) as { messages?: { role: string; content: string }[]; sampling?: unknown })
    : null;
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
    score,
    failure: failure
      ? {
          kind: failure.kind,
          message: failure.message,
          attempts: failure.attempts,
          createdAt: failure.created_at,
        }
      : null,
    ...readRelated(context, runId, members[0]!),
  };
}

/** The generation's stored verdict under any kind's verdict scorer, described by that kind. */
function storedScore(context: TranscriptContext, key: string): Transcript["score"] {
  for (const scorer of context.sql.scorers) {
    const row = context.source
      .prepared("SELECT value_json FROM scores WHERE key = ? AND scorer = ?")
      .get(key, scorer.scorer) as { value_json: string } | undefined;
    const described = row && scorer.describe(parseJson(row.value_json));
    if (described) return { ...described, scorer: scorer.scorer };
  }
  return null;
}

/** A judged answer's judgements and the score examples of its item. */
function readRelated(
  context: TranscriptContext,
  runId: string,
  member: MemberView,
): Pick<Transcript, "judges" | "examples"> {
  const layout = context.kinds.layout(runId);
  const role = layout.stages.get(member.stage)?.role;
  if (!context.source.hasMemberFacts || member.itemId === null || role !== "subject")
    return { judges: [], examples: null };
  const judgeStages = stagesJson(layout, "judge", member.taskId);
  const rows = context.source
    .prepared(
      `SELECT m.stage, m.key, ${partColumns("g.text", "text", PREVIEW_PART_BYTES)}, g.request_json,
         CASE WHEN m.stage IN (SELECT value FROM json_each(@judgeStages))
           THEN judge_score(m.run_id, m.task_id, g.text, ${context.sql.judgeValue("m.key")}) END AS score
       FROM run_members m JOIN generations g ON g.key = m.key
       WHERE m.run_id = @run AND m.task_id = @task AND m.item_id = @item
         AND m.stage IN (SELECT value FROM json_each(@stages))
       ORDER BY m.rowid`,
    )
    .all({
      run: runId,
      task: member.taskId,
      item: member.itemId,
      judgeStages,
      stages: JSON.stringify([
        ...JSON.parse(judgeStages),
        ...JSON.parse(stagesJson(layout, "examples", member.taskId)),
      ]),
    }) as {
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
    if (layout.stages.get(row.stage)?.role === "examples") {
      examples = { key: row.key, text, textPart };
      continue;
    }
    const request = parseJson(row.request_json) as { messages?: { role: string; content: string }[] } | null;
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
