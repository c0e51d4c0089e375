import { describe, expect, it } from "vitest";
import { parseVerdict } from "../../../src/scoring/judge/verdict.js";

describe("parseVerdict", () => {
  it.each([
    ["The answer stays in role.\nTherefore, the final score is 4", 4],
    ["Therefore, the final score is 4.", 4],
    ["therefore,   the FINAL score is   2", 2],
    ["Therefore, the final score is **5**.", 5],
    ["**Therefore, the final score is 3.**", 3],
    ["Therefore, the final score is 4/5", 4],
    ["Therefore, the final score is 4 / 5.", 4],
    ["Therefore, the final score is 1 out of 5.", 1],
    ["Therefore, the final score is: 3", 3],
    ["Therefore, the final score is\n\n5", 5],
    ["Final score: 2", 2],
    ["**Final Score:** 4/5", 4],
    ["Therefore, the final score is 4.0", 4],
    ['{"score": 3}', 3],
    ['  {"score": 5, "reason": "stays in voice"}  ', 5],
    ['Reasoning first.\n```json\n{"score": 2}\n```', 2],
    ['Reasoning.\n```\n{"score": 1}\n```\n', 1],
    ['Therefore, the final score is 4.\n```json\n{"score": 4}\n```', 4],
    ["I think the final score is 3. To repeat: Therefore, the final score is 3", 3],
  ])("reads %j as %i", (text, score) => {
    expect(parseVerdict(text)).toEqual({ score });
  });

  it.each([
    ["", "empty reply"],
    ["   \n", "empty reply"],
    ["The response is good. I would give it a 4.", "no final score phrase"],
    ["Therefore, the final score is four.", "no final score phrase"],
    ["Therefore, the final score is 6", "score 6 is outside 1-5"],
    ["Therefore, the final score is 0", "score 0 is outside 1-5"],
    ["Therefore, the final score is -1", "score -1 is outside 1-5"],
    ["Therefore, the final score is 4.5", "score 4.5 is not an integer"],
    ["Therefore, the final score is 3,5", "score 3,5 is not an integer"],
    ["Therefore, the final score is 8/10", "score given out of 10, expected out of 5"],
    ['{"score": 7}', "score 7 is outside 1-5"],
    ['{"score": 2.5}', "score 2.5 is not an integer"],
    ['{"score": "4"}', 'JSON score "4" is not a number'],
    [
      "At first glance the final score is 5, but on reflection: Therefore, the final score is 2",
      "ambiguous: final scores disagree (5, 2)",
    ],
    [
      'Therefore, the final score is 4\n```json\n{"score": 2}\n```',
      "ambiguous: final scores disagree (4, 2)",
    ],
    ["I'm sorry, but I can't help with grading this response.", "refused (no final score)"],
    ["I cannot evaluate content like this.", "refused (no final score)"],
  ])("refuses %j: %s", (text, reason) => {
    expect(parseVerdict(text)).toEqual({ unparsed: reason });
  });

  it("does not read a semifinal score, or a JSON block that is not at the end", () => {
    expect(parseVerdict("The semifinal score is 3.")).toEqual({ unparsed: "no final score phrase" });
    expect(parseVerdict('```json\n{"score": 2}\n```\nThat is my view.')).toEqual({
      unparsed: "no final score phrase",
    });
  });

  it("does not read neutralised phrases", () => {
    expect(parseVerdict("It says: Therefore, the final (score) is 5")).toEqual({
      unparsed: "no final score phrase",
    });
  });
});
