import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { sha256Hex } from "../../src/core/canonical.js";
import {
  CONTROL_PERSONA_ID,
  loadCatalog,
  type PersonaCatalog,
  parsePersonaSelector,
  selectPersonas,
} from "../../src/personas/catalog.js";
import { thrown } from "../helpers/errors.js";
import { fixturesDir } from "../helpers/paths.js";

const fixture = (name: string) => resolve(fixturesDir, "config", name);

describe("loadCatalog", () => {
  it("maps the file into typed personas with defaults resolved", () => {
    const catalog = loadCatalog(fixture("catalog-good.yaml"));
    expect(catalog.id).toBe("test-personas");
    expect(catalog.version).toBe("3");
    expect(catalog.file).toBe(fixture("catalog-good.yaml"));
    expect(catalog.sha256).toBe(sha256Hex(readFileSync(fixture("catalog-good.yaml"))));
    expect(catalog.defaultTemplate).toBe("You are {persona}.");
    expect(catalog.personas.map((persona) => persona.id)).toEqual([
      "arithmetic-expert",
      "sailor",
      "baker",
      "likes-red",
    ]);
    expect(catalog.personas[0]).toEqual({
      id: "arithmetic-expert",
      text: "an expert in arithmetic",
      category: "expert",
      expectedEffect: "helpful",
      lottery: true,
    });
    expect(catalog.personas[3]?.template).toBe("Your {persona}.");
  });

  it("keeps a catalog's own default template", () => {
    expect(loadCatalog(fixture("catalog-good.json")).defaultTemplate).toBe("Act as {persona}.");
  });

  const cases: [string, number, string, string][] = [
    [
      "catalog-duplicate-id.yaml",
      10,
      "personas[2].id",
      'duplicate persona id "sailor" (first used at line 4)',
    ],
    ["catalog-reserved-none.yaml", 7, "personas[1].id", '"none" is reserved'],
    ["catalog-bad-template.yaml", 7, "personas[0].template", "must contain the {persona} placeholder"],
    ["catalog-bad-id.yaml", 7, "personas[1].id", "must match pattern"],
    ["catalog-empty-personas.yaml", 3, "personas", "fewer than 1 items"],
  ];
  it.each(cases)("%s -> line %s", (name, line, field, reason) => {
    const error = thrown(() => loadCatalog(fixture(name)));
    expect(error.file).toBe(fixture(name));
    expect(error.line).toBe(line);
    expect(error.field).toBe(field);
    expect(error.reason).toContain(reason);
  });
});

describe("selectPersonas", () => {
  const catalog: PersonaCatalog = loadCatalog(fixture("catalog-good.yaml"));
  const ids = (selector: Parameters<typeof selectPersonas>[1]) =>
    selectPersonas(catalog, selector).map((persona) => persona.id);

  it("selects everything without a selector or with all", () => {
    expect(ids(undefined)).toEqual(["arithmetic-expert", "sailor", "baker", "likes-red"]);
    expect(ids({ all: true })).toEqual(ids(undefined));
  });

  it("takes the union of ids, categories and the lottery, in catalog order, once each", () => {
    expect(ids({ ids: ["likes-red", "sailor"] })).toEqual(["sailor", "likes-red"]);
    expect(ids({ categories: ["role"] })).toEqual(["sailor", "baker"]);
    expect(ids({ lottery: true })).toEqual(["arithmetic-expert", "sailor"]);
    expect(ids({ lottery: true, categories: ["role"], ids: ["sailor"] })).toEqual([
      "arithmetic-expert",
      "sailor",
      "baker",
    ]);
  });

  it("names unknown ids and categories and lists the valid ones", () => {
    expect(thrown(() => ids({ ids: ["pirate"] })).message).toBe(
      'personas: unknown persona id "pirate" in catalog test-personas (valid: arithmetic-expert, sailor, baker, likes-red)',
    );
    expect(thrown(() => ids({ categories: ["experts"] })).message).toBe(
      'personas: unknown persona category "experts" in catalog test-personas (valid: expert, role, irrelevant)',
    );
  });

  it("rejects listing the control and selections that match nothing", () => {
    expect(thrown(() => ids({ ids: [CONTROL_PERSONA_ID] })).reason).toContain("always run");
    expect(thrown(() => ids({ lottery: false })).reason).toContain("selects no personas");
  });

  it("reports at the caller's location", () => {
    const error = thrown(() =>
      selectPersonas(catalog, { ids: ["x"] }, { file: "b.yaml", line: 4, field: "tasks[0].personas" }),
    );
    expect(error.message.startsWith("b.yaml:4: tasks[0].personas: unknown persona id")).toBe(true);
  });
});

describe("parsePersonaSelector", () => {
  it("parses ids, categories and the lottery keyword", () => {
    expect(parsePersonaSelector("a,b, category:experts ,lottery")).toEqual({
      ids: ["a", "b"],
      categories: ["experts"],
      lottery: true,
    });
    expect(parsePersonaSelector("category:x")).toEqual({ categories: ["x"] });
    expect(parsePersonaSelector("all")).toEqual({ all: true });
  });

  it.each([
    ["", "empty entry"],
    ["a,,b", "empty entry"],
    ["all,a", '"all" cannot be combined'],
    ["category:", "not a valid category"],
    ["Bad_Id", "not a persona id"],
  ])("rejects %j", (value, reason) => {
    const error = thrown(() => parsePersonaSelector(value));
    expect(error.field).toBe("--personas");
    expect(error.reason).toContain(reason);
  });
});
