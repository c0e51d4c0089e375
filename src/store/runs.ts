/** Runs, their members (which generation keys a run used, for which task and stage) and their failures. */
import type Database from "better-sqlite3";
import type { AdapterErrorKind } from "../models/types.js";
import { type FailureRow, type MemberRow, memberFromRow, type RunRow, runFromRow } from "./rows.js";
import type { StatementCache } from "./statement-cache.js";
import type { FailureRecord, MemberInput, RunMember, RunRecord } from "./types.js";

export type RunStart = Omit<RunRecord, "createdAt" | "updatedAt" | "status">;

export function upsertRun(statements: StatementCache, run: RunStart): void {
  statements.get("upsertRun").run({
    runId: run.runId,
    now: new Date().toISOString(),
    benchmarkId: run.benchmarkId,
    benchmarkHash: run.benchmarkHash,
    modelSpec: run.modelSpec,
    model: JSON.stringify(run.model),
    config: JSON.stringify(run.config),
    harnessVersion: run.harnessVersion,
  });
}

export function getRun(statements: StatementCache, runId: string): RunRecord | undefined {
  const row = statements.get("getRun").get(runId) as RunRow | undefined;
  return row && runFromRow(row);
}

export function listRuns(statements: StatementCache): RunRecord[] {
  return (statements.get("listRuns").all() as RunRow[]).map(runFromRow);
}

/** Records the members in one transaction (idempotent; see STATEMENTS.insertMember). */
export function insertMembers(
  db: Database.Database,
  statements: StatementCache,
  run: { runId: string; taskId: string; stage: string },
  members: readonly (string | MemberInput)[],
): void {
  const insert = statements.get("insertMember");
  db.transaction(() => {
    for (const member of members) {
      const m: MemberInput = typeof member === "string" ? { key: member } : member;
      insert.run(
        run.runId,
        run.taskId,
        run.stage,
        m.key,
        m.personaId ?? null,
        m.itemId ?? null,
        m.sample ?? null,
        m.group ?? null,
      );
    }
  }).immediate();
}

export function runMembers(statements: StatementCache, runId: string): RunMember[] {
  return (statements.get("membersOfRun").all(runId) as MemberRow[]).map(memberFromRow);
}

export function failuresOfRun(statements: StatementCache, runId: string): FailureRecord[] {
  return (statements.get("failuresOfRun").all(runId) as FailureRow[]).map((row) => ({
    runId: row.run_id,
    key: row.key,
    kind: row.kind as AdapterErrorKind,
    message: row.message,
    attempts: row.attempts,
    createdAt: row.created_at,
  }));
}
