/** Leaderboards from results.json files: collect, group by comparability, rank, render. */
export { buildLeaderboard, comparabilityKey, modelKey, UnknownSortError } from "./build.js";
export { collectInputs, type LoadedRun } from "./collect.js";
export { leaderboardCsv, leaderboardMarkdown, leaderboardTerminal } from "./render.js";
export * from "./types.js";
export { LeaderboardValidationError, validateLeaderboard } from "./validate.js";
export { writeLeaderboard } from "./write.js";
