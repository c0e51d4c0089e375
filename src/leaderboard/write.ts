import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { leaderboardHtml } from "../report/html/leaderboard-page.js";
import { leaderboardCsv, leaderboardMarkdown } from "./render.js";
import type { Leaderboard } from "./types.js";
import { validateLeaderboard } from "./validate.js";

/**
 * Writes leaderboard.{md,csv,json,html} into `outDir`; the JSON is validated against its schema first. Each file
 * goes to a temporary name and is renamed, so a reader never sees half a file.
 */
export async function writeLeaderboard(outDir: string, board: Leaderboard): Promise<string[]> {
  validateLeaderboard(board);
  const files: [string, string][] = [
    ["leaderboard.md", leaderboardMarkdown(board)],
    ["leaderboard.csv", leaderboardCsv(board)],
    ["leaderboard.json", `${JSON.stringify(board, null, 2)}\n`],
    ["leaderboard.html", await leaderboardHtml(board)],
  ];
  mkdirSync(outDir, { recursive: true });
  for (const [name, content] of files) {
    const target = join(outDir, name);
    writeFileSync(`${target}.tmp`, content);
    renameSync(`${target}.tmp`, target);
  }
  return files.map(([name]) => join(outDir, name));
}
