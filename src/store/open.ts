import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import Database from "better-sqlite3";
import { StoreError } from "./errors.js";
import { STORE_MIGRATIONS, STORE_SCHEMA_V1, STORE_SCHEMA_VERSION } from "./schema.js";
import { readSchemaVersion } from "./schema-version.js";

/** How long opening or writing waits for another process's lock before the store gives up. */
export const LOCK_WAIT_MS = 10_000;

/** Opens (creating when missing) the store's database in WAL mode and migrates it to this schema version. */
export function openStoreDatabase(path: string): Database.Database {
  try {
    if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
    const db = new Database(path, { timeout: LOCK_WAIT_MS });
    whileLocked(() => db.pragma("journal_mode = WAL"));
    db.pragma("synchronous = NORMAL");
    db.pragma("foreign_keys = ON");
    migrate(db, path);
    return db;
  } catch (error) {
    if (error instanceof StoreError) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    throw new StoreError(`cannot open store ${path}: ${reason}`);
  }
}

/**
 * Runs `step` again while another process holds the lock it needs, for up to LOCK_WAIT_MS. Switching a new file to
 * WAL fails at once with SQLITE_BUSY when another process is switching it too: SQLite does not call the busy
 * handler there (seen as "database is locked" when two runs start on one new store).
 */
function whileLocked<T>(step: () => T): T {
  const giveUpAt = Date.now() + LOCK_WAIT_MS;
  for (let pause = 1; ; pause = Math.min(pause * 2, 50)) {
    try {
      return step();
    } catch (error) {
      if ((error as { code?: unknown }).code !== "SQLITE_BUSY" || Date.now() >= giveUpAt) throw error;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, pause);
    }
  }
}

function migrate(db: Database.Database, path: string): void {
  db.exec("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)");
  if (checkedVersion(db, path) === STORE_SCHEMA_VERSION) return;
  // Two processes may open one older store at the same moment. The version is read again inside a write
  // transaction taken up front (IMMEDIATE waits on the lock), so only the first migrates and the other finds the
  // work done; reading it before a deferred transaction let both run ALTER TABLE and the second fail.
  db.transaction(() => {
    const version = checkedVersion(db, path);
    if (version === STORE_SCHEMA_VERSION) return;
    if (version === 0) db.exec(STORE_SCHEMA_V1);
    for (let next = Math.max(version, 1) + 1; next <= STORE_SCHEMA_VERSION; next++)
      db.exec(STORE_MIGRATIONS[next]!);
    db.prepare("INSERT OR REPLACE INTO meta (key, value) VALUES ('schema_version', ?)").run(
      String(STORE_SCHEMA_VERSION),
    );
  }).immediate();
}

/** The store's schema version, refusing one newer than this persona-bench writes. */
function checkedVersion(db: Database.Database, path: string): number {
  const version = readSchemaVersion(db, path);
  if (version > STORE_SCHEMA_VERSION) {
    throw new StoreError(
      `store ${path} has schema version ${version}, newer than this persona-bench (${STORE_SCHEMA_VERSION}); upgrade persona-bench or use another --store`,
    );
  }
  return version;
}
