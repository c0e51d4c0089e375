import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getValidator } from "../../src/config/schemas.js";
import type { GateReport } from "../../src/gate/index.js";
import type { Results } from "../../src/results/types.js";
import { registerTaskKind, unregisterTaskKind } from "../../src/task-kinds/registry.js";
import { type FakeOllama, startFakeOllama } from "../fakes/index.js";
import { mainInProcess } from "../helpers/in-process-cli.js";
import { newTempDir, removeTempDir } from "../helpers/tmp.js";
import { echoKind } from "./echo/index.js";

/**
 * The whole path of a kind that lives in one folder (test/task-kinds/echo/) and touches nothing else but the
 * registry call: its scorer's verdicts stored, its own report fragment in report.html, summary.md and the CSV,
 * and its own gate metric decided by the release gate from the two runs' per-word verdicts.
 */
const WORDS = ["apple", "pear", "plum", "fig", "kiwi", "lime", "date", "quince"];
const MISSES: Record<string, string[]> = { "echo:1b": ["plum"], "echo:2b": ["plum", "fig", "kiwi", "lime"] };

describe("the echo kind, registered from its own folder", () => {
  let fake: FakeOllama;
  let dir: string;
  const runs: Record<string, Results> = {};

  beforeAll(async () => {
    registerTaskKind(echoKind);
    dir = newTempDir();
    fake = await startFakeOllama({
      models: [{ name: "echo:1b" }, { name: "echo:2b" }],
      respond: (ctx) => {
        const word = String(ctx.messages.at(-1)?.content).replace("Repeat exactly: ", "");
        return MISSES[ctx.model]!.includes(word) ? "prune" : ` ${word}\n`;
      },
    });
    writeFileSync(
      join(dir, "echo.yaml"),
      `id: echo-bench\ntasks:\n  - task: echo\n    words: [${WORDS.join(", ")}]\n`,
    );
    for (const model of Object.keys(MISSES)) {
      const run = await mainInProcess(
        [
          "run",
          "echo.yaml",
          "--model",
          `ollama:${model}@${fake.url}`,
          "--store",
          "store.sqlite",
          "--out",
          "reports",
          "--json",
        ],
        { cwd: dir },
      );
      expect(run).toMatchObject({ code: 0 });
      runs[model] = JSON.parse(run.stdout) as Results;
    }
  });
  afterAll(async () => {
    unregisterTaskKind("echo");
    await fake.close();
    removeTempDir(dir);
  });

  it("stores its scorer's verdicts and computes its section from them", () => {
    const section = runs["echo:1b"]!.tasks.echo as unknown as {
      outcomes: string;
      headline: { value: number }[];
    };
    expect(section.outcomes).toBe("11011111");
    expect(section.headline[0]!.value).toBe(7 / 8);
    expect((runs["echo:2b"]!.tasks.echo as unknown as { outcomes: string }).outcomes).toBe("11000011");
  });

  it("shows its own fragment in report.html, summary.md, the CSV and the terminal summary", () => {
    const reports = join(dir, "reports", runs["echo:1b"]!.runId);
    const html = readFileSync(join(reports, "report.html"), "utf8");
    expect(html).toContain('<section id="task-echo" class="echo-words"><h2>Words echoed</h2>');
    expect(html).toContain('<li class="missed">plum</li>');
    expect(readFileSync(join(reports, "summary.md"), "utf8")).toContain(
      "Echoed 7 of 8: apple, pear, fig, kiwi, lime, date, quince",
    );
    expect(readFileSync(join(reports, "echo.csv"), "utf8")).toContain("plum,false\n");
  });

  it("is gated on its own metric, paired word by word, by a policy that names it", async () => {
    writeFileSync(
      join(dir, "policy.yaml"),
      "minPaired: { problems: 8 }\nrules:\n  - type: non-inferiority\n    metric: echo-rate\n    margin: 0.05\n",
    );
    const [baseline, candidate] = [runs["echo:1b"]!.runId, runs["echo:2b"]!.runId];
    const gateRuns = (from: string, to: string) =>
      mainInProcess(
        [
          "gate",
          "--baseline",
          from,
          "--candidate",
          to,
          "--policy",
          "policy.yaml",
          "--store",
          "store.sqlite",
          "--reports",
          "reports",
          "--json",
        ],
        { cwd: dir },
      );
    const gated = await gateRuns(baseline, candidate);
    // A kind without a store check is checked against its own figures only, and the gate says so.
    expect(gated.stderr).toBe(
      [baseline, candidate]
        .map(
          (run) =>
            `note: task echo of run ${run}: its verdicts are checked against its own figures, not against the store\n`,
        )
        .join(""),
    );
    const report = JSON.parse(gated.stdout) as GateReport;
    expect(getValidator("gate-report")(report)).toBe(true);
    expect(report.rules).toHaveLength(1);
    expect(report.rules[0]).toMatchObject({
      kind: "echo",
      metric: "echo-rate",
      task: "echo",
      result: "fail",
    });
    expect(report.rules[0]).toMatchObject({ baseline: 7 / 8, estimate: 4 / 8 - 7 / 8, units: 8 });
    expect(report.verdict).toBe("fail");
    expect(gated.code).toBe(1);
    // The same runs the other way round: the candidate gains three words and passes.
    const reversed = await gateRuns(candidate, baseline);
    expect((JSON.parse(reversed.stdout) as GateReport).verdict).toBe("pass");
  });
});
