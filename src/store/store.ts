import type Database from "better-sqlite3";
import { StoreError, storeWriteError } from "./errors.js";
import {
  existingKeys,
  getGenerations,
  getTexts,
  insertGenerations,
  type UsageTotals,
  usageOfRun,
  usageTotals,
} from "./generations.js";
import { openStoreDatabase } from "./open.js";
import { openStoreReadOnly } from "./read-only.js";
import type { GenerationRow } from "./rows.js";
import {
  failuresOfRun,
  getRun,
  insertMembers,
  listRuns,
  type RunStart,
  runMembers,
  upsertRun,
} from "./runs.js";
import { getScores, insertScores, memberScoring } from "./scores.js";
import { StatementCache } from "./statement-cache.js";
import type {
  FailureRecord,
  MemberInput,
  RunMember,
  RunRecord,
  ScoreRecord,
  StoredGeneration,
} from "./types.js";

export { type GenerationRow, openStoreReadOnly, StoreError };

/** Scores (cheap to recompute) are written in batches of this size, each batch in one transaction. */
const BATCH_ROWS = 64;

/**
 * The results store: runs, the generation cache (subject and judge calls alike), scores and permanent failures.
 * One SQLite file in WAL mode; every write happens in a transaction, generations one by one and scores in batches,
 * so a crash loses no finished generation, and the cache key is the primary key so a repeated write can never
 * create a duplicate. This class holds the connection, the write queue and the write discipline; the queries of
 * each table live beside it (generations.ts, scores.ts, runs.ts).
 */
export class Store {
  private readonly db: Database.Database;
  private readonly statements: StatementCache;
  private readonly pendingGenerations: StoredGeneration[] = [];
  private readonly pendingScores: ScoreRecord[] = [];
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
    this.statements = new StatementCache(db);
  }

  static open(path: string): Store {
    return new Store(path, openStoreDatabase(path));
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
  beginRun(run: RunStart): RunRecord {
    this.write(() => upsertRun(this.statements, run));
    return this.getRun(run.runId)!;
  }

  finishRun(runId: string, status: RunRecord["status"]): void {
    this.flush();
    this.write(() => this.statements.get("finishRun").run(status, new Date().toISOString(), runId));
  }

  getRun(runId: string): RunRecord | undefined {
    return getRun(this.statements, runId);
  }

  listRuns(): RunRecord[] {
    return listRuns(this.statements);
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
    this.write(() => insertMembers(this.db, this.statements, { runId, taskId, stage }, members));
  }

  /** Every generation key a run used, with its task and stage (and persona, item, sample when recorded). */
  runMembers(runId: string): RunMember[] {
    return runMembers(this.statements, runId);
  }

  /** Which of these cache keys already hold a finished generation. */
  existingKeys(keys: readonly string[]): Set<string> {
    this.flush();
    return existingKeys(this.statements, keys);
  }

  getGenerations(keys: readonly string[]): Map<string, StoredGeneration> {
    this.flush();
    return getGenerations(this.statements, keys);
  }

  /** The texts of these generations (those that exist), without parsing the rest of each row. */
  getTexts(keys: readonly string[]): Map<string, string> {
    this.flush();
    return getTexts(this.statements, keys);
  }

  /** Token totals over the generations a run used for these tasks (see generations.ts). */
  usageOfRun(runId: string, taskIds: readonly string[]): UsageTotals {
    this.flush();
    return usageOfRun(this.statements, runId, taskIds);
  }

  /** Token totals over these generations (those that exist); the keys are streamed, a chunk at a time. */
  usageTotals(keys: Iterable<string>): UsageTotals {
    this.flush();
    return usageTotals(this.statements, keys);
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

  addScore(score: ScoreRecord): void {
    this.requireWritable();
    this.pendingScores.push(score);
    if (this.pendingScores.length >= BATCH_ROWS) this.flush();
  }

  getScores<T>(keys: readonly string[], scorer: string): Map<string, T> {
    this.flush();
    return getScores<T>(this.statements, keys, scorer);
  }

  /** How many members the run recorded for a task's stage with what they stand for (persona, item, sample). */
  describedMembers(member: { runId: string; taskId: string; stage: string }): number {
    return (
      this.statements.get("describedMembers").get(member.runId, member.taskId, member.stage) as { n: number }
    ).n;
  }

  /** Each described member of a task's stage with its `scorer` score (undefined when it has none yet). */
  memberScores<T>(
    member: { runId: string; taskId: string; stage: string },
    scorer: string,
  ): { key: string; personaId: string; itemId: string; sample: number; score: T | undefined }[] {
    this.flush();
    const rows = this.statements
      .get("memberScores")
      .all(scorer, member.runId, member.taskId, member.stage) as {
      key: string;
      persona_id: string;
      item_id: string;
      sample: number;
      value_json: string | null;
    }[];
    return rows.map((r) => ({
      key: r.key,
      personaId: r.persona_id,
      itemId: r.item_id,
      sample: r.sample,
      score: r.value_json === null ? undefined : (JSON.parse(r.value_json) as T),
    }));
  }

  /** How many generations the run recorded for a task's stage, and how many with a generation lack a `scorer` score. */
  memberScoring(member: { runId: string; taskId: string; stage: string }, scorer: string) {
    this.flush();
    return memberScoring(this.statements, member, scorer);
  }

  recordFailure(failure: Omit<FailureRecord, "createdAt">): void {
    this.write(() =>
      this.statements.get("upsertFailure").run({ ...failure, createdAt: new Date().toISOString() }),
    );
  }

  /** A run that starts again retries its failed items; failures that persist are recorded anew. */
  clearFailures(runId: string): void {
    this.write(() => this.statements.get("clearFailures").run(runId));
  }

  failures(runId: string): FailureRecord[] {
    return failuresOfRun(this.statements, runId);
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
            insertGenerations(this.statements, generations);
            insertScores(this.statements, scores);
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
