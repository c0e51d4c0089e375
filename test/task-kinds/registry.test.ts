import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadBenchmark } from "../../src/benchmark/benchmark.js";
import { writeReports } from "../../src/report/write.js";
import { loadResults } from "../../src/results/load.js";
import { Store } from "../../src/store/store.js";
import { registeredTaskKinds, registerTaskKind, unregisterTaskKind } from "../../src/task-kinds/registry.js";
import { type FakeOllama, startFakeOllama } from "../fakes/index.js";
import { thrown } from "../helpers/errors.js";
import { runInProcess } from "../helpers/in-process.js";
import { echoKind } from "./echo/index.js";

const BENCH = `id: echo-bench
tasks:
  - task: echo
    words: [apple, pear, plum, fig]
`;

describe("a task kind added from outside the core", () => {
  let dir: string;
  let bench: string;
  let fake: FakeOllama;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "persona-bench-echo-"));
    bench = join(dir, "echo.yaml");
    writeFileSync(bench, BENCH);
    // The model repeats every word but "plum".
    fake = await startFakeOllama({
      models: [{ name: "echo:1b" }],
      respond: (ctx) => {
        const word = String(ctx.messages.at(-1)?.content).replace("Repeat exactly: ", "");
        return word === "plum" ? "prune" : word;
      },
    });
  });
  afterAll(async () => {
    unregisterTaskKind("echo");
    await fake.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("is refused by name before it is registered", () => {
    expect(registeredTaskKinds().map((kind) => kind.task)).toEqual(["math500", "math", "personagym"]);
    expect(thrown(() => loadBenchmark(bench)).message).toMatch(
      /echo\.yaml:3: tasks\[0\]\.task: unknown task "echo" \(known: math500, math, personagym\)/,
    );
  });

  it("runs end to end once registered: validated config, model calls, results, reports", async () => {
    // Without its report and gate parts: a kind that brings none is shown through its headline metrics.
    const headlineOnly = { ...echoKind, sections: { kind: "echo" } };
    registerTaskKind(headlineOnly);
    expect(() => registerTaskKind(headlineOnly)).toThrow(/already registered/);
    expect(thrown(() => loadBenchmark(bench.replace("echo.yaml", "missing.yaml"))).message).toMatch(
      /missing/,
    );
    writeFileSync(join(dir, "bad.yaml"), `${BENCH}    colour: red\n`);
    expect(thrown(() => loadBenchmark(join(dir, "bad.yaml"))).message).toMatch(
      /tasks\[0\]\.colour: unknown key "colour"/,
    );

    const storePath = join(dir, "store.sqlite");
    const outcome = await runInProcess(bench, `ollama:echo:1b@${fake.url}`, storePath);
    expect(outcome.status).toBe("complete");
    const section = outcome.results!.tasks.echo!;
    expect(section.kind).toBe("echo");
    expect(section.headline[0]).toMatchObject({ metric: "echoRate", value: 0.75 });
    expect(outcome.results!.suiteChoices.echo).toMatch(/trimmed text/);
    const store = Store.open(storePath);
    expect(store.runMembers(outcome.runId)).toHaveLength(4);
    store.close();

    const { dir: reportDir } = await writeReports(join(dir, "reports"), outcome.results!);
    expect(readFileSync(join(reportDir, "summary.md"), "utf8")).toMatch(/\| Echo rate \| 75\.0% \|/);
    expect(loadResults(join(reportDir, "results.json")).tasks.echo!.headline[0]!.value).toBe(0.75);
  });
});
