import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import Database from "better-sqlite3";
import { chunks } from "../core/iterables.js";
import type { AdapterErrorKind } from "../models/types.js";
import { StoreError, storeWriteError } from "./errors.js";
import { openStoreReadOnly } from "./read-only.js";
import {
  type FailureRow,
  type GenerationRow,
  generationFromRow,
  type MemberRow,
  memberFromRow,
  type RunRow,
  runFromRow,
} from "./rows.js";
import { STORE_MIGRATIONS, STORE_SCHEMA_V1, STORE_SCHEMA_VERSION } from "./schema.js";
import { readSchemaVersion } from "./schema-version.js";
import { STATEMENTS } from "./statements.js";
import type {
  FailureRecord,
  MemberInput,
  RunMember,
  RunRecord,
  ScoreRecord,
  StoredGeneration,
} from "./types.js";

export { type GenerationRow, openStoreReadOnly, StoreError };

/** How long opening or writing waits for another process's lock before the store gives up. */
const LOCK_WAIT_MS = 10_000;

/** Scores (cheap to recompute) are written in batches of this size, each batch in one transaction. */
const BATCH_ROWS = 64;
/** SQLite's default limit on bound parameters is 32766; lookups stay far below it. */
const LOOKUP_CHUNK = 500;

/**
 * The results store: runs, the generation cache (subject and judge calls alike), scores and permanent failures.
 * One SQLite file in WAL mode; every write happens in a transaction, generations one by one and scores in batches,
 * so a crash loses no finished generation, and the cache key is the primary key so a repeated write can never
 * create a duplicate.
 */
export class Store {
  private readonly db: Database.Database;
  private readonly pendingGenerations: StoredGeneration[] = [];
  private readonly pendingScores: ScoreRecord[] = [];
  private readonly statements = new Map<keyof typeof STATEMENTS, Database.Statement>();
  /** Statements with a variable number of placeholders, prepared once per shape instead of once per call. */
  private readonly shaped = new Map<string, Database.Statement>();
  private flushScheduled: NodeJS.Immediate | undefined;
  /**
   * Set when a batch of queued rows could not be committed (a full disk): from then on every call that writes or
   * flushes throws it, so the run stops at its next store call instead of computing answers it cannot keep.
   */
  private failed: { error: unknown } | undefined;

  private constructor(
    readonly path: string,
    db: Database.Database,
    /** Opened by Store.openReadOnly: every write is refused. */
    readonly readOnly = false,
  ) {
    this.db = db;
  }

  private statement(name: keyof typeof STATEMENTS): Database.Statement {
    let statement = this.statements.get(name);
    if (statement === undefined) {
      statement = this.db.prepare(STATEMENTS[name]);
      this.statements.set(name, statement);
    }
    return statement;
  }

  static open(path: string): Store {
    try {
      if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
      const db = new Database(path, { timeout: LOCK_WAIT_MS });
      whileLocked(() => db.pragma("journal_mode = WAL"));
      db.pragma("synchronous = NORMAL");
      db.pragma("foreign_keys = ON");
      migrate(db, path);
      return new Store(path, db);
    } catch (error) {
      if (error instanceof StoreError) throw error;
      const reason = error instanceof Error ? error.message : String(error);
      throw new StoreError(`cannot open store ${path}: ${reason}`);
    }
  }

  /**
   * The store for reading only: never creates, migrates or writes a file (see read-only.ts for how a WAL store is
   * read in a folder this user cannot write), refuses a newer or unreadable schema version, and every method that
   * writes throws. An older schema is read as it is (methods that need newer columns fail).
   */
  static openReadOnly(path: string): Store {
    return new Store(path, openStoreReadOnly(path).db, true);
  }

  /** Returns the run, creating it on first use; a resumed run keeps its creation time. */
  beginRun(run: Omit<RunRecord, "createdAt" | "updatedAt" | "status">): RunRecord {
    this.write(() =>
      this.statement("upsertRun").run({
        runId: run.runId,
        now: new Date().toISOString(),
        benchmarkId: run.benchmarkId,
        benchmarkHash: run.benchmarkHash,
        modelSpec: run.modelSpec,
        model: JSON.stringify(run.model),
        config: JSON.stringify(run.config),
        harnessVersion: run.harnessVersion,
      }),
    );
    return this.getRun(run.runId)!;
  }

  finishRun(runId: string, status: RunRecord["status"]): void {
    this.flush();
    this.write(() => this.statement("finishRun").run(status, new Date().toISOString(), runId));
  }

  getRun(runId: string): RunRecord | undefined {
    const row = this.statement("getRun").get(runId) as RunRow | undefined;
    return row && runFromRow(row);
  }

  listRuns(): RunRecord[] {
    return (this.statement("listRuns").all() as RunRow[]).map(runFromRow);
  }

  /**
   * Records that a run uses these generation keys for a task's stage (idempotent), with the persona, item and
   * sample each stands for when the caller knows them.
   */
  addRunMembers(
    runId: string,
    taskId: string,
    stage: string,
    members: readonly (string | MemberInput)[],
  ): void {
    this.write(() =>
      this.db
        .transaction(() => {
          for (const member of members) {
            const m: MemberInput = typeof member === "string" ? { key: member } : member;
            this.statement("insertMember").run(
              runId,
              taskId,
              stage,
              m.key,
              m.personaId ?? null,
              m.itemId ?? null,
              m.sample ?? null,
              m.group ?? null,
            );
          }
        })
        .immediate(),
    );
  }

  /** Every generation key a run used, with its task and stage (and persona, item, sample when recorded). */
  runMembers(runId: string): RunMember[] {
    return (this.statement("membersOfRun").all(runId) as MemberRow[]).map(memberFromRow);
  }

  /** Which of these cache keys already hold a finished generation. */
  existingKeys(keys: readonly string[]): Set<string> {
    this.flush();
    const found = new Set<string>();
    for (const chunk of chunks(keys, LOOKUP_CHUNK)) {
      const rows = this.shapedStatement("SELECT key FROM generations WHERE key IN ({in})", chunk.length)
        .pluck()
        .all(...chunk) as string[];
      for (const key of rows) found.add(key);
    }
    return found;
  }

  getGenerations(keys: readonly string[]): Map<string, StoredGeneration> {
    this.flush();
    const result = new Map<string, StoredGeneration>();
    for (const chunk of chunks(keys, LOOKUP_CHUNK)) {
      const rows = this.shapedStatement("SELECT * FROM generations WHERE key IN ({in})", chunk.length).all(
        ...chunk,
      ) as GenerationRow[];
      for (const row of rows) result.set(row.key, generationFromRow(row));
    }
    return result;
  }

  /** The texts of these generations (those that exist), without parsing the rest of each row. */
  getTexts(keys: readonly string[]): Map<string, string> {
    this.flush();
    const result = new Map<string, string>();
    for (const chunk of chunks(keys, LOOKUP_CHUNK)) {
      const rows = this.shapedStatement(
        "SELECT key, text FROM generations WHERE key IN ({in})",
        chunk.length,
      ).all(...chunk) as { key: string; text: string }[];
      for (const row of rows) result.set(row.key, row.text);
    }
    return result;
  }

  /**
   * Token totals over the generations a run used for these tasks (its run_members), in one indexed query: no key
   * list travels through the process, and no DISTINCT (a temporary b-tree of a million keys); a key two tasks share
   * counts once per task.
   */
  usageOfRun(
    runId: string,
    taskIds: readonly string[],
  ): { generations: number; promptTokens: number; completionTokens: number } {
    this.flush();
    if (taskIds.length === 0) return { generations: 0, promptTokens: 0, completionTokens: 0 };
    const row = this.shapedStatement(
      `SELECT COUNT(*) AS n,
              COALESCE(SUM(json_extract(g.usage_json, '$.promptTokens')), 0) AS prompt,
              COALESCE(SUM(json_extract(g.usage_json, '$.completionTokens')), 0) AS completion
       FROM run_members AS m JOIN generations AS g ON g.key = m.key
       WHERE m.run_id = ? AND m.task_id IN ({in})`,
      taskIds.length,
    ).get(runId, ...taskIds) as { n: number; prompt: number; completion: number };
    return { generations: row.n, promptTokens: row.prompt, completionTokens: row.completion };
  }

  /** Token totals over these generations (those that exist); the keys are streamed, a chunk at a time. */
  usageTotals(keys: Iterable<string>): {
    generations: number;
    promptTokens: number;
    completionTokens: number;
  } {
    this.flush();
    const totals = { generations: 0, promptTokens: 0, completionTokens: 0 };
    for (const chunk of chunks(keys, LOOKUP_CHUNK)) {
      const row = this.shapedStatement(
        `SELECT COUNT(*) AS n,
                COALESCE(SUM(json_extract(usage_json, '$.promptTokens')), 0) AS prompt,
                COALESCE(SUM(json_extract(usage_json, '$.completionTokens')), 0) AS completion
         FROM generations WHERE key IN ({in})`,
        chunk.length,
      ).get(...chunk) as { n: number; prompt: number; completion: number };
      totals.generations += row.n;
      totals.promptTokens += row.prompt;
      totals.completionTokens += row.completion;
    }
    return totals;
  }

  /**
   * Writes a finished generation before the process waits on anything else: every generation that finished in
   * the same turn of the event loop goes into one transaction, committed as soon as that turn ends (a model call
   * costs minutes on a slow server, so a crash must lose only requests still in flight, never a batch of finished
   * ones). One commit per turn instead of one per generation: at hundreds of answers a second the per-commit cost
   * was the largest single item of the harness's CPU profile.
   */
  addGeneration(generation: StoredGeneration): void {
    this.requireWritable();
    this.pendingGenerations.push(generation);
    this.flushScheduled ??= setImmediate(() => {
      this.flushScheduled = undefined;
      try {
        this.flush();
      } catch {
        // Thrown here it would be an uncaught exception (exit 1, the gate's "fail" code); `failed` holds it and the
        // next call on the store throws it where the run can report it.
      }
    });
  }

  /** A cached statement for `sql` with `{in}` replaced by n placeholders. */
  private shapedStatement(sql: string, n: number): Database.Statement {
    const key = `${n}\n${sql}`;
    let statement = this.shaped.get(key);
    if (statement === undefined) {
      statement = this.db.prepare(sql.replace("{in}", placeholders(n)));
      if (this.shaped.size > 64) this.shaped.clear();
      this.shaped.set(key, statement);
    }
    return statement;
  }

  addScore(score: ScoreRecord): void {
    this.requireWritable();
    this.pendingScores.push(score);
    if (this.pendingScores.length >= BATCH_ROWS) this.flush();
  }

  getScores<T>(keys: readonly string[], scorer: string): Map<string, T> {
    this.flush();
    const result = new Map<string, T>();
    for (const chunk of chunks(keys, LOOKUP_CHUNK)) {
      const rows = this.shapedStatement(
        "SELECT key, value_json FROM scores WHERE scorer = ? AND key IN ({in})",
        chunk.length,
      ).all(scorer, ...chunk) as { key: string; value_json: string }[];
      for (const row of rows) result.set(row.key, JSON.parse(row.value_json) as T);
    }
    return result;
  }

  recordFailure(failure: Omit<FailureRecord, "createdAt">): void {
    this.write(() =>
      this.statement("upsertFailure").run({ ...failure, createdAt: new Date().toISOString() }),
    );
  }

  /** A run that starts again retries its failed items; failures that persist are recorded anew. */
  clearFailures(runId: string): void {
    this.write(() => this.statement("clearFailures").run(runId));
  }

  failures(runId: string): FailureRecord[] {
    return (this.statement("failuresOfRun").all(runId) as FailureRow[]).map((row) => ({
      runId: row.run_id,
      key: row.key,
      kind: row.kind as AdapterErrorKind,
      message: row.message,
      attempts: row.attempts,
      createdAt: row.created_at,
    }));
  }

  /**
   * Writes every queued row in one transaction. If it cannot be committed (a full disk), those rows are lost (the
   * same command asks for them again) and the store refuses every later write; rows committed before are kept.
   */
  flush(): void {
    if (this.failed) throw this.failed.error;
    if (this.pendingGenerations.length === 0 && this.pendingScores.length === 0) return;
    const generations = this.pendingGenerations.splice(0);
    const scores = this.pendingScores.splice(0);
    try {
      this.write(() =>
        this.db
          .transaction(() => {
            for (const g of generations) {
              this.statement("insertGeneration").run({
                key: g.key,
                modelKey: g.modelKey,
                request: JSON.stringify(g.request),
                text: g.text,
                finishReason: g.finishReason,
                rawFinishReason: g.rawFinishReason ?? null,
                usage: JSON.stringify(g.usage),
                timing: JSON.stringify(g.timing),
                served: JSON.stringify(g.served),
                attempts: g.attempts,
                createdAt: g.createdAt,
              });
            }
            for (const s of scores) {
              this.statement("insertScore").run({
                key: s.key,
                scorer: s.scorer,
                value: JSON.stringify(s.value),
                createdAt: new Date().toISOString(),
              });
            }
          })
          .immediate(),
      );
    } catch (error) {
      this.failed = { error };
      throw error;
    }
  }

  private requireWritable(): void {
    if (this.readOnly)
      throw new StoreError(`store ${this.path} is open read-only: nothing can be written to it`);
    if (this.failed) throw this.failed.error;
  }

  /** Runs a write; a full disk or an unwritable file becomes a StoreError naming the store. */
  private write<T>(step: () => T): T {
    this.requireWritable();
    try {
      return step();
    } catch (error) {
      throw storeWriteError(this.path, error) ?? error;
    }
  }

  integrityCheck(): string {
    return (this.db.pragma("integrity_check", { simple: true }) as string) ?? "unknown";
  }

  count(table: "generations" | "scores" | "failures" | "runs" | "run_members"): number {
    return (this.db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;
  }

  close(): void {
    if (this.flushScheduled) clearImmediate(this.flushScheduled);
    this.flushScheduled = undefined;
    try {
      // After a failed commit there is nothing more to write: the error was (or will be) reported where it arose.
      if (!this.failed) this.flush();
    } finally {
      this.db.close();
    }
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

function placeholders(n: number): string {
  return Array.from({ length: n }, () => "?").join(",");
}
