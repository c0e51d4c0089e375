import { copyFileSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Results } from "../../src/results/types.js";
import { STORE_SCHEMA_VERSION } from "../../src/store/schema.js";
import { Store } from "../../src/store/store.js";
import { type FakeOllama, startFakeOllama } from "../fakes/index.js";
import { runCli } from "../helpers/cli.js";
import { fixturesDir } from "../helpers/paths.js";
import { mathSection } from "../helpers/sections.js";
import { syntheticBench, syntheticRespond, syntheticRunArgs } from "../helpers/synthetic.js";

const v1Store = join(fixturesDir, "store", "v1-store.sqlite");
const v1Results = JSON.parse(readFileSync(join(fixturesDir, "store", "v1-results.json"), "utf8")) as Results;

describe("a version-1 store (made by persona-bench before run membership)", () => {
  let dir: string;
  let path: string;
  let fake: FakeOllama;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "persona-bench-migration-"));
    path = join(dir, "store.sqlite");
    copyFileSync(v1Store, path);
    fake = await startFakeOllama({ models: [{ name: "synthetic:1b" }], respond: syntheticRespond });
  });
  afterAll(async () => {
    await fake.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("is read by a dry run as it is: every generation counted as cached, the file not migrated or changed", async () => {
    const stored = readFileSync(path);
    const dry = await runCli(syntheticRunArgs(syntheticBench, fake.url, dir, ["--dry-run"]));
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toMatch(/already cached: 32\nto do: 0/);
    expect(readFileSync(path).equals(stored)).toBe(true);
  });

  it("is migrated on open, keeping every run and generation", () => {
    const before = new Database(path, { readonly: true });
    const version = before.prepare("SELECT value FROM meta WHERE key = 'schema_version'").get() as {
      value: string;
    };
    expect(version.value).toBe("1");
    const generations = (before.prepare("SELECT COUNT(*) AS n FROM generations").get() as { n: number }).n;
    before.close();
    expect(generations).toBe(32);

    const store = Store.open(path);
    expect(store.count("generations")).toBe(32);
    expect(store.listRuns().map((r) => r.runId)).toEqual([v1Results.runId]);
    // Version 1 never recorded membership: nothing is invented.
    expect(store.runMembers(v1Results.runId)).toEqual([]);
    store.close();
    const after = new Database(path, { readonly: true });
    expect(after.prepare("SELECT value FROM meta WHERE key = 'schema_version'").get()).toEqual({
      value: String(STORE_SCHEMA_VERSION),
    });
    after.close();
  });

  it("lists a run's generations once the same command runs again, with no model call and the same figures", async () => {
    const run = await runCli(syntheticRunArgs(syntheticBench, fake.url, dir, ["--json"]));
    expect(run.stderr).not.toMatch(/internal error/);
    expect(run.code).toBe(0);
    expect(fake.stats.generations).toBe(0);
    const results = JSON.parse(run.stdout) as Results;
    expect(results.runId).toBe(v1Results.runId);
    expect(results.usage).toMatchObject({ modelCalls: 0, cachedCalls: 32 });
    expect(mathSection(results).personas.map(({ outcomes: _o, ...rest }) => rest)).toEqual(
      (v1Results.tasks as unknown as { math500: ReturnType<typeof mathSection> }).math500.personas,
    );

    const store = Store.open(path);
    const members = store.runMembers(results.runId);
    expect(members).toHaveLength(32);
    expect(new Set(members.map((m) => `${m.taskId}/${m.stage}`))).toEqual(new Set(["math500/math500"]));
    // Members now say which persona, problem and sample each generation answers.
    expect(new Set(members.map((m) => m.personaId))).toEqual(
      new Set(["none", "arithmetic-expert", "sailor", "likes-red"]),
    );
    expect(new Set(members.map((m) => m.itemId)).size).toBe(8);
    expect(members.every((m) => m.sample === 0)).toBe(true);
    expect(store.getGenerations(members.map((m) => m.key)).size).toBe(32);
    store.close();
  });
});
