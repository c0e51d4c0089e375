import { writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { loadValidated } from "../../src/config/load.js";
import { sha256Hex } from "../../src/core/canonical.js";
import { InputError } from "../../src/core/input-error.js";
import { fixturesDir } from "../helpers/paths.js";
import { tempDir } from "../helpers/tmp.js";

const fixture = (name: string) => resolve(fixturesDir, "config", name);

function loadError(file: string, schemaId = "persona-catalog"): InputError {
  try {
    loadValidated(file, schemaId);
  } catch (error) {
    if (error instanceof InputError) return error;
    throw error;
  }
  throw new Error(`expected ${file} to fail`);
}

describe("InputError", () => {
  it("puts file, line and field in front of the reason, on one line", () => {
    const error = new InputError("must be >= 1\n(second line)", {
      file: "benchmarks/x.yaml",
      line: 12,
      field: "tasks[0].samples",
    });
    expect(error.message).toBe("benchmarks/x.yaml:12: tasks[0].samples: must be >= 1 (second line)");
    expect([error.file, error.line, error.field, error.reason]).toEqual([
      "benchmarks/x.yaml",
      12,
      "tasks[0].samples",
      "must be >= 1 (second line)",
    ]);
  });

  it("leaves out the parts it does not know", () => {
    expect(new InputError("bad", { field: "--limit" }).message).toBe("--limit: bad");
    expect(new InputError("bad", { file: "a.yaml" }).message).toBe("a.yaml: bad");
    expect(new InputError("bad").message).toBe("bad");
  });
});

describe("loadValidated", () => {
  it("returns the value, the text and the sha256 of the bytes", () => {
    const loaded = loadValidated<{ id: string }>(fixture("catalog-good.yaml"), "persona-catalog");
    expect(loaded.value.id).toBe("test-personas");
    expect(loaded.text).toContain("an expert in arithmetic");
    expect(loaded.sha256).toBe(sha256Hex(loaded.text));
  });

  it("loads JSON with the same schema", () => {
    expect(loadValidated<{ id: string }>(fixture("catalog-good.json"), "persona-catalog").value.id).toBe(
      "test-personas-json",
    );
  });

  // Each case: fixture, expected line, expected field, a fragment of the reason.
  const cases: [string, number | undefined, string | undefined, string][] = [
    [
      "catalog-unknown-key.yaml",
      9,
      "personas[1].catgory",
      'unknown key "catgory" (allowed: id, text, category,',
    ],
    ["catalog-unknown-key.json", 10, "personas[1].lotery", 'unknown key "lotery"'],
    ["catalog-bad-id.yaml", 7, "personas[1].id", "must match pattern"],
    ["catalog-empty-personas.yaml", 3, "personas", "must NOT have fewer than 1 items"],
    ["catalog-version-number.yaml", 2, "version", "must be a string (got integer)"],
    ["catalog-duplicate-key.yaml", 7, "personas[0].text", "duplicate key"],
    ["catalog-duplicate-key.json", 5, "version", "duplicate key"],
    ["catalog-syntax.yaml", 6, undefined, "YAML:"],
    ["catalog-syntax.json", 6, undefined, "invalid JSON"],
    ["catalog-invalid-utf8.yaml", 5, undefined, "invalid UTF-8"],
    ["empty.yaml", 1, undefined, "file is empty"],
    ["comments-only.yaml", 1, undefined, "file is empty"],
    ["empty.json", 1, undefined, "file is empty"],
    ["no-such-file.yaml", undefined, undefined, "file not found"],
  ];
  it.each(cases)("%s fails at line %s", (name, line, field, reason) => {
    const error = loadError(fixture(name));
    expect(error.file).toBe(fixture(name));
    expect(error.line).toBe(line);
    expect(error.field).toBe(field);
    expect(error.reason).toContain(reason);
    expect(error.message).not.toContain("\n");
    expect(
      error.message.startsWith(line === undefined ? `${fixture(name)}: ` : `${fixture(name)}:${line}: `),
    ).toBe(true);
  });

  it("reports a missing key at its parent object's line", () => {
    const error = loadError(fixture("bench-missing-max-tokens.yaml"), "benchmark");
    expect(error.message).toBe(
      `${fixture("bench-missing-max-tokens.yaml")}:7: tasks[0].decoding.max_tokens: missing required key "max_tokens"`,
    );
  });

  it("reports an out-of-range number at its own line", () => {
    const error = loadError(fixture("bench-samples-zero.yaml"), "benchmark");
    expect(error.message).toBe(`${fixture("bench-samples-zero.yaml")}:5: tasks[0].samples: must be >= 1`);
  });

  it("reports an out-of-range number in JSON at its own line", () => {
    const error = loadError(fixture("bench-top-p-zero.json"), "benchmark");
    expect(error.line).toBe(11);
    expect(error.field).toBe("tasks[0].decoding.top_p");
    expect(error.reason).toBe("must be > 0");
  });

  it("names the known task kinds when the task is unknown", () => {
    const error = loadError(fixture("bench-unknown-task.yaml"), "benchmark");
    expect(error.line).toBe(3);
    expect(error.field).toBe("tasks[0].task");
    expect(error.reason).toBe('unknown task "math5000" (known: math500, math, personagym)');
  });

  it("lists allowed values for an enum", () => {
    const error = loadError(fixture("bench-bad-placement.yaml"), "benchmark");
    expect(error.line).toBe(5);
    expect(error.reason).toBe("must be one of: system, user");
  });

  it("rejects YAML tags it does not know instead of guessing", () => {
    const dir = tempDir();
    const file = join(dir, "tagged.yaml");
    writeFileSync(file, 'id: x\nversion: !custom "1"\npersonas: []\n');
    const error = loadError(file);
    expect(error.line).toBe(2);
    expect(error.reason).toContain("tag");
  });

  it("rejects a directory and a non-object document", () => {
    expect(loadError(fixturesDir).reason).toContain("directory");
    const dir = tempDir();
    const file = join(dir, "list.yaml");
    writeFileSync(file, "- a\n- b\n");
    expect(loadError(file).reason).toBe("must be an object (got array)");
  });

  it("finds the line of JSON mistakes that YAML would accept", () => {
    const dir = tempDir();
    const cases: [string, number][] = [
      ['{\n  "id": "x",\n  version: "1"\n}', 3],
      ["{\n  \"id\": 'x'\n}", 2],
      ['{\n  "id": "x"\n  "version": "1"\n}', 3],
      ['{\n  "id": "x",\n  "personas": [1, 2,]\n}\n', 3],
      ['{\n  "id": "x"\n}\n// comment\n', 4],
    ];
    for (const [text, line] of cases) {
      const file = join(dir, "bad.json");
      writeFileSync(file, text);
      const error = loadError(file);
      expect(error.reason, text).toContain("invalid JSON");
      expect(error.line, text).toBe(line);
    }
  });

  it("points at the right line in tab-indented JSON", () => {
    const dir = tempDir();
    const file = join(dir, "tabs.json");
    // Tab indentation is valid JSON; the YAML pass used for line numbers must accept it too.
    writeFileSync(
      file,
      '{\n\t"id": "tabbed",\n\t"version": "1",\n\t"personas": [\n\t\t{"id": "x", "text": "t"}\n\t]\n}\n',
    );
    const error = loadError(file);
    expect(error.line).toBe(5);
    expect(error.field).toBe("personas[0].category");
  });
});
