/** Structure-driven equivalence: the gold answer's shape decides how the prediction is read and compared. */
import { divV, valuesEqual } from "./evaluate.js";
import { agreeAtPoints, tryParse } from "./expressions.js";
import { LIST_SEPARATORS, MAX_ANSWER_LENGTH, normalizeLatex, splitTopLevel } from "./normalize.js";
import type { Node } from "./parse.js";
import { lettersOf, partValuesEqual, rightHandSide, scalarEqual, textEqual } from "./scalar.js";
import {
  hasPlusMinus,
  type Interval,
  isIntervalLike,
  isTextAnswer,
  listItems,
  type Matrix,
  parseInequalities,
  parseIntervals,
  parseMatrix,
  sortIntervals,
  tupleItems,
  vectorAsColumn,
} from "./structures.js";

export type AnswerKind = "matrix" | "letter" | "text" | "interval" | "equation" | "tuple" | "list" | "scalar";

/** Tuples and lists with more items are compared as strings only (item matching is quadratic). */
const MAX_ITEMS = 64;

export function classifyGold(g: string): AnswerKind {
  if (/\\begin\{pmatrix\}/.test(g)) return "matrix";
  if (/^\\text\{\s*\(?[A-Z]\)?(?:\s*,\s*\(?[A-Z]\)?)*\s*\}$|^\([A-Z]\)$/.test(g)) return "letter";
  if (isTextAnswer(g)) return "text";
  if (isIntervalLike(g)) return "interval";
  if (splitTopLevel(g, ["="]).length === 2) return "equation";
  const items = tupleItems(g);
  if (items && items.length >= 2) return "tuple";
  if (g.startsWith("\\{") || splitTopLevel(g, [","]).length > 1 || hasPlusMinus(g)) return "list";
  return "scalar";
}

function multisetEqual(gold: string[], pred: string[], eq: (a: string, b: string) => boolean): boolean {
  if (gold.length !== pred.length || gold.length > MAX_ITEMS) return false;
  const used = new Array<boolean>(pred.length).fill(false);
  return gold.every((g) => {
    const k = pred.findIndex((p, j) => !used[j] && eq(g, p));
    if (k < 0) return false;
    used[k] = true;
    return true;
  });
}

function orderedEqual(gold: string[], pred: string[]): boolean {
  return (
    gold.length === pred.length &&
    gold.length <= MAX_ITEMS &&
    gold.every((g, k) => partValuesEqual(g, pred[k]!))
  );
}

function tupleEqual(gold: string[], pred: string): boolean {
  const itemsOf = (p: string) =>
    (tupleItems(p) ?? splitTopLevel(p, [","])).map((x) => x.replace(/^[a-zA-Z](?:_\{?\w+\}?)?\s*=\s*/, ""));
  // `x = 9, y = -3` names each coordinate; `(x, y) = (9, -3)` names the whole point.
  if (orderedEqual(gold, itemsOf(pred)) || orderedEqual(gold, itemsOf(rightHandSide(pred)))) return true;
  // An open interval and an ordered pair look alike: `(a, b)` with a < b also accepts `a < x < b`.
  const ineq = gold.length === 2 ? parseInequalities(pred) : undefined;
  return (
    ineq !== undefined &&
    intervalsEqual([{ lo: gold[0]!, hi: gold[1]!, loClosed: false, hiClosed: false }], ineq)
  );
}

const NAMED_VALUE = /^([a-zA-Z](?:_\{?\w+\}?)?)\s*=\s*(.+)$/s;

/** `x = 2, y = 3` -> [["x", "2"], ["y", "3"]], or undefined unless every item (at least two) names its variable. */
function namedValues(s: string): [string, string][] | undefined {
  const matches = splitTopLevel(s, LIST_SEPARATORS).map((item) => NAMED_VALUE.exec(item));
  if (matches.length < 2 || matches.some((m) => m === null)) return undefined;
  return matches.map((m) => [m![1]!, m![2]!.trim()]);
}

/**
 * A gold naming different variables (`a = 3, b = 4`) is matched name by name, so `b = 3, a = 4` is wrong; a
 * prediction without names must give the values in the gold's order.
 */
function namedValuesEqual(gold: [string, string][], pred: string): boolean {
  const named = namedValues(pred);
  if (!named) {
    if (/=/.test(pred)) return false;
    return orderedEqual(
      gold.map(([, value]) => value),
      tupleItems(pred) ?? splitTopLevel(pred, [","]),
    );
  }
  const byName = new Map(named);
  return (
    byName.size === gold.length &&
    named.length === gold.length &&
    gold.every(([name, value]) => byName.has(name) && partValuesEqual(value, byName.get(name)!))
  );
}

function intervalsEqual(gold: Interval[], pred: Interval[]): boolean {
  if (gold.length !== pred.length) return false;
  const g = sortIntervals(gold);
  const p = sortIntervals(pred);
  if (!g || !p) return false;
  return g.every((x, k) => {
    const y = p[k]!;
    return (
      x.interval.loClosed === y.interval.loClosed &&
      x.interval.hiClosed === y.interval.hiClosed &&
      valuesEqual(x.lo, y.lo) &&
      valuesEqual(x.hi, y.hi)
    );
  });
}

function intervalAnswerEqual(gold: string, pred: string): boolean {
  const g = parseIntervals(gold);
  if (!g) return false;
  const p = parseInequalities(pred) ?? parseIntervals(pred);
  return p !== undefined && intervalsEqual(g, p);
}

function matrixCells(m: Matrix): string[][] {
  return m.rows.map((row) => row.map((c) => (m.scalar ? `{${m.scalar}}\\cdot{(${c})}` : c)));
}

function matrixEqual(gold: string, pred: string): boolean {
  const g = parseMatrix(gold);
  if (!g) return false;
  const isColumn = g.rows.length > 1 && g.rows[0]!.length === 1;
  const isRow = g.rows.length === 1 && g.rows[0]!.length > 1;
  let p = parseMatrix(pred);
  if (!p && (isColumn || isRow)) {
    const v = vectorAsColumn(rightHandSide(pred));
    p = v && isRow ? { scalar: undefined, rows: [v.rows.map((r) => r[0]!)] } : v;
  }
  if (!p || p.rows.length !== g.rows.length || p.rows[0]!.length !== g.rows[0]!.length) return false;
  const gc = matrixCells(g);
  const pc = matrixCells(p);
  return gc.every((row, i) => row.every((cell, j) => partValuesEqual(cell, pc[i]![j]!)));
}

/** `lhs = rhs` vs `lhs' = rhs'`: equivalent when (lhs - rhs) / (lhs' - rhs') is one nonzero constant. */
function equationsEquivalent(gold: [string, string], pred: [string, string]): boolean {
  const parse = ([l, r]: [string, string]): Node | undefined => {
    const a = tryParse(l);
    const b = tryParse(r);
    return a && b ? { t: "sub", a, b } : undefined;
  };
  const g = parse(gold);
  const p = parse(pred);
  if (!g || !p) return false;
  let ratio: ReturnType<typeof divV> | undefined;
  return agreeAtPoints([g, p], ([gv, pv]) => {
    if (pv!.exact?.length === 0 || (!pv!.exact && pv!.approx.re === 0 && pv!.approx.im === 0)) {
      return gv!.exact?.length === 0;
    }
    const r = divV(gv!, pv!);
    if (r.exact?.length === 0) return false;
    if (!ratio) {
      ratio = r;
      return true;
    }
    return valuesEqual(ratio, r);
  });
}

/** `y`, `x_1`, `f(x)`, `f^{-1}(x)`: a left-hand side that only names the value on the right. */
const ASSIGNMENT_TARGET = /^(?:[a-zA-Z](?:_\{?\w+\}?)?|[a-zA-Z](?:\^\{?-1\}?)?\([a-zA-Z]\))$/;
const withoutSpaces = (s: string) => s.replace(/\s+/g, "");
const isAssignmentTarget = (s: string) => ASSIGNMENT_TARGET.test(withoutSpaces(s));

function equationEqual(gold: string, pred: string): boolean {
  const [gl, gr] = splitTopLevel(gold, ["="]) as [string, string];
  const parts = splitTopLevel(pred, ["="]);
  if (parts.length === 1) return isAssignmentTarget(gl) && scalarEqual(gr, pred);
  if (parts.length !== 2) return false;
  const [pl, pr] = parts as [string, string];
  if (isAssignmentTarget(gl) && isAssignmentTarget(pl))
    return withoutSpaces(gl) === withoutSpaces(pl) && scalarEqual(gr, pr);
  return equationsEquivalent([gl, gr], [pl, pr]);
}

function compareNormalized(g: string, p: string): boolean {
  if (g === p) return true;
  if (p.length === 0 || g.length > MAX_ANSWER_LENGTH || p.length > MAX_ANSWER_LENGTH) return false;
  switch (classifyGold(g)) {
    case "matrix":
      return matrixEqual(g, p);
    case "letter": {
      const letters = lettersOf(g);
      return letters !== undefined && letters.join() === lettersOf(p)?.join();
    }
    case "text":
      return textEqual(g, p);
    case "interval":
      return intervalAnswerEqual(g, p);
    case "equation":
      return equationEqual(g, p);
    case "tuple":
      return tupleEqual(tupleItems(g)!, p);
    case "list": {
      const named = namedValues(g);
      if (named && new Set(named.map(([name]) => name)).size === named.length)
        return namedValuesEqual(named, p);
      return multisetEqual(listItems(g), listItems(p), partValuesEqual);
    }
    case "scalar":
      return scalarEqual(g, p);
  }
}

/** True when `pred` is an acceptable answer for `gold` under the policy in docs/grading.md. */
export function isEquivalent(gold: string, pred: string): boolean {
  return compareNormalized(normalizeLatex(gold), normalizeLatex(pred));
}
