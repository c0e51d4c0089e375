/**
 * The generations list: keyset pages over run_members' rowid (plan order), so a deep page costs what the first
 * does; counts stop at COUNT_CAP. Verdict and extraction-path filters go through the run's verdict index (exact
 * counts, any rarity); the other filters narrow rows enough for SQLite alone.
 */

import { MEMBER_FACTS, type MemberSql, NO_MEMBER_FACTS, type RawRow } from "./member-sql.js";
import { type RunKinds, type RunLayout, stagesJson } from "./run-kinds.js";
import type { StoreSource } from "./source.js";
import {
  COUNT_CAP,
  type GenerationFilter,
  type GenerationPage,
  type GenerationRow,
  PAGE_SIZE_MAX,
  type Paging,
} from "./types.js";
import {
  type IndexQuery,
  pageFromIndex,
  ROLE_CODES,
  VERDICT_CODES,
  type VerdictIndex,
} from "./verdict-index.js";

const EMPTY: GenerationPage = { rows: [], next: null, prev: null, count: 0, countCapped: false };

export class GenerationList {
  constructor(
    private readonly source: StoreSource,
    private readonly kinds: RunKinds,
    private readonly sql: MemberSql,
    private readonly verdictIndex: (runId: string) => VerdictIndex,
  ) {}

  page(filter: GenerationFilter, paging: Paging): GenerationPage {
    if (!this.source.hasMembers) return EMPTY;
    const page = { ...paging, limit: Math.max(1, Math.min(PAGE_SIZE_MAX, paging.limit)) };
    if (this.useVerdictIndex(filter)) return this.fromIndex(filter, page);
    const { where, params } = this.where(filter);
    const backwards = page.before !== undefined;
    const cursorSql = backwards
      ? " AND m.rowid < @cursor"
      : page.after !== undefined
        ? " AND m.rowid > @cursor"
        : "";
    const sql = `${this.rowSelect()} WHERE ${where}${cursorSql}
      ORDER BY m.rowid ${backwards ? "DESC" : "ASC"} LIMIT @limit`;
    const raw = this.source.prepared(sql).all({
      ...params,
      cursor: page.before ?? page.after ?? 0,
      limit: page.limit + 1,
    }) as RawRow[];
    const more = raw.length > page.limit;
    const rows = raw.slice(0, page.limit).map(rowFromRaw);
    if (backwards) rows.reverse();
    const first = rows[0]?.cursor ?? null;
    const last = rows[rows.length - 1]?.cursor ?? null;
    const hasBefore = backwards
      ? more
      : page.after !== undefined && first !== null && this.exists(where, params, "<", first);
    const hasAfter = backwards ? last !== null && this.exists(where, params, ">", last) : more;
    const counted = this.source
      .prepared(`SELECT COUNT(*) AS n FROM (SELECT 1 ${this.sql.from} WHERE ${where} LIMIT ${COUNT_CAP + 1})`)
      .get(params) as { n: number };
    return {
      rows,
      next: hasAfter ? last : null,
      prev: hasBefore ? first : null,
      count: Math.min(counted.n, COUNT_CAP),
      countCapped: counted.n > COUNT_CAP,
    };
  }

  /** The columns of a listed row (FROM included); binds @judgeStages. */
  rowSelect(): string {
    const facts = this.source.hasMemberFacts;
    return `SELECT m.rowid AS cursor, m.key, m.task_id, m.stage, ${facts ? MEMBER_FACTS : NO_MEMBER_FACTS},
        ${this.sql.verdict} AS verdict, ${this.sql.extracted} AS extracted, ${this.sql.path} AS path,
        g.finish_reason, json_extract(g.usage_json, '$.completionTokens') AS completion_tokens,
        json_extract(g.timing_json, '$.totalMs') AS latency_ms, substr(g.text, 1, 240) AS preview,
        ${facts ? this.sql.judgeScores : "NULL"} AS judge_scores
      ${this.sql.from}`;
  }

  private useVerdictIndex(filter: GenerationFilter): boolean {
    return (
      this.source.hasMemberFacts &&
      (filter.verdict !== undefined || filter.path !== undefined) &&
      filter.item === undefined &&
      filter.group === undefined &&
      filter.judgeScore === undefined
    );
  }

  private fromIndex(filter: GenerationFilter, page: Paging): GenerationPage {
    const index = this.verdictIndex(filter.run);
    const code = (map: Map<string, number>, value: string | undefined) =>
      value === undefined ? undefined : (map.get(value) ?? -1);
    const query: IndexQuery = {};
    if (filter.verdict !== undefined) query.verdict = VERDICT_CODES.indexOf(filter.verdict);
    const path = code(index.pathIds, filter.path);
    const persona = code(index.personaIds, filter.persona);
    const task = code(index.taskIds, filter.task);
    if (path === -1 || persona === -1 || task === -1) return EMPTY;
    if (path !== undefined) query.path = path;
    if (persona !== undefined) query.persona = persona;
    if (task !== undefined) query.task = task;
    const role = filter.role ?? "subject";
    if (role !== "all") query.role = ROLE_CODES.indexOf(role);
    const found = pageFromIndex(index, query, page);
    const raw =
      found.rowids.length === 0
        ? []
        : (this.source
            .prepared(
              `${this.rowSelect()} WHERE m.rowid IN (${found.rowids.map(() => "?").join(",")}) ORDER BY m.rowid`,
            )
            .all(
              { judgeStages: this.judgeStages(this.kinds.layout(filter.run)) },
              ...found.rowids,
            ) as RawRow[]);
    const rows = raw.map(rowFromRaw);
    return {
      rows,
      next: found.hasAfter ? (rows[rows.length - 1]?.cursor ?? null) : null,
      prev: found.hasBefore ? (rows[0]?.cursor ?? null) : null,
      count: found.count,
      countCapped: false,
    };
  }

  private judgeStages(layout: RunLayout): string {
    return stagesJson(layout, "judge");
  }

  private exists(where: string, params: Record<string, unknown>, op: "<" | ">", cursor: number): boolean {
    const sql = `SELECT 1 ${this.sql.from} WHERE ${where} AND m.rowid ${op} @cursor ORDER BY m.rowid ${op === "<" ? "DESC" : "ASC"} LIMIT 1`;
    return this.source.prepared(sql).get({ ...params, cursor }) !== undefined;
  }

  private where(filter: GenerationFilter): { where: string; params: Record<string, unknown> } {
    const layout = this.kinds.layout(filter.run);
    const role = filter.role ?? "subject";
    const clauses = ["m.run_id = @run"];
    const params: Record<string, unknown> = { run: filter.run, judgeStages: this.judgeStages(layout) };
    if (role !== "all") {
      clauses.push("m.stage IN (SELECT value FROM json_each(@stages))");
      params.stages = stagesJson(layout, role);
    }
    if (filter.task !== undefined) {
      clauses.push("m.task_id = @task");
      params.task = filter.task;
    }
    if (this.source.hasMemberFacts) {
      for (const [name, column] of [
        ["persona", "persona_id"],
        ["item", "item_id"],
        ["group", "item_group"],
      ] as const) {
        if (filter[name] === undefined) continue;
        clauses.push(`m.${column} = @${name}`);
        params[name] = filter[name];
      }
      if (filter.judgeScore !== undefined) {
        clauses.push(this.sql.judgedAs);
        params.judgeScore = filter.judgeScore;
      }
    } else if (filter.persona !== undefined || filter.item !== undefined || filter.group !== undefined) {
      // Members from before store version 3 carry no persona or item: nothing can match.
      clauses.push("0");
    }
    if (filter.verdict !== undefined) {
      clauses.push(`(${this.sql.verdict}) = @verdict`);
      params.verdict = filter.verdict;
    }
    if (filter.path !== undefined) {
      clauses.push(`(${this.sql.path}) = @path`);
      params.path = filter.path;
    }
    return { where: clauses.join(" AND "), params };
  }
}

export function rowFromRaw(row: RawRow): GenerationRow {
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
