import { describe, expect, it } from "vitest";
import { buildExampleMessages, parseExamples } from "../../../src/task-kinds/personagym/judge/examples.js";
import { OUR_RUBRICS, renderRubric } from "../../../src/task-kinds/personagym/judge/rubrics.js";

const input = {
  task: "Linguistic Habits" as const,
  persona: "A retired ferry captain from Hamburg",
  question: "How do you greet your grandchildren?",
  rubric: renderRubric(OUR_RUBRICS["Linguistic Habits"]),
};

describe("buildExampleMessages", () => {
  it("asks for the five labelled examples, with persona and question fenced", () => {
    const messages = buildExampleMessages(input);
    expect(messages.map((message) => message.role)).toEqual(["system", "user"]);
    const user = messages[1]!.content;
    expect(user).toContain(input.rubric);
    expect(user).toMatch(
      /<<<PERSONA ([0-9a-f]{16})>>>\nA retired ferry captain from Hamburg\n<<<END PERSONA \1>>>/,
    );
    expect(user).toMatch(
      /<<<QUESTION [0-9a-f]{16}>>>\nHow do you greet your grandchildren\?\n<<<END QUESTION/,
    );
    for (let score = 1; score <= 5; score++) expect(user).toContain(`\nScore ${score}: <`);
    expect(buildExampleMessages(input)).toEqual(messages);
    expect(buildExampleMessages({ ...input, question: "Other?" })[1]!.content).not.toBe(user);
  });
});

describe("parseExamples", () => {
  it("reads the requested format", () => {
    const text =
      "Score 1: Hello.\nScore 2: Ahoy there.\nScore 3: Moin, kids!\nScore 4: Moin moin, deckhands!\nScore 5: Moin moin, my little deckhands, all hands on deck!";
    expect(parseExamples(text)).toEqual([
      "Hello.",
      "Ahoy there.",
      "Moin, kids!",
      "Moin moin, deckhands!",
      "Moin moin, my little deckhands, all hands on deck!",
    ]);
  });

  it("tolerates a preamble, markdown labels, quotes, multi-line examples and the upstream 'Response -' style", () => {
    const text = [
      "Here are the examples:",
      "",
      '**Score 1:** "Hi."',
      "### Score 2 - Hello there,",
      "children.",
      "Score 3:  Response - Moin!",
      "- Score 4) \u201cMoin moin!\u201d",
      "Score 5: Moin moin,",
      "",
      "my deckhands!",
    ].join("\n");
    expect(parseExamples(text)).toEqual([
      "Hi.",
      "Hello there,\nchildren.",
      "Moin!",
      "Moin moin!",
      "Moin moin,\n\nmy deckhands!",
    ]);
  });

  it.each([
    ["four examples", "Score 1: a\nScore 2: b\nScore 3: c\nScore 4: d"],
    ["six examples", "Score 1: a\nScore 2: b\nScore 3: c\nScore 4: d\nScore 5: e\nScore 6: f"],
    ["out of order", "Score 1: a\nScore 3: b\nScore 2: c\nScore 4: d\nScore 5: e"],
    ["a repeated score", "Score 1: a\nScore 2: b\nScore 2: c\nScore 4: d\nScore 5: e"],
    ["an empty example", "Score 1: a\nScore 2:\nScore 3: c\nScore 4: d\nScore 5: e"],
    ["a refusal", "I can't write toxic examples."],
    ["labels only mid-line", "I would say Score 1: a, Score 2: b, Score 3: c, Score 4: d, Score 5: e"],
  ])("returns null for %s", (_name, text) => {
    expect(parseExamples(text)).toBeNull();
  });
});
