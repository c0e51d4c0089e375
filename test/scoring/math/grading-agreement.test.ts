/** The agreement script (perf/grading-agreement.ts) that reports a labeled set's false positives and negatives by id. */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { gradeLabeledFile, summarizeReport } from "../../../perf/grading-agreement.js";
import { tempDir } from "../../helpers/tmp.js";

const lines = (rows: unknown[]) => `${rows.map((r) => JSON.stringify(r)).join("\n")}\n`;

describe("grading agreement script", () => {
  it("counts agreement and lists false positives and false negatives by id, for pairs and responses", () => {
    const dir = tempDir();
    const pairs = join(dir, "pairs.jsonl");
    writeFileSync(
      pairs,
      lines([
        { id: "p1", gold: "\\frac12", answer: "0.5", label: true, class: "fraction" },
        { id: "p2", gold: "\\sqrt{5}", answer: "√51", label: "wrong", class: "root" },
        { id: "p3", gold: "7", answer: "8", label: "correct", class: "integer" },
      ]),
    );
    const responses = join(dir, "responses.jsonl");
    writeFileSync(
      responses,
      lines([
        { id: "r1", gold: "5", response: "So \\boxed{5}.", label: 1, class: "box" },
        { id: "r2", gold: "5", response: "So \\boxed{5}.", label: 0, class: "box" },
      ]),
    );
    const pairReport = gradeLabeledFile(pairs);
    expect(pairReport.rows.map((r) => [r.id, r.kind, r.expected, r.got])).toEqual([
      ["p1", "pair", true, true],
      ["p2", "pair", false, false],
      ["p3", "pair", true, false],
    ]);
    const pairSummary = summarizeReport(pairReport);
    expect(pairSummary[0]).toMatch(
      /3 pair, agreement 2\/3 \(66\.7%\), false positives 0, false negatives 1$/,
    );
    expect(pairSummary.slice(1)).toEqual([
      expect.stringMatching(/^ {2}false negative p3 \[integer\]: gold "7"/),
    ]);
    const responseSummary = summarizeReport(gradeLabeledFile(responses));
    expect(responseSummary[0]).toMatch(/agreement 1\/2 \(50\.0%\), false positives 1, false negatives 0$/);
    expect(responseSummary[1]).toMatch(/^ {2}FALSE POSITIVE r2 \[box\]: gold "5" extracted "5" \(boxed\)/);
  });

  it("names the file and line of a row it cannot read", () => {
    const dir = tempDir();
    const bad = join(dir, "bad.jsonl");
    writeFileSync(
      bad,
      lines([
        { id: "a", gold: "1", answer: "1", label: true },
        { id: "b", gold: "1", answer: "1", label: "maybe" },
      ]),
    );
    expect(() => gradeLabeledFile(bad)).toThrow(/bad\.jsonl:2 \(id b\): label "maybe" is not true\/false/);
    writeFileSync(bad, "{not json\n");
    expect(() => gradeLabeledFile(bad)).toThrow(/bad\.jsonl:1: invalid JSON/);
  });
});
