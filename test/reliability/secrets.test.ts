/**
 * Guarantee 6: the API key reaches the server and nowhere else. A canary OPENAI_API_KEY must arrive in the
 * Authorization header, and must not appear in the store (database, WAL and shared-memory files), any report, or
 * the CLI's output, also when the server fails with bodies that echo the Authorization header back. Credentials
 * typed into a model spec or an endpoint variable are refused, and the refusal does not repeat them either.
 */
import { randomBytes } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, expect, it } from "vitest";
import type { Results } from "../../src/results/types.js";
import { type FakeOpenAI, faults, type RespondContext, startFakeOpenAI } from "../fakes/index.js";
import { runArgs, runCli } from "../helpers/cli.js";
import { filesUnder } from "../helpers/errors.js";
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

it("keeps credentials typed into a model spec, a judge spec or an endpoint variable out of everything", async () => {
  const canary = `sk-canary-${randomBytes(12).toString("hex")}`;
  const dir = tempDir();
  const model = simulatedModel(LIMIT);
  const fake = await startFakeOpenAI({ respond: model.respond });
  servers.push(fake);
  const bench = writeBenchmark(dir, { limit: LIMIT });
  const good = `openai:sim@${fake.baseUrl}`;
  // A run that completes, so the store and the reports exist, with credentials in endpoint variables its
  // spec does not use.
  const completed = await runCli(runArgs(bench, good, dir, ["--json"]), {
    env: {
      OPENAI_BASE_URL: `http://user:${canary}@127.0.0.1:9/v1`,
      OLLAMA_HOST: `http://user:${canary}@127.0.0.1:9`,
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
      `      - "openai:judge@http://user:${canary}@127.0.0.1:9/v1"`,
      "",
    ].join("\n"),
  );
  const refused: { args: string[]; env?: NodeJS.ProcessEnv }[] = [
    { args: runArgs(bench, `openai:m@http://user:${canary}@127.0.0.1:9/v1`, dir) },
    { args: runArgs(bench, `ollama:m@http://${canary}@127.0.0.1:9`, dir) },
    { args: runArgs(bench, `openai:m@http://127.0.0.1:9/v1?api_key=${canary}`, dir) },
    { args: runArgs(bench, `openai:m@http://user:${canary}@bad host/v1`, dir) },
    { args: runArgs(bench, good, dir, ["--judge", `openai:judge@https://user:${canary}@127.0.0.1:9/v1`]) },
    { args: runArgs(judgeBench, good, dir) },
    {
      args: runArgs(bench, "openai:m", dir),
      env: { OPENAI_BASE_URL: `http://user:${canary}@127.0.0.1:9/v1` },
    },
    { args: runArgs(bench, "ollama:m", dir), env: { OLLAMA_HOST: `http://user:${canary}@bad host` } },
    {
      args: runArgs(bench, good, dir).filter((_, i, all) => all[i] !== "--model" && all[i - 1] !== "--model"),
      env: { PERSONA_BENCH_MODEL: `openai:m@http://user:${canary}@127.0.0.1:9/v1` },
    },
  ];
  for (const { args, env } of refused) {
    const run = await runCli(args, { env: env ?? {} });
    expect(run.code, run.stderr).toBe(2);
    expect(run.stderr).toMatch(/must not contain credentials|must not contain a query|is not a valid URL/);
    outputs.push(run.stdout, run.stderr);
  }
  expect(fake.stats.generations).toBe(LIMIT * 4);
  expectCanaryNowhere(canary, dir, outputs);
});
