/**
 * Shared setup of the reliability suite: a small benchmark of our own (a catalog of three personas plus the
 * control over the first MATH500 problems) run through the built CLI against a fake server that fronts the
 * simulated model of the end-to-end test, and readers for what a run leaves behind (reports, store rows).
 */
import { createHash } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import type { Results } from "../../src/results/types.js";
import { SimulatedModel } from "../e2e/simulated-model.js";
import type { RespondContext } from "../fakes/index.js";
import { requireSharedData } from "../helpers/paths.js";

export const PROMPT = "{problem}\n\nPlease reason step by step, and put your final answer within \\boxed{}.";

export interface CatalogPersona {
  id: string;
  text: string;
  category: string;
  /** Overrides the catalog's "You are {persona}." */
  template?: string;
}

/** Our own persona texts; none of them comes from a dataset. */
export const RELIABILITY_PERSONAS: CatalogPersona[] = [
  { id: "night-watchman", text: "a sleepy night watchman", category: "off-domain" },
  { id: "tax-accountant", text: "a meticulous tax accountant", category: "adjacent" },
  { id: "ship-captain", text: "the captain of a cargo ship", category: "off-domain" },
];

/** Accuracy per system prompt: the control is strong, each persona a fixed, different amount weaker. */
export function reliabilityAccuracy(systemText: string): { correct: number; noAnswer: number } {
  if (systemText === "") return { correct: 0.75, noAnswer: 0.05 };
  const h = createHash("sha256").update(systemText).digest().readUInt32BE(0) / 2 ** 32;
  return { correct: 0.35 + 0.4 * h, noAnswer: 0.1 };
}

export function simulatedModel(limit: number): SimulatedModel {
  requireSharedData();
  return new SimulatedModel(limit, reliabilityAccuracy);
}

function yamlString(text: string): string {
  return JSON.stringify(text);
}

/** Writes `bench.yaml` (and `catalog.yaml`, unless given a catalog file) into `dir`; returns the benchmark path. */
export function writeBenchmark(
  dir: string,
  options: { limit: number; personas?: CatalogPersona[]; id?: string; catalogFile?: string },
): string {
  const personas = options.personas ?? RELIABILITY_PERSONAS;
  const catalogFile = options.catalogFile ?? join(dir, "catalog.yaml");
  const catalog = [
    "id: reliability-personas",
    'version: "1"',
    'default_template: "You are {persona}."',
    "personas:",
    ...personas.flatMap((p) => [
      `  - id: ${p.id}`,
      `    text: ${yamlString(p.text)}`,
      `    category: ${p.category}`,
      ...(p.template === undefined ? [] : [`    template: ${yamlString(p.template)}`]),
    ]),
    "",
  ].join("\n");
  if (options.catalogFile === undefined) writeFileSync(catalogFile, catalog);
  const bench = [
    `id: ${options.id ?? "reliability"}`,
    "tasks:",
    "  - task: math500",
    `    catalog: ${yamlString(catalogFile)}`,
    `    limit: ${options.limit}`,
    "    samples: 1",
    `    prompt: ${yamlString(PROMPT)}`,
    "    persona_placement: system",
    "    decoding:",
    "      temperature: 0",
    "      top_p: 1",
    "      max_tokens: 512",
    "      seed: 7",
    "",
  ].join("\n");
  const file = join(dir, "bench.yaml");
  writeFileSync(file, bench);
  return file;
}

/** The run's results.json, found through the run id printed by --json or the reports folder. */
export function readReport(dir: string, runId: string): { results: Results; summary: string; csv: string } {
  const reportDir = join(dir, "reports", runId);
  return {
    results: JSON.parse(readFileSync(join(reportDir, "results.json"), "utf8")) as Results,
    summary: readFileSync(join(reportDir, "summary.md"), "utf8"),
    csv: readFileSync(join(reportDir, "personas.csv"), "utf8"),
  };
}

export interface StoreFacts {
  generations: number;
  distinctKeys: number;
  runs: number;
  integrity: string;
}

/** Opens the store file directly (not through src/store) and reports what a crash could have broken. */
export function inspectStore(path: string): StoreFacts {
  if (!existsSync(path)) return { generations: 0, distinctKeys: 0, runs: 0, integrity: "ok" };
  const db = new Database(path, { readonly: true });
  try {
    const count = (sql: string) => (db.prepare(sql).get() as { n: number }).n;
    return {
      generations: count("SELECT COUNT(*) AS n FROM generations"),
      distinctKeys: count("SELECT COUNT(DISTINCT key) AS n FROM generations"),
      runs: count("SELECT COUNT(*) AS n FROM runs"),
      integrity: db.pragma("integrity_check", { simple: true }) as string,
    };
  } finally {
    db.close();
  }
}

export function sha256File(path: string): string {
  return createHash("sha256").update(readFileSync(path)).digest("hex");
}

/** The MATH500 problem a request is about, and the simulated model's verdict for it. */
export function problemOf(
  model: SimulatedModel,
  ctx: RespondContext,
): { id: string; answer: string; correct: boolean } {
  const system = ctx.messages.find((m) => m.role === "system")?.content ?? "";
  const user = ctx.messages.find((m) => m.role === "user")?.content ?? "";
  const problem = model.problems.find((p) => user === PROMPT.split("{problem}").join(p.problem));
  if (!problem) throw new Error(`not a benchmark problem: ${user.slice(0, 60)}`);
  return { id: problem.id, answer: problem.answer, correct: model.outcome(system, problem.id) === "correct" };
}

/** A deterministic uniform number in [0, 1) for a request and attempt, under a test seed. */
export function uniformFor(seed: number, ctx: RespondContext, salt = ""): number {
  const key = JSON.stringify([seed, salt, ctx.messages, ctx.attempt]);
  return createHash("sha256").update(key).digest().readUInt32BE(0) / 2 ** 32;
}
