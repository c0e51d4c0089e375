import type Database from "better-sqlite3";
import { openStoreReadOnly } from "../store/store.js";

/**
 * The viewer's read-only connection to a store (SQLite refuses any write on it), its schema version (older stores
 * are read as they are, never migrated) and a cache of prepared statements.
 */
export class StoreSource {
  readonly db: Database.Database;
  readonly version: number;
  private readonly statements = new Map<string, Database.Statement>();

  constructor(path: string) {
    const opened = openStoreReadOnly(path);
    this.db = opened.db;
    this.version = opened.version;
  }

  /** Run membership (store version 2). */
  get hasMembers(): boolean {
    return this.version >= 2;
  }

  /** Members carry persona, item, sample and group (store version 3). */
  get hasMemberFacts(): boolean {
    return this.version >= 3;
  }

  /** Changes whenever another connection (a run writing) commits. */
  dataVersion(): number {
    return this.db.pragma("data_version", { simple: true }) as number;
  }

  prepared(sql: string): Database.Statement {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  /** Distinct values of an indexed run_members column for a run, by skipping through the index (fast). */
  distinct(runId: string, column: "task_id" | "persona_id" | "stage"): string[] {
    const sql = `WITH RECURSIVE v(x) AS (
        SELECT (SELECT MIN(${column}) FROM run_members WHERE run_id = @run)
        UNION ALL
        SELECT (SELECT MIN(${column}) FROM run_members WHERE run_id = @run AND ${column} > v.x) FROM v
        WHERE v.x IS NOT NULL)
      SELECT x FROM v WHERE x IS NOT NULL`;
    return (this.prepared(sql).all({ run: runId }) as { x: string }[]).map((r) => r.x);
  }

  close(): void {
    this.db.close();
  }
}
