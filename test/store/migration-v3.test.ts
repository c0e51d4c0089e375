import { join } from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { STORE_MIGRATIONS, STORE_SCHEMA_V1, STORE_SCHEMA_VERSION } from "../../src/store/schema.js";
import { openStoreReadOnly, Store, StoreError } from "../../src/store/store.js";
import { tempDir } from "../helpers/tmp.js";

/** A store as persona-bench wrote it at schema version 2: members without persona, item or sample. */
function versionTwoStore(path: string): void {
  const db = new Database(path);
  db.exec("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)");
  db.exec(STORE_SCHEMA_V1);
  db.exec(STORE_MIGRATIONS[2]!);
  db.prepare("INSERT INTO meta (key, value) VALUES ('schema_version', '2')").run();
  const insert = db.prepare("INSERT INTO run_members (run_id, task_id, stage, key) VALUES (?, ?, ?, ?)");
  insert.run("r1", "math500", "math500", "k1");
  insert.run("r1", "math500", "math500", "k2");
  db.close();
}

describe("store version 3 (persona, item and sample in run membership)", () => {
  it("migrates a version-2 store additively: members are kept, their new columns empty", () => {
    expect(STORE_SCHEMA_VERSION).toBe(3);
    const path = join(tempDir(), "store.sqlite");
    versionTwoStore(path);
    const store = Store.open(path);
    expect(store.runMembers("r1")).toEqual([
      { taskId: "math500", stage: "math500", key: "k1" },
      { taskId: "math500", stage: "math500", key: "k2" },
    ]);
    // Running the run again records what the plan knows about members listed before version 3.
    store.addRunMembers("r1", "math500", "math500", [
      { key: "k1", personaId: "none", itemId: "p1", sample: 0 },
      { key: "k3", personaId: "sailor", itemId: "p1", sample: 1, group: "g" },
      "k4",
    ]);
    expect(store.runMembers("r1")).toEqual([
      { taskId: "math500", stage: "math500", key: "k1", personaId: "none", itemId: "p1", sample: 0 },
      { taskId: "math500", stage: "math500", key: "k2" },
      {
        taskId: "math500",
        stage: "math500",
        key: "k3",
        personaId: "sailor",
        itemId: "p1",
        sample: 1,
        group: "g",
      },
      { taskId: "math500", stage: "math500", key: "k4" },
    ]);
    // A later write without the plan's facts never erases them.
    store.addRunMembers("r1", "math500", "math500", ["k1"]);
    expect(store.runMembers("r1")[0]).toMatchObject({ personaId: "none" });
    store.close();

    const db = new Database(path, { readonly: true });
    const indexes = (db.prepare("PRAGMA index_list(run_members)").all() as { name: string }[]).map(
      (i) => i.name,
    );
    expect(indexes).toEqual(
      expect.arrayContaining([
        "run_members_run",
        "run_members_task",
        "run_members_persona",
        "run_members_item",
        "run_members_stage",
      ]),
    );
    expect(db.prepare("SELECT value FROM meta WHERE key = 'schema_version'").get()).toEqual({ value: "3" });
    db.close();
  });

  it("opens read-only without migrating, and that connection refuses writes", () => {
    const path = join(tempDir(), "store.sqlite");
    versionTwoStore(path);
    const { db, version } = openStoreReadOnly(path);
    expect(version).toBe(2);
    expect(() => db.prepare("DELETE FROM run_members").run()).toThrow(/readonly/);
    db.close();
    expect(() => openStoreReadOnly(join(tempDir(), "missing.sqlite"))).toThrow(StoreError);
  });
});
