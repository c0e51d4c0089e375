import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import Database from "better-sqlite3";
import { chunks } from "../iterables.js";
import type { AdapterErrorKind } from "../models/types.js";
import { StoreError } from "./errors.js";
import { STORE_MIGRATIONS, STORE_SCHEMA_V1, STORE_SCHEMA_VERSION } from "./schema.js";
import type {
  FailureRecord,
  MemberInput,
  RunMember,
  RunRecord,
  ScoreRecord,
  StoredGeneration,
} from "./types.js";

export { StoreError };

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
  private readonly statements;
  /** Statements with a variable number of placeholders, prepared once per shape instead of once per call. */
  private readonly shaped = new Map<string, Database.Statement>();
  private flushScheduled: NodeJS.Immediate | undefined;

  private constructor(
    readonly path: string,
    db: Database.Database,
  ) {
    this.db = db;
    this.statements = {
      insertGeneration: db.prepare(
        `INSERT OR IGNORE INTO generations
           (key, model_key, request_json, text, finish_reason, raw_finish_reason, usage_json, timing_json,
            served_json, attempts, created_at)
         VALUES (@key, @modelKey, @request, @text, @finishReason, @rawFinishReason, @usage, @timing, @served,
                 @attempts, @createdAt)`,
      ),
      insertScore: db.prepare(
        `INSERT OR REPLACE INTO scores (key, scorer, value_json, created_at)
         VALUES (@key, @scorer, @value, @createdAt)`,
      ),
      upsertFailure: db.prepare(
        `INSERT OR REPLACE INTO failures (run_id, key, kind, message, attempts, created_at)
         VALUES (@runId, @key, @kind, @message, @attempts, @createdAt)`,
      ),
      clearFailures: db.prepare("DELETE FROM failures WHERE run_id = ?"),
      // A member recorded before version 3 gets its persona, item and sample when its run is run again.
      insertMember: db.prepare(
        `INSERT INTO run_members (run_id, task_id, stage, key, persona_id, item_id, sample, item_group)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (run_id, task_id, key) DO UPDATE SET persona_id = excluded.persona_id,
           item_id = excluded.item_id, sample = excluded.sample, item_group = excluded.item_group
         WHERE run_members.persona_id IS NULL AND excluded.persona_id IS NOT NULL`,
      ),
      membersOfRun: db.prepare(
        `SELECT task_id, stage, key, persona_id, item_id, sample, item_group FROM run_members WHERE run_id = ?
         ORDER BY task_id, stage, rowid`,
      ),
      listRuns: db.prepare("SELECT * FROM runs ORDER BY updated_at DESC, run_id"),
      failuresOfRun: db.prepare("SELECT * FROM failures WHERE run_id = ? ORDER BY key"),
      getRun: db.prepare("SELECT * FROM runs WHERE run_id = ?"),
      // One statement, so two processes starting the same run at once cannot both insert it.
      upsertRun: db.prepare(
        `INSERT INTO runs (run_id, created_at, updated_at, status, benchmark_id, benchmark_hash, model_spec,
                           model_json, config_json, harness_version)
         VALUES (@runId, @now, @now, 'running', @benchmarkId, @benchmarkHash, @modelSpec, @model, @config,
                 @harnessVersion)
         ON CONFLICT (run_id) DO UPDATE SET updated_at = excluded.updated_at, status = 'running',
           model_json = excluded.model_json, config_json = excluded.config_json,
           harness_version = excluded.harness_version`,
      ),
    };
  }

  static open(path: string): Store {
    try {
      if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
      const db = new Database(path, { timeout: 10_000 });
      db.pragma("journal_mode = WAL");
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

  /** Returns the run, creating it on first use; a resumed run keeps its creation time. */
  beginRun(run: Omit<RunRecord, "createdAt" | "updatedAt" | "status">): RunRecord {
    this.statements.upsertRun.run({
      runId: run.runId,
      now: new Date().toISOString(),
      benchmarkId: run.benchmarkId,
      benchmarkHash: run.benchmarkHash,
      modelSpec: run.modelSpec,
      model: JSON.stringify(run.model),
      config: JSON.stringify(run.config),
      harnessVersion: run.harnessVersion,
    });
    return this.getRun(run.runId)!;
  }

  finishRun(runId: string, status: RunRecord["status"]): void {
    this.flush();
    this.db
      .prepare("UPDATE runs SET status = ?, updated_at = ? WHERE run_id = ?")
      .run(status, new Date().toISOString(), runId);
  }

  getRun(runId: string): RunRecord | undefined {
    const row = this.statements.getRun.get(runId) as RunRow | undefined;
    return row && runFromRow(row);
  }

  listRuns(): RunRecord[] {
    return (this.statements.listRuns.all() as RunRow[]).map(runFromRow);
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
    this.db.transaction(() => {
      for (const member of members) {
        const m: MemberInput = typeof member === "string" ? { key: member } : member;
        this.statements.insertMember.run(
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
    })();
  }

  /** Every generation key a run used, with its task and stage (and persona, item, sample when recorded). */
  runMembers(runId: string): RunMember[] {
    return (this.statements.membersOfRun.all(runId) as MemberRow[]).map((row) => ({
      taskId: row.task_id,
      stage: row.stage,
      key: row.key,
      ...(row.persona_id === null ? {} : { personaId: row.persona_id }),
      ...(row.item_id === null ? {} : { itemId: row.item_id }),
      ...(row.sample === null ? {} : { sample: row.sample }),
      ...(row.item_group === null ? {} : { group: row.item_group }),
    }));
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
    this.pendingGenerations.push(generation);
    this.flushScheduled ??= setImmediate(() => {
      this.flushScheduled = undefined;
      this.flush();
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
    this.statements.upsertFailure.run({ ...failure, createdAt: new Date().toISOString() });
  }

  /** A run that starts again retries its failed items; failures that persist are recorded anew. */
  clearFailures(runId: string): void {
    this.statements.clearFailures.run(runId);
  }

  failures(runId: string): FailureRecord[] {
    return (this.statements.failuresOfRun.all(runId) as FailureRow[]).map((row) => ({
      runId: row.run_id,
      key: row.key,
      kind: row.kind as AdapterErrorKind,
      message: row.message,
      attempts: row.attempts,
      createdAt: row.created_at,
    }));
  }

  /** Writes every queued row in one transaction. */
  flush(): void {
    if (this.pendingGenerations.length === 0 && this.pendingScores.length === 0) return;
    const generations = this.pendingGenerations.splice(0);
    const scores = this.pendingScores.splice(0);
    this.db.transaction(() => {
      for (const g of generations) {
        this.statements.insertGeneration.run({
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
        this.statements.insertScore.run({
          key: s.key,
          scorer: s.scorer,
          value: JSON.stringify(s.value),
          createdAt: new Date().toISOString(),
        });
      }
    })();
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
    this.flush();
    this.db.close();
  }
}

/**
 * The store opened read-only for browsing (`persona-bench view`): SQLite itself refuses every write on this
 * connection, and nothing is migrated. Returns the schema version so the reader knows which columns exist.
 */
export function openStoreReadOnly(path: string): { db: Database.Database; version: number } {
  let db: Database.Database;
  try {
    db = new Database(path, { readonly: true, fileMustExist: true, timeout: 10_000 });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new StoreError(`cannot open store ${path} read-only: ${reason}`);
  }
  try {
    const row = db.prepare("SELECT value FROM meta WHERE key = 'schema_version'").get() as
      | { value: string }
      | undefined;
    const version = row ? Number(row.value) : 0;
    if (version < 1) throw new StoreError(`${path} is not a persona-bench store (no schema version)`);
    if (version > STORE_SCHEMA_VERSION) {
      throw new StoreError(
        `store ${path} has schema version ${version}, newer than this persona-bench (${STORE_SCHEMA_VERSION})`,
      );
    }
    return { db, version };
  } catch (error) {
    db.close();
    if (error instanceof StoreError) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    throw new StoreError(`${path} is not a persona-bench store: ${reason}`);
  }
}

function migrate(db: Database.Database, path: string): void {
  db.exec("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)");
  const row = db.prepare("SELECT value FROM meta WHERE key = 'schema_version'").get() as
    | { value: string }
    | undefined;
  const version = row ? Number(row.value) : 0;
  if (version > STORE_SCHEMA_VERSION) {
    throw new StoreError(
      `store ${path} has schema version ${version}, newer than this persona-bench (${STORE_SCHEMA_VERSION}); upgrade persona-bench or use another --store`,
    );
  }
  if (version === STORE_SCHEMA_VERSION) return;
  db.transaction(() => {
    if (version === 0) db.exec(STORE_SCHEMA_V1);
    for (let next = Math.max(version, 1) + 1; next <= STORE_SCHEMA_VERSION; next++)
      db.exec(STORE_MIGRATIONS[next]!);
    db.prepare("INSERT OR REPLACE INTO meta (key, value) VALUES ('schema_version', ?)").run(
      String(STORE_SCHEMA_VERSION),
    );
  })();
}

interface RunRow {
  run_id: string;
  created_at: string;
  updated_at: string;
  status: string;
  benchmark_id: string;
  benchmark_hash: string;
  model_spec: string;
  model_json: string;
  config_json: string;
  harness_version: string;
}

/** A row of the generations table as SQLite returns it (also read by the viewer). */
export interface GenerationRow {
  key: string;
  model_key: string;
  request_json: string;
  text: string;
  finish_reason: string;
  raw_finish_reason: string | null;
  usage_json: string;
  timing_json: string;
  served_json: string;
  attempts: number;
  created_at: string;
}

interface MemberRow {
  task_id: string;
  stage: string;
  key: string;
  persona_id: string | null;
  item_id: string | null;
  sample: number | null;
  item_group: string | null;
}

interface FailureRow {
  run_id: string;
  key: string;
  kind: string;
  message: string;
  attempts: number;
  created_at: string;
}

function runFromRow(row: RunRow): RunRecord {
  return {
    runId: row.run_id,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    status: row.status as RunRecord["status"],
    benchmarkId: row.benchmark_id,
    benchmarkHash: row.benchmark_hash,
    modelSpec: row.model_spec,
    model: JSON.parse(row.model_json),
    config: JSON.parse(row.config_json),
    harnessVersion: row.harness_version,
  };
}

function generationFromRow(row: GenerationRow): StoredGeneration {
  return {
    key: row.key,
    modelKey: row.model_key,
    request: JSON.parse(row.request_json),
    text: row.text,
    finishReason: row.finish_reason as StoredGeneration["finishReason"],
    ...(row.raw_finish_reason === null ? {} : { rawFinishReason: row.raw_finish_reason }),
    usage: JSON.parse(row.usage_json),
    timing: JSON.parse(row.timing_json),
    served: JSON.parse(row.served_json),
    attempts: row.attempts,
    createdAt: row.created_at,
  };
}

function placeholders(n: number): string {
  return Array.from({ length: n }, () => "?").join(",");
}
