/**
 * Guarantee 3: a run survives being killed. SIGKILL at random moments (chosen by a seeded PRNG from how many
 * generations the fake has served), again and again, then the same command to completion: the figures equal an
 * uninterrupted run's, no row is duplicated, SQLite's integrity check passes, and finished work is never redone
 * beyond the requests that were in flight. SIGINT stops cleanly with exit 130, and two processes on one store
 * at once both finish with the same figures.
 */
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRng } from "../../src/metrics/random.js";
import type { Results } from "../../src/results/types.js";
import { type FakeOpenAI, startFakeOpenAI } from "../fakes/index.js";
import { runArgs, runCli, startCli } from "../helpers/cli.js";
import { newTempDir, removeTempDir, tempDir } from "../helpers/tmp.js";
import { inspectStore, simulatedModel, writeBenchmark } from "./harness.js";

const LIMIT = 20;
const CONDITIONS = 4;
const PLAN = LIMIT * CONDITIONS;
const CONCURRENCY = 4;
const KILLS = 20;
const SEED = 424_242;

describe("crashes and interruptions through the CLI", () => {
  let fake: FakeOpenAI;
  let expected: Results["tasks"];
  const model = simulatedModel(LIMIT);

  let referenceDir: string;
  const argsFor = (dir: string, bench: string) =>
    runArgs(bench, `openai:sim@${fake.baseUrl}`, dir, ["--json", "--concurrency", String(CONCURRENCY)]);

  /**
   * Requests from this index on get no answer (the CLI is about to be stopped): what a run can finish before its
   * signal lands is fixed by the test, not by how fast this machine reacts to the fake's counters.
   */
  let holdFrom = Number.POSITIVE_INFINITY;
  const never = new Promise<void>(() => {});

  beforeAll(async () => {
    fake = await startFakeOpenAI({
      respond: model.respond,
      beforeToken: (ctx, index) => (index === 0 && ctx.requestIndex >= holdFrom ? never : undefined),
    });
    referenceDir = newTempDir();
    const reference = await runCli(argsFor(referenceDir, writeBenchmark(referenceDir, { limit: LIMIT })));
    expect(reference.code).toBe(0);
    expected = (JSON.parse(reference.stdout) as Results).tasks;
  });
  afterAll(async () => {
    await fake.close();
    removeTempDir(referenceDir);
  });

  it(`survives ${KILLS} SIGKILLs at random moments and then completes with the uninterrupted figures`, async () => {
    const dir = tempDir();
    const args = argsFor(dir, writeBenchmark(dir, { limit: LIMIT }));
    const store = join(dir, "store.sqlite");
    const rng = createRng(SEED);
    const start = fake.stats.generations;
    let kills = 0;
    while (kills < KILLS) {
      // 0 kills while the CLI starts up or right as the first request goes out.
      const target = fake.stats.generations + rng.nextInt(6);
      holdFrom = target;
      const run = startCli(args);
      const reached = fake.waitFor((s) => s.generations >= target).then(() => "reached" as const);
      const outcome = await Promise.race([reached, run.done.then(() => "finished" as const)]);
      expect(outcome, `the run finished before kill ${kills + 1}: make the plan bigger`).toBe("reached");
      run.child.kill("SIGKILL");
      const end = await run.done;
      expect(end.signal).toBe("SIGKILL");
      kills++;
      const facts = inspectStore(store);
      expect(facts.integrity).toBe("ok");
      expect(facts.generations).toBe(facts.distinctKeys);
    }
    const kept = inspectStore(store).generations;
    expect(kept).toBeGreaterThan(0);

    holdFrom = Number.POSITIVE_INFINITY;
    const final = await runCli(args);
    expect(final.code).toBe(0);
    const results = JSON.parse(final.stdout) as Results;
    expect(results.status).toBe("complete");
    expect(results.tasks).toEqual(expected);
    expect(results.usage.cachedCalls).toBe(kept);
    expect(inspectStore(store)).toEqual({ generations: PLAN, distinctKeys: PLAN, runs: 1, integrity: "ok" });
    // Work finished before a kill is kept: only requests in flight at the moment of a kill are sent again.
    expect(fake.stats.generations - start).toBeLessThanOrEqual(PLAN + kills * CONCURRENCY);
  });

  it("SIGINT stops with exit 130, keeps finished work, and the same command completes without redoing it", async () => {
    const dir = tempDir();
    const args = argsFor(dir, writeBenchmark(dir, { limit: LIMIT }));
    const start = fake.stats.generations;
    holdFrom = start + PLAN / 2;
    const run = startCli(args);
    await fake.waitFor((s) => s.generations >= start + PLAN / 2);
    run.child.kill("SIGINT");
    const stopped = await run.done;
    expect(stopped.code).toBe(130);
    expect(stopped.stderr).toMatch(/interrupted: run the same command again/);
    expect(stopped.stderr).not.toMatch(/internal error|\n\s+at /);
    const kept = inspectStore(join(dir, "store.sqlite"));
    expect(kept.integrity).toBe("ok");
    expect(kept.generations).toBeGreaterThan(0);
    expect(kept.generations).toBeLessThan(PLAN);
    // Everything the server answered before the signal was stored; only aborted requests are missing.
    expect(fake.stats.generations - start - kept.generations).toBeLessThanOrEqual(CONCURRENCY);

    const before = fake.stats.generations;
    holdFrom = Number.POSITIVE_INFINITY;
    const resumed = await runCli(args);
    expect(resumed.code).toBe(0);
    const results = JSON.parse(resumed.stdout) as Results;
    expect(fake.stats.generations - before).toBe(PLAN - kept.generations);
    expect(results.tasks).toEqual(expected);
    expect(inspectStore(join(dir, "store.sqlite"))).toMatchObject({ generations: PLAN, distinctKeys: PLAN });
  });

  it("two processes on one store at the same time both finish with the same figures and no duplicate rows", async () => {
    const dir = tempDir();
    const args = argsFor(dir, writeBenchmark(dir, { limit: LIMIT }));
    const [a, b] = await Promise.all([runCli(args), runCli(args)]);
    for (const run of [a, b]) {
      expect(run.stderr).not.toMatch(/internal error|\n\s+at /);
      expect(run.code).toBe(0);
      expect((JSON.parse(run.stdout) as Results).tasks).toEqual(expected);
    }
    expect(inspectStore(join(dir, "store.sqlite"))).toEqual({
      generations: PLAN,
      distinctKeys: PLAN,
      runs: 1,
      integrity: "ok",
    });
  });
});
