/**
 * A full disk is one line naming the disk and the file, exit 2, no temporary file left, nothing committed lost.
 *
 * - The store: SQLite's SQLITE_FULL (a connection's `max_page_count`) in the background flush, which used to be an
 *   uncaught exception (exit 1, the gate's "fail" code). Always runs.
 * - The atomic writer's ENOSPC, EDQUOT and EROFS through its file-system seam: test/core/atomic-write.test.ts.
 * - A real full file system under the built CLI: a small tmpfs in a private mount namespace (`unshare -m` as root,
 *   `unshare -Urm` otherwise), so nothing is mounted outside the test's own process tree. Skipped, saying so, where
 *   neither is permitted (a container without CAP_SYS_ADMIN and without user namespaces).
 */
import { spawn, spawnSync } from "node:child_process";
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Store, StoreError } from "../../src/store/store.js";
import { type FakeOpenAI, type RespondContext, startFakeOpenAI } from "../fakes/index.js";
import { cliPath, runArgs } from "../helpers/cli.js";
import { storedGeneration } from "../helpers/stored-generation.js";
import { newTempDir, removeTempDir, tempDir } from "../helpers/tmp.js";
import { inspectStore, writeBenchmark } from "./harness.js";

/** The store's own connection, to cap its file size as a full disk would: the test reaches into a private field. */
function connectionOf(store: Store): Database.Database {
  return (store as unknown as { db: Database.Database }).db;
}

describe("the store on a full disk (SQLITE_FULL)", () => {
  it("reports a failed background flush at the next store call, as a StoreError, and keeps what was committed", async () => {
    const path = join(tempDir(), "store.sqlite");
    const store = Store.open(path);
    store.addGeneration(storedGeneration("kept", "committed before the disk filled"));
    store.flush();
    const pages = connectionOf(store).pragma("page_count", { simple: true }) as number;
    connectionOf(store).pragma(`max_page_count = ${pages + 2}`);

    const unexpected: unknown[] = [];
    const onUncaught = (error: unknown) => unexpected.push(error);
    process.on("uncaughtException", onUncaught);
    try {
      for (let i = 0; i < 20; i++) store.addGeneration(storedGeneration(`big-${i}`, "x".repeat(50_000)));
      // The flush runs after this turn of the event loop; it must not throw there.
      await new Promise((done) => setImmediate(done));
      await new Promise((done) => setImmediate(done));
    } finally {
      process.off("uncaughtException", onUncaught);
    }
    expect(unexpected).toEqual([]);

    const says = `store ${path}: the disk is full (SQLITE_FULL: database or disk is full); every generation committed before is kept: free space and run the same command again to continue`;
    expect(() => store.existingKeys(["kept"])).toThrow(says);
    expect(() => store.addGeneration(storedGeneration("later", "y"))).toThrow(StoreError);
    expect(() => store.flush()).toThrow(says);
    store.close();

    const reopened = Store.open(path);
    expect(reopened.getTexts(["kept", "big-0"])).toEqual(
      new Map([["kept", "committed before the disk filled"]]),
    );
    expect(reopened.integrityCheck()).toBe("ok");
    reopened.close();
  });

  it("names the full disk when a direct write fails too", () => {
    const path = join(tempDir(), "store.sqlite");
    const store = Store.open(path);
    const pages = connectionOf(store).pragma("page_count", { simple: true }) as number;
    connectionOf(store).pragma(`max_page_count = ${pages}`);
    expect(() =>
      store.recordFailure({ runId: "r", key: "k", kind: "server", message: "x".repeat(20_000), attempts: 1 }),
    ).toThrow(/^store .*store\.sqlite: the disk is full \(SQLITE_FULL/);
    store.close();
  });
});

/** How to get a private mount namespace here, or why not. */
function namespacePrefix(): { args: string[] } | { reason: string } {
  if (process.platform !== "linux") return { reason: "not Linux" };
  const dir = newTempDir();
  try {
    const candidates = process.getuid?.() === 0 ? [["-m"], ["-Urm"]] : [["-Urm"]];
    for (const args of candidates) {
      const probe = spawnSync("unshare", [...args, "sh", "-c", `mount -t tmpfs -o size=64k tmpfs "${dir}"`], {
        encoding: "utf8",
      });
      if (probe.status === 0) return { args };
    }
  } finally {
    removeTempDir(dir);
  }
  return { reason: "this machine allows neither `unshare -m` nor `unshare -Urm` with a tmpfs mount" };
}

interface ShellRun {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs the built CLI twice in one private mount namespace: first with `mountPoint` a tmpfs of `smallSize`, then,
 * after growing it to `largeSize` (the user freed space), with the same arguments. Returns both runs and, between
 * them, the files left in `listDir` on the small disk.
 */
async function runOnSmallDisk(
  prefix: string[],
  options: { mountPoint: string; smallSize: string; largeSize: string; args: string[]; listDir: string },
): Promise<{ first: ShellRun; second: ShellRun; leftBehind: string[] }> {
  const out = tempDir();
  const quote = (s: string) => `'${s.replace(/'/g, "'\\''")}'`;
  const cli = [process.execPath, cliPath, ...options.args].map(quote).join(" ");
  const script = [
    "set -u",
    `mount -t tmpfs -o size=${options.smallSize} tmpfs ${quote(options.mountPoint)} || exit 99`,
    `${cli} >${quote(join(out, "1.out"))} 2>${quote(join(out, "1.err"))}; echo $? >${quote(join(out, "1.code"))}`,
    `(cd ${quote(options.listDir)} 2>/dev/null && find . -mindepth 1 | sort) >${quote(join(out, "left"))}`,
    `mount -o remount,size=${options.largeSize} ${quote(options.mountPoint)} || exit 98`,
    `${cli} >${quote(join(out, "2.out"))} 2>${quote(join(out, "2.err"))}; echo $? >${quote(join(out, "2.code"))}`,
  ].join("\n");
  // Asynchronous: the fake model server the CLI calls runs in this process.
  const shell = spawn("unshare", [...prefix, "sh", "-c", script], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, TMPDIR: process.env.TMPDIR },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  shell.stderr.setEncoding("utf8").on("data", (chunk: string) => {
    stderr += chunk;
  });
  const status = await new Promise<number | null>((done) => shell.on("close", done));
  expect(status, stderr).toBe(0);
  const read = (name: string) => readFileSync(join(out, name), "utf8");
  const run = (n: 1 | 2): ShellRun => ({
    code: Number(read(`${n}.code`)),
    stdout: read(`${n}.out`),
    stderr: read(`${n}.err`),
  });
  return { first: run(1), second: run(2), leftBehind: read("left").split("\n").filter(Boolean) };
}

/** Error lines as the CLI prints them (progress lines aside), and no stack trace anywhere. */
function errorLines(stderr: string): string[] {
  expect(stderr).not.toMatch(/^\s+at /m);
  expect(stderr).not.toContain("internal error");
  return stderr.split("\n").filter((line) => line.startsWith("persona-bench:"));
}

const namespace = namespacePrefix();

const skipReason = "reason" in namespace ? ` (skipped: ${namespace.reason})` : "";
describe.skipIf("reason" in namespace)(`the CLI on a real full file system (tmpfs)${skipReason}`, () => {
  const LIMIT = 12;
  const PLAN = LIMIT * 4;
  let fake: FakeOpenAI;
  const prefix = "args" in namespace ? namespace.args : [];
  beforeAll(async () => {
    // Long answers fill a small disk in a few generations; every answer is graded (as wrong: no \boxed{}).
    fake = await startFakeOpenAI({
      respond: (ctx: RespondContext) =>
        `${ctx.messages.at(-1)?.content.slice(0, 20)} ${"lorem ipsum ".repeat(3000)}`,
    });
  });
  afterAll(async () => {
    await fake.close();
  });

  it("a store that fills mid-run: exit 2 with one line naming the disk and the store; the same command then resumes", async () => {
    const dir = tempDir();
    const disk = join(dir, "disk");
    mkdirSync(disk);
    const bench = writeBenchmark(dir, { limit: LIMIT });
    const store = join(disk, "store.sqlite");
    const args = [
      ...runArgs(bench, `openai:long@${fake.baseUrl}`, dir, ["--json", "--concurrency", "2"]).map((arg) =>
        arg === join(dir, "store.sqlite") ? store : arg,
      ),
    ];
    const before = fake.stats.generations;
    const { first, second } = await runOnSmallDisk(prefix, {
      mountPoint: disk,
      smallSize: "384k",
      largeSize: "64m",
      args,
      listDir: disk,
    });
    const firstCalls = fake.stats.generations - before;
    expect(errorLines(first.stderr)).toEqual([
      `persona-bench: store ${store}: the disk is full (SQLITE_FULL: database or disk is full); every generation committed before is kept: free space and run the same command again to continue`,
    ]);
    expect(first.code).toBe(2);

    expect(second.code, second.stderr).toBe(0);
    const results = JSON.parse(second.stdout) as {
      status: string;
      usage: { cachedCalls: number; modelCalls: number };
    };
    expect(results.status).toBe("complete");
    // What the first run committed is reused; only what it could not keep is asked again.
    expect(results.usage.cachedCalls).toBeGreaterThan(0);
    expect(results.usage.cachedCalls + results.usage.modelCalls).toBe(PLAN);
    expect(results.usage.cachedCalls).toBeLessThanOrEqual(firstCalls);
  });

  it("reports on a full disk: exit 2 naming the file, no temporary file left; the same command then writes them", async () => {
    const dir = tempDir();
    const bench = writeBenchmark(dir, { limit: 3 });
    const reports = join(dir, "reports");
    mkdirSync(reports);
    const args = runArgs(bench, `openai:long@${fake.baseUrl}`, dir, ["--json"]);
    const { first, second, leftBehind } = await runOnSmallDisk(prefix, {
      mountPoint: reports,
      smallSize: "16k",
      largeSize: "16m",
      args,
      listDir: reports,
    });
    const lines = errorLines(first.stderr);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      new RegExp(
        `^persona-bench: ${reports}/[^/ ]+/(results\\.json|summary\\.md|personas\\.csv|report\\.html): cannot write: the disk is full \\(no space left on device\\)$`,
      ),
    );
    expect(first.code).toBe(2);
    expect(leftBehind.filter((name) => name.endsWith(".tmp"))).toEqual([]);
    // Every generation was committed before the reports were written: the second run asks for none.
    expect(second.code, second.stderr).toBe(0);
    const results = JSON.parse(second.stdout) as { usage: { cachedCalls: number; modelCalls: number } };
    expect(results.usage).toMatchObject({ cachedCalls: 3 * 4, modelCalls: 0 });
    expect(inspectStore(join(dir, "store.sqlite"))).toMatchObject({ generations: 3 * 4, integrity: "ok" });
  });
});
