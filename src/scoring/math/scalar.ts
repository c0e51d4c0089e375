/** Single answers: numbers with their decorations (degrees, percent, base, units), expressions, words, letters. */

import { asRational, type Value, valuesEqual } from "./evaluate.js";
import { expressionsEqual, tryEvaluate, tryParse } from "./expressions.js";
import { splitTopLevel, stripOuterBraces } from "./normalize.js";
import * as Q from "./rational.js";

interface Decorated {
  core: string;
  degrees: boolean;
  percent: boolean;
  base?: string;
}

const UNIT_TAIL =
  /(?:\s*(?:\\text\{[^{}]*\}|(?<![a-zA-Z\\])[a-zA-Z]{2,}(?:\s+[a-zA-Z]{2,})*)(?:\s*\^\s*\{?[23]\}?)?)+$/;
const BASE_NUMBER = /^([0-9A-Za-z]+)\s*_\s*\{?\s*(\d+)\s*\}?$/;
const NUMBER_WORDS = [
  "zero",
  "one",
  "two",
  "three",
  "four",
  "five",
  "six",
  "seven",
  "eight",
  "nine",
  "ten",
  "eleven",
  "twelve",
  "thirteen",
  "fourteen",
  "fifteen",
  "sixteen",
  "seventeen",
  "eighteen",
  "nineteen",
];
const TENS = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"];

/** "seven" -> "7", "twenty-one" -> "21"; anything else unchanged. */
function numberWord(s: string): string {
  const w = stripText(s).toLowerCase().trim();
  const small = NUMBER_WORDS.indexOf(w);
  if (small >= 0) return String(small);
  const m = /^([a-z]+)(?:[- ]([a-z]+))?$/.exec(w);
  const tens = m ? TENS.indexOf(m[1]!) : -1;
  if (m && tens >= 2) {
    const unit = m[2] === undefined ? 0 : NUMBER_WORDS.indexOf(m[2]);
    if (unit >= 0 && unit < 10) return String(tens * 10 + unit);
  }
  return s;
}

/** Removes `\text{...}` wrappers, keeping their content. */
export function stripText(s: string): string {
  return s.replace(/\\text\{([^{}]*)\}/g, "$1").trim();
}

/** The value after the last top-level `=`: `x = 5` answers "5". */
export function rightHandSide(s: string): string {
  const parts = splitTopLevel(s, ["="]);
  return parts.length > 1 ? parts[parts.length - 1]! : s;
}

function decorate(s: string): Decorated {
  let core = stripOuterBraces(s);
  const degrees = core.includes("°");
  core = core.replace(/°/g, "").trim();
  const percent = /%$/.test(core);
  core = core.replace(/%$/, "").trim();
  const base = BASE_NUMBER.exec(core);
  if (base && !/^[a-zA-Z]$/.test(base[1]!))
    return { core: base[1]!.toUpperCase(), degrees, percent, base: base[2]! };
  return { core: stripOuterBraces(core), degrees, percent };
}

/** `15 \text{ cm}^2` -> `15`; only trailing words of two letters or more (a lone `x` is a variable). */
function withoutUnits(s: string): string {
  const stripped = s.replace(UNIT_TAIL, "").trim();
  return stripped.length > 0 && /[\d}]$/.test(stripped) ? stripped : s;
}

const constantCache = new Map<string, Value | undefined>();
const CACHE_LIMIT = 2000;

/** The value of a variable-free answer (memoized: lists compare every item with every item). */
function constantValue(s: string): Value | undefined {
  if (constantCache.has(s)) return constantCache.get(s);
  const node = tryParse(s);
  const value = node && tryEvaluate(node, new Map());
  if (constantCache.size >= CACHE_LIMIT) constantCache.clear();
  constantCache.set(s, value);
  return value;
}

function sameNumberScaled(gold: string, pred: string, factor: bigint): boolean {
  const g = constantValue(gold);
  const p = constantValue(pred);
  if (!g || !p) return false;
  const pr = asRational(p);
  const gr = asRational(g);
  return pr !== undefined && gr !== undefined && Q.ratEq(Q.mul(pr, Q.rat(factor)), gr);
}

function baseEqual(g: Decorated, p: Decorated): boolean {
  if (p.base !== undefined && p.base !== g.base) return false;
  return /^[0-9A-Z]+$/.test(p.core) && p.core.replace(/^0+(?=.)/, "") === g.core.replace(/^0+(?=.)/, "");
}

function coreEqual(gold: string, pred: string): boolean {
  if (expressionsEqual(gold, pred)) return true;
  const predNoUnits = withoutUnits(pred);
  const goldNoUnits = withoutUnits(gold);
  if (predNoUnits === pred && goldNoUnits === gold) return false;
  return expressionsEqual(goldNoUnits, predNoUnits);
}

/** Compares a gold that is one value (number, expression, decorated number) with a prediction. */
export function scalarEqual(goldRaw: string, predRaw: string): boolean {
  const g = decorate(goldRaw);
  const p = decorate(numberWord(rightHandSide(predRaw)));
  if (g.base !== undefined || p.base !== undefined) return g.base !== undefined && baseEqual(g, p);
  if (p.degrees && !g.degrees && /\\pi/.test(g.core)) return false;
  if (g.degrees && /\\pi/.test(p.core) && !/\\pi/.test(g.core)) return false;
  const gCore = withoutUnits(g.core);
  const pCore = p.core;
  if (g.percent === p.percent) return coreEqual(gCore, pCore);
  if (g.percent) return coreEqual(gCore, pCore) || sameNumberScaled(gCore, withoutUnits(pCore), 100n);
  // A percent prediction for a plain gold: either the same number, or the same value.
  return coreEqual(gCore, pCore) || sameNumberScaled(withoutUnits(pCore), gCore, 100n);
}

/** Compares by value only (no decorations): used for the parts of tuples, sets and intervals. */
export function partValuesEqual(gold: string, pred: string): boolean {
  const a = constantValue(gold);
  const b = constantValue(pred);
  if (a && b) return valuesEqual(a, b);
  return scalarEqual(gold, pred);
}

const LETTER = /^\(?\s*([A-Za-z])\s*\)?$/;

/** Multiple-choice letter, e.g. gold `\text{(B)}`; the prediction may be `B`, `(B)` or `\text{(B)}`. */
export function letterOf(s: string): string | undefined {
  const m = LETTER.exec(stripText(s).replace(/^\\text\{|\}$/g, ""));
  return m ? m[1]!.toUpperCase() : undefined;
}

/** Text answers compare case-insensitively on letters and digits only. */
export function textEqual(gold: string, pred: string): boolean {
  const clean = (s: string) =>
    stripText(s)
      .toLowerCase()
      .replace(/^(?:the|an?)\s+/, "")
      .replace(/[^a-z0-9]/g, "");
  const g = clean(gold);
  return g.length > 0 && g === clean(pred);
}
