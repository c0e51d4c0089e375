/**
 * No runtime warning reaches the user during a normal run, at any concurrency. Every request watched the run's
 * AbortSignal with its own listener, so above 10 in flight Node printed `MaxListenersExceededWarning: Possible
 * EventTarget memory leak detected`.
 */
import { afterEach, describe, expect, it } from "vitest";
import { type FakeServer, startFakeOllama, startFakeOpenAI } from "../fakes/index.js";
import { runArgs, runCli } from "../helpers/cli.js";
import { tempDir } from "../helpers/tmp.js";
import { simulatedModel, writeBenchmark } from "./harness.js";

const LIMIT = 20;

describe("runtime warnings", () => {
  const servers: FakeServer[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });

  it.each([16, 256])("none at concurrency %i (OpenAI SSE and Ollama NDJSON)", async (concurrency) => {
    const model = simulatedModel(LIMIT);
    // The first token waits until 12 requests are in flight at once, so the run really has more than 10 open.
    const gate = (server: () => FakeServer) => async () => {
      await server().waitFor((stats) => stats.maxInFlight >= 12);
    };
    const openai: FakeServer = await startFakeOpenAI({
      respond: model.respond,
      beforeToken: gate(() => openai),
    });
    const ollama: FakeServer = await startFakeOllama({
      respond: model.respond,
      models: [{ name: "sim:7b" }],
      beforeToken: gate(() => ollama),
    });
    servers.push(openai, ollama);
    for (const spec of [`openai:sim-7b@${openai.url}/v1`, `ollama:sim:7b@${ollama.url}`]) {
      const dir = tempDir();
      const bench = writeBenchmark(dir, { limit: LIMIT });
      const run = await runCli(runArgs(bench, spec, dir, ["--concurrency", String(concurrency)]));
      expect(run.code).toBe(0);
      expect(run.stderr).not.toMatch(/warning|leak/i);
    }
    expect(openai.stats.maxInFlight).toBeGreaterThan(10);
    expect(ollama.stats.maxInFlight).toBeGreaterThan(10);
  });
});
