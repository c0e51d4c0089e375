/**
 * The library's door used as a program would: evaluate() from the package's entry point against a fake
 * OpenAI-compatible server, its events, its default store under `cwd`, a resume from the store, its dry run, and
 * a run stopped through its AbortSignal that keeps finished work.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type EvaluateEvent,
  type EvaluateOptions,
  evaluate,
  previewEvaluation,
  writeReports,
} from "../../src/index.js";
import { type FakeOpenAI, startFakeOpenAI } from "../fakes/index.js";
import { requireSharedData } from "../helpers/paths.js";
import { tempDir } from "../helpers/tmp.js";
import { inspectStore, simulatedModel, writeBenchmark } from "../reliability/harness.js";

const LIMIT = 6;
/** The control and three personas. */
const PLAN = LIMIT * 4;
const CONCURRENCY = 2;

describe("evaluate() from code", () => {
  let fake: FakeOpenAI;
  const model = simulatedModel(LIMIT);
  /** Requests from this index on get no answer until the client gives up: the abort lands mid-run. */
  let holdFrom = Number.POSITIVE_INFINITY;
  const never = new Promise<void>(() => {});

  beforeAll(async () => {
    fake = await startFakeOpenAI({
      respond: model.respond,
      beforeToken: (ctx, index) => (index === 0 && ctx.requestIndex >= holdFrom ? never : undefined),
    });
  });
  afterAll(async () => {
    await fake.close();
  });

  const optionsFor = (dir: string, extra: Partial<EvaluateOptions> = {}): EvaluateOptions => ({
    model: `openai:sim@${fake.baseUrl}`,
    cwd: dir,
    env: {},
    dataDir: requireSharedData(),
    allowDownload: false,
    concurrency: CONCURRENCY,
    retry: { baseDelayMs: 0 },
    ...extra,
  });

  it("returns the results with progress as events, stores under cwd, and resumes from the store", async () => {
    const dir = tempDir();
    const bench = writeBenchmark(dir, { limit: LIMIT });
    const store = join(dir, ".persona-bench/store.sqlite");

    const plan = await previewEvaluation(bench, optionsFor(dir));
    expect(plan.stages.reduce((sum, stage) => sum + stage.requests, 0)).toBe(PLAN);
    expect(plan.stages.reduce((sum, stage) => sum + (stage.cached ?? 0), 0)).toBe(0);
    expect(plan.subject.identity?.provider).toBe("openai");
    // A dry run never creates the store.
    expect(existsSync(store)).toBe(false);

    const events: EvaluateEvent[] = [];
    const sent = fake.stats.generations;
    const outcome = await evaluate(bench, optionsFor(dir, { onEvent: (event) => events.push(event) }));
    expect(outcome.status).toBe("complete");
    expect(outcome.counts).toMatchObject({ total: PLAN, completed: PLAN, cached: 0, failed: 0 });
    expect(fake.stats.generations - sent).toBe(PLAN);
    expect(outcome.results?.status).toBe("complete");
    expect(Object.keys(outcome.results?.tasks ?? {})).toHaveLength(1);
    expect(inspectStore(store)).toMatchObject({ generations: PLAN, runs: 1, integrity: "ok" });

    expect(events[0]).toEqual({ type: "started", runId: outcome.runId });
    const progress = events.flatMap((event) => (event.type === "progress" ? [event] : []));
    expect(progress.length).toBeGreaterThan(0);
    expect(progress.at(-1)?.counts).toMatchObject({ total: PLAN, completed: PLAN, inFlight: 0 });

    // Reports are the caller's choice: the same library call the CLI makes.
    const written = await writeReports(join(dir, "reports"), outcome.results!);
    expect(existsSync(join(written.dir, "results.json"))).toBe(true);

    const again = await evaluate(bench, optionsFor(dir));
    expect(fake.stats.generations - sent).toBe(PLAN);
    expect(again.runId).toBe(outcome.runId);
    expect(again.counts).toMatchObject({ total: PLAN, cached: PLAN, completed: 0 });
    expect(again.results?.tasks).toEqual(outcome.results?.tasks);
    const cachedPlan = await previewEvaluation(bench, optionsFor(dir));
    expect(cachedPlan.stages.reduce((sum, stage) => sum + (stage.cached ?? 0), 0)).toBe(PLAN);
  });

  it("stops through its AbortSignal keeping finished work, and the same call completes without redoing it", async () => {
    const dir = tempDir();
    const bench = writeBenchmark(dir, { limit: LIMIT });
    const options = optionsFor(dir, { store: "runs.sqlite" });
    const start = fake.stats.generations;
    holdFrom = start + PLAN / 2;
    const controller = new AbortController();
    const running = evaluate(bench, { ...options, signal: controller.signal });
    await fake.waitFor((s) => s.generations >= start + PLAN / 2);
    controller.abort(new Error("stop"));
    const stopped = await running;
    holdFrom = Number.POSITIVE_INFINITY;

    expect(stopped.status).toBe("interrupted");
    const kept = inspectStore(join(dir, "runs.sqlite"));
    expect(kept.integrity).toBe("ok");
    expect(kept.generations).toBeGreaterThan(0);
    expect(kept.generations).toBeLessThan(PLAN);
    // Everything the server answered before the abort was stored; only requests in flight are missing.
    expect(fake.stats.generations - start - kept.generations).toBeLessThanOrEqual(CONCURRENCY);

    const before = fake.stats.generations;
    const resumed = await evaluate(bench, options);
    expect(resumed.status).toBe("complete");
    expect(resumed.runId).toBe(stopped.runId);
    expect(resumed.counts).toMatchObject({ cached: kept.generations, completed: PLAN - kept.generations });
    expect(fake.stats.generations - before).toBe(PLAN - kept.generations);
  });
});
