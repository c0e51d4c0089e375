import { pct, scoreText } from "../core/number-format.js";
import { cellInterval, cellValue } from "./build.js";
import type { LeaderboardColumn, LeaderboardRow } from "./types.js";

/** A leaderboard cell as people read it (Markdown, HTML, terminal): the same text everywhere. */
export function cellText(row: LeaderboardRow, column: LeaderboardColumn): string {
  const value = cellValue(row, column);
  if (column.id === "rank") return value === null ? "–" : String(value);
  if (typeof value === "string") return value;
  return numberText(value, column.unit);
}

export function numberText(value: number | null, unit: LeaderboardColumn["unit"]): string {
  if (value === null) return "n/a";
  switch (unit) {
    case "proportion":
      return pct(value);
    case "points":
      return `${(value * 100).toFixed(1)} pts`;
    case "ratio":
      return value.toFixed(3);
    case "score":
      return scoreText(value);
    default:
      return String(value);
  }
}

/** The cell's 95% interval as "lo–hi", or "" when the figure has none. */
export function intervalText(row: LeaderboardRow, column: LeaderboardColumn): string {
  const ci = cellInterval(row, column);
  return ci ? `${numberText(ci[0], column.unit)}–${numberText(ci[1], column.unit)}` : "";
}

/** "complete", or what the reader must know about a row that is not ranked. */
export function statusNote(row: LeaderboardRow): string {
  return row.status === "complete" ? "" : `${row.status}, not ranked`;
}

/** The model as shown: its name, and a short digest to tell apart two builds with one name. */
export function modelText(row: LeaderboardRow): string {
  return row.model.digest ? `${row.model.name} (${shortDigest(row.model.digest)})` : row.model.name;
}

export function shortDigest(digest: string): string {
  return digest.replace(/^sha256:/, "").slice(0, 12);
}
