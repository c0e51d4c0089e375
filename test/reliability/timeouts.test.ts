/**
 * Guarantee 7: the first-token, idle and total deadlines each fire through the CLI with sub-second values, and
 * the server sees the client disconnect. The fake has one generation slot that a timed-out request holds until
 * its client goes away, and the CLI sends one request at a time: if an abort did not reach the server, the next
 * request would wait for the slot and time out too. So "only the stalled items failed" proves the disconnect.
 */
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import type { Results } from "../../src/report/types.js";
import { type FakeOpenAI, type Fault, startFakeOpenAI } from "../fakes/index.js";
import { runArgs, runCli } from "../helpers/cli.js";
import { math500Section } from "../helpers/results.js";
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
      const model = simulatedModel(LIMIT);
      let stalled = 0;
      const fake = await startFakeOpenAI({
        slots: 1,
        // The control's requests stall; every persona request is answered normally.
        respond: (ctx) => {
          if (ctx.messages.some((m) => m.role === "system")) return model.respond(ctx);
          stalled++;
          return fault;
        },
      });
      servers.push(fake);
      const run = await runCli(
        runArgs(writeBenchmark(dir, { limit: LIMIT }), `openai:sim@${fake.baseUrl}`, dir, [
          "--json",
          "--concurrency",
          "1",
          "--max-attempts",
          "1",
          ...flags,
        ]),
      );
      expect(run.stderr).not.toMatch(/internal error|\n\s+at /);
      expect(run.code).toBe(3);
      const results = JSON.parse(run.stdout) as Results;
      expect(stalled).toBe(LIMIT);
      expect(results.errors.byKind).toEqual({ timeout: LIMIT });
      expect(math500Section(results).personas[0]!.errors).toBe(LIMIT);
      expect(
        math500Section(results)
          .personas.slice(1)
          .every((p) => p.n === LIMIT && p.errors === 0),
      ).toBe(true);
      expect(fake.stats.generations).toBe(LIMIT * CONDITIONS);
      expect(fake.stats.disconnects).toBe(LIMIT);

      const db = new Database(join(dir, "store.sqlite"), { readonly: true });
      const messages = db.prepare("SELECT message FROM failures").all() as { message: string }[];
      db.close();
      expect(messages).toHaveLength(LIMIT);
      for (const { message } of messages) expect(message).toContain(`timeout: ${label}`);
    },
  );
});
