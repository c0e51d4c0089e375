import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { grade, isEquivalent } from "../../../src/scoring/math/index.js";
import { fixturesDir } from "../../helpers/paths.js";

/** A labeled pair of fixtures/grading: is `pred` equal to `gold`? */
export interface PairCase {
  gold: string;
  pred: string;
  equal: boolean;
  why: string;
  /** The answer form it exercises (recall sets; `trap:<form>` for look-alikes that differ). */
  form?: string;
  /** "silent": the policy does not decide this pair (independent set). */
  policy?: "silent";
  /** Added after the blind commit, as a regression for a bug the check found. */
  added?: "phase2";
}

/** A labeled whole response: is its extracted answer found, and correct against `gold`? */
export interface ResponseCase {
  gold: string;
  response: string;
  correct: boolean;
  found: boolean;
  why: string;
  form?: string;
  policy?: "silent";
  added?: "phase2";
}

/** Rows of fixtures/grading/<name>, each checked for the fields the set promises (named by line when missing). */
export function readGradingJsonl<T>(name: string, required: readonly (keyof T)[] = []): T[] {
  return readFileSync(resolve(fixturesDir, "grading", name), "utf8")
    .split("\n")
    .map((line, i) => ({ line, n: i + 1 }))
    .filter(({ line }) => line.trim())
    .map(({ line, n }) => {
      const row = JSON.parse(line) as T;
      const missing = required.find((k) => row[k] === undefined);
      if (missing !== undefined) throw new Error(`${name}:${n}: missing field "${String(missing)}"`);
      return row;
    });
}

/** Each pair the grader does not judge as labeled, named as a false negative or a FALSE POSITIVE. */
export function pairDisagreements(pairs: readonly PairCase[]): string[] {
  return pairs
    .filter((p) => isEquivalent(p.gold, p.pred) !== p.equal)
    .map((p) => `${p.equal ? "false negative" : "FALSE POSITIVE"}: ${p.gold} vs ${p.pred} (${p.why})`);
}

/** Each response whose `found` or `correct` from grade() differs from its label. */
export function responseDisagreements(responses: readonly ResponseCase[]): string[] {
  return responses.flatMap((r) => {
    const got = grade(r.gold, r.response);
    if (got.found === r.found && got.correct === r.correct) return [];
    return [
      `${JSON.stringify(r.response)}: expected found=${r.found} correct=${r.correct}, got found=${got.found} ` +
        `correct=${got.correct} extracted=${JSON.stringify(got.extracted)} (${r.why})`,
    ];
  });
}

/** The fields every labeled pair and every labeled response must have. */
export const PAIR_FIELDS: readonly (keyof PairCase)[] = ["gold", "pred", "equal", "why"];
export const RESPONSE_FIELDS: readonly (keyof ResponseCase)[] = [
  "gold",
  "response",
  "correct",
  "found",
  "why",
];
