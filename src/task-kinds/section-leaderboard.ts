import type { TaskSection } from "../results/types.js";

/** The leaderboard's view of one kind of section. Filled in by the leaderboard's move onto the registry. */
// biome-ignore lint/correctness/noUnusedVariables: the section type is used once the leaderboard's members land
export type SectionLeaderboard<S extends TaskSection = TaskSection> = {};
