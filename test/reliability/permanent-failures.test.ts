/**
 * Guarantee 2: permanent failures are recorded per item with their reason, reported by kind, make the run exit 3
 * (incomplete), and the same command after the server recovers completes the run without duplicating anything.
 */
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterEach, expect, it } from "vitest";
import type { Results } from "../../src/results/types.js";
import { type FakeServer, faults, type RespondResult, startFakeOpenAI } from "../fakes/index.js";
import { runArgs, runCli } from "../helpers/cli.js";
import { mathSection } from "../helpers/sections.js";
import { tempDir } from "../helpers/tmp.js";
import {
  inspectStore,
  problemOf,
  readReport,
  simulatedModel,
  uniformFor,
  writeBenchmark,
} from "./harness.js";

const LIMIT = 20;
const CONDITIONS = 4;
const SEED = 7;

const servers: FakeServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

it("records each permanent failure with its reason, exits 3, and the next run after recovery completes", async () => {
  const dir = tempDir();
  const cleanDir = tempDir();
  const bench = writeBenchmark(dir, { limit: LIMIT });
  const model = simulatedModel(LIMIT);

  const clean = await startFakeOpenAI({ respond: model.respond });
  servers.push(clean);
  const reference = await runCli(runArgs(bench, `openai:sim@${clean.baseUrl}`, cleanDir, ["--json"]));
  expect(reference.code).toBe(0);
  const expected = JSON.parse(reference.stdout) as Results;

  let broken = true;
  // Which failure an item gets is fixed by its content; the 404 window is "the model vanished mid-run".
  const planned = { bad_request: 0, quota: 0, protocol: 0, partialCorrectOnWrongItem: 0 };
  const seen = new Set<string>();
  const fake = await startFakeOpenAI({
    respond: (ctx): RespondResult => {
      if (!broken) return model.respond(ctx);
      const u = uniformFor(SEED, { ...ctx, attempt: 0 });
      const key = JSON.stringify(ctx.messages);
      const first = !seen.has(key);
      seen.add(key);
      if (u < 0.05) {
        if (first) planned.bad_request++;
        return faults.vllmFlatBadRequest();
      }
      if (u < 0.1) {
        if (first) planned.quota++;
        return faults.insufficientQuota();
      }
      if (u < 0.15) {
        const problem = problemOf(model, ctx);
        if (first) {
          planned.protocol++;
          if (!problem.correct) planned.partialCorrectOnWrongItem++;
        }
        // Every attempt is cut short after the right answer: the item must fail, never count as correct.
        return { fault: "reset-mid-stream", text: `The answer is $\\boxed{${problem.answer}}$ so` };
      }
      if (ctx.requestIndex >= 40 && ctx.requestIndex < 48) return faults.openaiModelNotFound(ctx.model);
      return model.respond(ctx);
    },
  });
  servers.push(fake);
  const args = runArgs(bench, `openai:sim@${fake.baseUrl}`, dir, ["--json"]);

  const first = await runCli(args);
  expect(first.stderr).not.toMatch(/internal error|\n\s+at /);
  expect(first.code).toBe(3);
  expect(first.stderr).toMatch(/incomplete: \d+ request\(s\) failed permanently/);
  const partial = JSON.parse(first.stdout) as Results;
  expect(planned.bad_request).toBeGreaterThan(0);
  expect(planned.quota).toBeGreaterThan(0);
  expect(planned.protocol).toBeGreaterThan(0);
  expect(planned.partialCorrectOnWrongItem).toBeGreaterThan(0);

  expect(partial.status).toBe("incomplete");
  const byKind = partial.errors.byKind;
  expect(byKind.bad_request).toBe(planned.bad_request);
  expect(byKind.quota).toBe(planned.quota);
  expect(byKind.protocol).toBe(planned.protocol);
  expect(byKind.not_found).toBeGreaterThan(0);
  const failed = partial.errors.total;
  expect(failed).toBe(Object.values(byKind).reduce((a, b) => a + b, 0));
  const math = mathSection(partial);
  expect(math.personas.reduce((n, p) => n + p.errors, 0)).toBe(failed);
  expect(math.personas.reduce((n, p) => n + p.n, 0)).toBe(LIMIT * CONDITIONS - failed);
  // No partial answer was scored: every persona's correct count is at most what the model really got right.
  for (const persona of math.personas) {
    const full = mathSection(expected).personas.find((p) => p.id === persona.id)!;
    expect(persona.correct).toBeLessThanOrEqual(full.correct);
  }

  // Each failure is stored per item with a reason that says why it was not retried.
  const db = new Database(join(dir, "store.sqlite"), { readonly: true });
  const rows = db
    .prepare("SELECT kind, message, attempts FROM failures WHERE run_id = ?")
    .all(partial.runId) as {
    kind: string;
    message: string;
    attempts: number;
  }[];
  db.close();
  expect(rows).toHaveLength(failed);
  for (const row of rows) {
    if (row.kind === "protocol") {
      expect(row.message).toMatch(/gave up after 3 attempts/);
      expect(row.attempts).toBe(3);
    } else {
      expect(row.message).toMatch(new RegExp(`${row.kind} is not retryable`));
      expect(row.attempts).toBe(1);
    }
  }
  const quotaRow = rows.find((r) => r.kind === "quota")!;
  expect(quotaRow.message).toMatch(/HTTP 429/);
  expect(quotaRow.message).toMatch(/quota/);

  const { summary } = readReport(dir, partial.runId);
  expect(summary).toContain(`${failed} request(s) failed permanently`);
  for (const kind of ["bad_request", "quota", "protocol", "not_found"]) expect(summary).toContain(kind);
  expect(summary).toMatch(/HTTP 404/);

  broken = false;
  const callsBefore = fake.stats.generations;
  const second = await runCli(args);
  expect(second.code).toBe(0);
  const complete = JSON.parse(second.stdout) as Results;
  expect(complete.status).toBe("complete");
  expect(complete.errors.total).toBe(0);
  expect(fake.stats.generations - callsBefore).toBe(failed);
  expect(complete.usage).toMatchObject({ modelCalls: failed, cachedCalls: LIMIT * CONDITIONS - failed });
  expect(complete.tasks).toEqual(expected.tasks);
  expect(inspectStore(join(dir, "store.sqlite"))).toEqual({
    generations: LIMIT * CONDITIONS,
    distinctKeys: LIMIT * CONDITIONS,
    runs: 1,
    integrity: "ok",
  });
  expect(readReport(dir, complete.runId).summary).not.toMatch(/failed permanently/);
});
