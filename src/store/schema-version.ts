import type Database from "better-sqlite3";
import { StoreError } from "./errors.js";

/**
 * The schema version in the store's meta table; 0 when there is none yet (a new file). Anything but a whole number
 * is refused: read as NaN it would skip every migration and be stamped with the current version.
 */
export function readSchemaVersion(db: Database.Database, path: string): number {
  const row = db.prepare("SELECT value FROM meta WHERE key = 'schema_version'").get() as
    | { value: unknown }
    | undefined;
  if (row === undefined) return 0;
  const text = String(row.value);
  if (!/^[1-9][0-9]{0,8}$/.test(text)) {
    throw new StoreError(
      `store ${path}: its meta table holds schema_version ${JSON.stringify(text.slice(0, 40))}, not a version number; the store was not opened and nothing was changed`,
    );
  }
  return Number(text);
}
