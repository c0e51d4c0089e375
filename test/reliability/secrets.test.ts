/**
 * Guarantee 6: the API key reaches the server and nowhere else. A canary OPENAI_API_KEY must arrive in the
 * Authorization header, and must not appear in the store (database, WAL and shared-memory files), any report, or
 * the CLI's output, also when the server fails with bodies that echo the Authorization header back.
 */
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
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
