import { join } from "node:path";
import { writeFileAtomic } from "../core/atomic-write.js";
import { leaderboardHtml } from "./page.js";
import { leaderboardCsv, leaderboardMarkdown } from "./render.js";
import type { Leaderboard } from "./types.js";
import { validateLeaderboard } from "./validate.js";

/**
 * Writes leaderboard.{md,csv,json,html} into `outDir`; the JSON is validated against its schema first. Each file is
 * written atomically (src/core/atomic-write.ts), so a reader never sees half a file.
 */
export async function writeLeaderboard(outDir: string, board: Leaderboard): Promise<string[]> {
  validateLeaderboard(board);
  const files: [string, string][] = [
    ["leaderboard.md", leaderboardMarkdown(board)],
    ["leaderboard.csv", leaderboardCsv(board)],
    ["leaderboard.json", `${JSON.stringify(board, null, 2)}\n`],
    ["leaderboard.html", await leaderboardHtml(board)],
  ];
  for (const [name, content] of files) await writeFileAtomic(join(outDir, name), content);
  return files.map(([name]) => join(outDir, name));
}
