/**
 * Opening a store to read it only (`persona-bench view`, the gate's lookups), without creating, migrating or
 * modifying any file, also in a folder or of a file this user cannot write (another user's store, a read-only
 * mount). SQLite reads a WAL-mode database only with its `-wal` and `-shm` files beside it, and creates them when
 * they are missing; its `immutable` URI parameter would avoid that, but better-sqlite3 12 is built without URI
 * filenames (SQLITE_USE_URI=0). So the open depends on what is there:
 *
 * - `<store>-wal` exists (a run is writing, or one stopped without closing): a read-only connection shares the
 *   writer's `-wal` and `-shm`, seeing every committed generation; nothing is created when both exist.
 * - no `-wal`, and the file and its folder are writable: a read-write connection with `query_only` (SQLite refuses
 *   every write on it). SQLite keeps its `-wal` and `-shm` while the store is open, so a run started meanwhile is
 *   seen live, and removes them when the last connection closes; the database file is never written.
 * - no `-wal`, and the file or its folder is read-only: everything is in the database file, which is read into
 *   memory (up to SNAPSHOT_MAX_BYTES) and opened there, in rollback mode; the file is only read. A larger store is
 *   refused with what would make it readable.
 */
import { accessSync, constants, existsSync, statSync } from "node:fs";
import { basename, dirname } from "node:path";
import Database from "better-sqlite3";
import { FileAccessError } from "../core/file-access-error.js";
import { formatBytes, readRegularFileSync } from "../core/regular-file.js";
import { StoreError } from "./errors.js";
import { STORE_SCHEMA_VERSION } from "./schema.js";
import { readSchemaVersion } from "./schema-version.js";

/** The largest store read into memory when its folder cannot hold SQLite's `-wal` and `-shm` files. */
export const SNAPSHOT_MAX_BYTES = 512 * 1024 * 1024;

/** Bytes 18 and 19 of a database header: the file format's write and read versions, 2 for WAL, 1 for rollback. */
const FORMAT_VERSION_OFFSETS = [18, 19] as const;

export type ReadOnlyMode = "shared-wal" | "query-only" | "snapshot";

/**
 * Opens the store at `path` for reading only and checks its schema version: refused when it is newer than this
 * persona-bench or unreadable; an older one is returned as it is (never migrated), with its version so the reader
 * knows which columns exist. `canWrite` says whether this user may write a path (default: access(2) W_OK).
 */
export function openStoreReadOnly(
  path: string,
  options: { canWrite?: (path: string) => boolean } = {},
): { db: Database.Database; version: number; mode: ReadOnlyMode } {
  requireStoreFile(path);
  const mode = readOnlyMode(path, options.canWrite ?? writable);
  let db: Database.Database;
  try {
    db = openIn(mode, path);
  } catch (error) {
    if (error instanceof StoreError) throw error;
    throw new StoreError(`cannot open store ${path} read-only: ${cannotOpenReason(path, mode, error)}`);
  }
  try {
    const hasMeta = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'").get();
    if (!hasMeta) throw new StoreError(`${path} is not a persona-bench store (it has no meta table)`);
    const version = readSchemaVersion(db, path);
    if (version < 1) throw new StoreError(`${path} is not a persona-bench store (no schema version)`);
    if (version > STORE_SCHEMA_VERSION) {
      throw new StoreError(
        `store ${path} has schema version ${version}, newer than this persona-bench reads (${STORE_SCHEMA_VERSION}); upgrade persona-bench`,
      );
    }
    return { db, version, mode };
  } catch (error) {
    db.close();
    if (error instanceof StoreError) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    throw new StoreError(`${path} is not a persona-bench store: ${reason}`);
  }
}

function requireStoreFile(path: string): void {
  let isFile: boolean;
  try {
    isFile = statSync(path).isFile();
  } catch {
    throw new StoreError(`no store at ${path}`);
  }
  if (!isFile) throw new StoreError(`${path} is not a store: not a regular file`);
}

function readOnlyMode(path: string, canWrite: (path: string) => boolean): ReadOnlyMode {
  if (existsSync(`${path}-wal`)) return "shared-wal";
  return canWrite(path) && canWrite(dirname(path)) ? "query-only" : "snapshot";
}

function writable(path: string): boolean {
  try {
    accessSync(path, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

function openIn(mode: ReadOnlyMode, path: string): Database.Database {
  if (mode === "shared-wal")
    return new Database(path, { readonly: true, fileMustExist: true, timeout: 10_000 });
  if (mode === "query-only") {
    const db = new Database(path, { fileMustExist: true, timeout: 10_000 });
    db.pragma("query_only = ON");
    return db;
  }
  return new Database(snapshot(path), { readonly: true });
}

/** The database file's bytes, marked as rollback mode: with no `-wal` beside it, the file holds every commit. */
function snapshot(path: string): Buffer {
  let bytes: Buffer;
  try {
    bytes = readRegularFileSync(path, SNAPSHOT_MAX_BYTES);
  } catch (error) {
    if (error instanceof FileAccessError && error.code === "EFBIG") {
      throw new StoreError(
        `cannot open store ${path} read-only: ${needsWalFiles(path)}, and at more than ${formatBytes(SNAPSHOT_MAX_BYTES)} it is too large to read into memory instead: make the folder writable for this user, or copy the store to a writable folder and pass the copy with --store`,
      );
    }
    throw new StoreError(`cannot open store ${path} read-only: ${(error as Error).message}`);
  }
  for (const offset of FORMAT_VERSION_OFFSETS) if (bytes[offset] === 2) bytes[offset] = 1;
  return bytes;
}

function needsWalFiles(path: string): string {
  const name = basename(path);
  return `SQLite reads a store in WAL mode only with ${name}-wal and ${name}-shm beside it, which this user cannot create in ${dirname(path)}`;
}

function cannotOpenReason(path: string, mode: ReadOnlyMode, error: unknown): string {
  const reason = error instanceof Error ? error.message : String(error);
  if (mode !== "shared-wal") return reason;
  const name = basename(path);
  return `${reason}: it has a write-ahead log (${name}-wal) from a run that is writing or stopped without closing the store, and ${name}-shm is missing and cannot be created here; make the folder writable for this user (or open the store once with a command that writes to it, which folds the log into the file)`;
}
