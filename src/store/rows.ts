/** Rows of the store's tables as SQLite returns them, and the records made from them. */
import type { RunMember, RunRecord, StoredGeneration } from "./types.js";

export interface RunRow {
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

export interface MemberRow {
  task_id: string;
  stage: string;
  key: string;
  persona_id: string | null;
  item_id: string | null;
  sample: number | null;
  item_group: string | null;
}

/** A run member from its row; a version-2 row has no persona, item, sample or group, and none is invented. */
export function memberFromRow(row: MemberRow): RunMember {
  return {
    taskId: row.task_id,
    stage: row.stage,
    key: row.key,
    ...(row.persona_id === null ? {} : { personaId: row.persona_id }),
    ...(row.item_id === null ? {} : { itemId: row.item_id }),
    ...(row.sample === null ? {} : { sample: row.sample }),
    ...(row.item_group === null ? {} : { group: row.item_group }),
  };
}

export interface FailureRow {
  run_id: string;
  key: string;
  kind: string;
  message: string;
  attempts: number;
  created_at: string;
}

export function runFromRow(row: RunRow): RunRecord {
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

export function generationFromRow(row: GenerationRow): StoredGeneration {
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
