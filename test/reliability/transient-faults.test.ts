/**
 * Guarantee 1: transient faults change nothing. A fifth of the attempts fail at random, on every attempt (429 with
 * Retry-After: 0, 503, 500, 502, 504, reset before the headers, reset mid-stream, clean end without a terminator),
 * and the run, at the default 5 attempts, ends complete with figures identical to a fault-free run's. Streams cut
 * short carry the correct \boxed{} answer, so scoring any partial output would change the figures.
 */
import { afterEach, describe, expect, it } from "vitest";
import type { Results } from "../../src/results/types.js";
import {
  type FakeServer,
  type Fault,
  faults,
  type RespondHook,
  startFakeOllama,
  startFakeOpenAI,
} from "../fakes/index.js";
import { runArgs, runCli } from "../helpers/cli.js";
import { tempDir } from "../helpers/tmp.js";
import { problemOf, simulatedModel, uniformFor, writeBenchmark } from "./harness.js";

const LIMIT = 40;
const CONDITIONS = 4;
const FAULT_RATE = 0.2;
const SEED = 20_240_501;

type Mode =
  | "429"
  | "503"
  | "500"
  | "502"
  | "504"
  | "reset-before-headers"
  | "reset-mid-stream"
  | "no-terminator";
const MODES: Mode[] = [
  "429",
  "503",
  "500",
  "502",
  "504",
  "reset-before-headers",
  "reset-mid-stream",
  "no-terminator",
];

function faultFor(mode: Mode, boxedCorrect: string): Fault {
  switch (mode) {
    case "429":
      return faults.http(
        429,
        { error: { message: "Rate limit reached", type: "requests", code: "rate_limit_exceeded" } },
        { "retry-after": "0" },
      );
    case "503":
      return faults.http(503, { error: { code: 503, message: "Loading model", type: "unavailable_error" } });
    case "500":
      return faults.serverJson();
    case "502":
      return faults.badGatewayHtml();
    case "504":
      return faults.gatewayTimeout();
    case "reset-before-headers":
      return { fault: "reset-before-headers" };
    case "reset-mid-stream":
      return { fault: "reset-mid-stream", text: `So the answer is $\\boxed{${boxedCorrect}}$ and` };
    case "no-terminator":
      return { fault: "no-terminator", text: `Therefore $\\boxed{${boxedCorrect}}$.` };
  }
}

const dialects = {
  openai: async (respond: RespondHook) => {
    const fake = await startFakeOpenAI({ respond });
    return { fake: fake as FakeServer, spec: `openai:sim-7b@${fake.baseUrl}` };
  },
  ollama: async (respond: RespondHook) => {
    const fake = await startFakeOllama({ respond, models: [{ name: "sim:7b" }] });
    return { fake: fake as FakeServer, spec: `ollama:sim:7b@${fake.url}` };
  },
};

describe.each(Object.keys(dialects) as (keyof typeof dialects)[])(
  "transient faults through the CLI (%s)",
  (dialect) => {
    const servers: FakeServer[] = [];
    afterEach(async () => {
      await Promise.all(servers.splice(0).map((s) => s.close()));
    });

    it("a run with 20% random transient faults reports exactly the fault-free figures", async () => {
      const dir = tempDir();
      const cleanDir = tempDir();
      const bench = writeBenchmark(dir, { limit: LIMIT });
      const model = simulatedModel(LIMIT);

      const clean = await dialects[dialect](model.respond);
      servers.push(clean.fake);
      const reference = await runCli(runArgs(bench, clean.spec, cleanDir, ["--json"]));
      expect(reference.stderr).not.toMatch(/internal error/);
      expect(reference.code).toBe(0);
      const expected = JSON.parse(reference.stdout) as Results;

      const injected = new Map<Mode, number>(MODES.map((m) => [m, 0]));
      let partialCorrectOnWrongItem = 0;
      const modesOf = new Map<string, Set<Mode>>();
      const faulty = await dialects[dialect]((ctx) => {
        // Every attempt can fail, a retry as much as a first try: the caps count failures of their own kind.
        if (uniformFor(SEED, ctx) < FAULT_RATE) {
          const mode = MODES[Math.floor(uniformFor(SEED, ctx, "fault kind") * MODES.length)]!;
          injected.set(mode, injected.get(mode)! + 1);
          const id = JSON.stringify(ctx.messages);
          modesOf.set(id, (modesOf.get(id) ?? new Set()).add(mode));
          const problem = problemOf(model, ctx);
          if ((mode === "reset-mid-stream" || mode === "no-terminator") && !problem.correct)
            partialCorrectOnWrongItem++;
          return faultFor(mode, problem.answer);
        }
        return model.respond(ctx);
      });
      servers.push(faulty.fake);
      const run = await runCli(runArgs(bench, faulty.spec, dir, ["--json", "--concurrency", "8"]));
      expect(run.stderr).not.toMatch(/internal error/);
      expect(run.code).toBe(0);
      const results = JSON.parse(run.stdout) as Results;

      const faultCount = [...injected.values()].reduce((a, b) => a + b, 0);
      const mixedRetries = [...modesOf.values()].filter((modes) => modes.size >= 2).length;
      const requests = faulty.fake.stats.generations;
      expect(requests).toBe(LIMIT * CONDITIONS + faultCount);
      expect(faultCount / (LIMIT * CONDITIONS)).toBeGreaterThanOrEqual(0.15);
      for (const mode of MODES) expect(injected.get(mode), mode).toBeGreaterThanOrEqual(2);
      // The partial outputs carried the right answer on items the model gets wrong: scoring them would show.
      expect(partialCorrectOnWrongItem).toBeGreaterThanOrEqual(2);

      expect(results.status).toBe("complete");
      expect(results.errors.total).toBe(0);
      expect(results.usage.modelCalls).toBe(LIMIT * CONDITIONS);
      expect(results.tasks).toEqual(expected.tasks);
      // Some request met two or more different faults before it succeeded (a 429 then a 500, say).
      expect(mixedRetries).toBeGreaterThanOrEqual(1);
    });

    it("a request that meets a 429, a 503, a reset and then a 500, 502 and 500 again still completes", async () => {
      const dir = tempDir();
      const bench = writeBenchmark(dir, { limit: 2 });
      const model = simulatedModel(2);
      // The worst of these sequences has two 500s and five faults in all: one fewer than any cap.
      const scripts: Mode[][] = [
        ["429", "500", "500"],
        ["503", "502", "reset-before-headers", "502"],
        ["500", "429", "504", "500", "reset-mid-stream"],
        ["reset-mid-stream", "no-terminator", "500", "502"],
      ];
      let next = 0;
      const assigned = new Map<string, Mode[]>();
      const fake = await dialects[dialect]((ctx) => {
        const id = JSON.stringify(ctx.messages);
        let script = assigned.get(id);
        if (script === undefined) {
          script = scripts[next++ % scripts.length]!;
          assigned.set(id, script);
        }
        const mode = script[ctx.attempt - 1];
        return mode === undefined ? model.respond(ctx) : faultFor(mode, problemOf(model, ctx).answer);
      });
      servers.push(fake.fake);
      const run = await runCli(runArgs(bench, fake.spec, dir, ["--json", "--concurrency", "4"]));
      expect(run.stderr).not.toMatch(/internal error|failed/);
      expect(run.code).toBe(0);
      const results = JSON.parse(run.stdout) as Results;
      expect(results.status).toBe("complete");
      expect(results.errors.total).toBe(0);
      const faultsSent = [...assigned.values()].reduce((n, script) => n + script.length, 0);
      expect(fake.fake.stats.generations).toBe(2 * CONDITIONS + faultsSent);
    });
  },
);
