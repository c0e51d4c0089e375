import { copyFileSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { loadResults } from "../../src/results/load.js";
import { STORE_MIGRATIONS, STORE_SCHEMA_V1 } from "../../src/store/schema.js";
import { ViewerData } from "../../src/viewer/data.js";
import { fixturesDir } from "../helpers/paths.js";
import { tempDir } from "../helpers/tmp.js";

describe("the viewer on stores written by older persona-bench versions (never migrated: read-only)", () => {
  it("lists a version-2 run's generations without persona facts and says why filters cannot apply", () => {
    const path = join(tempDir(), "store.sqlite");
    const db = new Database(path);
    db.exec("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)");
    db.exec(STORE_SCHEMA_V1);
    db.exec(STORE_MIGRATIONS[2]!);
    db.prepare("INSERT INTO meta (key, value) VALUES ('schema_version', '2')").run();
    db.prepare(
      `INSERT INTO runs VALUES ('r', 't', 't', 'complete', 'b', 'h', 'ollama:m', '{"name":"m"}', '{}', 'v')`,
    ).run();
    db.prepare(
      "INSERT INTO run_members (run_id, task_id, stage, key) VALUES ('r', 'math500', 'math500', 'k')",
    ).run();
    db.prepare(
      `INSERT INTO generations VALUES ('k', 'm', '{"messages":[{"role":"user","content":"1+1?"}]}', 'It is 2.',
        'stop', NULL, '{}', '{}', '{}', 1, 't')`,
    ).run();
    db.close();

    const data = new ViewerData(path, tempDir(), loadResults);
    expect(data.version).toBe(2);
    expect(data.facets("r")).toMatchObject({ legacy: true, personas: [] });
    const page = data.generations({ run: "r" }, { limit: 50 });
    expect(page.rows.map((r) => [r.key, r.personaId, r.verdict])).toEqual([["k", null, "ungraded"]]);
    expect(data.generations({ run: "r", persona: "none" }, { limit: 50 }).count).toBe(0);
    expect(data.transcript("r", "k")?.generation?.text).toBe("It is 2.");
    data.close();
    // Still version 2: the viewer migrates nothing.
    const after = new Database(path, { readonly: true });
    expect(after.prepare("SELECT value FROM meta WHERE key = 'schema_version'").get()).toEqual({
      value: "2",
    });
    after.close();
  });

  it("lists a version-1 run, which recorded no membership, with no generations", () => {
    const path = join(tempDir(), "store.sqlite");
    copyFileSync(join(fixturesDir, "store", "v1-store.sqlite"), path);
    const data = new ViewerData(path, tempDir(), loadResults);
    const runs = data.runs();
    expect(runs).toHaveLength(1);
    expect(runs[0]!.members).toBe(0);
    expect(data.generations({ run: runs[0]!.runId }, { limit: 50 }).rows).toEqual([]);
    data.close();
  });
});
