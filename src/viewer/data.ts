import { existsSync, statSync } from "node:fs";
import { join } from "node:path";
import type Database from "better-sqlite3";
import type { Results } from "../results/types.js";
import { parseVerdict } from "../scoring/judge/verdict.js";
import { openStoreReadOnly } from "../store/store.js";
import { MATH_SCORER } from "../task-kinds/math/score.js";
import { type PartOf, PREVIEW_PART_BYTES, partColumns, partFromWindow, withoutText } from "./text-parts.js";
import { parseJson, readTranscript, type Transcript } from "./transcript.js";
import {
  buildVerdictIndex,
  type IndexQuery,
  pageFromIndex,
  ROLE_CODES,
  VERDICT_CODES,
  type VerdictIndex,
} from "./verdict-index.js";

/** What the generations list can filter on; every field is optional except the run. */
export interface GenerationFilter {
  run: string;
  task?: string;
  /** "subject" (default: the answers being measured), "judge", "examples" or "all". */
  role?: Role;
  persona?: string;
  item?: string;
  group?: string;
  verdict?: Verdict;
  path?: string;
  /** PersonaGym: the first judge's parsed score of the answer (1-5). */
  judgeScore?: number;
}

export type Role = "subject" | "judge" | "examples" | "all";
export const ROLES: readonly Role[] = ["subject", "judge", "examples", "all"];
export type Verdict = "correct" | "wrong" | "none" | "failed" | "ungraded" | "missing";
export const VERDICTS: readonly Verdict[] = ["correct", "wrong", "none", "failed", "ungraded", "missing"];

/** Which task, stage, persona, problem, sample and item group a generation was for in a run. */
export interface MemberView {
  taskId: string;
  stage: string;
  personaId: string | null;
  itemId: string | null;
  sample: number | null;
  group: string | null;
}

export interface GenerationRow extends MemberView {
  cursor: number;
  key: string;
  verdict: Verdict;
  extracted: string | null;
  path: string | null;
  finishReason: string | null;
  completionTokens: number | null;
  latencyMs: number | null;
  preview: string;
  /** PersonaGym answers: the judges' scores, first judge first ("4 · 3"). */
  judgeScores: string | null;
}

export interface GenerationPage {
  rows: GenerationRow[];
  /** Cursor of the next page (rows after it), null on the last page. */
  next: number | null;
  /** Cursor of the previous page (rows before it), null on the first page. */
  prev: number | null;
  /** Matching rows, counted up to COUNT_CAP; `countCapped` when there are more. */
  count: number;
  countCapped: boolean;
}

/** How the math grader can find an answer (its ExtractionPath values), for the extraction filter. */
export const EXTRACTION_PATHS = ["boxed", "fbox", "answer_phrase", "truncated_box", "none"] as const;

/** Counting stops here so a filter over a million rows still answers at once; the page says "more than". */
export const COUNT_CAP = 1_000;
export const PAGE_SIZE_MAX = 200;

export interface RunSummary {
  runId: string;
  status: string;
  createdAt: string;
  updatedAt: string;
  benchmarkId: string;
  modelSpec: string;
  model: unknown;
  harnessVersion: string;
  members: number;
  tasks: string[];
  headline: { task: string; kind: string; label: string; value: number | null; unit: string }[];
  hasReport: boolean;
}

export interface RunFacets {
  run: RunSummary;
  tasks: string[];
  personas: string[];
  groups: string[];
  paths: string[];
  stages: string[];
  /** Members were written before store version 3: persona, item and verdict filters cannot apply. */
  legacy: boolean;
}

const SUBJECT_STAGE = "(m.stage = m.task_id OR m.stage LIKE '% subject')";
const ROLE_SQL: Record<Role, string> = {
  subject: SUBJECT_STAGE,
  judge: "m.stage LIKE '% judge %'",
  examples: "m.stage LIKE '% examples'",
  all: "1",
};

const VERDICT_SQL = `CASE
  WHEN g.key IS NULL THEN CASE WHEN f.key IS NOT NULL THEN 'failed' ELSE 'missing' END
  WHEN s.key IS NULL THEN 'ungraded'
  WHEN json_extract(s.value_json, '$.correct') THEN 'correct'
  WHEN json_extract(s.value_json, '$.found') THEN 'wrong'
  ELSE 'none' END`;

/** PersonaGym: the judges' parsed scores of a subject answer, first judge first ("4 · 3"); NULL elsewhere. */
const JUDGE_SCORES_SQL = `CASE WHEN m.stage LIKE '% subject' THEN (
    SELECT group_concat(CAST(judge_score(jg.text) AS INTEGER), ' · ') FROM run_members j JOIN generations jg ON jg.key = j.key
    WHERE j.run_id = m.run_id AND j.task_id = m.task_id AND j.item_id = m.item_id AND j.stage LIKE '% judge %') END`;

const MEMBER_FACTS = "m.persona_id, m.item_id, m.sample, m.item_group";
const NO_MEMBER_FACTS = "NULL AS persona_id, NULL AS item_id, NULL AS sample, NULL AS item_group";

const FROM = `FROM run_members m
  LEFT JOIN generations g ON g.key = m.key
  LEFT JOIN scores s ON s.key = m.key AND s.scorer = @scorer
  LEFT JOIN failures f ON f.run_id = m.run_id AND f.key = m.key`;

/**
 * Read-only queries behind `persona-bench view`. The store is opened read-only (SQLite refuses any write), every
 * list is a keyset page over run_members' rowid (plan order) so a deep page costs what the first does, and counts
 * stop at COUNT_CAP.
 */
export class ViewerData {
  readonly db: Database.Database;
  readonly version: number;
  private readonly statements = new Map<string, Database.Statement>();
  private readonly verdictIndexes = new Map<
    string,
    { index: VerdictIndex; version: number; builtAt: number }
  >();
  private readonly answerCounts = new Map<string, { n: number; version: number }>();
  private readonly resultsCache = new Map<string, { mtime: number; results: Results | null }>();

  constructor(
    readonly storePath: string,
    readonly reportsDir: string,
    private readonly loadResults: (file: string) => Results,
  ) {
    const opened = openStoreReadOnly(storePath);
    this.db = opened.db;
    this.version = opened.version;
    // A judge's score as the PersonaGym scorer parses it, for filtering and listing answers by judge score.
    this.db.function("judge_score", { deterministic: true }, (text: unknown) => {
      if (typeof text !== "string") return null;
      const verdict = parseVerdict(text);
      return "score" in verdict ? verdict.score : null;
    });
  }

  close(): void {
    this.db.close();
  }

  private prepared(sql: string): Database.Statement {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  private get hasMembers(): boolean {
    return this.version >= 2;
  }

  private get hasMemberFacts(): boolean {
    return this.version >= 3;
  }

  /** The run's results.json beside the reports, if any (re-read when the file changes). */
  results(runId: string): Results | null {
    const file = this.resultsFile(runId);
    if (!file) return null;
    const { mtimeMs } = statSafe(file);
    const cached = this.resultsCache.get(runId);
    if (cached && cached.mtime === mtimeMs) return cached.results;
    let results: Results | null = null;
    try {
      results = this.loadResults(file);
      if (results.runId !== runId) results = null;
    } catch {
      results = null;
    }
    this.resultsCache.set(runId, { mtime: mtimeMs, results });
    return results;
  }

  resultsFile(runId: string): string | null {
    if (!/^[\w.:-]+$/.test(runId) || runId.startsWith(".")) return null;
    const file = join(this.reportsDir, runId, "results.json");
    return existsSync(file) ? file : null;
  }

  runs(): RunSummary[] {
    const rows = this.prepared("SELECT * FROM runs ORDER BY updated_at DESC, run_id").all() as RunRow[];
    return rows.map((row) => this.summary(row));
  }

  run(runId: string): RunSummary | undefined {
    const row = this.prepared("SELECT * FROM runs WHERE run_id = ?").get(runId) as RunRow | undefined;
    return row && this.summary(row);
  }

  private summary(row: RunRow): RunSummary {
    const results = this.results(row.run_id);
    const tasks = this.hasMembers ? this.distinct(row.run_id, "task_id") : [];
    const members = this.hasMembers ? this.answerCount(row.run_id) : 0;
    return {
      runId: row.run_id,
      status: row.status,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
      benchmarkId: row.benchmark_id,
      modelSpec: row.model_spec,
      model: parseJson(row.model_json),
      harnessVersion: row.harness_version,
      members,
      tasks,
      headline: results
        ? Object.values(results.tasks).flatMap((section) =>
            section.headline.slice(0, 2).map((h) => ({
              task: section.id,
              kind: section.kind,
              label: h.label,
              value: h.value,
              unit: h.unit,
            })),
          )
        : [],
      hasReport: results !== null,
    };
  }

  /** How many answers (subject calls) a run lists; counted once per change of the store. */
  private answerCount(runId: string): number {
    const version = this.db.pragma("data_version", { simple: true }) as number;
    const cached = this.answerCounts.get(runId);
    if (cached && cached.version === version) return cached.n;
    const { n } = this.prepared(
      `SELECT COUNT(*) AS n FROM run_members m WHERE m.run_id = ? AND ${SUBJECT_STAGE}`,
    ).get(runId) as { n: number };
    this.answerCounts.set(runId, { n, version });
    return n;
  }

  facets(runId: string): RunFacets | undefined {
    const run = this.run(runId);
    if (!run) return undefined;
    if (!this.hasMemberFacts) {
      return {
        run,
        tasks: run.tasks,
        personas: [],
        groups: [],
        paths: [],
        stages: this.hasMembers ? this.distinct(runId, "stage") : [],
        legacy: true,
      };
    }
    const personas = this.distinct(runId, "persona_id");
    const stages = this.distinct(runId, "stage");
    const legacy = run.members > 0 && personas.length === 0;
    return {
      run,
      tasks: run.tasks,
      personas: orderPersonas(personas, this.results(runId)),
      groups: this.groups(runId, stages),
      paths: [...EXTRACTION_PATHS],
      stages,
      legacy,
    };
  }

  /** Distinct values of an indexed run_members column for a run, by skipping through the index (fast). */
  private distinct(runId: string, column: "task_id" | "persona_id" | "stage"): string[] {
    const sql = `WITH RECURSIVE v(x) AS (
        SELECT (SELECT MIN(${column}) FROM run_members WHERE run_id = @run)
        UNION ALL
        SELECT (SELECT MIN(${column}) FROM run_members WHERE run_id = @run AND ${column} > v.x) FROM v
        WHERE v.x IS NOT NULL)
      SELECT x FROM v WHERE x IS NOT NULL`;
    return (this.prepared(sql).all({ run: runId }) as { x: string }[]).map((r) => r.x);
  }

  /** Item groups (PersonaGym tasks): read from the members of the stages that have them ("<task> subject"). */
  private groups(runId: string, stages: readonly string[]): string[] {
    const groups = new Set<string>();
    for (const stage of stages.filter((st) => st.endsWith(" subject"))) {
      const rows = this.prepared(
        `SELECT DISTINCT item_group AS g FROM (SELECT item_group FROM run_members
           WHERE run_id = ? AND stage = ? AND item_group IS NOT NULL LIMIT 20000)`,
      ).all(runId, stage) as { g: string }[];
      for (const row of rows) groups.add(row.g);
    }
    return [...groups].sort();
  }

  generations(
    filter: GenerationFilter,
    page: { after?: number; before?: number; limit: number },
  ): GenerationPage {
    const { where, params } = this.where(filter);
    const limit = Math.max(1, Math.min(PAGE_SIZE_MAX, page.limit));
    const backwards = page.before !== undefined;
    const cursorSql =
      page.before !== undefined
        ? " AND m.rowid < @cursor"
        : page.after !== undefined
          ? " AND m.rowid > @cursor"
          : "";
    if (!this.hasMembers) return { rows: [], next: null, prev: null, count: 0, countCapped: false };
    if (this.useVerdictIndex(filter)) return this.generationsFromIndex(filter, { ...page, limit });
    const sql = `${this.rowSelect()} WHERE ${where}${cursorSql}
      ORDER BY m.rowid ${backwards ? "DESC" : "ASC"} LIMIT @limit`;
    const raw = this.prepared(sql).all({
      ...params,
      cursor: page.before ?? page.after ?? 0,
      limit: limit + 1,
    }) as RawRow[];
    const more = raw.length > limit;
    const rows = raw.slice(0, limit).map(rowFromRaw);
    if (backwards) rows.reverse();
    const first = rows[0]?.cursor ?? null;
    const last = rows[rows.length - 1]?.cursor ?? null;
    const hasBefore = backwards
      ? more
      : page.after !== undefined && first !== null && this.exists(where, params, "<", first);
    const hasAfter = backwards ? last !== null && this.exists(where, params, ">", last) : more;
    const counted = this.prepared(
      `SELECT COUNT(*) AS n FROM (SELECT 1 ${FROM} WHERE ${where} LIMIT ${COUNT_CAP + 1})`,
    ).get(params) as { n: number };
    return {
      rows,
      next: hasAfter ? last : null,
      prev: hasBefore ? first : null,
      count: Math.min(counted.n, COUNT_CAP),
      countCapped: counted.n > COUNT_CAP,
    };
  }

  /** The columns of a listed row (FROM included). */
  private rowSelect(): string {
    return `SELECT m.rowid AS cursor, m.key, m.task_id, m.stage, ${this.hasMemberFacts ? MEMBER_FACTS : NO_MEMBER_FACTS},
        ${VERDICT_SQL} AS verdict,
        json_extract(s.value_json, '$.extracted') AS extracted, json_extract(s.value_json, '$.path') AS path,
        g.finish_reason, json_extract(g.usage_json, '$.completionTokens') AS completion_tokens,
        json_extract(g.timing_json, '$.totalMs') AS latency_ms, substr(g.text, 1, 240) AS preview,
        ${this.hasMemberFacts ? JUDGE_SCORES_SQL : "NULL"} AS judge_scores
      ${FROM}`;
  }

  /**
   * Verdict and extraction-path filters go through the run's in-memory verdict index (exact counts, any rarity);
   * filters on a problem, item group or judge score already narrow the rows enough for SQLite alone.
   */
  private useVerdictIndex(filter: GenerationFilter): boolean {
    return (
      this.hasMemberFacts &&
      (filter.verdict !== undefined || filter.path !== undefined) &&
      filter.item === undefined &&
      filter.group === undefined &&
      filter.judgeScore === undefined
    );
  }

  /** The run's verdict index, rebuilt when the store changed (another process wrote) and the copy is 5 s old. */
  verdictIndex(runId: string): VerdictIndex {
    const version = this.db.pragma("data_version", { simple: true }) as number;
    const cached = this.verdictIndexes.get(runId);
    if (cached && (cached.version === version || Date.now() - cached.builtAt < 5_000)) return cached.index;
    const statement = this.prepared(
      `SELECT m.rowid, m.task_id, m.stage, m.persona_id, ${VERDICT_SQL} AS verdict,
         json_extract(s.value_json, '$.path') AS path
       ${FROM} WHERE m.run_id = @run ORDER BY m.rowid`,
    );
    const index = buildVerdictIndex(statement, runId, MATH_SCORER);
    // A few runs at a time: each costs about 30 bytes per generation.
    if (this.verdictIndexes.size >= 4) this.verdictIndexes.delete(this.verdictIndexes.keys().next().value!);
    this.verdictIndexes.set(runId, { index, version, builtAt: Date.now() });
    return index;
  }

  private generationsFromIndex(
    filter: GenerationFilter,
    page: { after?: number; before?: number; limit: number },
  ): GenerationPage {
    const index = this.verdictIndex(filter.run);
    const empty = { rows: [], next: null, prev: null, count: 0, countCapped: false };
    const code = (map: Map<string, number>, value: string | undefined) =>
      value === undefined ? undefined : (map.get(value) ?? -1);
    const query: IndexQuery = {};
    if (filter.verdict !== undefined) query.verdict = VERDICT_CODES.indexOf(filter.verdict);
    const path = code(index.pathIds, filter.path);
    const persona = code(index.personaIds, filter.persona);
    const task = code(index.taskIds, filter.task);
    if (path === -1 || persona === -1 || task === -1) return empty;
    if (path !== undefined) query.path = path;
    if (persona !== undefined) query.persona = persona;
    if (task !== undefined) query.task = task;
    const role = filter.role ?? "subject";
    if (role !== "all") query.role = ROLE_CODES.indexOf(role);
    const found = pageFromIndex(index, query, page);
    const raw =
      found.rowids.length === 0
        ? []
        : (this.prepared(
            `${this.rowSelect()} WHERE m.rowid IN (${found.rowids.map(() => "?").join(",")}) ORDER BY m.rowid`,
          ).all({ scorer: MATH_SCORER }, ...found.rowids) as RawRow[]);
    const rows = raw.map(rowFromRaw);
    return {
      rows,
      next: found.hasAfter ? (rows[rows.length - 1]?.cursor ?? null) : null,
      prev: found.hasBefore ? (rows[0]?.cursor ?? null) : null,
      count: found.count,
      countCapped: false,
    };
  }

  private exists(where: string, params: Record<string, unknown>, op: "<" | ">", cursor: number): boolean {
    const sql = `SELECT 1 ${FROM} WHERE ${where} AND m.rowid ${op} @cursor ORDER BY m.rowid ${op === "<" ? "DESC" : "ASC"} LIMIT 1`;
    return this.prepared(sql).get({ ...params, cursor }) !== undefined;
  }

  private where(filter: GenerationFilter): { where: string; params: Record<string, unknown> } {
    const clauses = ["m.run_id = @run", ROLE_SQL[filter.role ?? "subject"]];
    const params: Record<string, unknown> = { run: filter.run, scorer: MATH_SCORER };
    if (filter.task !== undefined) {
      clauses.push("m.task_id = @task");
      params.task = filter.task;
    }
    if (this.hasMemberFacts) {
      if (filter.persona !== undefined) {
        clauses.push("m.persona_id = @persona");
        params.persona = filter.persona;
      }
      if (filter.item !== undefined) {
        clauses.push("m.item_id = @item");
        params.item = filter.item;
      }
      if (filter.group !== undefined) {
        clauses.push("m.item_group = @group");
        params.group = filter.group;
      }
      if (filter.judgeScore !== undefined) {
        // The first judge's verdict on this answer: the judge member of the same question whose prompt quotes it.
        clauses.push(`EXISTS (SELECT 1 FROM run_members j JOIN generations jg ON jg.key = j.key
          WHERE j.run_id = m.run_id AND j.task_id = m.task_id AND j.item_id = m.item_id AND j.stage LIKE '% judge %' AND judge_score(jg.text) = @judgeScore)`);
        params.judgeScore = filter.judgeScore;
      }
    } else if (filter.persona !== undefined || filter.item !== undefined || filter.group !== undefined) {
      // Members from before store version 3 carry no persona or item: nothing can match.
      clauses.push("0");
    }
    if (filter.verdict !== undefined) {
      clauses.push(`(${VERDICT_SQL}) = @verdict`);
      params.verdict = filter.verdict;
    }
    if (filter.path !== undefined) {
      clauses.push("json_extract(s.value_json, '$.path') = @path");
      params.path = filter.path;
    }
    return { where: clauses.join(" AND "), params };
  }

  /** One generation as the run used it (its response: part `part`); undefined when the run does not use it. */
  transcript(runId: string, key: string, part = 0): Transcript | undefined {
    if (!this.hasMembers) return undefined;
    return readTranscript(
      {
        prepared: (sql) => this.prepared(sql),
        taskIds: (run) => this.distinct(run, "task_id"),
        hasMemberFacts: this.hasMemberFacts,
      },
      runId,
      key,
      part,
    );
  }

  /** One item of a run under every persona (subject stage), for the side-by-side view. */
  compare(runId: string, taskId: string, itemId: string): { personas: string[]; entries: CompareEntry[] } {
    if (!this.hasMemberFacts) return { personas: [], entries: [] };
    const rows = this.prepared(
      `SELECT m.rowid AS cursor, m.key, m.task_id, m.stage, m.persona_id, m.item_id, m.sample, m.item_group,
          ${VERDICT_SQL} AS verdict, json_extract(s.value_json, '$.extracted') AS extracted,
          json_extract(s.value_json, '$.path') AS path, json_extract(s.value_json, '$.gold') AS gold,
          g.finish_reason, json_extract(g.usage_json, '$.completionTokens') AS completion_tokens,
          json_extract(g.timing_json, '$.totalMs') AS latency_ms, g.request_json,
          ${partColumns("g.text", "text", PREVIEW_PART_BYTES)}
        ${FROM} WHERE m.run_id = @run AND m.task_id = @task AND m.item_id = @item AND ${SUBJECT_STAGE}
        ORDER BY m.rowid`,
    ).all({ run: runId, task: taskId, item: itemId, scorer: MATH_SCORER }) as (RawRow & {
      text_window: Buffer | null;
      text_bytes: number | null;
      gold: string | null;
      request_json: string | null;
    })[];
    const entries = rows.map((row) => {
      const request = row.request_json
        ? (parseJson(row.request_json) as { messages?: { role: string; content: string }[] } | null)
        : null;
      const part =
        row.text_bytes === null
          ? null
          : partFromWindow(row.text_window, row.text_bytes, 0, PREVIEW_PART_BYTES);
      return {
        ...rowFromRaw({ ...row, preview: "" }),
        text: part === null ? null : part.text,
        textPart: part === null ? null : withoutText(part),
        gold: row.gold,
        system: request?.messages?.find((m) => m.role === "system")?.content ?? null,
        user:
          request?.messages
            ?.filter((m) => m.role === "user")
            .map((m) => m.content)
            .join("\n\n") ?? null,
      };
    });
    const personas = orderPersonas([...new Set(entries.map((e) => e.personaId ?? ""))], this.results(runId));
    return { personas, entries };
  }
}

export interface CompareEntry extends GenerationRow {
  /** The response's first part (PREVIEW_PART_BYTES); the transcript has the rest. */
  text: string | null;
  textPart: PartOf | null;
  gold: string | null;
  system: string | null;
  user: string | null;
}

/** The control first, then the order of the run's results (the catalog order), then the rest by name. */
function orderPersonas(ids: string[], results: Results | null): string[] {
  const order = new Map<string, number>();
  order.set("none", -1);
  if (results) {
    let i = 0;
    for (const section of Object.values(results.tasks)) {
      for (const p of (section as { personas?: { id: string }[] }).personas ?? [])
        if (!order.has(p.id)) order.set(p.id, i++);
    }
  }
  return [...ids].sort((a, b) => (order.get(a) ?? 1e9) - (order.get(b) ?? 1e9) || a.localeCompare(b));
}

function rowFromRaw(row: RawRow): GenerationRow {
  return {
    cursor: row.cursor,
    key: row.key,
    taskId: row.task_id,
    stage: row.stage,
    personaId: row.persona_id ?? null,
    itemId: row.item_id ?? null,
    sample: row.sample ?? null,
    group: row.item_group ?? null,
    verdict: row.verdict,
    extracted: row.extracted,
    path: row.path,
    finishReason: row.finish_reason,
    completionTokens: row.completion_tokens,
    latencyMs: row.latency_ms,
    preview: row.preview ?? "",
    judgeScores: row.judge_scores ?? null,
  };
}

function statSafe(file: string): { mtimeMs: number } {
  try {
    return { mtimeMs: statSync(file).mtimeMs };
  } catch {
    return { mtimeMs: 0 };
  }
}

interface RunRow {
  run_id: string;
  created_at: string;
  updated_at: string;
  status: string;
  benchmark_id: string;
  model_spec: string;
  model_json: string;
  harness_version: string;
}

interface RawRow {
  cursor: number;
  key: string;
  task_id: string;
  stage: string;
  persona_id?: string | null;
  item_id?: string | null;
  sample?: number | null;
  item_group?: string | null;
  verdict: Verdict;
  extracted: string | null;
  path: string | null;
  finish_reason: string | null;
  completion_tokens: number | null;
  latency_ms: number | null;
  preview: string | null;
  judge_scores?: string | null;
}
