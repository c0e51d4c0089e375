/**
 * SQL over a run's members (`m`) with their generation (`g`), stored verdict (`s`) and failure (`f`), shared by the
 * list, the compare view and the verdict index. Verdicts are read from the scores the kinds' scorers stored; the
 * viewer grades nothing.
 */
import type { StoredVerdicts } from "../task-kinds/section-viewer.js";
import { judgeScorers, sqlList, sqlString, storedVerdicts } from "./run-kinds.js";
import type { Verdict } from "./types.js";

export interface MemberSql {
  /** FROM with the joins every column below needs. */
  from: string;
  /** The member's verdict (a Verdict). */
  verdict: string;
  /** The extracted answer and the scorer's path, from the stored verdict. */
  extracted: string;
  path: string;
  /** The scorers whose stored values the columns read. */
  scorers: StoredVerdicts[];
  /**
   * A judged answer's judges' scores, first judge first ("4 · 3"); needs the bound @judgeStages. judge_score() is
   * the SQL function the viewer registers (a judgement's score through its kind's viewer part).
   */
  judgeScores: string;
  /** The stored judge score (JSON) of the generation `key` (an SQL expression), or NULL. */
  judgeValue(key: string): string;
  /** Whether one of the answer's judgements scored @judgeScore. */
  judgedAs: string;
}

/** The SQL as the registry stands (kinds registered later need a new MemberSql). */
export function memberSql(): MemberSql {
  const scorers = storedVerdicts();
  const byScorer = (part: (v: StoredVerdicts) => string, otherwise: string) =>
    scorers.length === 0
      ? otherwise
      : `CASE s.scorer ${scorers.map((v) => `WHEN ${sqlString(v.scorer)} THEN ${part(v)}`).join(" ")} ELSE ${otherwise} END`;
  const verdict = `CASE
    WHEN g.key IS NULL THEN CASE WHEN f.key IS NOT NULL THEN 'failed' ELSE 'missing' END
    WHEN s.key IS NULL THEN 'ungraded'
    ELSE ${byScorer((v) => `(${v.sql.verdict("s.value_json")})`, "'ungraded'")} END`;
  const judged = judgeScorers();
  const judgeValue = (key: string) =>
    judged.length === 0
      ? "NULL"
      : `(SELECT value_json FROM scores WHERE key = ${key} AND scorer IN ${sqlList(judged)} LIMIT 1)`;
  const judgements = `FROM run_members j JOIN generations jg ON jg.key = j.key
    WHERE j.run_id = m.run_id AND j.task_id = m.task_id AND j.item_id = m.item_id
      AND j.stage IN (SELECT value FROM json_each(@judgeStages))`;
  return {
    from: `FROM run_members m
      LEFT JOIN generations g ON g.key = m.key
      LEFT JOIN scores s ON s.key = m.key AND s.scorer IN ${sqlList(scorers.map((v) => v.scorer))}
      LEFT JOIN failures f ON f.run_id = m.run_id AND f.key = m.key`,
    verdict,
    extracted: byScorer((v) => v.sql.extracted("s.value_json"), "NULL"),
    path: byScorer((v) => v.sql.path("s.value_json"), "NULL"),
    scorers,
    judgeValue,
    judgeScores: `(SELECT group_concat(CAST(judge_score(j.run_id, j.task_id, jg.text, ${judgeValue("j.key")}) AS INTEGER), ' · ')
      ${judgements})`,
    judgedAs: `EXISTS (SELECT 1 ${judgements}
      AND judge_score(j.run_id, j.task_id, jg.text, ${judgeValue("j.key")}) = @judgeScore)`,
  };
}

export const MEMBER_FACTS = "m.persona_id, m.item_id, m.sample, m.item_group";
export const NO_MEMBER_FACTS = "NULL AS persona_id, NULL AS item_id, NULL AS sample, NULL AS item_group";

/** A listed row as SQLite returns it. */
export interface RawRow {
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
