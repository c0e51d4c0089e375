/** One item of a run under every persona (its answers), for the side-by-side view. */
import { rowFromRaw } from "./generations.js";
import type { MemberSql, RawRow } from "./member-sql.js";
import { orderPersonas, type ResultsFiles } from "./results-files.js";
import { type RunKinds, stagesJson } from "./run-kinds.js";
import type { StoreSource } from "./source.js";
import { PREVIEW_PART_BYTES, partColumns, partFromWindow, withoutText } from "./text-parts.js";
import { type CompareEntry, parseJson } from "./types.js";

export function compareItem(
  context: { source: StoreSource; kinds: RunKinds; sql: MemberSql; files: ResultsFiles },
  runId: string,
  taskId: string,
  itemId: string,
): { personas: string[]; entries: CompareEntry[] } {
  const { source, sql } = context;
  if (!source.hasMemberFacts) return { personas: [], entries: [] };
  const layout = context.kinds.layout(runId);
  const rows = source
    .prepared(
      `SELECT m.rowid AS cursor, m.key, m.task_id, m.stage, m.persona_id, m.item_id, m.sample, m.item_group,
          ${sql.verdict} AS verdict, ${sql.extracted} AS extracted, ${sql.path} AS path, s.scorer, s.value_json,
          g.finish_reason, json_extract(g.usage_json, '$.completionTokens') AS completion_tokens,
          json_extract(g.timing_json, '$.totalMs') AS latency_ms, g.request_json,
          ${partColumns("g.text", "text", PREVIEW_PART_BYTES)}
        ${sql.from} WHERE m.run_id = @run AND m.task_id = @task AND m.item_id = @item
          AND m.stage IN (SELECT value FROM json_each(@stages))
        ORDER BY m.rowid`,
    )
    .all({
      run: runId,
      task: taskId,
      item: itemId,
      stages: stagesJson(layout, "subject", taskId),
    }) as (RawRow & {
    text_window: Buffer | null;
    text_bytes: number | null;
    scorer: string | null;
    value_json: string | null;
    request_json: string | null;
  })[];
  const entries = rows.map((row) => {
    const request = row.request_json
      ? (parseJson(row.request_json) as { messages?: { role: string; content: string }[] } | null)
      : null;
    const part =
      row.text_bytes === null ? null : partFromWindow(row.text_window, row.text_bytes, 0, PREVIEW_PART_BYTES);
    const scorer = sql.scorers.find((v) => v.scorer === row.scorer);
    const described = scorer && row.value_json ? scorer.describe(parseJson(row.value_json)) : null;
    return {
      ...rowFromRaw({ ...row, preview: "" }),
      text: part === null ? null : part.text,
      textPart: part === null ? null : withoutText(part),
      gold: described?.gold ?? null,
      system: request?.messages?.find((m) => m.role === "system")?.content ?? null,
      user:
        request?.messages
          ?.filter((m) => m.role === "user")
          .map((m) => m.content)
          .join("\n\n") ?? null,
    };
  });
  const personas = orderPersonas(
    [...new Set(entries.map((e) => e.personaId ?? ""))],
    context.files.results(runId),
  );
  return { personas, entries };
}
