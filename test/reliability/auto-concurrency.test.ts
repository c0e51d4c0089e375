/**
 * `--concurrency auto` through the CLI: against a server that answers 429 to anything above 2 in flight, the run
 * completes with the fault-free figures and reports where the limit settled. The search starts at 4, and the
 * first answers wait until the first 4 requests have arrived, so the server rejects some on every machine, fast
 * or slow. The 429s the controller's probing causes are not charged to the requests' retry caps, so none fails.
 * (Where it settles for k = 4 and 32 on queueing and rejecting servers is measured by `npm run perf`; the
 * controller itself is tested in test/runner.)
 */
import { afterEach, describe, expect, it } from "vitest";
import type { Results } from "../../src/results/types.js";
import { type FakeOpenAI, type FakeServer, faults, startFakeOpenAI } from "../fakes/index.js";
import { runArgs, runCli } from "../helpers/cli.js";
import { tempDir } from "../helpers/tmp.js";
import { simulatedModel, writeBenchmark } from "./harness.js";

const LIMIT = 20;
const K = 2;
/** Where `--concurrency auto` starts (src/cli/run-command.ts). */
const INITIAL = 4;

describe("--concurrency auto", () => {
  const servers: FakeServer[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });

  it("backs off a server that rejects above its capacity and completes with the fault-free figures", async () => {
    const model = simulatedModel(LIMIT);
    let rejected = 0;
    const fake: FakeOpenAI = await startFakeOpenAI({
      respond: (ctx) => {
        if (fake.stats.inFlight > K) {
          rejected++;
          return faults.http(
            429,
            { error: { message: "Rate limit reached", code: "rate_limit_exceeded" } },
            {
              "retry-after": "0",
            },
          );
        }
        return model.respond(ctx);
      },
      // The first burst overlaps for certain: no first token before the first INITIAL requests have arrived.
      beforeToken: (_, index) =>
        index === 0 ? fake.waitFor((stats) => stats.generations >= INITIAL) : undefined,
    });
    servers.push(fake);
    const clean = await startFakeOpenAI({ respond: model.respond });
    servers.push(clean);
    const reference = await runCli(
      runArgs(writeBenchmark(tempDir(), { limit: LIMIT }), `openai:sim-7b@${clean.baseUrl}`, tempDir(), [
        "--json",
      ]),
    );
    expect(reference.code).toBe(0);

    const dir = tempDir();
    const run = await runCli(
      runArgs(writeBenchmark(dir, { limit: LIMIT }), `openai:sim-7b@${fake.baseUrl}`, dir, [
        "--json",
        "--concurrency",
        "auto",
      ]),
    );
    expect(run.stderr).not.toMatch(/internal error/);
    expect(run.code).toBe(0);
    const settled = /concurrency auto: .* settled near (\d+) in flight/.exec(run.stderr);
    expect(settled).not.toBeNull();
    expect(Number(settled![1])).toBeGreaterThanOrEqual(1);
    expect(Number(settled![1])).toBeLessThanOrEqual(2 * K);
    const results = JSON.parse(run.stdout) as Results;
    expect(results.status).toBe("complete");
    expect(results.tasks).toEqual((JSON.parse(reference.stdout) as Results).tasks);
    expect(rejected).toBeGreaterThan(0);
  });
});
