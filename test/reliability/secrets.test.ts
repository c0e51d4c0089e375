/**
 * Guarantee 6: the API key reaches the server and nowhere else. A canary OPENAI_API_KEY must arrive in the
 * Authorization header, and must not appear in the store (database, WAL and shared-memory files), any report, or
 * the CLI's output, also when the server fails with bodies that echo the Authorization header back. Credentials
 * typed into a model spec or an endpoint variable are refused, and the refusal does not repeat them either.
 */
import { randomBytes } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterEach, expect, it } from "vitest";
import type { Results } from "../../src/results/types.js";
import { type FakeOpenAI, faults, type RespondContext, startFakeOpenAI } from "../fakes/index.js";
import { runArgs, runCli } from "../helpers/cli.js";
import { filesUnder } from "../helpers/errors.js";
import { mainInProcess } from "../helpers/in-process-cli.js";
import { tempDir } from "../helpers/tmp.js";
import { RELIABILITY_PERSONAS, simulatedModel, writeBenchmark } from "./harness.js";

const LIMIT = 4;

/** Every file under `dir`, recursively (store, WAL, reports, temporary report files). */

function expectCanaryNowhere(canary: string, dir: string, outputs: string[]): void {
  const files = filesUnder(dir);
  expect(files.some((f) => f.endsWith("store.sqlite"))).toBe(true);
  for (const file of files) {
    expect(readFileSync(file).includes(Buffer.from(canary)), file).toBe(false);
  }
  for (const output of outputs) expect(output).not.toContain(canary);
}

const servers: FakeOpenAI[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

it("sends the key only in the Authorization header and stores or prints it nowhere", async () => {
  const canary = `sk-canary-${randomBytes(12).toString("hex")}`;
  const dir = tempDir();
  const model = simulatedModel(LIMIT);
  const fake = await startFakeOpenAI({ apiKey: canary, respond: model.respond });
  servers.push(fake);
  const run = await runCli(
    runArgs(writeBenchmark(dir, { limit: LIMIT }), `openai:sim@${fake.baseUrl}`, dir, ["--json"]),
    { env: { OPENAI_API_KEY: canary } },
  );
  expect(run.code).toBe(0);
  const chats = fake.requests.filter((r) => r.path.endsWith("/chat/completions"));
  expect(chats).toHaveLength(LIMIT * 4);
  for (const request of chats) expect(request.headers.authorization).toBe(`Bearer ${canary}`);
  expect((JSON.parse(run.stdout) as Results).status).toBe("complete");
  expectCanaryNowhere(canary, dir, [run.stdout, run.stderr]);
});

it("keeps the key out of everything when failing servers echo the Authorization header back", async () => {
  const canary = `sk-canary-${randomBytes(12).toString("hex")}`;
  const dir = tempDir();
  const model = simulatedModel(LIMIT);
  const captain = RELIABILITY_PERSONAS.find((p) => p.id === "ship-captain")!;
  const echo = (ctx: RespondContext) => `you sent Authorization: ${ctx.headers.authorization}`;
  const fake = await startFakeOpenAI({
    apiKey: canary,
    respond: (ctx) => {
      const system = ctx.messages.find((m) => m.role === "system")?.content ?? "";
      if (system === "")
        return faults.http(401, { error: { message: echo(ctx), type: "invalid_request_error" } });
      if (system.includes(captain.text)) return faults.http(500, echo(ctx));
      return model.respond(ctx);
    },
  });
  servers.push(fake);
  const run = await runCli(
    runArgs(writeBenchmark(dir, { limit: LIMIT }), `openai:sim@${fake.baseUrl}`, dir, ["--json"]),
    { env: { OPENAI_API_KEY: canary } },
  );
  expect(run.code).toBe(3);
  const results = JSON.parse(run.stdout) as Results;
  expect(results.errors.byKind).toEqual({ auth: LIMIT, server: LIMIT });
  // The echoed header did reach the error messages, with the key itself redacted.
  expect(results.errors.examples.some((e) => e.message.includes("Bearer [redacted]"))).toBe(true);
  expect(run.stderr).toContain("Bearer [redacted]");
  expectCanaryNowhere(canary, dir, [run.stdout, run.stderr]);
});

/** Every place of an endpoint that can carry a secret, as a user could type it (`S` is the secret). */
const POSITIONS: Record<string, (base: string, secret: string) => string> = {
  userinfo: (base, s) => base.replace("://", `://user:${s}@`),
  "query value": (base, s) => `${base}?k=${s}`,
  "bare query": (base, s) => `${base}?${s}`,
  fragment: (base, s) => `${base}#${s}`,
  "path parameter": (base, s) => `${base};key=${s}`,
  "second URL after a space": (base, s) => `${base} ${base.replace("://", `://u:${s}@`)}`,
  "second URL after a comma": (base, s) => `${base},${base.replace("127.0.0.1:9", `u:${s}@127.0.0.1:8`)}`,
};

/** Each way a URL reaches a run: model spec, judge spec, PERSONA_BENCH_MODEL, OPENAI_BASE_URL, OLLAMA_HOST. */
const SOURCES: Record<
  string,
  (url: (base: string) => string) => { model?: string; extra?: string[]; env?: NodeJS.ProcessEnv }
> = {
  "--model": (url) => ({ model: `openai:m@${url("http://127.0.0.1:9/v1")}` }),
  "--judge": (url) => ({ extra: ["--judge", `openai:judge@${url("http://127.0.0.1:9/v1")}`] }),
  PERSONA_BENCH_MODEL: (url) => ({
    env: { PERSONA_BENCH_MODEL: `openai:m@${url("http://127.0.0.1:9/v1")}` },
  }),
  OPENAI_BASE_URL: (url) => ({ model: "openai:m", env: { OPENAI_BASE_URL: url("http://127.0.0.1:9/v1") } }),
  OLLAMA_HOST: (url) => ({ model: "ollama:m", env: { OLLAMA_HOST: url("http://127.0.0.1:9") } }),
};

it("refuses a secret in any part of an endpoint, from any source, and repeats it nowhere", async () => {
  const canary = `sk-canary-${randomBytes(12).toString("hex")}`;
  const dir = tempDir();
  const model = simulatedModel(LIMIT);
  const fake = await startFakeOpenAI({ respond: model.respond });
  servers.push(fake);
  const bench = writeBenchmark(dir, { limit: LIMIT });
  const good = `openai:sim@${fake.baseUrl}`;
  // A run that completes, so the store and the reports exist, with secrets in endpoint variables its spec does
  // not use.
  const completed = await mainInProcess(runArgs(bench, good, dir, ["--json"]), {
    env: {
      OPENAI_BASE_URL: POSITIONS.userinfo!("http://127.0.0.1:9/v1", canary),
      OLLAMA_HOST: POSITIONS["path parameter"]!("http://127.0.0.1:9", canary),
    },
  });
  expect(completed.code, completed.stderr).toBe(0);
  const outputs = [completed.stdout, completed.stderr];

  // Outside `dir`: this file holds the canary on purpose.
  const judgeBench = join(tempDir(), "judged.yaml");
  writeFileSync(
    judgeBench,
    [
      "id: judged",
      "tasks:",
      "  - task: personagym",
      "    seed: 1",
      '    system_prompt: "You are {persona}."',
      "    decoding: { temperature: 0, top_p: 1, max_tokens: 64, seed: 1 }",
      "    judge_decoding: { temperature: 0, top_p: 1, max_tokens: 64, seed: 1 }",
      "    score_examples: false",
      "    rubrics: ours",
      "    judges:",
      `      - "openai:judge@http://127.0.0.1:9/v1;key=${canary}"`,
      "",
    ].join("\n"),
  );
  const benchFile = await mainInProcess(runArgs(judgeBench, good, dir));
  expect(benchFile.code, benchFile.stderr).toBe(2);
  outputs.push(benchFile.stdout, benchFile.stderr);

  let refused = 0;
  for (const [source, build] of Object.entries(SOURCES)) {
    for (const [position, place] of Object.entries(POSITIONS)) {
      const { model: spec, extra = [], env = {} } = build((base) => place(base, canary));
      const args = runArgs(bench, spec ?? good, dir, extra);
      // PERSONA_BENCH_MODEL is read only without --model.
      const withoutModel =
        source === "PERSONA_BENCH_MODEL" ? args.filter((_, i) => i !== 2 && i !== 3) : args;
      const run = await mainInProcess(withoutModel, { env });
      expect(run.stderr, `${source}, ${position}`).not.toContain(canary);
      expect(run.code, `${source}, ${position}: ${run.stderr}`).toBe(2);
      expect(run.stderr, `${source}, ${position}`).toMatch(
        /^persona-bench: invalid model spec .*\[redacted\]|^persona-bench: invalid model spec "(openai|ollama):m"/,
      );
      outputs.push(run.stdout, run.stderr);
      refused++;
    }
  }
  expect(refused).toBe(35);
  expect(fake.stats.generations).toBe(LIMIT * 4);
  expectCanaryNowhere(canary, dir, outputs);
});

it("replaces the key in an answer that echoes it, wherever the answer is stored or shown", async () => {
  const canary = `sk-canary-${randomBytes(12).toString("hex")}`;
  const dir = tempDir();
  const model = simulatedModel(LIMIT);
  const fake = await startFakeOpenAI({
    apiKey: canary,
    respond: (ctx) => `You sent Authorization: ${ctx.headers.authorization}.\n${model.respond(ctx)}`,
  });
  servers.push(fake);
  const run = await mainInProcess(
    runArgs(writeBenchmark(dir, { limit: LIMIT }), `openai:sim@${fake.baseUrl}`, dir),
    { env: { OPENAI_API_KEY: canary } },
  );
  expect(run.code, run.stderr).toBe(0);
  expectCanaryNowhere(canary, dir, [run.stdout, run.stderr]);
  const db = new Database(join(dir, "store.sqlite"), { readonly: true });
  try {
    const texts = db.prepare("SELECT text FROM generations").pluck().all() as string[];
    expect(texts).toHaveLength(LIMIT * 4);
    for (const text of texts) expect(text).toMatch(/^You sent Authorization: Bearer \[redacted\]\./);
  } finally {
    db.close();
  }
});
