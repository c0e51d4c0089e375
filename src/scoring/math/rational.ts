/** Exact rationals on native BigInt, always kept in lowest terms with a positive denominator. */
export interface Rational {
  readonly n: bigint;
  readonly d: bigint;
}

/** Numbers beyond this many bits are not computed exactly (bounds the work on adversarial inputs). */
export const MAX_BITS = 4096;

export class TooBigError extends Error {}

function gcd(a: bigint, b: bigint): bigint {
  let x = a < 0n ? -a : a;
  let y = b < 0n ? -b : b;
  while (y !== 0n) {
    [x, y] = [y, x % y];
  }
  return x;
}

export function bitLength(a: bigint): number {
  return (a < 0n ? -a : a).toString(16).length * 4;
}

/** Builds n/d from parts already known to be coprime; only the sign and the size are checked. */
function reduced(n: bigint, d: bigint): Rational {
  if (bitLength(n) > MAX_BITS || bitLength(d) > MAX_BITS) throw new TooBigError("number too large");
  return d < 0n ? { n: -n, d: -d } : { n, d };
}

export function rat(n: bigint, d = 1n): Rational {
  if (d === 0n) throw new RangeError("division by zero");
  if (d === 1n) return reduced(n, d);
  const g = gcd(n, d) || 1n;
  return reduced(n / g, d / g);
}

export const ZERO = rat(0n);
export const ONE = rat(1n);

export const isZero = (a: Rational): boolean => a.n === 0n;
export const isInteger = (a: Rational): boolean => a.d === 1n;
export const ratEq = (a: Rational, b: Rational): boolean => a.n === b.n && a.d === b.d;
export const neg = (a: Rational): Rational => ({ n: -a.n, d: a.d });

// Cross-cancelling keeps every gcd between a big and a (usually) small number, which is cheap (Knuth 4.5.1).
export function add(a: Rational, b: Rational): Rational {
  const g = gcd(a.d, b.d);
  if (g === 1n) return reduced(a.n * b.d + b.n * a.d, a.d * b.d);
  const t = a.n * (b.d / g) + b.n * (a.d / g);
  const g2 = gcd(t, g) || 1n;
  return reduced(t / g2, (a.d / g) * (b.d / g2));
}
export const sub = (a: Rational, b: Rational): Rational => add(a, neg(b));
export function mul(a: Rational, b: Rational): Rational {
  const g1 = gcd(a.n, b.d) || 1n;
  const g2 = gcd(b.n, a.d) || 1n;
  return reduced((a.n / g1) * (b.n / g2), (a.d / g2) * (b.d / g1));
}
export function div(a: Rational, b: Rational): Rational {
  if (b.n === 0n) throw new RangeError("division by zero");
  return mul(a, { n: b.d, d: b.n });
}
export const cmp = (a: Rational, b: Rational): number => {
  const x = a.n * b.d - b.n * a.d;
  return x < 0n ? -1 : x > 0n ? 1 : 0;
};

export function powInt(a: Rational, e: bigint): Rational {
  if (e < 0n) return powInt(div(ONE, a), -e);
  if (a.n === 0n || a.n === a.d || e === 0n) return e === 0n ? ONE : a;
  if (a.d === 1n && a.n === -1n) return e % 2n === 0n ? ONE : a;
  const bits = Math.max(bitLength(a.n), bitLength(a.d));
  if (e > BigInt(MAX_BITS) || bits * Number(e) > MAX_BITS) throw new TooBigError("power too large");
  return reduced(a.n ** e, a.d ** e);
}

export function toNumber(a: Rational): number {
  const scale = Math.max(0, Math.max(bitLength(a.n), bitLength(a.d)) - 1000);
  if (scale === 0) return Number(a.n) / Number(a.d);
  // Both parts are huge: shift them together so the quotient survives double conversion.
  const k = BigInt(scale);
  return Number(a.n >> k) / Number(a.d >> k);
}

/** Parses a decimal literal such as "12", "0.75", ".35625" or "1.5e3" exactly (terminating decimals are rational). */
export function parseDecimal(text: string): Rational {
  const m = /^(\d*)(?:\.(\d*))?(?:e([+-]?\d+))?$/i.exec(text);
  if (!m || (m[1] === "" && (m[2] ?? "") === "")) throw new SyntaxError(`not a number: ${text}`);
  const frac = m[2] ?? "";
  const exp = Number(m[3] ?? "0") - frac.length;
  if (Math.abs(exp) > 4000 || m[1]!.length + frac.length > 4000) throw new TooBigError("literal too long");
  const digits = BigInt(`${m[1] || "0"}${frac}`);
  return exp >= 0 ? rat(digits * 10n ** BigInt(exp)) : rat(digits, 10n ** BigInt(-exp));
}

/** Integer square root of a non-negative BigInt. */
export function isqrt(n: bigint): bigint {
  if (n < 2n) return n;
  let x = BigInt(Math.floor(Math.sqrt(Number(n))));
  if (x === 0n) x = 1n;
  for (;;) {
    const y = (x + n / x) >> 1n;
    if (y >= x && x * x <= n && (x + 1n) * (x + 1n) > n) return x;
    x = y;
  }
}

const TRIAL_LIMIT = 20_000n;

/**
 * Splits n > 0 into outside^2 * inside with inside square-free, or returns undefined when n is too large to be sure
 * (a square factor above the trial-division limit could remain).
 */
export function squareFree(n: bigint): { outside: bigint; inside: bigint } | undefined {
  let outside = 1n;
  let inside = 1n;
  let rest = n;
  for (let p = 2n; p <= TRIAL_LIMIT && p * p <= rest; p += p === 2n ? 1n : 2n) {
    let k = 0;
    while (rest % p === 0n) {
      rest /= p;
      k++;
    }
    if (k >= 2) outside *= p ** BigInt(k >> 1);
    if (k % 2 === 1) inside *= p;
  }
  // rest now has no prime factor <= the limit, so below limit^3 it is 1, p, p*q or p^2.
  const r = isqrt(rest);
  if (r * r === rest) return { outside: outside * r, inside };
  if (rest > TRIAL_LIMIT ** 3n) return undefined;
  return { outside, inside: inside * rest };
}
