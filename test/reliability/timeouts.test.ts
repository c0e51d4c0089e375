/**
 * Guarantee 7: the first-token, idle and total deadlines each fire through the CLI with sub-second values, and
 * the server sees the client disconnect.
 *
 * No answer may race a sub-second deadline, or a busy machine fails the test: a first run with the default
 * deadlines stores every persona's answers and has the control's requests refused (400, not retried), so the run
 * under test sends only the control's requests, and the fake stalls every one of them.
 *
 * The fake has one generation slot that a stalled request holds until its client disconnects, and the CLI sends
 * one request at a time: if an abort did not reach the server, the next request would wait for the slot and get
 * no first token (in the idle case it would fail on its 30 s first-token deadline, not on idle). That the server
 * sees each disconnect while the client lives is shown per deadline in test/models/deadlines.test.ts.
 */
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import type { Results } from "../../src/results/types.js";
import { type FakeOpenAI, type Fault, faults, startFakeOpenAI } from "../fakes/index.js";
import { runArgs, runCli } from "../helpers/cli.js";
import { mathSection } from "../helpers/sections.js";
import { tempDir } from "../helpers/tmp.js";
import { simulatedModel, writeBenchmark } from "./harness.js";

const LIMIT = 3;
const CONDITIONS = 4;

const cases: { deadline: string; label: string; fault: Fault; flags: string[] }[] = [
  {
    deadline: "first token",
    label: "first token deadline of 200 ms",
    fault: { fault: "delay-headers" },
    flags: ["--first-token-timeout", "0.2", "--idle-timeout", "30", "--total-timeout", "30"],
  },
  {
    deadline: "idle",
    label: "idle deadline of 250 ms",
    fault: { fault: "stall", text: "Let me think about" },
    flags: ["--first-token-timeout", "30", "--idle-timeout", "0.25", "--total-timeout", "30"],
  },
  {
    deadline: "total",
    label: "total deadline of 300 ms",
    fault: { fault: "stall", text: "Let me think about" },
    flags: ["--first-token-timeout", "30", "--idle-timeout", "30", "--total-timeout", "0.3"],
  },
];

describe("deadlines through the CLI", () => {
  const servers: FakeOpenAI[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });

  it.each(cases)(
    "the $deadline deadline fires, fails only the stalled items, and the server sees the disconnect",
    async ({ label, fault, flags }) => {
      const dir = tempDir();
      const bench = writeBenchmark(dir, { limit: LIMIT });
      const model = simulatedModel(LIMIT);
      let stalling = false;
      let stalled = 0;
      const fake = await startFakeOpenAI({
        slots: 1,
        // Every persona request is answered normally; the control's are refused, then stalled.
        respond: (ctx) => {
          if (ctx.messages.some((m) => m.role === "system")) return model.respond(ctx);
          if (!stalling)
            return faults.http(400, {
              error: { message: "refused for the test", type: "invalid_request_error" },
            });
          stalled++;
          return fault;
        },
      });
      servers.push(fake);
      const spec = `openai:sim@${fake.baseUrl}`;
      const args = ["--json", "--concurrency", "1", "--max-attempts", "1"];

      const first = await runCli(runArgs(bench, spec, dir, args));
      expect(first.stderr).not.toMatch(/internal error|\n\s+at /);
      expect(first.code).toBe(3);
      expect((JSON.parse(first.stdout) as Results).errors.byKind).toEqual({ bad_request: LIMIT });
      const answered = fake.stats.generations;
      expect(answered).toBe(LIMIT * CONDITIONS);

      stalling = true;
      const run = await runCli(runArgs(bench, spec, dir, [...args, ...flags]));
      expect(run.stderr).not.toMatch(/internal error|\n\s+at /);
      expect(run.code).toBe(3);
      const results = JSON.parse(run.stdout) as Results;
      expect(stalled).toBe(LIMIT);
      expect(fake.stats.generations - answered).toBe(LIMIT);
      expect(results.usage).toMatchObject({ modelCalls: 0, cachedCalls: LIMIT * (CONDITIONS - 1) });
      expect(results.errors.byKind).toEqual({ timeout: LIMIT });
      expect(mathSection(results).personas[0]!.errors).toBe(LIMIT);
      expect(
        mathSection(results)
          .personas.slice(1)
          .every((p) => p.n === LIMIT && p.errors === 0),
      ).toBe(true);
      expect(fake.stats.disconnects).toBe(LIMIT);

      const db = new Database(join(dir, "store.sqlite"), { readonly: true });
      const messages = db.prepare("SELECT message FROM failures").all() as { message: string }[];
      db.close();
      expect(messages).toHaveLength(LIMIT);
      for (const { message } of messages) expect(message).toContain(`timeout: ${label}`);
    },
  );
});
