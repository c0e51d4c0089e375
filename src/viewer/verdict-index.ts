import type Database from "better-sqlite3";
import type { StageRole } from "../task-kinds/section-viewer.js";

/**
 * A run's members in plan order with the columns the verdict filters need, as typed arrays: built by one scan of
 * the store (about a second per million generations), then every verdict or extraction-path page and its exact
 * count is a pass over these arrays (milliseconds), however rare the verdict. SQLite cannot index the verdict
 * (it lives in JSON of another table and depends on the failures of the run), so this is the index.
 */
export interface VerdictIndex {
  rowids: Float64Array;
  verdicts: Uint8Array;
  paths: Uint8Array;
  personas: Uint32Array;
  tasks: Uint32Array;
  roles: Uint8Array;
  personaIds: Map<string, number>;
  taskIds: Map<string, number>;
  pathIds: Map<string, number>;
}

export const VERDICT_CODES = ["correct", "wrong", "none", "failed", "ungraded", "missing"] as const;
export const ROLE_CODES: readonly StageRole[] = ["subject", "judge", "examples", "other"];

export interface IndexQuery {
  verdict?: number;
  path?: number;
  persona?: number;
  task?: number;
  /** undefined: every role. */
  role?: number;
}

/**
 * Builds the index of one run from a statement yielding [rowid, task_id, stage, persona_id, verdict, path] rows;
 * `roleOf` gives each stage's role.
 */
export function buildVerdictIndex(
  statement: Database.Statement,
  runId: string,
  roleOf: (stage: string) => StageRole,
): VerdictIndex {
  const size = (
    statement.database.prepare("SELECT COUNT(*) AS n FROM run_members WHERE run_id = ?").get(runId) as {
      n: number;
    }
  ).n;
  const index: VerdictIndex = {
    rowids: new Float64Array(size),
    verdicts: new Uint8Array(size),
    paths: new Uint8Array(size),
    personas: new Uint32Array(size),
    tasks: new Uint32Array(size),
    roles: new Uint8Array(size),
    personaIds: new Map(),
    taskIds: new Map(),
    pathIds: new Map([["", 0]]),
  };
  const id = (map: Map<string, number>, value: string | null) => {
    const key = value ?? "";
    let n = map.get(key);
    if (n === undefined) {
      n = map.size;
      map.set(key, n);
    }
    return n;
  };
  const verdictCode = new Map<string, number>(VERDICT_CODES.map((v, i) => [v, i]));
  const roleCodes = new Map<string, number>();
  let i = 0;
  for (const row of statement.raw().iterate({ run: runId }) as Iterable<
    [number, string, string, string | null, string, string | null]
  >) {
    if (i >= size) break; // rows added since the count: the next rebuild takes them
    const [rowid, task, stage, persona, verdict, path] = row;
    index.rowids[i] = rowid;
    index.tasks[i] = id(index.taskIds, task);
    index.personas[i] = id(index.personaIds, persona);
    index.verdicts[i] = verdictCode.get(verdict) ?? 0;
    index.paths[i] = id(index.pathIds, path);
    let role = roleCodes.get(stage);
    if (role === undefined) {
      role = ROLE_CODES.indexOf(roleOf(stage));
      roleCodes.set(stage, role);
    }
    index.roles[i] = role;
    i++;
  }
  if (i < size) return { ...index, ...truncate(index, i) };
  return index;
}

function truncate(index: VerdictIndex, n: number) {
  return {
    rowids: index.rowids.subarray(0, n),
    verdicts: index.verdicts.subarray(0, n),
    paths: index.paths.subarray(0, n),
    personas: index.personas.subarray(0, n),
    tasks: index.tasks.subarray(0, n),
    roles: index.roles.subarray(0, n),
  };
}

function matches(index: VerdictIndex, q: IndexQuery, i: number): boolean {
  return (
    (q.verdict === undefined || index.verdicts[i] === q.verdict) &&
    (q.path === undefined || index.paths[i] === q.path) &&
    (q.persona === undefined || index.personas[i] === q.persona) &&
    (q.task === undefined || index.tasks[i] === q.task) &&
    (q.role === undefined || index.roles[i] === q.role)
  );
}

/** First position whose rowid is greater than `rowid` (binary search; rowids ascend). */
function after(rowids: Float64Array, rowid: number): number {
  let lo = 0;
  let hi = rowids.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (rowids[mid]! <= rowid) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** One page of matching rowids in plan order, whether pages exist on either side, and the exact count. */
export function pageFromIndex(
  index: VerdictIndex,
  q: IndexQuery,
  page: { after?: number; before?: number; limit: number },
): { rowids: number[]; hasBefore: boolean; hasAfter: boolean; count: number } {
  const n = index.rowids.length;
  let count = 0;
  for (let i = 0; i < n; i++) if (matches(index, q, i)) count++;
  const found: number[] = [];
  if (page.before !== undefined) {
    let i = after(index.rowids, page.before - 1) - 1;
    for (; i >= 0 && found.length <= page.limit; i--) if (matches(index, q, i)) found.push(i);
    const hasBefore = found.length > page.limit;
    const positions = found.slice(0, page.limit).reverse();
    const last = positions[positions.length - 1];
    let hasAfter = false;
    if (last !== undefined) for (let j = last + 1; j < n && !hasAfter; j++) hasAfter = matches(index, q, j);
    return { rowids: positions.map((p) => index.rowids[p]!), hasBefore, hasAfter, count };
  }
  let i = page.after === undefined ? 0 : after(index.rowids, page.after);
  for (; i < n && found.length <= page.limit; i++) if (matches(index, q, i)) found.push(i);
  const hasAfter = found.length > page.limit;
  const positions = found.slice(0, page.limit);
  const first = positions[0];
  let hasBefore = false;
  if (first !== undefined)
    for (let j = first - 1; j >= 0 && !hasBefore; j--) hasBefore = matches(index, q, j);
  return { rowids: positions.map((p) => index.rowids[p]!), hasBefore, hasAfter, count };
}
