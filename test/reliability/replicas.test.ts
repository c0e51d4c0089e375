/**
 * One model on several servers, through the CLI: each replica gets its own concurrency limit, work goes to the
 * replica with a free slot, a replica that stops answering is taken out of rotation and the run completes on the
 * others, replicas serving different weights are refused naming the odd one out, and results.json lists the
 * replicas with the requests each served.
 */
import { afterEach, describe, expect, it } from "vitest";
import type { Results } from "../../src/results/types.js";
import { type FakeServer, startFakeOllama, startFakeOpenAI } from "../fakes/index.js";
import { runArgs, runCli } from "../helpers/cli.js";
import { mainInProcess } from "../helpers/in-process-cli.js";
import { tempDir } from "../helpers/tmp.js";
import { simulatedModel, writeBenchmark } from "./harness.js";

const LIMIT = 10;
const REQUESTS = LIMIT * 4;

describe("replicas", () => {
  const servers: FakeServer[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });

  it("each replica gets --concurrency slots, both serve, and results.json lists what each served", async () => {
    const model = simulatedModel(LIMIT);
    const dir = tempDir();
    const bench = writeBenchmark(dir, { limit: LIMIT });
    // No first token until both replicas hold 2 generations at once: with --concurrency 2 that is only possible if
    // each replica has its own limit of 2.
    let a: FakeServer | undefined;
    let b: FakeServer | undefined;
    let opened = true;
    const gate = async () => {
      if (opened) return;
      await Promise.all([
        a!.waitFor((stats) => stats.generating >= 2),
        b!.waitFor((stats) => stats.generating >= 2),
      ]);
      opened = true;
    };
    a = await startFakeOpenAI({ respond: model.respond, beforeToken: gate });
    b = await startFakeOpenAI({ respond: model.respond, beforeToken: gate });
    servers.push(a, b);
    const reference = await runCli(
      runArgs(bench, `openai:sim-7b@${a.url}/v1`, tempDir(), ["--json", "--concurrency", "4"]),
    );
    expect(reference.code).toBe(0);
    const before = { a: a.stats.generations, b: b.stats.generations };
    opened = false;

    const run = await runCli(
      runArgs(bench, `openai:sim-7b@${a.url}/v1`, dir, [
        "--json",
        "--concurrency",
        "2",
        "--replica",
        `${b.url}/v1`,
      ]),
    );
    expect(run.stderr).not.toMatch(/internal error/);
    expect(run.code).toBe(0);
    const results = JSON.parse(run.stdout) as Results;
    const servedA = a.stats.generations - before.a;
    const servedB = b.stats.generations - before.b;
    expect(servedA + servedB).toBe(REQUESTS);
    expect(servedA).toBeGreaterThan(0);
    expect(servedB).toBeGreaterThan(0);
    // The reference run went up to 4 on a alone; the replica run never above 2 on either.
    expect(b.stats.maxGenerating).toBe(2);
    expect(results.model.replicas).toEqual([
      { endpoint: `${a.url}/v1`, served: servedA },
      { endpoint: `${b.url}/v1`, served: servedB },
    ]);
    expect(results.status).toBe("complete");
    expect(results.tasks).toEqual((JSON.parse(reference.stdout) as Results).tasks);
  });

  it("a replica that stops answering is taken out of rotation and the run completes on the others", async () => {
    const model = simulatedModel(LIMIT);
    const dir = tempDir();
    const bench = writeBenchmark(dir, { limit: LIMIT });
    let dying: FakeServer | undefined;
    let killed: Promise<void> | undefined;
    const healthy = await startFakeOpenAI({ respond: model.respond });
    dying = await startFakeOpenAI({
      respond: (ctx) => {
        // After its third request the server goes away for good (every later connection is refused).
        if (ctx.requestIndex === 2) killed ??= dying!.close();
        return model.respond(ctx);
      },
    });
    servers.push(healthy);
    const run = await runCli(
      runArgs(bench, `openai:sim-7b@${healthy.url}/v1,${dying.url}/v1`, dir, [
        "--json",
        "--concurrency",
        "2",
      ]),
    );
    await killed;
    expect(run.stderr).toMatch(/replica http:\/\/127\.0\.0\.1:\d+\/v1 stopped answering .*out of rotation/);
    expect(run.code).toBe(0);
    const results = JSON.parse(run.stdout) as Results;
    expect(results.status).toBe("complete");
    expect(results.usage.modelCalls).toBe(REQUESTS);
    const served = results.model.replicas!;
    expect(served.reduce((n, r) => n + r.served, 0)).toBe(REQUESTS);
    expect(served[0]!.served).toBeGreaterThanOrEqual(REQUESTS - 2);
  });

  it("replicas reporting different weights digests are refused, naming the odd one out", async () => {
    const same = { name: "sim:7b", digest: "a".repeat(64) };
    const one = await startFakeOllama({ models: [same] });
    const two = await startFakeOllama({ models: [same] });
    const odd = await startFakeOllama({ models: [{ name: "sim:7b", digest: "b".repeat(64) }] });
    servers.push(one, two, odd);
    const dir = tempDir();
    const bench = writeBenchmark(dir, { limit: LIMIT });
    const run = await mainInProcess(runArgs(bench, `ollama:sim:7b@${one.url},${odd.url},${two.url}`, dir));
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`${odd.url} reports ${"b".repeat(64)}`);
    expect(run.stderr).toContain(`while ${one.url}, ${two.url} report ${"a".repeat(64)}`);
    expect(one.stats.generations + two.stats.generations + odd.stats.generations).toBe(0);
  });

  it("replicas with one digest share the cache of a single server with that digest", async () => {
    const model = simulatedModel(LIMIT);
    const one = await startFakeOllama({ respond: model.respond, models: [{ name: "sim:7b" }] });
    const two = await startFakeOllama({ respond: model.respond, models: [{ name: "sim:7b" }] });
    servers.push(one, two);
    const dir = tempDir();
    const bench = writeBenchmark(dir, { limit: LIMIT });
    const single = await runCli(runArgs(bench, `ollama:sim:7b@${one.url}`, dir, ["--json"]));
    expect(single.code).toBe(0);
    const generations = one.stats.generations + two.stats.generations;
    const both = await runCli(runArgs(bench, `ollama:sim:7b@${one.url},${two.url}`, dir, ["--json"]));
    expect(both.code).toBe(0);
    expect(one.stats.generations + two.stats.generations).toBe(generations);
    const results = JSON.parse(both.stdout) as Results;
    expect(results.usage.cachedCalls).toBe(REQUESTS);
    expect(results.tasks).toEqual((JSON.parse(single.stdout) as Results).tasks);
  });
});
