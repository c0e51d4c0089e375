/** Structure-driven equivalence: the gold answer's shape decides how the prediction is read and compared. */
import { divV, valuesEqual } from "./evaluate.js";
import { agreeAtPoints, tryParse } from "./expressions.js";
import { isNameTarget, sameName, splitMembership } from "./names.js";
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
  splitRelations,
  tupleItems,
  vectorAsColumn,
  withoutName,
} from "./structures.js";

export type AnswerKind =
  | "matrix"
  | "letter"
  | "text"
  | "interval"
  | "relation"
  | "equation"
  | "ratio"
  | "tuple"
  | "list"
  | "scalar";

/** Relation symbols (after normalization) that make a gold an inequality or a relation. */
const RELATION_SEPARATORS = ["<", ">", "\\le ", "\\ge ", "\\ne "];

/** Tuples and lists with more items are compared as strings only (item matching is quadratic). */
const MAX_ITEMS = 64;

export function classifyGold(g: string): AnswerKind {
  if (/\\begin\{pmatrix\}/.test(g)) return "matrix";
  if (/^\\text\{\s*\(?[A-Z]\)?(?:\s*,\s*\(?[A-Z]\)?)*\s*\}$|^\([A-Z]\)$/.test(g)) return "letter";
  if (isTextAnswer(g)) return "text";
  if (isIntervalLike(g)) return "interval";
  if (splitTopLevel(`${g} `, RELATION_SEPARATORS).length > 1) return "relation";
  if (splitTopLevel(g, ["="]).length === 2) return "equation";
  if (splitTopLevel(g, [":"]).length > 1 && !g.includes("=")) return "ratio";
  const items = tupleItems(g);
  if (items && items.length >= 2) return "tuple";
  if (g.startsWith("\\{") || splitTopLevel(g, LIST_SEPARATORS).length > 1 || hasPlusMinus(g)) return "list";
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

/** One member of a list or set: a tuple compares item by item, anything else by value. */
function itemEqual(gold: string, pred: string): boolean {
  if (gold === pred) return true;
  const g = tupleItems(gold);
  if (g && g.length >= 2) {
    const p = tupleItems(withoutName(pred));
    return p !== undefined && orderedEqual(g, p);
  }
  return partValuesEqual(gold, pred);
}

/**
 * Same multiset of items: another order is fine, a repeated item is not (`\{1, 1, 2\}` is not `\{1, 2\}`: a
 * repeated solution stands for a different answer, a double root or a missing one).
 */
function listEqual(gold: string, pred: string): boolean {
  return multisetEqual(listItems(gold), listItems(pred), itemEqual);
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
  // An open interval and an ordered pair look alike: `(a, b)` with a < b also accepts `a < x < b`, `x \in (a, b)`.
  const member = splitMembership(pred).name !== undefined ? parseIntervals(pred) : undefined;
  const ineq = gold.length === 2 ? (parseInequalities(pred) ?? member) : undefined;
  return (
    ineq !== undefined &&
    intervalsEqual([{ lo: gold[0]!, hi: gold[1]!, loClosed: false, hiClosed: false }], ineq)
  );
}

/** `x = 2, y = 3` -> [["x", "2"], ["y", "3"]], or undefined unless every item (at least two) names its value. */
function namedValues(s: string): [string, string][] | undefined {
  const out: [string, string][] = [];
  for (const item of splitTopLevel(s, LIST_SEPARATORS)) {
    const parts = splitTopLevel(item, ["="]);
    if (parts.length !== 2 || !isNameTarget(parts[0]!) || !parts[1]) return undefined;
    out.push([parts[0]!.replace(/\s+/g, ""), parts[1]!]);
  }
  return out.length >= 2 ? out : undefined;
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
  // Both name the unknown: it must be the same one (`-1 < x < 4` is not `-1 < y < 4`).
  const gNames = new Set(gold.map((x) => x.name));
  const pNames = new Set(pred.map((x) => x.name));
  if (gNames.size !== 1 || pNames.size !== 1) return false;
  const [gn, pn] = [[...gNames][0], [...pNames][0]];
  if (gn !== undefined && pn !== undefined && !sameName(gn, pn)) return false;
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
  const g = parseIntervals(gold) ?? parseInequalities(gold);
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
function equationsEquivalent(
  gold: [string, string],
  pred: [string, string],
  factorAllowed: (ratio: ReturnType<typeof divV>) => boolean = () => true,
): boolean {
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
      return factorAllowed(r);
    }
    return valuesEqual(ratio, r);
  });
}

type RelationOp = "<" | "\\le" | "\\ne";

/** `a op b` with op one of `<`, `>`, `\le`, `\ge`, `\ne` -> sides for `<`/`\le`/`\ne` (swapped for `>`, `\ge`). */
function relationSides(s: string): { op: RelationOp; sides: [string, string] } | undefined {
  const tokens = splitRelations(s);
  if (tokens?.length !== 3) return undefined;
  const [a, op, b] = tokens as [string, string, string];
  if (op === ">") return { op: "<", sides: [b, a] };
  if (op === "\\ge") return { op: "\\le", sides: [b, a] };
  return { op: op as RelationOp, sides: [a, b] };
}

/**
 * A relation that is not an inequality in one unknown (`x + y \le 7`, `a > b`): the same relation after swapping
 * sides or multiplying both by a constant (`7 \ge x + y`, `-x - y \ge -7`): (lhs - rhs) of both differ by one
 * positive constant factor at every sample point (any nonzero factor for `\ne`).
 */
function relationsEquivalent(gold: string, pred: string): boolean {
  const g = relationSides(gold);
  const p = relationSides(pred);
  if (!g || !p || g.op !== p.op) return false;
  return equationsEquivalent(g.sides, p.sides, (r) => {
    if (g.op === "\\ne") return true;
    return r.approx.im === 0 && r.approx.re > 0;
  });
}

function relationEqual(gold: string, pred: string): boolean {
  const g = parseInequalities(gold);
  if (g) {
    const p = parseInequalities(pred) ?? parseIntervals(pred);
    return p !== undefined && intervalsEqual(g, p);
  }
  return relationsEquivalent(gold, pred);
}

/** `3:5` against `3 : 5`: item by item, in order. */
function ratioEqual(gold: string, pred: string): boolean {
  const g = splitTopLevel(gold, [":"]);
  const p = splitTopLevel(withoutName(pred), [":"]);
  return orderedEqual(g, p);
}

/** `y`, `x_1`, `f(x)`, `f^{-1}(x)`: a left-hand side that only names the value on the right. */
const ASSIGNMENT_TARGET = /^(?:[a-zA-Z](?:_\{?\w+\}?)?|[a-zA-Z](?:\^\{?-1\}?)?\([a-zA-Z]\))$/;
const withoutSpaces = (s: string) => s.replace(/\s+/g, "");
const isAssignmentTarget = (s: string) => ASSIGNMENT_TARGET.test(withoutSpaces(s));

/**
 * A gold that names what it gives (`AC = 5`, `(a, b) = (4, 1)`, `A_1 : A_2 = 3 : 5`, `m\angle A = 30^\circ`): the
 * value alone, compared by its own structure, or the same name given the same value; another name is wrong.
 */
function namedGoldEqual(gl: string, gr: string, pred: string): boolean {
  const parts = splitTopLevel(pred, ["="]);
  if (parts.length === 1) return compareNormalized(gr, pred);
  const names = tupleItems(gl.replace(/\s+/g, ""));
  const values = tupleItems(gr);
  // `(a, b) = (4, 1)` against `a = 4, b = 1`: name by name.
  if (names && values && names.length === values.length) {
    const named = namedValues(pred);
    if (named)
      return namedValuesEqual(
        names.map((n, k) => [n, values[k]!]),
        pred,
      );
  }
  if (parts.length !== 2 || !sameName(gl, parts[0]!)) return false;
  return compareNormalized(gr, parts[1]!.trim());
}

/** No variables: letters only in commands, `\text{...}` units, or `e` and `i`. */
const isConstant = (s: string): boolean =>
  !/[a-df-hj-zA-Z]/.test(s.replace(/\\text\{[^{}]*\}/g, "").replace(/\\[a-zA-Z]+/g, ""));

function equationEqual(gold: string, pred: string): boolean {
  const [gl, gr] = splitTopLevel(gold, ["="]) as [string, string];
  if (!isAssignmentTarget(gl) && isNameTarget(gl) && isConstant(gr)) return namedGoldEqual(gl, gr, pred);
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
    case "relation":
      return relationEqual(g, p);
    case "ratio":
      return ratioEqual(g, p);
    case "equation":
      return equationEqual(g, p);
    case "tuple":
      return tupleEqual(tupleItems(g)!, p);
    case "list": {
      const named = namedValues(g);
      if (named && new Set(named.map(([name]) => name)).size === named.length)
        return namedValuesEqual(named, p);
      return listEqual(g, p);
    }
    case "scalar":
      return scalarEqual(g, p);
  }
}

/**
 * `\frac{14}{3} \approx 4.67` -> `\frac{14}{3}`: an exact value followed by its rounding is that exact value. Only
 * one `\approx`, with something on both sides; anything else is kept whole (and a lone approximation is compared as
 * written, so it is rejected for an exact gold).
 */
function exactPart(pred: string): string {
  if (!pred.includes("\\approx")) return pred;
  const parts = splitTopLevel(pred, ["\\approx"]);
  return parts.length === 2 && parts[0]!.length > 0 && parts[1]!.length > 0 ? parts[0]! : pred;
}

/** True when `pred` is an acceptable answer for `gold` under the policy in docs/grading.md. */
export function isEquivalent(gold: string, pred: string): boolean {
  return compareNormalized(normalizeLatex(gold), exactPart(normalizeLatex(pred)));
}
