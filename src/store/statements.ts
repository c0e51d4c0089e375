/**
 * Every fixed statement of the store, prepared on first use, so a read-only open of an older schema never prepares
 * the ones that name newer columns.
 */
export const STATEMENTS = {
  insertGeneration: `INSERT OR IGNORE INTO generations
       (key, model_key, request_json, text, finish_reason, raw_finish_reason, usage_json, timing_json,
        served_json, attempts, created_at)
     VALUES (@key, @modelKey, @request, @text, @finishReason, @rawFinishReason, @usage, @timing, @served,
             @attempts, @createdAt)`,
  insertScore: `INSERT OR REPLACE INTO scores (key, scorer, value_json, created_at)
     VALUES (@key, @scorer, @value, @createdAt)`,
  upsertFailure: `INSERT OR REPLACE INTO failures (run_id, key, kind, message, attempts, created_at)
     VALUES (@runId, @key, @kind, @message, @attempts, @createdAt)`,
  clearFailures: "DELETE FROM failures WHERE run_id = ?",
  // A member recorded before version 3 gets its persona, item and sample when its run is run again.
  insertMember: `INSERT INTO run_members (run_id, task_id, stage, key, persona_id, item_id, sample, item_group)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (run_id, task_id, key) DO UPDATE SET persona_id = excluded.persona_id,
       item_id = excluded.item_id, sample = excluded.sample, item_group = excluded.item_group
     WHERE run_members.persona_id IS NULL AND excluded.persona_id IS NOT NULL`,
  membersOfRun: `SELECT task_id, stage, key, persona_id, item_id, sample, item_group FROM run_members WHERE run_id = ?
     ORDER BY task_id, stage, rowid`,
  describedMembers: `SELECT count(*) AS n FROM run_members
     WHERE run_id = ? AND task_id = ? AND stage = ? AND persona_id IS NOT NULL`,
  memberScores: `SELECT m.key, m.persona_id, m.item_id, m.sample, s.value_json
     FROM run_members m LEFT JOIN scores s ON s.key = m.key AND s.scorer = ?
     WHERE m.run_id = ? AND m.task_id = ? AND m.stage = ? AND m.persona_id IS NOT NULL`,
  memberScoring: `SELECT count(*) AS members,
       coalesce(sum(CASE WHEN g.key IS NOT NULL AND s.key IS NULL THEN 1 ELSE 0 END), 0) AS unscored
     FROM run_members m
     LEFT JOIN generations g ON g.key = m.key
     LEFT JOIN scores s ON s.key = m.key AND s.scorer = ?
     WHERE m.run_id = ? AND m.task_id = ? AND m.stage = ?`,
  listRuns: "SELECT * FROM runs ORDER BY updated_at DESC, run_id",
  failuresOfRun: "SELECT * FROM failures WHERE run_id = ? ORDER BY key",
  getRun: "SELECT * FROM runs WHERE run_id = ?",
  // One statement, so two processes starting the same run at once cannot both insert it.
  upsertRun: `INSERT INTO runs (run_id, created_at, updated_at, status, benchmark_id, benchmark_hash, model_spec,
                       model_json, config_json, harness_version)
     VALUES (@runId, @now, @now, 'running', @benchmarkId, @benchmarkHash, @modelSpec, @model, @config,
             @harnessVersion)
     ON CONFLICT (run_id) DO UPDATE SET updated_at = excluded.updated_at, status = 'running',
       model_json = excluded.model_json, config_json = excluded.config_json,
       harness_version = excluded.harness_version`,
  finishRun: "UPDATE runs SET status = ?, updated_at = ? WHERE run_id = ?",
} as const;
