/**
 * Fencing for text that goes into a judge or examples prompt. Answers (and generated examples) are written by the
 * models under test and may try to steer the judge: imitate our fence markers, open code fences, or announce a
 * score in the exact phrase the verdict parser looks for. Such text is rewritten visibly before it is fenced, so a
 * judge that quotes it cannot produce a second verdict by accident.
 */

import { sha256Hex } from "../../core/canonical.js";

/** The phrase a judge must end with; verdict.ts parses it. */
export const SCORE_PHRASE = "Therefore, the final score is";

/**
 * Rewrites what could pass for our markers, a code fence, the score phrase or a JSON score:
 * runs of 3+ `<` or `>` become single guillemets, runs of 3+ backticks or tildes become apostrophes or hyphens,
 * "final score" becomes "final (score)", and a JSON key `"score":` loses its double quotes.
 */
export function neutralizeUntrusted(text: string): string {
  return text
    .replace(/<{3,}/g, (run) => "\u2039".repeat(run.length))
    .replace(/>{3,}/g, (run) => "\u203a".repeat(run.length))
    .replace(/`{3,}/g, (run) => "'".repeat(run.length))
    .replace(/~{3,}/g, (run) => "-".repeat(run.length))
    .replace(/(final[\s*_]*)(score)/gi, "$1($2)")
    .replace(/"(score)"(\s*:)/gi, "'$1'$2");
}

/**
 * A marker id derived from everything that goes into one prompt, so the same inputs always give the same prompt
 * (and cache key) while no text can predict the id of the prompt it is part of.
 */
export function fenceNonce(parts: readonly (string | null | readonly string[])[]): string {
  return sha256Hex(JSON.stringify(parts)).slice(0, 16);
}

/** `<<<LABEL nonce>>>` on its own line, the neutralised text, then `<<<END LABEL nonce>>>`. */
export function fence(label: string, nonce: string, text: string): string {
  return `<<<${label} ${nonce}>>>\n${neutralizeUntrusted(text)}\n<<<END ${label} ${nonce}>>>`;
}
