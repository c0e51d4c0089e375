import { join } from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import type { ModelIdentity } from "../../src/models/types.js";
import { Store, StoreError } from "../../src/store/store.js";
import { storedGeneration } from "../helpers/stored-generation.js";
import { tempDir } from "../helpers/tmp.js";

const identity: ModelIdentity = {
  provider: "ollama",
  name: "m",
  endpoint: "http://127.0.0.1:1",
  details: {},
};

describe("Store", () => {
  it("round-trips generations and reports which keys exist, across reopen", () => {
    const path = join(tempDir(), "nested", "store.sqlite");
    const store = Store.open(path);
    store.addGeneration(storedGeneration("a"));
    store.addGeneration(storedGeneration("b"));
    store.close();

    const reopened = Store.open(path);
    expect([...reopened.existingKeys(["a", "b", "c"])].sort()).toEqual(["a", "b"]);
    const got = reopened.getGenerations(["b"]).get("b");
    expect(got).toEqual(storedGeneration("b"));
    expect(reopened.integrityCheck()).toBe("ok");
    reopened.close();
  });

  it("never duplicates a generation and keeps the first answer for a key", () => {
    const store = Store.open(join(tempDir(), "s.sqlite"));
    store.addGeneration(storedGeneration("k", "first"));
    store.flush();
    store.addGeneration(storedGeneration("k", "second"));
    store.flush();
    expect(store.count("generations")).toBe(1);
    expect(store.getGenerations(["k"]).get("k")?.text).toBe("first");
    store.close();
  });

  it("makes queued rows visible to lookups before they are flushed by size", () => {
    const store = Store.open(join(tempDir(), "s.sqlite"));
    store.addGeneration(storedGeneration("queued"));
    expect(store.existingKeys(["queued"]).has("queued")).toBe(true);
    store.close();
  });

  it("handles lookups larger than one SQL statement can bind", () => {
    const store = Store.open(join(tempDir(), "s.sqlite"));
    const keys = Array.from({ length: 1200 }, (_, i) => `k${i}`);
    for (const key of keys.slice(0, 700)) store.addGeneration(storedGeneration(key));
    expect(store.existingKeys(keys).size).toBe(700);
    expect(store.getGenerations(keys).size).toBe(700);
    store.close();
  });

  it("keeps a run's creation time when it is resumed and records its final status", () => {
    const store = Store.open(join(tempDir(), "s.sqlite"));
    const run = {
      runId: "r1",
      benchmarkId: "b",
      benchmarkHash: "h",
      modelSpec: "ollama:m",
      model: identity,
      config: { x: 1 },
      harnessVersion: "0.0.0",
    };
    const first = store.beginRun(run);
    const second = store.beginRun({ ...run, config: { x: 2 } });
    expect(second.createdAt).toBe(first.createdAt);
    expect(second.config).toEqual({ x: 2 });
    store.finishRun("r1", "complete");
    expect(store.getRun("r1")?.status).toBe("complete");
    store.close();
  });

  it("stores scores per scorer version and failures per run", () => {
    const store = Store.open(join(tempDir(), "s.sqlite"));
    store.addScore({ key: "a", scorer: "math@1", value: { correct: true } });
    store.addScore({ key: "a", scorer: "math@2", value: { correct: false } });
    expect(store.getScores(["a"], "math@1").get("a")).toEqual({ correct: true });
    expect(store.getScores(["a"], "math@2").get("a")).toEqual({ correct: false });

    store.recordFailure({ runId: "r", key: "a", kind: "bad_request", message: "400", attempts: 1 });
    store.recordFailure({ runId: "r", key: "a", kind: "quota", message: "429", attempts: 2 });
    expect(store.failures("r")).toHaveLength(1);
    expect(store.failures("r")[0]?.kind).toBe("quota");
    store.clearFailures("r");
    expect(store.failures("r")).toEqual([]);
    store.close();
  });

  it("refuses a store written by a newer schema, leaving it untouched", () => {
    const path = join(tempDir(), "future.sqlite");
    const db = new Database(path);
    db.exec("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)");
    db.prepare("INSERT INTO meta VALUES ('schema_version', '99')").run();
    db.close();
    expect(() => Store.open(path)).toThrow(StoreError);
    expect(() => Store.open(path)).toThrow(/schema version 99/);
    const after = new Database(path);
    expect(after.prepare("SELECT name FROM sqlite_master WHERE name = 'generations'").get()).toBeUndefined();
    after.close();
  });

  it("names the path when the store cannot be opened", () => {
    const dir = tempDir();
    expect(() => Store.open(join(dir, "x.sqlite", "\u0000bad"))).toThrow(StoreError);
  });
});
