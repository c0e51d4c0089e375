/** The generation cache's queries: which keys exist, their rows and texts, token totals; and the batch insert. */
import { chunks } from "../core/iterables.js";
import { type GenerationRow, generationFromRow } from "./rows.js";
import type { StatementCache } from "./statement-cache.js";
import type { StoredGeneration } from "./types.js";

export interface UsageTotals {
  generations: number;
  promptTokens: number;
  completionTokens: number;
}

/** Which of these cache keys already hold a finished generation. */
export function existingKeys(statements: StatementCache, keys: readonly string[]): Set<string> {
  const found = new Set<string>();
  for (const rows of statements.eachChunk<{ key: string }>(
    "SELECT key FROM generations WHERE key IN ({in})",
    keys,
  ))
    for (const row of rows) found.add(row.key);
  return found;
}

export function getGenerations(
  statements: StatementCache,
  keys: readonly string[],
): Map<string, StoredGeneration> {
  const result = new Map<string, StoredGeneration>();
  for (const rows of statements.eachChunk<GenerationRow>(
    "SELECT * FROM generations WHERE key IN ({in})",
    keys,
  ))
    for (const row of rows) result.set(row.key, generationFromRow(row));
  return result;
}

/** The texts of these generations (those that exist), without parsing the rest of each row. */
export function getTexts(statements: StatementCache, keys: readonly string[]): Map<string, string> {
  const result = new Map<string, string>();
  const sql = "SELECT key, text FROM generations WHERE key IN ({in})";
  for (const rows of statements.eachChunk<{ key: string; text: string }>(sql, keys))
    for (const row of rows) result.set(row.key, row.text);
  return result;
}

/**
 * Token totals over the generations a run used for these tasks (its run_members), in one indexed query: no key
 * list travels through the process, and no DISTINCT (a temporary b-tree of a million keys); a key two tasks share
 * counts once per task.
 */
export function usageOfRun(
  statements: StatementCache,
  runId: string,
  taskIds: readonly string[],
): UsageTotals {
  if (taskIds.length === 0) return { generations: 0, promptTokens: 0, completionTokens: 0 };
  const row = statements
    .shapedFor(
      `SELECT COUNT(*) AS n,
              COALESCE(SUM(json_extract(g.usage_json, '$.promptTokens')), 0) AS prompt,
              COALESCE(SUM(json_extract(g.usage_json, '$.completionTokens')), 0) AS completion
       FROM run_members AS m JOIN generations AS g ON g.key = m.key
       WHERE m.run_id = ? AND m.task_id IN ({in})`,
      taskIds.length,
    )
    .get(runId, ...taskIds) as { n: number; prompt: number; completion: number };
  return { generations: row.n, promptTokens: row.prompt, completionTokens: row.completion };
}

/** SQLite's default limit on bound parameters is 32766; lookups stay far below it. */
const USAGE_CHUNK = 500;

/** Token totals over these generations (those that exist); the keys are streamed, a chunk at a time. */
export function usageTotals(statements: StatementCache, keys: Iterable<string>): UsageTotals {
  const totals = { generations: 0, promptTokens: 0, completionTokens: 0 };
  for (const chunk of chunks(keys, USAGE_CHUNK)) {
    const row = statements
      .shapedFor(
        `SELECT COUNT(*) AS n,
                COALESCE(SUM(json_extract(usage_json, '$.promptTokens')), 0) AS prompt,
                COALESCE(SUM(json_extract(usage_json, '$.completionTokens')), 0) AS completion
         FROM generations WHERE key IN ({in})`,
        chunk.length,
      )
      .get(...chunk) as { n: number; prompt: number; completion: number };
    totals.generations += row.n;
    totals.promptTokens += row.prompt;
    totals.completionTokens += row.completion;
  }
  return totals;
}

/** Inserts finished generations (inside the caller's transaction); a key already cached is left as it is. */
export function insertGenerations(
  statements: StatementCache,
  generations: readonly StoredGeneration[],
): void {
  const insert = statements.get("insertGeneration");
  for (const g of generations) {
    insert.run({
      key: g.key,
      modelKey: g.modelKey,
      request: JSON.stringify(g.request),
      text: g.text,
      finishReason: g.finishReason,
      rawFinishReason: g.rawFinishReason ?? null,
      usage: JSON.stringify(g.usage),
      timing: JSON.stringify(g.timing),
      served: JSON.stringify(g.served),
      attempts: g.attempts,
      createdAt: g.createdAt,
    });
  }
}
