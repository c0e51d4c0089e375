/** Compares two single math expressions: exactly when possible, at random rational points when they have variables. */
import { EvaluationError, evaluate, type Value, valuesEqual, variablesOf } from "./evaluate.js";
import { type Node, ParseError, parseMath } from "./parse.js";
import { type Rational, rat, TooBigError } from "./rational.js";

/** Points with distinct primes, so that different polynomials rarely agree by chance at all of them. */
const SAMPLE_POINTS: readonly (readonly [bigint, bigint])[] = [
  [7n, 3n],
  [-11n, 5n],
  [13n, 17n],
  [-19n, 7n],
  [23n, 29n],
  [31n, 11n],
  [-37n, 13n],
  [41n, 43n],
  [3n, 53n],
  [-59n, 19n],
  [61n, 31n],
  [67n, 71n],
];
const POINTS_NEEDED = 3;

export function tryParse(src: string): Node | undefined {
  try {
    return parseMath(src);
  } catch (e) {
    if (
      e instanceof ParseError ||
      e instanceof SyntaxError ||
      e instanceof TooBigError ||
      e instanceof RangeError
    ) {
      return undefined;
    }
    throw e;
  }
}

export function tryEvaluate(node: Node, env: ReadonlyMap<string, Rational>): Value | undefined {
  try {
    return evaluate(node, env);
  } catch (e) {
    if (e instanceof EvaluationError || e instanceof TooBigError || e instanceof RangeError) return undefined;
    throw e;
  }
}

/** Environments for the variables of both trees: one fixed rational per variable and point. */
export function* sampleEnvironments(vars: readonly string[]): Generator<Map<string, Rational>> {
  for (let p = 0; p < SAMPLE_POINTS.length; p++) {
    const env = new Map<string, Rational>();
    vars.forEach((name, k) => {
      const [n, d] = SAMPLE_POINTS[(p + 5 * k) % SAMPLE_POINTS.length]!;
      env.set(name, rat(n + BigInt(k), d));
    });
    yield env;
  }
}

export function sortedVariables(...nodes: Node[]): string[] {
  const all = new Set<string>();
  for (const n of nodes) variablesOf(n, all);
  return [...all].sort();
}

/**
 * True when `test(envValues)` holds at enough sample points. Points where either side cannot be evaluated (a pole,
 * a log of a negative) are skipped; if too few remain the answer is "not equal".
 */
export function agreeAtPoints(nodes: Node[], test: (values: Value[]) => boolean): boolean {
  const vars = sortedVariables(...nodes);
  const needed = vars.length === 0 ? 1 : POINTS_NEEDED;
  let agreed = 0;
  for (const env of sampleEnvironments(vars)) {
    const values = nodes.map((n) => tryEvaluate(n, env));
    if (values.every((v): v is Value => v !== undefined)) {
      if (!test(values)) return false;
      if (++agreed >= needed) return true;
    } else if (vars.length === 0) {
      return false;
    }
  }
  return false;
}

export function nodesEqual(a: Node, b: Node): boolean {
  return agreeAtPoints([a, b], ([x, y]) => valuesEqual(x!, y!));
}

export function expressionsEqual(gold: string, pred: string): boolean {
  const a = tryParse(gold);
  const b = tryParse(pred);
  return a !== undefined && b !== undefined && nodesEqual(a, b);
}
