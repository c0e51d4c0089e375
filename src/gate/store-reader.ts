import { type MemberRow, memberFromRow } from "../store/rows.js";
import { getScores } from "../store/scores.js";
import { StatementCache } from "../store/statement-cache.js";
import { openStoreReadOnly } from "../store/store.js";
import type { FailureRecord, RunMember, RunRecord } from "../store/types.js";

/**
 * What the gate reads from a store, in the Store class's own method shapes, so that a Store opened read-only can
 * take this reader's place in openStoreForReading without touching any caller.
 */
export interface GateStoreReader {
  getRun(runId: string): Pick<RunRecord, "runId" | "status"> | undefined;
  listRuns(): Pick<RunRecord, "runId">[];
  runMembers(runId: string): RunMember[];
  getScores<T>(keys: readonly string[], scorer: string): Map<string, T>;
  failures(runId: string): Pick<FailureRecord, "key">[];
  close(): void;
}

/**
 * The store opened read-only for checking runs: SQLite refuses every write on this connection and nothing is
 * migrated (only re-grading, which stores new verdicts, opens the store for writing).
 */
export function openStoreForReading(path: string): GateStoreReader {
  const { db, version } = openStoreReadOnly(path);
  const statements = new StatementCache(db);
  // Version 2 added run membership, version 3 what each member stands for (see src/store/schema.ts).
  const facts =
    version >= 3
      ? "persona_id, item_id, sample, item_group"
      : "NULL AS persona_id, NULL AS item_id, NULL AS sample, NULL AS item_group";
  return {
    getRun: (runId) => {
      const row = db.prepare("SELECT run_id, status FROM runs WHERE run_id = ?").get(runId) as
        | { run_id: string; status: RunRecord["status"] }
        | undefined;
      return row && { runId: row.run_id, status: row.status };
    },
    listRuns: () =>
      (db.prepare("SELECT run_id FROM runs ORDER BY updated_at DESC, run_id").pluck().all() as string[]).map(
        (runId) => ({ runId }),
      ),
    runMembers: (runId) => {
      if (version < 2) return [];
      const rows = db
        .prepare(
          `SELECT task_id, stage, key, ${facts} FROM run_members WHERE run_id = ? ORDER BY task_id, stage, rowid`,
        )
        .all(runId) as MemberRow[];
      return rows.map(memberFromRow);
    },
    getScores: <T>(keys: readonly string[], scorer: string) => getScores<T>(statements, keys, scorer),
    failures: (runId) =>
      (db.prepare("SELECT key FROM failures WHERE run_id = ?").pluck().all(runId) as string[]).map((key) => ({
        key,
      })),
    close: () => db.close(),
  };
}
