import type { Scorer } from "../../../src/scoring/scorer.js";

/** An answer counts when its trimmed text is the word; stored per generation like any scorer's verdicts. */
export const echoScorer: Scorer<string, { echoed: boolean }> = {
  id: "echo-exact@1",
  score: async (generation, word) => ({ echoed: generation.text.trim() === word }),
};
