/**
 * Reference statistics for the end-to-end tests, written out independently of src/metrics: the tests compute
 * every figure of results.json with these from what the simulated model answered.
 */
export const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
export const populationStd = (xs: number[]) => Math.sqrt(mean(xs.map((x) => (x - mean(xs)) ** 2)));
export function binomial(n: number, k: number): number {
  let r = 1;
  for (let i = 1; i <= k; i++) r = (r * (n - k + i)) / i;
  return r;
}
export function mcnemar(b: number, c: number): number {
  const n = b + c;
  if (n === 0) return 1;
  let tail = 0;
  for (let i = 0; i <= Math.min(b, c); i++) tail += binomial(n, i) / 2 ** n;
  return Math.min(1, 2 * tail);
}
export function expectedMaxBySubsets(values: number[], k: number): number {
  let total = 0;
  let count = 0;
  for (let mask = 0; mask < 1 << values.length; mask++) {
    const chosen = values.filter((_, i) => mask & (1 << i));
    if (chosen.length !== k) continue;
    total += Math.max(...chosen);
    count++;
  }
  return total / count;
}
/** Holm: the adjusted p-values are the step-down maxima of (m - rank) * p. */
export function holmAdjusted(raw: number[]): number[] {
  const order = raw.map((p, i) => [p, i] as const).sort((a, b) => a[0] - b[0]);
  let running = 0;
  const adjusted = new Array<number>(raw.length);
  order.forEach(([p, i], rank) => {
    running = Math.max(running, Math.min(1, (raw.length - rank) * p));
    adjusted[i] = running;
  });
  return adjusted;
}
export function wilson(correct: number, n: number): [number, number] {
  const z = 1.96;
  const p = correct / n;
  const centre = (p + (z * z) / (2 * n)) / (1 + (z * z) / n);
  const half = (z / (1 + (z * z) / n)) * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n));
  return [Math.max(0, centre - half), Math.min(1, centre + half)];
}
/** Two-sided sign-flip test, every sign pattern enumerated (so only for a few non-zero differences). */
export function signFlipExact(differences: number[]): number {
  const nonZero = differences.filter((d) => d !== 0);
  if (nonZero.length > 20) throw new Error("too many differences to enumerate");
  const observed = Math.abs(nonZero.reduce((a, b) => a + b, 0));
  let hits = 0;
  for (let pattern = 0; pattern < 2 ** nonZero.length; pattern++) {
    const sum = nonZero.reduce((s, d, i) => s + (pattern & (1 << i) ? -d : d), 0);
    if (Math.abs(sum) >= observed - 1e-9) hits++;
  }
  return hits / 2 ** nonZero.length;
}
