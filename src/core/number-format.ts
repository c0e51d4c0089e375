/** Number formats shared by every human-readable view (summary.md, the terminal), so they never disagree. */

/** A share as a percentage with one decimal; "n/a" when there is none. */
export function pct(x: number | null): string {
  return x === null ? "n/a" : `${(x * 100).toFixed(1)}%`;
}

/** A difference of shares in percentage points, always signed. */
export function signedPoints(x: number): string {
  return `${x >= 0 ? "+" : ""}${(x * 100).toFixed(1)}`;
}

export function pValueText(p: number | null): string {
  return p === null ? "" : p < 0.001 ? "<0.001" : p.toFixed(3);
}

/** A 1-5 judge score with two decimals; "n/a" when there is none. */
export function scoreText(x: number | null): string {
  return x === null ? "n/a" : x.toFixed(2);
}
