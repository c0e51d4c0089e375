import type { ScoreTarget } from "../../runner/score-stage.js";
import { type Scorer, scorerId } from "../../scoring/scorer.js";
import type { Store } from "../../store/store.js";
import { JUDGE_PROMPT_VERSION, parseVerdict, type Verdict } from "./judge/index.js";
import type { PersonaGymWorkItem } from "./plan.js";

/**
 * Parsed judgements are stored per judge generation under the judge prompt's version (which covers the parser:
 * see judge/index.ts), so a parser upgrade re-scores cached judge replies without asking a judge again.
 */
export const PERSONAGYM_JUDGE_SCORER = scorerId("personagym-judge", JUDGE_PROMPT_VERSION);

/** A judge reply's score 1-5, or why it could not be read (`{ unparsed: reason }`). */
export type StoredJudgement = Verdict;

/** Reads the score a judge gave; the item needs nothing beyond the reply. */
export const personaGymJudgeScorer: Scorer<null, StoredJudgement> = {
  id: PERSONAGYM_JUDGE_SCORER,
  score: async (generation) => parseVerdict(generation.text),
};

/** A judge plan's generations as targets of the judge scorer. */
export function* judgeTargets(items: Iterable<PersonaGymWorkItem>): Generator<ScoreTarget<null>> {
  for (const item of items) yield { key: item.key, item: null };
}

const READ_CHUNK = 500;

/**
 * The stored judgements of these judge items by question id: the score, or null when the reply could not be
 * parsed; questions without a stored judgement (no reply yet, or failed) are absent.
 */
export function storedJudgements(
  store: Pick<Store, "getScores">,
  items: Iterable<PersonaGymWorkItem>,
): Map<string, number | null> {
  const verdicts = new Map<string, number | null>();
  let chunk: PersonaGymWorkItem[] = [];
  const flush = () => {
    const found = store.getScores<StoredJudgement>(
      chunk.map((item) => item.key),
      PERSONAGYM_JUDGE_SCORER,
    );
    for (const item of chunk) {
      const judgement = found.get(item.key);
      if (judgement !== undefined) verdicts.set(item.itemId, "score" in judgement ? judgement.score : null);
    }
    chunk = [];
  };
  for (const item of items) {
    chunk.push(item);
    if (chunk.length === READ_CHUNK) flush();
  }
  flush();
  return verdicts;
}
