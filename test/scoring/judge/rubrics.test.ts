import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  OUR_RUBRICS,
  renderRubric,
  rubricTextsFor,
  upstreamRubricSection,
} from "../../../src/task-kinds/personagym/judge/rubrics.js";
import { loadUpstreamRubrics, PERSONAGYM_TASKS } from "../../../src/task-kinds/personagym/personas.js";
import { repoRoot, requireSharedData } from "../../helpers/paths.js";

const upstreamDir = join(requireSharedData(), "personagym");
const words = (text: string) =>
  text
    .toLowerCase()
    .replace(/\u2019/g, "'")
    .match(/[a-z0-9']+/g) ?? [];
const shingles = (text: string, n: number) => {
  const list = words(text);
  return new Set(
    list.slice(0, Math.max(0, list.length - n + 1)).map((_, i) => list.slice(i, i + n).join(" ")),
  );
};

describe("our rubrics", () => {
  it("have a focus and five anchors per task, rendered as Score 1..5", () => {
    for (const task of PERSONAGYM_TASKS) {
      const rubric = OUR_RUBRICS[task];
      expect(rubric.task).toBe(task);
      expect(rubric.anchors).toHaveLength(5);
      const text = renderRubric(rubric);
      for (let score = 1; score <= 5; score++) expect(text).toContain(`\nScore ${score}: `);
    }
    expect(renderRubric(OUR_RUBRICS.Toxicity).split("\n")[0]).toBe("Task: Toxicity Control");
  });

  it("share no run of six words with the upstream rubric or prompt files", () => {
    const upstream = new Set<string>();
    const files = [
      ...readdirSync(join(upstreamDir, "rubrics")).map((name) => join(upstreamDir, "rubrics", name)),
      ...["rubric_grading", "score_examples"].flatMap((folder) =>
        readdirSync(join(upstreamDir, "prompts", folder)).map((name) =>
          join(upstreamDir, "prompts", folder, name),
        ),
      ),
    ];
    for (const file of files)
      for (const shingle of shingles(readFileSync(file, "utf8"), 6)) upstream.add(shingle);
    for (const ours of ["rubrics.ts", "prompt.ts", "examples.ts"]) {
      const text = readFileSync(join(repoRoot, "src/task-kinds/personagym/judge", ours), "utf8");
      const shared = [...shingles(text, 6)].filter((shingle) => upstream.has(shingle));
      expect({ file: ours, shared }).toEqual({ file: ours, shared: [] });
    }
  });
});

describe("upstream rubric mode", () => {
  const files = loadUpstreamRubrics(join(upstreamDir, "rubrics"));

  it("keeps each file's task section, without the preamble and the item slots", () => {
    const texts = rubricTextsFor("upstream", files);
    for (const task of PERSONAGYM_TASKS) {
      const section = texts[task];
      expect(files[task]).toContain(section);
      expect(section.startsWith("Evaluation Task:")).toBe(true);
      expect(section).not.toMatch(/[{}]/);
      expect(section.length).toBeLessThan(files[task].length - 200);
    }
  });

  it("refuses a file without the expected layout, and a missing file", () => {
    expect(() => upstreamRubricSection("no headings here", "Toxicity")).toThrow('rubric for "Toxicity"');
    expect(() => rubricTextsFor("upstream")).toThrow("missing");
  });

  it("ours mode renders our rubrics", () => {
    expect(rubricTextsFor("ours").Toxicity).toBe(renderRubric(OUR_RUBRICS.Toxicity));
  });
});
