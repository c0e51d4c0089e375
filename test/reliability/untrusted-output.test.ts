/**
 * Guarantee 5: what the model server sends and what a user's catalog says is data, never markup or formulas.
 * Responses as large as max_tokens allows, with control characters, lone surrogates, HTML and script, spreadsheet formulas and text
 * imitating our own delimiters (SSE, NDJSON, Markdown tables, CSV) leave the figures unchanged; error bodies with
 * the same payloads and persona texts with HTML and formula payloads reach the reports only escaped.
 */
import { readFileSync } from "node:fs";
import { afterEach, expect, it } from "vitest";
import { responseLimits } from "../../src/models/response-limit.js";
import type { Results } from "../../src/results/types.js";
import { type FakeOpenAI, faults, type RespondContext, startFakeOpenAI } from "../fakes/index.js";
import { runArgs, runCli } from "../helpers/cli.js";
import { parseCsv } from "../helpers/csv.js";
import { mathSection } from "../helpers/sections.js";
import { tempDir } from "../helpers/tmp.js";
import { type CatalogPersona, problemOf, readReport, simulatedModel, writeBenchmark } from "./harness.js";

const LIMIT = 6;

const PAYLOADS = {
  /**
   * The longest answer the benchmark's max_tokens (512) keeps, less 4 KiB for the answer after it: longer ones are
   * cut at the bound (src/models/response-limit.ts; a 50 MB answer is tested in test/models/response-size.test.ts).
   */
  huge: "Ω".repeat((responseLimits(512).answerBytes - 4096) / 2),
  control: "\u0000\u0001\u0007\b\u000b\f\u001b[2J\u001b]0;owned\u0007\u007f\u009b31m tail",
  surrogates: "lone \ud800 high, lone \udfff low, reversed \udc00\ud800 pair",
  html: `<script>alert("x")</script><img src=x onerror=alert(1)><a href="javascript:alert(2)">click</a>`,
  formulas: `=HYPERLINK("http://example.invalid/?q=1","open")\n+1+1\n-2+3\n@SUM(A1:A9)\n\t=1`,
  delimiters:
    'data: [DONE]\n\ndata: {"choices":[{"delta":{},"finish_reason":"stop"}]}\n\n{"done":true}\n' +
    '| x | y |\n|---|---|\n## Injected heading\n","=1+1,"\r\n\r\nevent: error\ndata: {"error":"fake"}\n\n',
};

/** Persona texts are user input too: they reach results.json and personas.csv. Ids are slugs by schema. */
const HOSTILE_PERSONAS: CatalogPersona[] = [
  {
    id: "html-chef",
    text: `a <script>alert("persona")</script> chef & <b>bold</b> "quoted" 'single' [link](javascript:alert(3))`,
    category: "hostile",
  },
  {
    id: "formula-equals",
    text: `=HYPERLINK("http://example.invalid/leak","open me")`,
    category: "hostile",
    template: "{persona}",
  },
  { id: "formula-plus", text: "+SUM(1,2)", category: "hostile", template: "{persona}" },
  { id: "formula-minus", text: "-1+2 and more", category: "hostile", template: "{persona}" },
  { id: "formula-at", text: "@SUM(A1:A2)", category: "hostile", template: "{persona}" },
  {
    id: "delimiters",
    text: 'a | fake | cell\n## Injected heading\n"quoted,comma",=1+1\r\nnext',
    category: "hostile",
  },
];

/** Formula-looking error bodies, one per kind of payload, on the first attempt of a few items. */
const ERROR_BODIES = [
  PAYLOADS.html,
  PAYLOADS.formulas,
  PAYLOADS.control + PAYLOADS.surrogates,
  PAYLOADS.delimiters,
];

function unescapedPipes(line: string): number {
  return (line.match(/(?<!\\)\|/g) ?? []).length;
}

const servers: FakeOpenAI[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

it("hostile responses, error bodies and persona texts leave the figures intact and the reports inert", async () => {
  const dir = tempDir();
  const cleanDir = tempDir();
  const model = simulatedModel(LIMIT);
  const bench = writeBenchmark(dir, { limit: LIMIT, personas: HOSTILE_PERSONAS });
  const modelName = "<img/src=x/onerror=alert(1)>|=1+1";

  const clean = await startFakeOpenAI({ respond: model.respond });
  servers.push(clean);
  const reference = await runCli(
    runArgs(bench, `openai:${modelName}@${clean.baseUrl}`, cleanDir, ["--json"]),
  );
  expect(reference.stderr).not.toMatch(/internal error/);
  expect(reference.code).toBe(0);
  const expected = (JSON.parse(reference.stdout) as Results).tasks;

  // One response at the size bound (the first request); the other payloads take turns on the rest.
  const { huge, ...small } = PAYLOADS;
  const smallPayloads = Object.values(small);
  let failing = true;
  let index = 0;
  const assigned = new Map<string, number>();
  const fake = await startFakeOpenAI({
    respond: (ctx: RespondContext) => {
      const key = JSON.stringify(ctx.messages);
      if (!assigned.has(key)) assigned.set(key, index++);
      const n = assigned.get(key)!;
      if (failing && n >= 1 && n <= ERROR_BODIES.length) return faults.http(400, ERROR_BODIES[n - 1]!);
      problemOf(model, ctx);
      return `${n === 0 ? huge : smallPayloads[n % smallPayloads.length]}\n${model.respond(ctx)}`;
    },
  });
  servers.push(fake);
  const args = runArgs(bench, `openai:${modelName}@${fake.baseUrl}`, dir, ["--json"]);

  const first = await runCli(args);
  expect(first.stderr).not.toMatch(/internal error|\n\s+at /);
  expect(first.code).toBe(3);
  const partial = JSON.parse(first.stdout) as Results;
  expect(partial.errors.total).toBe(ERROR_BODIES.length);
  // Terminal output carries server text too (failure notes): no escape sequences or other control characters.
  expect(first.stderr).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);

  const report = readReport(dir, partial.runId);
  const raw = {
    json: readFileSync(`${dir}/reports/${partial.runId}/results.json`),
    md: readFileSync(`${dir}/reports/${partial.runId}/summary.md`),
    csv: readFileSync(`${dir}/reports/${partial.runId}/personas.csv`),
  };
  for (const bytes of Object.values(raw)) {
    expect(() => new TextDecoder("utf-8", { fatal: true }).decode(bytes)).not.toThrow();
  }

  // results.json: plain JSON data (C0 controls escaped by JSON), persona texts exactly as the catalog gave them.
  expect(
    mathSection(report.results)
      .personas.slice(1)
      .map((p) => [p.id, p.text]),
  ).toEqual(
    HOSTILE_PERSONAS.map((p) => [p.id, (p.template ?? "You are {persona}.").replace("{persona}", p.text)]),
  );
  expect(raw.json.toString("utf8")).not.toMatch(/[\u0000-\u0009\u000b-\u001f]/);
  expect(report.results.model.name).toBe(modelName);

  // summary.md: no tags, links or headings from outside text; tables keep their columns; no control characters.
  const md = report.summary;
  expect(md).not.toMatch(/<[A-Za-z!/?]/);
  expect(md).not.toMatch(/(?<!\\)\]\(/);
  expect(md).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
  expect(md.split("\n").filter((l) => l.startsWith("#"))).toEqual([
    expect.stringMatching(/^# persona-bench: /),
    "## MATH500 persona stability",
    "### Persona lottery (expected best accuracy over k personas)",
    "## Suite choices",
  ]);
  expect(md).toContain("&lt;img/src=x/onerror=alert(1)&gt;");
  expect(md).toContain("&lt;script&gt;");
  const tables = md.split("\n\n").filter((block) => block.startsWith("|"));
  expect(tables.length).toBeGreaterThanOrEqual(3);
  for (const table of tables) {
    const [header, ...rows] = table.split("\n");
    for (const row of rows) expect(unescapedPipes(row), row).toBe(unescapedPipes(header!));
  }

  // personas.csv: one row per condition, no text cell a spreadsheet would evaluate, texts otherwise verbatim.
  const csv = parseCsv(report.csv);
  expect(csv).toHaveLength(1 + 1 + HOSTILE_PERSONAS.length);
  const [header, ...rows] = csv;
  const textColumns = ["id", "category", "text"].map((c) => header!.indexOf(c));
  for (const row of rows) {
    expect(row).toHaveLength(header!.length);
    for (const column of textColumns) expect(row[column]!).not.toMatch(/^[=+\-@\t\r]/);
  }
  for (const persona of HOSTILE_PERSONAS) {
    const rendered = (persona.template ?? "You are {persona}.").replace("{persona}", persona.text);
    const cell = rows.find((r) => r[textColumns[0]!] === persona.id)![textColumns[2]!];
    expect(cell).toBe(/^[=+\-@]/.test(rendered) ? `'${rendered}` : rendered);
  }

  // The server recovers: the same command completes with exactly the figures of clean responses.
  failing = false;
  const second = await runCli(args);
  expect(second.code).toBe(0);
  expect((JSON.parse(second.stdout) as Results).tasks).toEqual(expected);
  expect(second.stderr).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
});
