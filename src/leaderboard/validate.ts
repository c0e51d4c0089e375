import { getValidator } from "../config/schemas.js";
import type { Leaderboard } from "./types.js";

/** leaderboard.json would not match its schema: a bug in persona-bench, never the user's input. */
export class LeaderboardValidationError extends Error {
  override readonly name = "LeaderboardValidationError";
}

/** Checks a leaderboard against schemas/leaderboard.schema.json before it is written. */
export function validateLeaderboard(board: unknown): asserts board is Leaderboard {
  const validate = getValidator("leaderboard");
  if (!validate(board)) {
    const error = validate.errors?.[0];
    throw new LeaderboardValidationError(
      `leaderboard does not match schemas/leaderboard.schema.json: ${error?.instancePath || "/"} ${error?.message ?? ""}`.trim(),
    );
  }
}
