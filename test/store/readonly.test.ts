/**
 * Read-only opens (the viewer, the gate's lookups) never create, migrate or modify a file, work where this user
 * cannot write, and refuse a schema they do not know. What is checked: no file appears beside the store and its bytes
 * are unchanged, in every mode; a newer or non-numeric schema version is refused. The real read-only folder: a chmod
 * when not running as root; as root (CI), `chattr +i` where the file system and capabilities allow it, else skipped.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { chmodSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import type { ModelIdentity } from "../../src/models/types.js";
import { loadResults } from "../../src/results/load.js";
import { openStoreReadOnly, Store, StoreError } from "../../src/store/store.js";
import { ViewerData } from "../../src/viewer/data.js";
import { storedGeneration } from "../helpers/stored-generation.js";
import { tempDir } from "../helpers/tmp.js";

const identity: ModelIdentity = {
  provider: "ollama",
  name: "m",
  endpoint: "http://127.0.0.1:1",
  details: {},
};

/** A closed store (no -wal left) with one run and two generations. */
function closedStore(dir: string): string {
  const path = join(dir, "store.sqlite");
  const store = Store.open(path);
  store.beginRun({
    runId: "run-1",
    benchmarkId: "b",
    benchmarkHash: "h",
    modelSpec: "ollama:m",
    model: identity,
    config: {},
    harnessVersion: "t",
  });
  store.addRunMembers("run-1", "math500", "math500", ["a", "b"]);
  store.addGeneration(storedGeneration("a"));
  store.addGeneration(storedGeneration("b"));
  store.finishRun("run-1", "complete");
  store.close();
  return path;
}

/** What a read-only open must leave as it was: the folder's file names and the store's bytes and mtime. */
function snapshotOf(path: string, dir: string) {
  return {
    files: readdirSync(dir).sort(),
    sha256: createHash("sha256").update(readFileSync(path)).digest("hex"),
    mtimeMs: statSync(path).mtimeMs,
  };
}

function storeWithVersion(dir: string, value: string): string {
  const path = closedStore(dir);
  const db = new Database(path);
  db.prepare("UPDATE meta SET value = ? WHERE key = 'schema_version'").run(value);
  db.close();
  return path;
}

describe("Store.openReadOnly and openStoreReadOnly", () => {
  it("read a closed store in a writable folder and leave no file behind, the database bytes unchanged", () => {
    const dir = tempDir();
    const path = closedStore(dir);
    const before = snapshotOf(path, dir);
    const opened = openStoreReadOnly(path);
    expect(opened.mode).toBe("query-only");
    expect(opened.version).toBe(3);
    expect(() => opened.db.prepare("DELETE FROM generations").run()).toThrow(/readonly/);
    opened.db.close();

    const store = Store.openReadOnly(path);
    expect(store.getRun("run-1")?.status).toBe("complete");
    expect(store.getTexts(["a", "b"]).get("b")).toBe("answer b");
    expect(() =>
      store.recordFailure({ runId: "run-1", key: "a", kind: "server", message: "x", attempts: 1 }),
    ).toThrow(/open read-only/);
    expect(() => store.addGeneration(storedGeneration("c"))).toThrow(StoreError);
    store.close();
    expect(snapshotOf(path, dir)).toEqual(before);
  });

  it("read a store its user cannot write (snapshot in memory): no file is created, the bytes are unchanged", () => {
    const dir = tempDir();
    const path = closedStore(dir);
    const before = snapshotOf(path, dir);
    const store = openStoreReadOnly(path, { canWrite: () => false });
    expect(store.mode).toBe("snapshot");
    expect(readdirSync(dir).sort()).toEqual(before.files);
    expect(store.db.prepare("SELECT COUNT(*) AS n FROM generations").get()).toEqual({ n: 2 });
    expect(() => store.db.prepare("DELETE FROM generations").run()).toThrow(/readonly/);
    store.db.close();
    expect(snapshotOf(path, dir)).toEqual(before);
  });

  it("read a store while a run writes to it, seeing its commits and creating nothing", () => {
    const dir = tempDir();
    const path = closedStore(dir);
    const writer = Store.open(path);
    writer.addGeneration(storedGeneration("c"));
    writer.flush();
    const files = readdirSync(dir).sort();
    expect(files).toEqual(["store.sqlite", "store.sqlite-shm", "store.sqlite-wal"]);
    const reader = openStoreReadOnly(path);
    expect(reader.mode).toBe("shared-wal");
    expect(reader.db.prepare("SELECT COUNT(*) AS n FROM generations").get()).toEqual({ n: 3 });
    writer.addGeneration(storedGeneration("d"));
    writer.flush();
    expect(reader.db.prepare("SELECT COUNT(*) AS n FROM generations").get()).toEqual({ n: 4 });
    expect(readdirSync(dir).sort()).toEqual(files);
    reader.db.close();
    writer.close();
  });

  it("refuse a store of a newer schema, leaving it untouched", () => {
    const dir = tempDir();
    const path = storeWithVersion(dir, "99");
    const before = snapshotOf(path, dir);
    expect(() => openStoreReadOnly(path)).toThrow(
      `store ${path} has schema version 99, newer than this persona-bench reads (3); upgrade persona-bench`,
    );
    expect(() => Store.openReadOnly(path)).toThrow(StoreError);
    expect(() => openStoreReadOnly(path, { canWrite: () => false })).toThrow(/schema version 99, newer/);
    expect(snapshotOf(path, dir)).toEqual(before);
  });

  it("never migrate an older store", () => {
    const dir = tempDir();
    const path = storeWithVersion(dir, "2");
    const before = snapshotOf(path, dir);
    const opened = openStoreReadOnly(path);
    expect(opened.version).toBe(2);
    opened.db.close();
    expect(snapshotOf(path, dir)).toEqual(before);
  });

  it("say what a path is when it is no store", () => {
    const dir = tempDir();
    expect(() => openStoreReadOnly(join(dir, "missing.sqlite"))).toThrow(
      `no store at ${join(dir, "missing.sqlite")}`,
    );
    expect(() => openStoreReadOnly(dir)).toThrow("is not a store: not a regular file");
    const empty = join(dir, "empty.sqlite");
    new Database(empty).close();
    expect(() => openStoreReadOnly(empty)).toThrow(
      `${empty} is not a persona-bench store (it has no meta table)`,
    );
  });
});

describe("a schema_version that is not a number", () => {
  it.each(["three", "3.0", "", "-1", "0x3"])(
    "is refused by every open, naming the store and the value (%j)",
    (value) => {
      const dir = tempDir();
      const path = storeWithVersion(dir, value);
      const before = snapshotOf(path, dir).sha256;
      const says = `store ${path}: its meta table holds schema_version ${JSON.stringify(value)}, not a version number; the store was not opened and nothing was changed`;
      expect(() => Store.open(path)).toThrow(says);
      expect(() => openStoreReadOnly(path)).toThrow(says);
      // Not stamped with the current version (it was, before: NaN skipped every migration).
      const db = new Database(path, { readonly: true });
      expect(db.prepare("SELECT value FROM meta WHERE key = 'schema_version'").get()).toEqual({ value });
      db.close();
      expect(createHash("sha256").update(readFileSync(path)).digest("hex")).toBe(before);
    },
  );
});

/**
 * Makes `dir` (and the files in it) unwritable for this process: chmod when not root; as root, which ignores
 * permission bits, the immutable attribute (chattr +i), which root cannot write through either. Returns the undo,
 * or undefined when neither is possible here (root without chattr support).
 */
function makeReadOnly(dir: string): (() => void) | undefined {
  const paths = [...readdirSync(dir).map((name) => join(dir, name)), dir];
  if (process.getuid?.() !== 0) {
    const modes = paths.map((p) => statSync(p).mode & 0o7777);
    for (const [i, p] of paths.entries()) chmodSync(p, modes[i]! & 0o555);
    return () => {
      for (const [i, p] of paths.entries()) chmodSync(p, modes[i]!);
    };
  }
  const set = spawnSync("chattr", ["+i", ...paths], { encoding: "utf8" });
  if (set.status !== 0) {
    spawnSync("chattr", ["-i", ...paths]);
    return undefined;
  }
  return () => {
    execFileSync("chattr", ["-i", ...paths]);
  };
}

describe("a store in a folder this user cannot write (another user's, a read-only mount)", () => {
  it("opens for the viewer, lists its runs, and leaves no -wal or -shm behind", (context) => {
    const dir = tempDir();
    const path = closedStore(dir);
    const before = snapshotOf(path, dir);
    const undo = makeReadOnly(dir);
    if (undo === undefined) {
      context.skip(
        "running as root where chattr +i is not available: no way to make a folder read-only for root",
      );
      return;
    }
    try {
      const data = new ViewerData(path, dir, loadResults);
      expect(data.runs().map((r) => [r.runId, r.status])).toEqual([["run-1", "complete"]]);
      data.close();
      const store = Store.openReadOnly(path);
      expect(store.getRun("run-1")?.status).toBe("complete");
      store.close();
    } finally {
      undo();
    }
    expect(snapshotOf(path, dir)).toEqual(before);
  });
});
