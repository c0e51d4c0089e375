import { describe, expect, it } from "vitest";
import {
  aggregatePersonaGym,
  bootstrapMeanInterval,
  createRng,
  type JudgeScore,
  judgeAgreementByTask,
} from "../../src/metrics/index.js";

function s(
  personaId: string,
  task: string,
  questionId: string,
  judge: string,
  score: number | null,
): JudgeScore {
  return { personaId, task, questionId, judge, score };
}

// Synthetic ids and scores only (no PersonaGym text).
const scores: JudgeScore[] = [
  s("P", "T1", "q1", "J1", 4),
  s("P", "T1", "q1", "J2", 5),
  s("P", "T1", "q2", "J1", 3),
  s("P", "T1", "q2", "J2", null),
  s("P", "T2", "q3", "J1", null),
  s("P", "T2", "q3", "J2", null),
  s("P", "T2", "q4", "J1", 2),
  s("P", "T2", "q4", "J2", 4),
  s("Q", "T1", "q1", "J1", 5),
  s("Q", "T1", "q1", "J2", 5),
  s("R", "T1", "q1", "J1", null),
  s("R", "T1", "q1", "J2", null),
];

describe("aggregatePersonaGym", () => {
  it("by hand: items, tasks, personas, model, judges and unparsed counts", () => {
    // P/T1: q1 (4 + 5)/2 = 4.5; q2 only J1 parsed -> 3; task = (4.5 + 3)/2 = 3.75
    // P/T2: q3 nobody parsed -> excluded; q4 (2 + 4)/2 = 3; task = 3
    // P = (3.75 + 3)/2 = 3.375.  Q/T1: 5 -> Q = 5.  R: its only item is excluded -> unscored.
    // model = (3.375 + 5)/2 = 4.1875; per task: T1 = (3.75 + 5)/2 = 4.375 over 2 personas, T2 = 3 over 1
    // items: P 4 + Q 1 + R 1 = 6, excluded 2 (P/q3, R/q1)
    const result = aggregatePersonaGym(scores, { seed: 9 });
    expect(result.personaScore).toBe(4.1875);
    expect(result.personas).toEqual([
      {
        personaId: "P",
        personaScore: 3.375,
        tasks: [
          { task: "T1", score: 3.75, items: 2 },
          { task: "T2", score: 3, items: 1 },
        ],
      },
      { personaId: "Q", personaScore: 5, tasks: [{ task: "T1", score: 5, items: 1 }] },
      { personaId: "R", personaScore: null, tasks: [] },
    ]);
    expect(result.taskScores).toEqual([
      { task: "T1", score: 4.375, personas: 2 },
      { task: "T2", score: 3, personas: 1 },
    ]);
    expect(result.unscoredPersonaIds).toEqual(["R"]);
    expect(result).toMatchObject({ items: 6, excludedItems: 2 });
    expect(result.interval).toEqual(bootstrapMeanInterval([3.375, 5], { seed: 9 }));

    // J1 alone: P/T1 (4 + 3)/2 = 3.5, P/T2 2 -> P = 2.75; Q = 5; model (2.75 + 5)/2 = 3.875
    // J2 alone: P/T1 5 (q2 unparsed), P/T2 4 -> P = 4.5; Q = 5; model 4.75
    expect(result.judges.map((j) => [j.judge, j.personaScore])).toEqual([
      ["J1", 3.875],
      ["J2", 4.75],
    ]);
    // J1/T1: R/q1 null -> 1 of 4; J1/T2: P/q3 -> 1 of 2; J2/T1: P/q2, R/q1 -> 2 of 4; J2/T2: P/q3 -> 1 of 2
    expect(result.unparsed).toEqual([
      { judge: "J1", task: "T1", unparsed: 1, total: 4 },
      { judge: "J1", task: "T2", unparsed: 1, total: 2 },
      { judge: "J2", task: "T1", unparsed: 2, total: 4 },
      { judge: "J2", task: "T2", unparsed: 1, total: 2 },
    ]);
  });

  it("with everything parsed, equals the original code's batch-wise order of averaging", () => {
    // Original: batch score per judge = mean of its 5 items; batch = mean over judges; task = mean over 2 batches;
    // PersonaScore = mean over 5 tasks; model = mean over personas.
    const rng = createRng(17);
    const all: JudgeScore[] = [];
    const tasks = ["A", "B", "C", "D", "E"];
    const judges = ["J1", "J2"];
    const expectedPersona: number[] = [];
    for (let p = 0; p < 6; p++) {
      const taskScores: number[] = [];
      for (const task of tasks) {
        const batchScores: number[] = [];
        for (let batch = 0; batch < 2; batch++) {
          const judgeBatchMeans = judges.map((judge) => {
            let sum = 0;
            for (let q = 0; q < 5; q++) {
              const score = 1 + rng.nextInt(5);
              sum += score;
              all.push(s(`p${p}`, task, `q${batch * 5 + q}`, judge, score));
            }
            return sum / 5;
          });
          batchScores.push((judgeBatchMeans[0]! + judgeBatchMeans[1]!) / 2);
        }
        taskScores.push((batchScores[0]! + batchScores[1]!) / 2);
      }
      expectedPersona.push(taskScores.reduce((a, b) => a + b, 0) / 5);
    }
    const result = aggregatePersonaGym(all);
    result.personas.forEach((persona, i) => {
      expect(persona.personaScore).toBeCloseTo(expectedPersona[i]!, 12);
    });
    expect(result.personaScore).toBeCloseTo(expectedPersona.reduce((a, b) => a + b, 0) / 6, 12);
    expect(result.excludedItems).toBe(0);
  });

  it("is null, not a number, when nothing parsed", () => {
    const result = aggregatePersonaGym([s("P", "T", "q", "J", null)]);
    expect(result).toMatchObject({
      personaScore: null,
      interval: null,
      unscoredPersonaIds: ["P"],
      excludedItems: 1,
    });
  });

  it("rejects out-of-range scores (e.g. the original's 0 for unparsed), duplicates and empty ids", () => {
    expect(() => aggregatePersonaGym([s("P", "T", "q", "J", 0)])).toThrow(/scores\[0\]\.score/);
    expect(() => aggregatePersonaGym([s("P", "T", "q", "J", 5.5)])).toThrow(RangeError);
    expect(() => aggregatePersonaGym([s("P", "T", "q", "J", 3), s("P", "T", "q", "J", 4)])).toThrow(
      /scores\[1\] repeats judge "J"/,
    );
    expect(() => aggregatePersonaGym([s("P", "", "q", "J", 3)])).toThrow(/scores\[0\]\.task/);
    expect(() => aggregatePersonaGym([])).toThrow(/must not be empty/);
  });
});

describe("judgeAgreementByTask", () => {
  it("by hand on the fixture", () => {
    // T1 units: P/q1 [4,5], P/q2 [3,-], Q/q1 [5,5], R/q1 [-,-] -> pairable [4,5], [5,5]: values 4,5,5,5, n = 4
    //   observed: unit [4,5] -> 2 * (2 * 41 - 81) / 1 = 2; unit [5,5] -> 0; sum 2
    //   expected = 2 (4 * 91 - 19^2) = 2 (364 - 361) = 6; alpha = 1 - (4 - 1) * 2 / 6 = 0
    //   Spearman over both-parsed pairs (4,5), (5,5): J2 constant -> null
    // T2 units: P/q3 [-,-], P/q4 [2,4] -> n = 2, observed 2 * (2*20 - 36) = 8, expected 8 -> alpha = 1 - 1 * 8/8 = 0
    expect(judgeAgreementByTask(scores)).toEqual([
      { task: "T1", judges: ["J1", "J2"], alpha: 0, pairableItems: 2, spearman: null, spearmanPairs: 2 },
      { task: "T2", judges: ["J1", "J2"], alpha: 0, pairableItems: 1, spearman: null, spearmanPairs: 1 },
    ]);
  });

  it("two judges that order items alike; three judges give alpha only", () => {
    // J1 = [1, 3, 5], J2 = [2, 3, 4] on 3 items: Spearman 1.
    // alpha: units [1,2], [3,3], [5,4]; observed 2 + 0 + 2 = 4; sum 18, sum sq 64 -> expected 2 (6*64 - 324) = 120
    // alpha = 1 - 5 * 4 / 120 = 5/6
    const two = [1, 3, 5].flatMap((v, i) => [
      s("P", "T", `q${i}`, "J1", v),
      s("P", "T", `q${i}`, "J2", [2, 3, 4][i]!),
    ]);
    const [agreement] = judgeAgreementByTask(two);
    expect(agreement!.spearman).toBe(1);
    expect(agreement!.alpha).toBeCloseTo(5 / 6, 14);
    const three = [...two, s("P", "T", "q0", "J3", 1)];
    expect(judgeAgreementByTask(three)[0]).toMatchObject({
      judges: ["J1", "J2", "J3"],
      spearman: null,
      spearmanPairs: 0,
    });
  });
});
