import { spawn } from "node:child_process";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { STORE_MIGRATIONS, STORE_SCHEMA_V1, STORE_SCHEMA_VERSION } from "../../src/store/schema.js";
import { repoRoot } from "../helpers/paths.js";
import { tempDir } from "../helpers/tmp.js";

const PROCESSES = 6;
const storeModule = pathToFileURL(join(repoRoot, "dist/store/store.js")).href;

/** Opens the store at `path` in a new process once the clock reaches `startAt`, so every process opens at once. */
function openAt(path: string, startAt: number): Promise<{ code: number | null; stderr: string }> {
  const script = `
    const { Store } = await import(${JSON.stringify(storeModule)});
    while (Date.now() < ${startAt}) {}
    Store.open(${JSON.stringify(path)}).close();`;
  const child = spawn(process.execPath, ["--input-type=module", "-e", script], {
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr.on("data", (chunk) => {
    stderr += chunk;
  });
  return new Promise((resolve) => child.on("close", (code) => resolve({ code, stderr })));
}

function versionOf(path: string): string {
  const db = new Database(path, { readonly: true });
  try {
    return (db.prepare("SELECT value FROM meta WHERE key = 'schema_version'").get() as { value: string })
      .value;
  } finally {
    db.close();
  }
}

describe("several processes opening one store at the same moment", () => {
  // The race: each read the old version, then each ran the migrations; the second ALTER TABLE failed with
  // "duplicate column" and that run exited 2 (seen in CI as two `run`s on one new store).
  it.each([
    ["a new file", (_path: string) => undefined],
    [
      "a version-1 store",
      (path: string) => {
        const db = new Database(path);
        db.pragma("journal_mode = WAL");
        db.exec("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)");
        db.exec(STORE_SCHEMA_V1);
        db.prepare("INSERT INTO meta (key, value) VALUES ('schema_version', '1')").run();
        db.close();
      },
    ],
  ])("all open %s, and it is migrated once", async (_name, prepare) => {
    expect(Object.keys(STORE_MIGRATIONS).length).toBeGreaterThan(0);
    const path = join(tempDir(), "store.sqlite");
    prepare(path);
    const startAt = Date.now() + 1000;
    const runs = await Promise.all(Array.from({ length: PROCESSES }, () => openAt(path, startAt)));
    for (const run of runs) expect(run).toEqual({ code: 0, stderr: "" });
    expect(versionOf(path)).toBe(String(STORE_SCHEMA_VERSION));
  });
});
