/**
 * Version 2 added run membership (run_members); version 3 says which persona, item, sample and item group each member
 * is, with the indexes the viewer filters on. Bump with a new entry in STORE_MIGRATIONS.
 */
export const STORE_SCHEMA_VERSION = 3;

/**
 * generations is the cache of every model call (subjects, judges, example writers): its key is a hash of all that
 * can change an answer, so the cache is shared across runs and resume is a set difference against it.
 */
export const STORE_SCHEMA_V1 = `
CREATE TABLE IF NOT EXISTS runs (
  run_id          TEXT PRIMARY KEY,
  created_at      TEXT NOT NULL,
  updated_at      TEXT NOT NULL,
  status          TEXT NOT NULL,
  benchmark_id    TEXT NOT NULL,
  benchmark_hash  TEXT NOT NULL,
  model_spec      TEXT NOT NULL,
  model_json      TEXT NOT NULL,
  config_json     TEXT NOT NULL,
  harness_version TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS generations (
  key               TEXT PRIMARY KEY,
  model_key         TEXT NOT NULL,
  request_json      TEXT NOT NULL,
  text              TEXT NOT NULL,
  finish_reason     TEXT NOT NULL,
  raw_finish_reason TEXT,
  usage_json        TEXT NOT NULL,
  timing_json       TEXT NOT NULL,
  served_json       TEXT NOT NULL,
  attempts          INTEGER NOT NULL,
  created_at        TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS scores (
  key        TEXT NOT NULL,
  scorer     TEXT NOT NULL,
  value_json TEXT NOT NULL,
  created_at TEXT NOT NULL,
  PRIMARY KEY (key, scorer)
);
CREATE TABLE IF NOT EXISTS failures (
  run_id     TEXT NOT NULL,
  key        TEXT NOT NULL,
  kind       TEXT NOT NULL,
  message    TEXT NOT NULL,
  attempts   INTEGER NOT NULL,
  created_at TEXT NOT NULL,
  PRIMARY KEY (run_id, key)
);
`;

/**
 * From version N-1 to N, applied in order on open. run_members says which generation keys (and through them which
 * score rows) a run used for which task and stage, so a run's samples are one indexed query away. Runs written
 * before version 2 list their members once they are run again (every call comes from the cache). Version 3 adds
 * what the plan knew about each member (persona, item, sample, item group such as PersonaGym's task; NULL for members
 * written before it, filled in when the run is run again) and the indexes `persona-bench view` filters and pages on.
 */
export const STORE_MIGRATIONS: Readonly<Record<number, string>> = {
  2: `
CREATE TABLE IF NOT EXISTS run_members (
  run_id  TEXT NOT NULL,
  task_id TEXT NOT NULL,
  stage   TEXT NOT NULL,
  key     TEXT NOT NULL,
  PRIMARY KEY (run_id, task_id, key)
);
`,
  3: `
ALTER TABLE run_members ADD COLUMN persona_id TEXT;
ALTER TABLE run_members ADD COLUMN item_id TEXT;
ALTER TABLE run_members ADD COLUMN sample INTEGER;
ALTER TABLE run_members ADD COLUMN item_group TEXT;
CREATE INDEX IF NOT EXISTS run_members_run ON run_members (run_id);
CREATE INDEX IF NOT EXISTS run_members_task ON run_members (run_id, task_id);
CREATE INDEX IF NOT EXISTS run_members_persona ON run_members (run_id, persona_id);
CREATE INDEX IF NOT EXISTS run_members_item ON run_members (run_id, item_id);
CREATE INDEX IF NOT EXISTS run_members_stage ON run_members (run_id, stage);
`,
};
