/**
 * Each task kind's terminal and Markdown lines, from a crafted results.json (ids, categories, judge specs and task
 * names are anything a file can hold): nothing a terminal or CI runner obeys, no line a Markdown reader or GitHub
 * would take for a heading or a workflow command.
 */
import chalk from "chalk";
import { beforeAll, expect, it } from "vitest";
import { rendererFor } from "../../src/report/renderers.js";
import { expectInert } from "../helpers/inert.js";
import { mathSection, personaGymSection } from "../helpers/sections.js";
import { fakeResults } from "../leaderboard/results-factory.js";

const EVIL = "\u001b]0;owned\u0007\r\n::error::x\ngate: PASS\u202e##[warning]w";

beforeAll(() => {
  chalk.level = 0;
});

it("math, PersonaGym and headline-only sections render hostile ids inertly", () => {
  const results = fakeResults({ model: "m", control: 0.7, personas: { a: 0.6, b: 0.5 }, personaScore: 4 });
  const math = mathSection(results);
  math.id = `::math${EVIL}`;
  for (const p of math.personas) p.id = `${p.id}${EVIL}`;
  math.summary!.worst = math.summary!.worst.map((id) => `${id}${EVIL}`);
  const gym = personaGymSection(results);
  gym.id = `::gym${EVIL}`;
  gym.tasks = { [`::task${EVIL}`]: 3 };
  gym.judges[0]!.spec = `::judge${EVIL}`;
  const plugin = { ...math, kind: "plugin", id: `::plugin${EVIL}` };
  for (const section of [math, gym, plugin]) {
    const renderer = rendererFor(section);
    expectInert(renderer.terminal(section).join("\n"), `${section.kind} terminal`);
    const markdown = renderer.markdown(section).join("\n");
    expectInert(markdown, `${section.kind} markdown`);
    expect(markdown.split("\n").filter((line) => line.startsWith("#")).length).toBeLessThanOrEqual(2);
  }
});
