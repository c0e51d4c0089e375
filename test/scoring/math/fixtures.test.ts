import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { extractAnswer, isEquivalent } from "../../../src/scoring/math/index.js";
import { fixturesDir } from "../../helpers/paths.js";

interface PairCase {
  kind: string;
  gold: string;
  pred: string;
  equal: boolean;
}
interface ExtractionCase {
  response: string;
  extracted: string | null;
  found: boolean;
  path: string;
}

function readJsonl<T>(name: string): T[] {
  return readFileSync(resolve(fixturesDir, "grading", name), "utf8")
    .split("\n")
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as T);
}

const pairs = readJsonl<PairCase>("equivalence.jsonl");
const extractions = readJsonl<ExtractionCase>("extraction.jsonl");

describe("labeled equivalence fixtures", () => {
  it("cover every MATH500 answer kind with enough pairs and traps", () => {
    const count = (kind: string) => pairs.filter((p) => p.kind === kind).length;
    const minimum: Record<string, number> = {
      integer: 311,
      fraction: 56,
      radical: 20,
      degrees: 15,
      expression: 15,
      interval: 11,
      tuple: 9,
      pi: 8,
      decimal: 7,
      matrix: 7,
      set: 6,
      base: 6,
      units: 6,
      complex: 6,
      text: 5,
      equation: 4,
      letter: 3,
      separator: 3,
      mixed: 2,
    };
    for (const [kind, n] of Object.entries(minimum)) expect(count(kind), kind).toBeGreaterThanOrEqual(n);
    expect(pairs.filter((p) => !p.equal).length).toBeGreaterThanOrEqual(150);
    expect(pairs.every((p) => p.equal === !p.kind.startsWith("trap:"))).toBe(true);
  });

  it("grades every pair as labeled (no false positive, no false negative)", () => {
    const wrong = pairs.filter((p) => isEquivalent(p.gold, p.pred) !== p.equal);
    expect(wrong).toEqual([]);
  });
});

describe("labeled extraction fixtures", () => {
  it("has at least 60 cases", () => {
    expect(extractions.length).toBeGreaterThanOrEqual(60);
  });

  it("extracts every case as labeled", () => {
    const wrong = extractions
      .map((c) => ({ c, got: extractAnswer(c.response) }))
      .filter(({ c, got }) => got.found !== c.found || got.path !== c.path || got.extracted !== c.extracted);
    expect(wrong).toEqual([]);
  });
});
