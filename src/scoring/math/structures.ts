/** Parsing of composite answers: lists, tuples, intervals (and inequality forms of them), matrices. */

import type { Value } from "./evaluate.js";
import { tryEvaluate, tryParse } from "./expressions.js";
import { LIST_SEPARATORS, matchingClose, splitTopLevel } from "./normalize.js";
import { stripText } from "./scalar.js";

export interface Interval {
  lo: string;
  hi: string;
  loClosed: boolean;
  hiClosed: boolean;
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
  let body = s.trim();
  if (body.startsWith("\\{") && body.endsWith("\\}")) body = body.slice(2, -2);
  const items = splitTopLevel(body, LIST_SEPARATORS)
    .map((item) => item.replace(/^[a-zA-Z](?:_\{?\w+\}?)?\s*=\s*/, "").trim())
    .filter((item) => item.length > 0);
  return items.flatMap(expandPlusMinus);
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
  return /\\cup|\\infty|^[a-zA-Z]\s*\\in\s/.test(s) || (/^[[(].*[\])]$/.test(s) && /^\[|\]$/.test(s));
}

/** `(-\infty, 2) \cup [3, 5]` -> intervals; undefined if any piece is not an interval. */
export function parseIntervals(s: string): Interval[] | undefined {
  const body = s.replace(/^[a-zA-Z]\s*\\in\s*/, "").trim();
  const out: Interval[] = [];
  for (const piece of splitTopLevel(body, ["\\cup"])) {
    const m = /^([[(])(.*)([\])])$/.exec(piece);
    if (!m) return undefined;
    const ends = splitTopLevel(m[2]!, [","]);
    if (ends.length !== 2) return undefined;
    out.push({ lo: ends[0]!, hi: ends[1]!, loClosed: m[1] === "[", hiClosed: m[3] === "]" });
  }
  return out;
}

const RELATIONS = /\\le|\\ge|<|>/;

/** `-2 \le x < 7`, `x > 2`, `x < 2 \text{ or } x > 3` -> intervals in the variable; undefined if not of that form. */
export function parseInequalities(s: string): Interval[] | undefined {
  if (!RELATIONS.test(s)) return undefined;
  const out: Interval[] = [];
  for (const piece of splitTopLevel(s, ["\\cup", ...LIST_SEPARATORS])) {
    const interval = parseInequality(piece);
    if (!interval) return undefined;
    out.push(interval);
  }
  return out;
}

function parseInequality(piece: string): Interval | undefined {
  const tokens = piece.split(/(\\le|\\ge|<|>)/).map((t) => t.trim());
  const isVar = (t: string) => /^[a-zA-Z]$/.test(t);
  const strict = (op: string) => op === "<" || op === ">";
  const less = (op: string) => op === "<" || op === "\\le";
  if (tokens.length === 3) {
    const [a, op, b] = tokens as [string, string, string];
    const varLeft = isVar(a);
    if (varLeft === isVar(b)) return undefined;
    const bound = varLeft ? b : a;
    // x < b or b > x: upper bound; otherwise a lower bound.
    const upper = varLeft === less(op);
    return upper
      ? { lo: "-\\infty", hi: bound, loClosed: false, hiClosed: !strict(op) }
      : { lo: bound, hi: "\\infty", loClosed: !strict(op), hiClosed: false };
  }
  if (tokens.length === 5 && isVar(tokens[2]!)) {
    const [a, op1, , op2, b] = tokens as [string, string, string, string, string];
    if (less(op1) !== less(op2)) return undefined;
    const [lo, hi, loOp, hiOp] = less(op1) ? [a, b, op1, op2] : [b, a, op2, op1];
    return { lo, hi, loClosed: !strict(loOp), hiClosed: !strict(hiOp) };
  }
  return undefined;
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
