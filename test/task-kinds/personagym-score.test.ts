/**
 * PersonaGym's judge replies go through the scorer stage: each judge generation's parsed score (or why it could not
 * be parsed) is stored under the judge scorer's versioned id, and the verdicts a section is built from are read
 * back from those stored scores.
 */
import { afterEach, describe, expect, it } from "vitest";
import { scoreGenerations } from "../../src/runner/score-stage.js";
import { Store } from "../../src/store/store.js";
import { JUDGE_PROMPT_VERSION } from "../../src/task-kinds/personagym/judge/index.js";
import type { PersonaGymWorkItem } from "../../src/task-kinds/personagym/plan.js";
import {
  judgeTargets,
  PERSONAGYM_JUDGE_SCORER,
  personaGymJudgeScorer,
  storedJudgements,
} from "../../src/task-kinds/personagym/score.js";
import { storedGeneration } from "../helpers/stored-generation.js";

const judgeItem = (key: string, questionId: string) =>
  ({ key, itemId: questionId, personaId: "p1", sample: 0 }) as PersonaGymWorkItem;

describe("the PersonaGym judge scorer", () => {
  let store: Store | undefined;
  afterEach(() => store?.close());

  it("stores each judgement's parsed score or unparsed reason per judge generation, once per version", async () => {
    store = Store.open(":memory:");
    store.addGeneration(storedGeneration("k1", "The answer stays in character.\nFinal score: 4"));
    store.addGeneration(storedGeneration("k2", "I cannot judge this."));
    const items = [judgeItem("k1", "q1"), judgeItem("k2", "q2"), judgeItem("k3", "q3")];

    expect(PERSONAGYM_JUDGE_SCORER).toBe(`personagym-judge@${JUDGE_PROMPT_VERSION}`);
    expect(await scoreGenerations(store, personaGymJudgeScorer, judgeTargets(items))).toBe(2);
    expect(store.getScores(["k1", "k2", "k3"], PERSONAGYM_JUDGE_SCORER)).toEqual(
      new Map([
        ["k1", { score: 4 }],
        ["k2", { unparsed: "refused (no final score)" }],
      ]),
    );
    // What the section is built from: the stored score, null when unparsed, absent without a reply.
    expect(storedJudgements(store, items)).toEqual(
      new Map([
        ["q1", 4],
        ["q2", null],
      ]),
    );
    // Scored already under this version: nothing to do.
    expect(await scoreGenerations(store, personaGymJudgeScorer, judgeTargets(items))).toBe(0);
    // A new parser version scores every reply again, keeping the older scores.
    const upgraded = { ...personaGymJudgeScorer, id: `${PERSONAGYM_JUDGE_SCORER}-next` };
    expect(await scoreGenerations(store, upgraded, judgeTargets(items))).toBe(2);
    expect(store.getScores(["k1", "k2"], PERSONAGYM_JUDGE_SCORER).size).toBe(2);
  });
});
