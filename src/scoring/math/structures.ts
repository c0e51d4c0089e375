/** Parsing of composite answers: lists, tuples, intervals (and inequality forms of them), matrices. */

import { asRational, type Value, valuesEqual, variablesOf } from "./evaluate.js";
import { tryEvaluate, tryParse } from "./expressions.js";
import { isNameTarget, isUnknown, splitMembership } from "./names.js";
import { LIST_SEPARATORS, matchingClose, splitTopLevel, splitTopLevelAt } from "./normalize.js";
import * as Q from "./rational.js";
import { stripText } from "./scalar.js";

export interface Interval {
  lo: string;
  hi: string;
  loClosed: boolean;
  hiClosed: boolean;
  /** The unknown it constrains (`x` in `x \in [0, 1]` or `0 \le x \le 1`), when the answer names one. */
  name?: string | undefined;
}

export interface Matrix {
  scalar: string | undefined;
  rows: string[][];
}

/** `(a, b)` -> ["a", "b"] when the parentheses enclose the whole string, else undefined. */
export function tupleItems(s: string): string[] | undefined {
  // `(-2, 7]` balances too (bracket kinds are not matched), but it is a half-open interval, not a tuple.
  if (!s.startsWith("(") || !s.endsWith(")") || matchingClose(s, 0) !== s.length - 1) return undefined;
  return splitTopLevel(s.slice(1, -1), [","]);
}

/** `\{a, b\}`, `a, b`, `x = a \text{ or } x = b` -> ["a", "b"], with `c \pm d` expanded to two items. */
export function listItems(s: string): string[] {
  // `x \in \{1, 2\}`: a membership prefix before a set is a name.
  const member = splitMembership(s.trim());
  let body = member.name !== undefined && member.body.startsWith("\\{") ? member.body : s.trim();
  if (body.startsWith("\\{") && body.endsWith("\\}")) body = body.slice(2, -2);
  const items = splitTopLevel(body, LIST_SEPARATORS)
    .map((item) => withoutName(item))
    .filter((item) => item.length > 0);
  return items.flatMap(expandPlusMinus);
}

/** `x = 2` -> `2`, `(x, y) = (2, 9)` -> `(2, 9)`: the value after a name (see names.ts); anything else unchanged. */
export function withoutName(item: string): string {
  const parts = splitTopLevel(item, ["="]);
  return parts.length === 2 && isNameTarget(parts[0]!) ? parts[1]!.trim() : item.trim();
}

const PLUS_MINUS = /\\(?:pm|mp)(?![a-zA-Z])/g;

/**
 * `1 \pm \sqrt{2}` -> ["1 + \sqrt{2}", "1 - \sqrt{2}"], also inside a fraction (`\frac{-1 \pm \sqrt5}{2}`): ± has
 * the precedence of + and -, so replacing it by each sign in place is exact. Only a single ± is expanded.
 */
export function expandPlusMinus(s: string): string[] {
  if (s.match(PLUS_MINUS)?.length !== 1) return [s];
  return [s.replace(PLUS_MINUS, "+"), s.replace(PLUS_MINUS, "-")];
}

export const hasPlusMinus = (s: string): boolean => s.search(PLUS_MINUS) >= 0;

export function isIntervalLike(s: string): boolean {
  return (
    /\\cup|\\infty/.test(s) ||
    splitMembership(s).name !== undefined ||
    (/^[[(].*[\])]$/.test(s) && /^\[|\]$/.test(s))
  );
}

/** `(-\infty, 2) \cup [3, 5]`, `t \in [0, 5)` -> intervals; undefined if any piece is not an interval. */
export function parseIntervals(s: string): Interval[] | undefined {
  const { name, body } = splitMembership(s.trim());
  const out: Interval[] = [];
  for (const piece of splitTopLevel(body, ["\\cup"])) {
    const m = /^([[(])(.*)([\])])$/.exec(piece);
    if (!m) return undefined;
    const ends = splitTopLevel(m[2]!, [","]);
    if (ends.length !== 2) return undefined;
    out.push({ lo: ends[0]!, hi: ends[1]!, loClosed: m[1] === "[", hiClosed: m[3] === "]", name });
  }
  return out;
}

const RELATION_TOKENS = /(\\le|\\ge|\\ne|<|>)/;
const RELATIONS = /\\le|\\ge|\\ne|<|>/;
/** Pieces joined by these are a union; pieces joined by `and` inside one of them are intersected. */
const UNION_SEPARATORS = ["\\cup", ",", ";", " or ", "\\text{ or }", "\\text{or}"];
const AND_SEPARATORS = [" and ", "\\text{ and }", "\\text{and}"];
const MAX_PIECES = 16;

/**
 * `-2 \le x < 7`, `x > 2`, `7 \ge y`, `-y > -4`, `x \ne 3`, `|x - 3| > 2`, `x < 2 \text{ or } x > 3`,
 * `x > -1 \text{ and } x < 4` -> intervals in one unknown; undefined if not of that form.
 */
export function parseInequalities(s: string): Interval[] | undefined {
  if (!RELATIONS.test(s)) return undefined;
  const out: Interval[] = [];
  const pieces = splitTopLevel(s, UNION_SEPARATORS);
  if (pieces.length > MAX_PIECES) return undefined;
  for (const piece of pieces) {
    const parts = splitTopLevel(piece, AND_SEPARATORS);
    if (parts.length > MAX_PIECES) return undefined;
    let sets = parts.map(parseInequality);
    if (sets.some((x) => x === undefined)) return undefined;
    if (sets.length > 1) {
      // `x > -1 and x < 4`: an intersection of single intervals in the same unknown.
      if (sets.some((x) => x!.length !== 1)) return undefined;
      const meet = intersect(sets.map((x) => x![0]!));
      if (!meet) return undefined;
      sets = [[meet]];
    }
    out.push(...sets[0]!);
  }
  return out;
}

function parseInequality(piece: string): Interval[] | undefined {
  const tokens = splitRelations(piece);
  if (!tokens) return undefined;
  const strict = (op: string) => op === "<" || op === ">";
  const less = (op: string) => op === "<" || op === "\\le";
  if (tokens.length === 3) {
    const [a, op, b] = tokens as [string, string, string];
    const left = unknownSide(a);
    const right = unknownSide(b);
    if (left && right) return undefined;
    if (!left && !right) return absoluteValueInequality(a, op, b);
    const side = (left ?? right)!;
    const bound = left ? b : a;
    if (op === "\\ne") {
      const name = side.name;
      const at = side.negated ? `-(${bound})` : bound;
      return [
        { lo: "-\\infty", hi: at, loClosed: false, hiClosed: false, name },
        { lo: at, hi: "\\infty", loClosed: false, hiClosed: false, name },
      ];
    }
    // x < b or b > x: an upper bound; otherwise a lower bound. `-x < b` flips it and negates the bound.
    const upper = ((left !== undefined) === less(op)) !== side.negated;
    const end = side.negated ? `-(${bound})` : bound;
    return [
      upper
        ? { lo: "-\\infty", hi: end, loClosed: false, hiClosed: !strict(op), name: side.name }
        : { lo: end, hi: "\\infty", loClosed: !strict(op), hiClosed: false, name: side.name },
    ];
  }
  if (tokens.length === 5) {
    const [a, op1, mid, op2, b] = tokens as [string, string, string, string, string];
    const side = unknownSide(mid);
    if (!side || side.negated || op1 === "\\ne" || op2 === "\\ne" || less(op1) !== less(op2))
      return undefined;
    if (unknownSide(a) || unknownSide(b)) return undefined;
    const [lo, hi, loOp, hiOp] = less(op1) ? [a, b, op1, op2] : [b, a, op2, op1];
    return [{ lo, hi, loClosed: !strict(loOp), hiClosed: !strict(hiOp), name: side.name }];
  }
  return undefined;
}

/** `a < b \le c` -> ["a", "<", "b", "\\le", "c"], or undefined when a part is empty. */
export function splitRelations(piece: string): string[] | undefined {
  const tokens = splitTopLevelKeeping(piece);
  return tokens.some((t) => t.length === 0) ? undefined : tokens;
}

/** Splits on relation symbols outside brackets, keeping them as tokens. */
function splitTopLevelKeeping(s: string): string[] {
  return splitTopLevelAt(s, relationAt, true);
}

/** The relation symbol starting at i (`<`, `\\le`, ...), not a longer command such as `\\left`. */
function relationAt(s: string, i: number): string | undefined {
  const ch = s[i]!;
  const m = ch === "<" || ch === ">" || ch === "\\" ? RELATION_TOKENS.exec(s.slice(i, i + 3)) : null;
  return m && m.index === 0 && !(ch === "\\" && /[a-zA-Z]/.test(s[i + 3] ?? "")) ? m[1]! : undefined;
}

/** `x`, `g(t)`, `\mu` or its negation `-x`. */
function unknownSide(s: string): { name: string; negated: boolean } | undefined {
  if (isUnknown(s)) return { name: s.replace(/\s+/g, ""), negated: false };
  const m = /^-\s*(.+)$/.exec(s);
  return m && isUnknown(m[1]!) ? { name: m[1]!.replace(/\s+/g, ""), negated: true } : undefined;
}

const rationalText = (r: Q.Rational): string => `(${r.n})/(${r.d})`;

/**
 * `|a x + b| < c` (either side, any relation but `\ne`), with the inside linear in one variable and c > 0, as the
 * interval or the two rays it solves to. Anything else (c <= 0, a non-linear inside) is undefined.
 */
function absoluteValueInequality(a: string, op: string, b: string): Interval[] | undefined {
  const absLeft = /^\|(.*)\|$/s.exec(a);
  const absRight = /^\|(.*)\|$/s.exec(b);
  if ((absLeft === null) === (absRight === null) || op === "\\ne") return undefined;
  const inner = tryParse((absLeft ?? absRight)![1]!);
  const bound = tryParse(absLeft ? b : a);
  if (!inner || !bound) return undefined;
  const vars = [...variablesOf(inner)];
  if (vars.length !== 1 || variablesOf(bound).size !== 0) return undefined;
  const at = (x: bigint): Q.Rational | undefined => {
    const v = tryEvaluate(inner, new Map([[vars[0]!, Q.rat(x)]]));
    return v && asRational(v);
  };
  const [f0, f1, f2] = [at(0n), at(1n), at(2n)];
  const cv = tryEvaluate(bound, new Map());
  const c = cv && asRational(cv);
  if (!f0 || !f1 || !f2 || !c || c.n <= 0n) return undefined;
  const slope = Q.sub(f1, f0);
  if (Q.isZero(slope) || !Q.ratEq(Q.sub(f2, f0), Q.mul(slope, Q.rat(2n)))) return undefined;
  // |slope x + f0| = c at x = (±c - f0) / slope.
  let lo = Q.div(Q.sub(Q.neg(c), f0), slope);
  let hi = Q.div(Q.sub(c, f0), slope);
  if (Q.cmp(lo, hi) > 0) [lo, hi] = [hi, lo];
  // `|u| < c` (or `c > |u|`) is between the roots; `|u| > c` is outside them.
  const less = op === "<" || op === "\\le";
  const inside = absLeft ? less : !less;
  const closed = op === "\\le" || op === "\\ge";
  const name = vars[0]!;
  if (inside)
    return [{ lo: rationalText(lo), hi: rationalText(hi), loClosed: closed, hiClosed: closed, name }];
  return [
    { lo: "-\\infty", hi: rationalText(lo), loClosed: false, hiClosed: closed, name },
    { lo: rationalText(hi), hi: "\\infty", loClosed: closed, hiClosed: false, name },
  ];
}

/** The intersection of intervals in one unknown, or undefined when it is empty or cannot be decided. */
function intersect(list: Interval[]): Interval | undefined {
  const names = new Set(list.map((x) => x.name));
  if (names.size !== 1) return undefined;
  const sorted = list.map((x) => ({ x, lo: endpointValue(x.lo), hi: endpointValue(x.hi) }));
  if (sorted.some((e) => !e.lo || !e.hi)) return undefined;
  const pos = (v: Value) => (v.infinite ? v.infinite * Number.MAX_VALUE : v.approx.re);
  const first = sorted[0]!;
  let [loX, lo, hiX, hi] = [first.x, first.lo!, first.x, first.hi!];
  for (const e of sorted.slice(1)) {
    if (pos(e.lo!) > pos(lo) || (valuesEqual(e.lo!, lo) && !e.x.loClosed)) [loX, lo] = [e.x, e.lo!];
    if (pos(e.hi!) < pos(hi) || (valuesEqual(e.hi!, hi) && !e.x.hiClosed)) [hiX, hi] = [e.x, e.hi!];
  }
  if (pos(lo) > pos(hi) || (valuesEqual(lo, hi) && !(loX.loClosed && hiX.hiClosed))) return undefined;
  return { lo: loX.lo, hi: hiX.hi, loClosed: loX.loClosed, hiClosed: hiX.hiClosed, name: loX.name };
}

function endpointValue(s: string): Value | undefined {
  const node = tryParse(s);
  return node && tryEvaluate(node, new Map());
}

/** Sorts by the left end point (unions are unordered); undefined if an end point cannot be evaluated. */
export function sortIntervals(list: Interval[]): { interval: Interval; lo: Value; hi: Value }[] | undefined {
  const out: { interval: Interval; lo: Value; hi: Value }[] = [];
  for (const interval of list) {
    const lo = endpointValue(interval.lo);
    const hi = endpointValue(interval.hi);
    if (!lo || !hi) return undefined;
    out.push({ interval, lo, hi });
  }
  const pos = (v: Value) => (v.infinite ? v.infinite * Number.MAX_VALUE : v.approx.re);
  return out.sort((x, y) => pos(x.lo) - pos(y.lo));
}

/** `c \begin{pmatrix} a & b \\ c & d \end{pmatrix}` -> rows of cells and the optional scalar in front. */
export function parseMatrix(s: string): Matrix | undefined {
  const m = /^(.*?)\\begin\{pmatrix\}(.*)\\end\{pmatrix\}$/s.exec(s.trim());
  if (!m || m[2]!.includes("\\begin")) return undefined;
  const scalar = m[1]!
    .trim()
    .replace(/\\cdot$/, "")
    .trim();
  const rows = m[2]!
    .split(/\\\\/)
    .map((r) => r.trim())
    .filter((r) => r.length > 0)
    .map((r) => r.split("&").map((c) => c.trim()));
  if (rows.length === 0 || rows.some((r) => r.length !== rows[0]!.length)) return undefined;
  const sign = scalar === "-" ? "-1" : scalar === "+" ? "" : scalar;
  return { scalar: sign === "" ? undefined : sign, rows };
}

/** A vector written as a tuple `(a, b, c)` or `\langle a, b, c \rangle`, as a column. */
export function vectorAsColumn(s: string): Matrix | undefined {
  const angle = /^\\langle(.*)\\rangle$/s.exec(s);
  const items = angle ? splitTopLevel(angle[1]!, [","]) : tupleItems(s);
  if (!items || items.length < 2) return undefined;
  return { scalar: undefined, rows: items.map((x) => [x]) };
}

export function isTextAnswer(s: string): boolean {
  const m = /^\\text\{([^{}]*)\}$/.exec(s);
  return m !== null && /[a-zA-Z]{2,}/.test(m[1]!) && !/\d/.test(stripText(s));
}
