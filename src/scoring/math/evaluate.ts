/**
 * Evaluates an expression tree to a value that is exact where it can be (sums of rational * sqrt(n) * pi^k * i^m,
 * on BigInt rationals) and always carries a complex floating-point approximation for everything else.
 */
import type { Node } from "./parse.js";
import type { Rational } from "./rational.js";
import * as Q from "./rational.js";

interface Term {
  c: Rational;
  rad: bigint;
  pi: number;
  im: 0 | 1;
}
interface Complex {
  re: number;
  im: number;
}
export interface Value {
  /** Canonical sorted terms; undefined when the value could not be kept exact. */
  exact: Term[] | undefined;
  approx: Complex;
  /** A decimal literal went into this value (it may be an approximation of something exact). */
  decimal: boolean;
  infinite: number;
}
export type Env = ReadonlyMap<string, Rational>;

const MAX_TERMS = 48;
const MAX_FACTORIAL = 1000;

export class EvaluationError extends Error {}

const key = (t: Term): string => `${t.rad}|${t.pi}|${t.im}`;

function canonical(terms: Term[]): Term[] | undefined {
  const byKey = new Map<string, Term>();
  for (const t of terms) {
    const k = key(t);
    const prev = byKey.get(k);
    byKey.set(k, prev ? { ...t, c: Q.add(prev.c, t.c) } : t);
  }
  const out = [...byKey.values()].filter((t) => !Q.isZero(t.c));
  if (out.length > MAX_TERMS) return undefined;
  return out.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

/** Runs an exact computation; on overflow or an unsupported case the exact part is dropped. */
function tryExact(f: () => Term[] | undefined): Term[] | undefined {
  try {
    const r = f();
    return r ? canonical(r) : undefined;
  } catch (e) {
    if (e instanceof Q.TooBigError || e instanceof RangeError) return undefined;
    throw e;
  }
}

function termApprox(t: Term): Complex {
  const mag = Q.toNumber(t.c) * Math.sqrt(Number(t.rad)) * Math.PI ** t.pi;
  return t.im ? { re: 0, im: mag } : { re: mag, im: 0 };
}

function make(exact: Term[] | undefined, approx: Complex, decimal: boolean): Value {
  return { exact, approx, decimal, infinite: 0 };
}

export function fromRational(r: Rational, decimal = false): Value {
  const t: Term = { c: r, rad: 1n, pi: 0, im: 0 };
  return make(canonical([t]), termApprox(t), decimal);
}

/** The exact rational (possibly complex: re + im i) this value is, if it has no radicals or pi. */
export function asGaussian(v: Value): { re: Rational; im: Rational } | undefined {
  if (!v.exact || v.exact.some((t) => t.rad !== 1n || t.pi !== 0)) return undefined;
  let re = Q.ZERO;
  let im = Q.ZERO;
  for (const t of v.exact) {
    if (t.im) im = t.c;
    else re = t.c;
  }
  return { re, im };
}

export function asRational(v: Value): Rational | undefined {
  const g = asGaussian(v);
  return g && Q.isZero(g.im) ? g.re : undefined;
}

function mulTerm(a: Term, b: Term): Term {
  const g = (() => {
    let x = a.rad;
    let y = b.rad;
    while (y) [x, y] = [y, x % y];
    return x;
  })();
  let c = Q.mul(Q.mul(a.c, b.c), Q.rat(g));
  if (a.im && b.im) c = Q.neg(c);
  return { c, rad: (a.rad / g) * (b.rad / g), pi: a.pi + b.pi, im: ((a.im + b.im) % 2) as 0 | 1 };
}

const cAdd = (a: Complex, b: Complex): Complex => ({ re: a.re + b.re, im: a.im + b.im });
const cMul = (a: Complex, b: Complex): Complex => ({
  re: a.re * b.re - a.im * b.im,
  im: a.re * b.im + a.im * b.re,
});
function cDiv(a: Complex, b: Complex): Complex {
  const d = b.re * b.re + b.im * b.im;
  return { re: (a.re * b.re + a.im * b.im) / d, im: (a.im * b.re - a.re * b.im) / d };
}
const cExp = (z: Complex): Complex => ({
  re: Math.exp(z.re) * Math.cos(z.im),
  im: Math.exp(z.re) * Math.sin(z.im),
});
const cLog = (z: Complex): Complex => ({ re: Math.log(Math.hypot(z.re, z.im)), im: Math.atan2(z.im, z.re) });
function cPow(a: Complex, b: Complex): Complex {
  if (a.re === 0 && a.im === 0) return { re: b.re === 0 && b.im === 0 ? 1 : 0, im: 0 };
  if (a.im === 0 && b.im === 0 && (a.re > 0 || Number.isInteger(b.re))) return { re: a.re ** b.re, im: 0 };
  return cExp(cMul(b, cLog(a)));
}

export function addV(a: Value, b: Value): Value {
  const exact = a.exact && b.exact ? tryExact(() => [...a.exact!, ...b.exact!]) : undefined;
  return make(exact, cAdd(a.approx, b.approx), a.decimal || b.decimal);
}

export function negV(a: Value): Value {
  const exact = a.exact?.map((t) => ({ ...t, c: Q.neg(t.c) }));
  return { ...make(exact, { re: -a.approx.re, im: -a.approx.im }, a.decimal), infinite: -a.infinite };
}

export function mulV(a: Value, b: Value): Value {
  const exact =
    a.exact && b.exact && a.exact.length * b.exact.length <= MAX_TERMS * 4
      ? tryExact(() => a.exact!.flatMap((x) => b.exact!.map((y) => mulTerm(x, y))))
      : undefined;
  return make(exact, cMul(a.approx, b.approx), a.decimal || b.decimal);
}

function inverseExact(terms: Term[]): Term[] | undefined {
  if (terms.length === 0) throw new EvaluationError("division by zero");
  if (terms.length === 1) {
    const t = terms[0]!;
    const c = Q.div(Q.ONE, Q.mul(t.c, Q.rat(t.rad)));
    return [{ c: t.im ? Q.neg(c) : c, rad: t.rad, pi: -t.pi, im: t.im }];
  }
  const g = asGaussian(make(terms, { re: 0, im: 0 }, false));
  if (!g) return undefined;
  const norm = Q.add(Q.mul(g.re, g.re), Q.mul(g.im, g.im));
  return [
    { c: Q.div(g.re, norm), rad: 1n, pi: 0, im: 0 },
    { c: Q.neg(Q.div(g.im, norm)), rad: 1n, pi: 0, im: 1 },
  ];
}

export function divV(a: Value, b: Value): Value {
  if (b.exact?.length === 0 || (b.approx.re === 0 && b.approx.im === 0 && !b.exact)) {
    throw new EvaluationError("division by zero");
  }
  const inv = b.exact ? tryExact(() => inverseExact(b.exact!)) : undefined;
  const exact =
    a.exact && inv ? tryExact(() => a.exact!.flatMap((x) => inv.map((y) => mulTerm(x, y)))) : undefined;
  return make(exact, cDiv(a.approx, b.approx), a.decimal || b.decimal);
}

/** sqrt of an exact rational: sqrt(n/d) = sqrt(n d) / d, with the square part taken out. */
function sqrtRational(r: Rational): Term[] | undefined {
  const negative = r.n < 0n;
  const sf = Q.squareFree((negative ? -r.n : r.n) * r.d);
  if (!sf) return undefined;
  return [{ c: Q.rat(sf.outside, r.d), rad: sf.inside, pi: 0, im: negative ? 1 : 0 }];
}

/** The exact integer k-th root of a non-negative rational, if there is one. */
function exactRoot(r: Rational, k: number): Rational | undefined {
  const root = (n: bigint): bigint | undefined => {
    const guess = BigInt(Math.round(Number(n) ** (1 / k)));
    for (const g of [guess - 1n, guess, guess + 1n]) if (g >= 0n && g ** BigInt(k) === n) return g;
    return undefined;
  };
  if (r.n < 0n || Q.bitLength(r.n) > 900 || Q.bitLength(r.d) > 900) return undefined;
  const n = root(r.n);
  const d = root(r.d);
  return n !== undefined && d !== undefined ? Q.rat(n, d) : undefined;
}

function powExact(a: Term[], e: Rational): Term[] | undefined {
  const base = asRational(make(a, { re: 0, im: 0 }, false));
  if (e.d === 1n) {
    if (e.n < 0n) {
      const inv = inverseExact(a);
      return inv ? powExact(inv, Q.neg(e)) : undefined;
    }
    if (base) return [{ c: Q.powInt(base, e.n), rad: 1n, pi: 0, im: 0 }];
    if (a.length > 1 && e.n > 64n) return undefined;
    if (e.n > BigInt(Q.MAX_BITS)) return undefined;
    let result: Term[] = [{ c: Q.ONE, rad: 1n, pi: 0, im: 0 }];
    let sq = a;
    for (let k = e.n; k > 0n; k >>= 1n) {
      if (k & 1n) result = canonical(result.flatMap((x) => sq.map((y) => mulTerm(x, y)))) ?? [];
      if (k > 1n) sq = canonical(sq.flatMap((x) => sq.map((y) => mulTerm(x, y)))) ?? [];
    }
    return result;
  }
  if (!base || e.d > 64n) return undefined;
  const k = Number(e.d);
  if (k === 2) {
    const s = sqrtRational(base);
    return s ? powExact(s, Q.rat(e.n)) : undefined;
  }
  const root = base.n < 0n && k % 2 === 1 ? exactRoot(Q.neg(base), k) : exactRoot(base, k);
  if (!root) return undefined;
  return powExact([{ c: base.n < 0n ? Q.neg(root) : root, rad: 1n, pi: 0, im: 0 }], Q.rat(e.n));
}

export function powV(a: Value, b: Value): Value {
  const e = asRational(b);
  const exact = a.exact && e ? tryExact(() => powExact(a.exact!, e)) : undefined;
  return make(exact, cPow(a.approx, b.approx), a.decimal || b.decimal);
}

function realFunction(name: string, x: number): number {
  const table: Record<string, (v: number) => number> = {
    sin: Math.sin,
    cos: Math.cos,
    tan: Math.tan,
    cot: (v) => 1 / Math.tan(v),
    sec: (v) => 1 / Math.cos(v),
    csc: (v) => 1 / Math.sin(v),
    arcsin: Math.asin,
    arccos: Math.acos,
    arctan: Math.atan,
    sinh: Math.sinh,
    cosh: Math.cosh,
    tanh: Math.tanh,
    ln: Math.log,
    log: Math.log,
    exp: Math.exp,
  };
  const f = table[name];
  if (!f) throw new EvaluationError(`unknown function ${name}`);
  return f(x);
}

function applyFunction(name: string, x: Value, base: Value | undefined): Value {
  if (name === "exp") return make(undefined, cExp(x.approx), x.decimal);
  if (x.approx.im !== 0) throw new EvaluationError(`complex argument to ${name}`);
  if (name === "log" && base) {
    const approx = Math.log(x.approx.re) / Math.log(base.approx.re);
    const k = Math.round(approx);
    const [bq, xq] = [asRational(base), asRational(x)];
    // log_b x is exact when b^k = x for an integer k near the float result.
    if (bq && xq && Math.abs(approx - k) < 1e-6) {
      const exact = tryExact(() =>
        Q.ratEq(Q.powInt(bq, BigInt(k)), xq) ? fromRational(Q.rat(BigInt(k))).exact : undefined,
      );
      if (exact) return make(exact, { re: k, im: 0 }, x.decimal || base.decimal);
    }
    return make(undefined, { re: approx, im: 0 }, x.decimal || base.decimal);
  }
  return make(undefined, { re: realFunction(name, x.approx.re), im: 0 }, x.decimal);
}

function factorial(x: Value): Value {
  const r = asRational(x);
  if (r === undefined || r.d !== 1n || r.n < 0n || r.n > BigInt(MAX_FACTORIAL))
    throw new EvaluationError("factorial out of range");
  let f = 1n;
  for (let k = 2n; k <= r.n; k++) f *= k;
  return fromRational(Q.rat(f), x.decimal);
}

function binom(a: Value, b: Value): Value {
  const [n, k] = [asRational(a), asRational(b)];
  if (n === undefined || k === undefined || k.d !== 1n || k.n < 0n || k.n > 1000n) {
    throw new EvaluationError("binomial out of range");
  }
  if (n.d !== 1n || n.n < 0n) {
    // The generalized binomial n (n-1) ... (n-k+1) / k!, a polynomial in n (`\binom{n}{j}` in a sum's body).
    let r = Q.ONE;
    for (let j = 0n; j < k.n; j++) r = Q.div(Q.mul(r, Q.sub(n, Q.rat(j))), Q.rat(j + 1n));
    return fromRational(r, a.decimal || b.decimal);
  }
  if (k.n > n.n) return fromRational(Q.ZERO);
  let r = 1n;
  for (let j = 0n; j < k.n; j++) r = (r * (n.n - j)) / (j + 1n);
  return fromRational(Q.rat(r), a.decimal || b.decimal);
}

function absV(x: Value): Value {
  const { re, im } = x.approx;
  if (im === 0 && x.exact && !x.exact.some((t) => t.im)) return re < 0 ? negV(x) : x;
  return make(undefined, { re: Math.hypot(re, im), im: 0 }, x.decimal);
}

const PI: Value = make([{ c: Q.ONE, rad: 1n, pi: 1, im: 0 }], { re: Math.PI, im: 0 }, false);
const I: Value = make([{ c: Q.ONE, rad: 1n, pi: 0, im: 1 }], { re: 0, im: 1 }, false);
const E: Value = make(undefined, { re: Math.E, im: 0 }, false);
const HUNDRED = fromRational(Q.rat(100n));

export function evaluate(node: Node, env: Env): Value {
  switch (node.t) {
    case "num":
      return fromRational(node.v, node.literal === "dec");
    case "var": {
      const v = env.get(node.name);
      if (!v) throw new EvaluationError(`unbound variable ${node.name}`);
      return fromRational(v);
    }
    case "const":
      if (node.name === "infty")
        return { ...make(undefined, { re: Number.POSITIVE_INFINITY, im: 0 }, false), infinite: 1 };
      return node.name === "pi" ? PI : node.name === "i" ? I : E;
    case "add":
      return addV(evaluate(node.a, env), evaluate(node.b, env));
    case "sub":
      return addV(evaluate(node.a, env), negV(evaluate(node.b, env)));
    case "pm":
      throw new EvaluationError("± has two values");
    case "neg":
      return negV(evaluate(node.x, env));
    case "mul":
      return mulV(evaluate(node.a, env), evaluate(node.b, env));
    case "div":
      return divV(evaluate(node.a, env), evaluate(node.b, env));
    case "pow":
      return powV(evaluate(node.a, env), evaluate(node.b, env));
    case "root":
      return powV(evaluate(node.x, env), divV(fromRational(Q.ONE), evaluate(node.index, env)));
    case "fact":
      return factorial(evaluate(node.x, env));
    case "percent":
      return divV(evaluate(node.x, env), HUNDRED);
    case "abs":
      return absV(evaluate(node.x, env));
    case "binom":
      return binom(evaluate(node.a, env), evaluate(node.b, env));
    case "fn":
      return applyFunction(node.name, evaluate(node.x, env), node.base && evaluate(node.base, env));
    case "bigop":
      return bigOperator(node, env);
  }
}

/** `pi^k` as an exact value: a tag no answer's own terms reach, so that tagged parts cannot mix. */
const piPower = (k: number): Value =>
  make([{ c: Q.ONE, rad: 1n, pi: k, im: 0 }], { re: Math.PI ** k, im: 0 }, false);

/** Integer values of a sum's index at which its body is evaluated (the index runs over integers). */
const INDEX_VALUES = [2n, 3n, 5n, 7n];

/**
 * A sum or product with symbolic bounds cannot be computed; it is encoded exactly as its body at the index values
 * 2, 3, 5, 7 (times pi^100, pi^130, pi^160, pi^190) plus its bounds (pi^220, pi^280) and tags for which bounds are
 * given, the operator and the index name, so two such answers are equal only when their operator, index, bounds and
 * body are. Anything inexact is not comparable.
 */
function bigOperator(node: Extract<Node, { t: "bigop" }>, env: Env): Value {
  const parts: Value[] = INDEX_VALUES.map((k, j) => {
    const at = new Map(env);
    if (node.index) at.set(node.index, Q.rat(k));
    return mulV(evaluate(node.body, at), piPower(100 + 30 * j));
  });
  if (node.lo) parts.push(mulV(evaluate(node.lo, env), piPower(220)), piPower(250));
  if (node.hi) parts.push(mulV(evaluate(node.hi, env), piPower(280)), piPower(310));
  if (node.op === "prod") parts.push(piPower(340));
  if (node.index) parts.push(mulV(fromRational(Q.rat(BigInt(node.index.charCodeAt(0)))), piPower(370)));
  if (parts.some((v) => !v.exact || v.decimal)) throw new EvaluationError("inexact sum");
  return parts.reduce(addV);
}

/** The variables a tree uses, in first-seen order. */
export function variablesOf(node: Node, out: Set<string> = new Set()): Set<string> {
  if (node.t === "var") out.add(node.name);
  for (const child of Object.values(node)) {
    if (child && typeof child === "object" && "t" in child) variablesOf(child as Node, out);
  }
  return out;
}

const REL_TOL = 1e-9;

/**
 * Exact values compare exactly. Otherwise floats compare within a relative tolerance (no absolute one), except that a
 * value containing a decimal literal never matches an inexact value: it is an approximation.
 */
export function valuesEqual(a: Value, b: Value): boolean {
  if (a.infinite || b.infinite) return a.infinite === b.infinite;
  if (a.exact && b.exact) {
    return (
      a.exact.length === b.exact.length &&
      a.exact.every((t, k) => key(t) === key(b.exact![k]!) && Q.ratEq(t.c, b.exact![k]!.c))
    );
  }
  // Floats are only trusted for exact inputs forced through irrational functions; a decimal literal is an approximation.
  if (a.decimal || b.decimal) return false;
  const { re: ar, im: ai } = a.approx;
  const { re: br, im: bi } = b.approx;
  if (![ar, ai, br, bi].every(Number.isFinite)) return false;
  const diff = Math.hypot(ar - br, ai - bi);
  return diff <= REL_TOL * Math.max(Math.hypot(ar, ai), Math.hypot(br, bi));
}
