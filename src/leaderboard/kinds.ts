import { sectionKindFor } from "../task-kinds/registry.js";
import { registeredSectionKinds } from "../task-kinds/section-kinds.js";
import type { SectionLeaderboard } from "../task-kinds/section-leaderboard.js";

/** How sections of `kind` show on the leaderboard; undefined when only their headline does. */
export function leaderboardOf(kind: string): SectionLeaderboard | undefined {
  return sectionKindFor(kind)?.leaderboard;
}

/** Every registered kind's leaderboard part, with its results kind, in registry order. */
export function leaderboardParts(): { kind: string; leaderboard: SectionLeaderboard }[] {
  return registeredSectionKinds().flatMap(({ kind, leaderboard }) =>
    leaderboard ? [{ kind, leaderboard }] : [],
  );
}
