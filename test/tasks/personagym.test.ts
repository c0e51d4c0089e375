import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import {
  loadPersonaGym,
  loadUpstreamRubrics,
  PERSONAGYM_TASK_LABELS,
  PERSONAGYM_TASKS,
  type PersonaGymPersona,
  personaGymDigest,
  personaGymPersonaId,
  selectPersonaGymPersonas,
} from "../../src/task-kinds/personagym/personas.js";
import { PERSONAGYM_DIGEST } from "../../src/task-kinds/personagym/source.js";
import { thrown } from "../helpers/errors.js";
import { fixturesDir, requireSharedData } from "../helpers/paths.js";

const realDir = join(requireSharedData(), "personagym/questions/benchmark-v1");
const real = loadPersonaGym(realDir);
const fixture = (name: string) => resolve(fixturesDir, "personagym", name);

describe("loadPersonaGym on the real benchmark", () => {
  it("loads 200 personas and 10,000 questions, 50 per persona, 10 per task", () => {
    expect(real.personas).toHaveLength(200);
    expect(real.questions).toHaveLength(10_000);
    for (const persona of real.personas) {
      const own = real.questions.filter((question) => question.personaId === persona.id);
      expect(own).toHaveLength(50);
      for (const task of PERSONAGYM_TASKS) {
        expect(own.filter((question) => question.task === task).map((question) => question.index)).toEqual([
          0, 1, 2, 3, 4, 5, 6, 7, 8, 9,
        ]);
      }
    }
  });

  it("takes persona texts from file names, including spaces, commas and +", () => {
    const names = readdirSync(realDir).map((name) => name.slice(0, -".json".length));
    expect(real.personas.map((persona) => persona.text).sort()).toEqual(names.sort());
    expect(real.personas.some((persona) => persona.text.includes(","))).toBe(true);
    expect(real.personas.some((persona) => persona.text.includes("+"))).toBe(true);
  });

  it("keeps question texts exactly as in the files", () => {
    const persona = real.personas[17]!;
    const file = JSON.parse(readFileSync(join(realDir, `${persona.text}.json`), "utf8")) as Record<
      string,
      string[]
    >;
    const toxicity = real.questions.filter((q) => q.personaId === persona.id && q.task === "Toxicity");
    expect(toxicity.map((question) => question.text)).toEqual(file.Toxicity);
    expect(toxicity[3]!.id).toBe(`${persona.id}-toxicity-3`);
  });

  it("gives unique ids that do not contain the persona text", () => {
    const ids = real.personas.map((persona) => persona.id);
    expect(new Set(ids).size).toBe(200);
    for (const persona of real.personas) {
      expect(persona.id).toMatch(/^pg-[0-9a-f]{12}$/);
      expect(persona.id).toBe(`pg-${createHash("sha256").update(persona.text).digest("hex").slice(0, 12)}`);
    }
    expect(new Set(real.questions.map((question) => question.id)).size).toBe(10_000);
  });

  it("matches the pinned digest, computed with the documented byte layout", () => {
    expect(real.digest).toBe(PERSONAGYM_DIGEST);
    const names = readdirSync(realDir).sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
    const layout = names
      .map((name) => {
        const sha = createHash("sha256")
          .update(readFileSync(join(realDir, name)))
          .digest("hex");
        return `${name}\u0000${sha}\n`;
      })
      .join("");
    expect(createHash("sha256").update(layout, "utf8").digest("hex")).toBe(PERSONAGYM_DIGEST);
  });
});

describe("personaGymDigest", () => {
  const files = [
    { name: "b.json", bytes: Buffer.from("{}") },
    { name: "a.json", bytes: Buffer.from("[]") },
  ];
  it("does not depend on input order and changes with any name or byte", () => {
    const digest = personaGymDigest(files);
    expect(personaGymDigest([...files].reverse())).toBe(digest);
    expect(personaGymDigest([files[0]!, { name: "c.json", bytes: files[1]!.bytes }])).not.toBe(digest);
    expect(personaGymDigest([files[0]!, { name: "a.json", bytes: Buffer.from("[ ]") }])).not.toBe(digest);
    expect(personaGymDigest([files[0]!])).not.toBe(digest);
  });
});

describe("loadPersonaGym on fixtures", () => {
  it("loads a small valid set in file-name byte order", () => {
    const data = loadPersonaGym(fixture("good"));
    expect(data.personas.map((persona) => persona.text)).toEqual([
      "A 12-year-old chess prodigy from Lisbon who hates losing",
      "A retired lighthouse keeper, 70, who collects sea glass + old maps",
    ]);
    expect(data.questions).toHaveLength(20);
    expect(data.questions.slice(0, 3).map((question) => [question.task, question.index])).toEqual([
      ["Expected Action", 0],
      ["Expected Action", 1],
      ["Toxicity", 0],
    ]);
    expect(data.digest).not.toBe(PERSONAGYM_DIGEST);
  });

  const file = "An invented beekeeper from Oslo.json";
  const cases: [string, number | undefined, string | undefined, string][] = [
    ["bad-not-object", undefined, undefined, "must be a JSON object"],
    ["bad-missing-key", undefined, '"Toxicity"', "missing"],
    ["bad-unknown-key", 22, '"Toxicity Control"', "unknown key"],
    ["bad-duplicate-key", 7, '"Toxicity"', "duplicate key"],
    ["bad-not-array", 10, '"Linguistic Habits"', "must be an array"],
    ["bad-empty-question", 14, '"Persona Consistency"[1]', "must not be empty"],
    ["bad-empty-array", 18, '"Action Justification"', "must not be empty"],
    ["bad-number-question", 2, '"Expected Action"[1]', "must be a string"],
    ["bad-invalid-json", undefined, undefined, "invalid JSON"],
    ["bad-invalid-utf8", 3, undefined, "invalid UTF-8"],
  ];
  it.each(cases)("%s: names the file, line %s and key %s", (dir, line, field, reason) => {
    const error = thrown(() => loadPersonaGym(fixture(dir)));
    expect(error.file).toBe(join(fixture(dir), file));
    expect(error.line).toBe(line);
    expect(error.field).toBe(field);
    expect(error.reason).toContain(reason);
    expect(error.message).not.toContain("\n");
  });

  it("rejects a folder without question files", () => {
    expect(thrown(() => loadPersonaGym(fixturesDir)).message).toContain(
      "contains no PersonaGym question files",
    );
  });
});

describe("selectPersonaGymPersonas", () => {
  const personas: PersonaGymPersona[] = Array.from({ length: 30 }, (_, index) => ({
    id: personaGymPersonaId(`p${index}`),
    text: `p${index}`,
  }));

  it("returns everything without a limit or with a limit at least the size", () => {
    expect(selectPersonaGymPersonas(personas, undefined, 1)).toEqual(personas);
    expect(selectPersonaGymPersonas(personas, 30, 1)).toEqual(personas);
    expect(selectPersonaGymPersonas(personas, 99, 1)).toEqual(personas);
  });

  it("is deterministic, keeps the original order, depends on the seed, and nests smaller subsets", () => {
    const ten = selectPersonaGymPersonas(personas, 10, 42);
    expect(ten).toHaveLength(10);
    expect(selectPersonaGymPersonas(personas, 10, 42)).toEqual(ten);
    const positions = ten.map((persona) => personas.indexOf(persona));
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
    expect(selectPersonaGymPersonas(personas, 10, 43)).not.toEqual(ten);
    const five = selectPersonaGymPersonas(personas, 5, 42);
    expect(five.every((persona) => ten.includes(persona))).toBe(true);
  });

  it("accepts seeds beyond 32 bits and rejects bad limits", () => {
    expect(selectPersonaGymPersonas(personas, 3, 2 ** 40)).toHaveLength(3);
    expect(thrown(() => selectPersonaGymPersonas(personas, 0, 1)).field).toBe("limit");
    expect(thrown(() => selectPersonaGymPersonas(personas, 2.5, 1)).field).toBe("limit");
  });
});

describe("loadUpstreamRubrics", () => {
  it("reads the five real rubric files with their placeholders", () => {
    const rubrics = loadUpstreamRubrics(join(requireSharedData(), "personagym/rubrics"));
    expect(Object.keys(rubrics)).toEqual([...PERSONAGYM_TASKS]);
    for (const text of Object.values(rubrics)) expect(text).toContain("{response}");
  });

  it("names a file that is not a rubric", () => {
    const error = thrown(() => loadUpstreamRubrics(fixture("good")));
    expect(error.message).toContain("Expected Action.txt");
  });

  it("labels Toxicity as the paper does", () => {
    expect(PERSONAGYM_TASK_LABELS.Toxicity).toBe("Toxicity Control");
  });
});
