/** The scores table: one value per generation key and scorer id (name@version). */
import type { StatementCache } from "./statement-cache.js";
import type { ScoreRecord } from "./types.js";

export function getScores<T>(
  statements: StatementCache,
  keys: readonly string[],
  scorer: string,
): Map<string, T> {
  const result = new Map<string, T>();
  const sql = "SELECT key, value_json FROM scores WHERE scorer = ? AND key IN ({in})";
  for (const rows of statements.eachChunk<{ key: string; value_json: string }>(sql, keys, [scorer]))
    for (const row of rows) result.set(row.key, JSON.parse(row.value_json) as T);
  return result;
}

/** Inserts (or replaces) scores, inside the caller's transaction. */
export function insertScores(statements: StatementCache, scores: readonly ScoreRecord[]): void {
  const insert = statements.get("insertScore");
  for (const s of scores) {
    insert.run({
      key: s.key,
      scorer: s.scorer,
      value: JSON.stringify(s.value),
      createdAt: new Date().toISOString(),
    });
  }
}

/**
 * How many generations a run recorded for a task's stage, and how many of those that have a generation have no
 * score from `scorer`: one indexed query, so a re-run whose every answer is scored skips its scoring pass.
 */
export function memberScoring(
  statements: StatementCache,
  member: { runId: string; taskId: string; stage: string },
  scorer: string,
): { members: number; unscored: number } {
  return statements.get("memberScoring").get(scorer, member.runId, member.taskId, member.stage) as {
    members: number;
    unscored: number;
  };
}
