import type Database from "better-sqlite3";
import { chunks } from "../core/iterables.js";
import { STATEMENTS } from "./statements.js";

/** SQLite's default limit on bound parameters is 32766; lookups stay far below it. */
const LOOKUP_CHUNK = 500;

/**
 * The prepared statements of one connection: the fixed ones (prepared on first use, so a read-only open of an older
 * schema never prepares those naming newer columns) and those with a variable number of placeholders, prepared once
 * per shape instead of once per call.
 */
export class StatementCache {
  private readonly fixed = new Map<keyof typeof STATEMENTS, Database.Statement>();
  private readonly shaped = new Map<string, Database.Statement>();

  constructor(readonly db: Database.Database) {}

  get(name: keyof typeof STATEMENTS): Database.Statement {
    let statement = this.fixed.get(name);
    if (statement === undefined) {
      statement = this.db.prepare(STATEMENTS[name]);
      this.fixed.set(name, statement);
    }
    return statement;
  }

  /** A cached statement for `sql` with `{in}` replaced by n placeholders. */
  shapedFor(sql: string, n: number): Database.Statement {
    const key = `${n}\n${sql}`;
    let statement = this.shaped.get(key);
    if (statement === undefined) {
      statement = this.db.prepare(sql.replace("{in}", Array.from({ length: n }, () => "?").join(",")));
      if (this.shaped.size > 64) this.shaped.clear();
      this.shaped.set(key, statement);
    }
    return statement;
  }

  /** Runs `sql` (with `{in}` for the keys, after `leading` parameters) over the keys a chunk at a time. */
  *eachChunk<R>(sql: string, keys: Iterable<string>, leading: readonly unknown[] = []): Generator<R[]> {
    for (const chunk of chunks(keys, LOOKUP_CHUNK)) {
      yield this.shapedFor(sql, chunk.length).all(...leading, ...chunk) as R[];
    }
  }
}
