/** Single answers: numbers with their decorations (degrees, percent, base, units), expressions, words, letters. */

import { asRational, type Value, valuesEqual } from "./evaluate.js";
import { expressionsEqual, tryEvaluate, tryParse } from "./expressions.js";
import { CURRENCY, LIST_SEPARATORS, splitTopLevel, stripOuterBraces } from "./normalize.js";
import { numberFromWords } from "./number-words.js";
import * as Q from "./rational.js";
import { canonicalUnit } from "./units.js";

interface Decorated {
  core: string;
  degrees: boolean;
  percent: boolean;
  /** An escaped dollar before the number (`\$36`): the answer names dollars. */
  currency: boolean;
  base?: string;
}

const UNIT_TAIL =
  /(?:\s*(?:\\text\{[^{}]*\}|(?<![a-zA-Z\\])[a-zA-Z]{2,}(?:\s+[a-zA-Z]{2,})*)(?:\s*\^\s*\{?[23]\}?)?)+$/;
/** `1011_2`, `1011_{2}`, `(1011)_2`, `{1011}_2`: digits and their base. */
const BASE_NUMBER =
  /^(?:\(\s*([0-9A-Za-z]+)\s*\)|\{\s*([0-9A-Za-z]+)\s*\}|([0-9A-Za-z]+))\s*_\s*\{?\s*(\d+)\s*\}?$/;
/** `1.2e5`, `3E-4`: a computer-style power of ten (checked only after base-n answers, where `E` is a digit). */
const E_NOTATION = /^([-+]?(?:\d+\.?\d*|\.\d+))[eE]([-+]?\d+)$/;

/** "seven" -> "7", "twenty-one" -> "21"; anything else unchanged. */
function numberWord(s: string): string {
  return numberFromWords(stripText(s))?.toString() ?? s;
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
  const currency = s.includes(CURRENCY);
  let core = stripOuterBraces(s.replaceAll(CURRENCY, ""));
  const degrees = core.includes("°");
  core = core.replace(/°/g, "").trim();
  const percent = /%$/.test(core);
  core = core.replace(/%$/, "").trim();
  const base = BASE_NUMBER.exec(core);
  const digits = base && (base[1] ?? base[2] ?? base[3])!;
  if (base && digits && !/^[a-zA-Z]$/.test(digits))
    return { core: digits.toUpperCase(), degrees, percent, currency, base: base[4]! };
  return { core: stripOuterBraces(core), degrees, percent, currency };
}

/** Words after a number that change its value: "5 million" is not 5. */
const SCALE_WORDS: Record<string, string> = {
  dozen: "12",
  hundred: "100",
  thousand: "1000",
  million: "10^{6}",
  billion: "10^{9}",
  trillion: "10^{12}",
};
const RADIAN_WORD = /(?<![a-zA-Z])rad(?:ians?)?(?![a-zA-Z])/;

/**
 * `15 \text{ cm}^2` -> value `15`, unit `cm^2`; only trailing words of two letters or more (a lone `x` is a
 * variable). A scale word is multiplied in instead: `2.5 \text{ million}` -> `2.5\cdot 10^{6}`.
 */
function splitUnits(s: string): { value: string; unit: string | undefined } {
  const tail = UNIT_TAIL.exec(s);
  if (!tail) return { value: s, unit: undefined };
  const stripped = s.slice(0, tail.index).trim();
  if (stripped.length === 0 || !/[\d}]$|\\pi$/.test(stripped)) return { value: s, unit: undefined };
  const firstWord = /[a-zA-Z]{2,}/.exec(tail[0].replace(/\\text\{/g, ""))?.[0].toLowerCase();
  const scale = firstWord === undefined ? undefined : SCALE_WORDS[firstWord];
  const unit = canonicalUnit(tail[0], false);
  return { value: scale === undefined ? stripped : `${stripped}\\cdot ${scale}`, unit };
}

const withoutUnits = (s: string): string => splitUnits(s).value;

/** The unit a single value names (`\$36` names dollars), or undefined. */
function unitOf(d: Decorated, split = splitUnits(d.core)): string | undefined {
  return d.currency ? canonicalUnit(split.unit ?? "", true) : split.unit;
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

function atLeastOne(s: string): boolean {
  const v = constantValue(s);
  const r = v && asRational(v);
  return r !== undefined && Q.cmp(r.n < 0n ? Q.neg(r) : r, Q.ONE) >= 0;
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
  // `x = 5 \text{ or } x = -5` gives two values, which is never the one value of the gold.
  if (splitTopLevel(numberWord(predRaw), LIST_SEPARATORS).length > 1) return false;
  const g = decorate(goldRaw);
  const p = decorate(numberWord(rightHandSide(predRaw)));
  if (g.base !== undefined || p.base !== undefined) return g.base !== undefined && baseEqual(g, p);
  // Both name a unit: it must be the same one (`\$5.40` is not `5.4 \text{ cents}`; no conversion is made).
  const gSplit = splitUnits(g.core);
  const gUnit = unitOf(g, gSplit);
  if (gUnit !== undefined) {
    const pUnit = unitOf(p);
    if (pUnit !== undefined && pUnit !== gUnit) return false;
  }
  if (p.degrees && !g.degrees && /\\pi/.test(g.core)) return false;
  if (g.degrees && (/\\pi/.test(p.core) || RADIAN_WORD.test(p.core)) && !/\\pi/.test(g.core)) return false;
  const gCore = gSplit.value;
  const pCore = p.core.replace(E_NOTATION, "$1\\cdot 10^{$2}");
  if (g.percent === p.percent) return coreEqual(gCore, pCore);
  if (g.percent) return coreEqual(gCore, pCore) || sameNumberScaled(gCore, withoutUnits(pCore), 100n);
  // A percent prediction for a plain gold: the same value, or the same number when the gold reads as a number of
  // percent (at least 1: a gold below 1 is a fraction or a probability, and `0.28\%` for it is a real confusion).
  return (atLeastOne(gCore) && coreEqual(gCore, pCore)) || sameNumberScaled(withoutUnits(pCore), gCore, 100n);
}

/** Compares by value only (no decorations): used for the parts of tuples, sets and intervals. */
export function partValuesEqual(gold: string, pred: string): boolean {
  const a = constantValue(gold);
  const b = constantValue(pred);
  if (a && b) return valuesEqual(a, b);
  return scalarEqual(gold, pred);
}

const LETTER = /^\(?\s*([A-Za-z])\s*\)?$/;

/**
 * Multiple-choice letters, sorted: gold `\text{(B)}` or `\text{(A), (C)}`; the prediction may be `B`, `(B)`,
 * `\text{(B)}`, `A, C` or `(A) and (C)`. Undefined when any item is not a single letter.
 */
export function lettersOf(s: string): string[] | undefined {
  const items = stripText(s)
    .replace(/^\\text\{|\}$/g, "")
    .split(/\s*,\s*|\s+and\s+/);
  const letters: string[] = [];
  for (const item of items) {
    const m = LETTER.exec(item.trim());
    if (!m) return undefined;
    letters.push(m[1]!.toUpperCase());
  }
  return letters.sort();
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
