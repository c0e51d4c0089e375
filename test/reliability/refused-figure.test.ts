/**
 * No figure should fail validation after the model calls; if one does anyway (a bug), `run` writes what can be
 * written, says in one line which figure (JSON path) failed, and exits 5, with every generation in the store. The
 * figure is forced invalid by mocking the persona lottery, so this runs the CLI in this process (main()), against a
 * fake server.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { CliIo } from "../../src/cli/io.js";
import { type FakeOpenAI, startFakeOpenAI } from "../fakes/index.js";
import { runArgs } from "../helpers/cli.js";
import { tempDir } from "../helpers/tmp.js";
import { inspectStore, simulatedModel, writeBenchmark } from "./harness.js";

const FORCED = 1.0000000000000002;

vi.mock("../../src/metrics/expected-max.js", async (importOriginal) => {
  const actual = await importOriginal<typeof import("../../src/metrics/expected-max.js")>();
  return {
    ...actual,
    // The value the lottery used to produce for five perfect personas, at k = 2.
    expectedMaxCurve: (values: readonly number[]) =>
      actual.expectedMaxCurve(values).map((value, k) => (k === 1 ? FORCED : value)),
  };
});

function captureIo(cwd: string): CliIo & { out: () => string; err: () => string } {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = "";
  let err = "";
  stdout.setEncoding("utf8").on("data", (chunk: string) => {
    out += chunk;
  });
  stderr.setEncoding("utf8").on("data", (chunk: string) => {
    err += chunk;
  });
  return {
    stdout,
    stderr,
    stdin: new PassThrough(),
    env: {},
    cwd,
    onSignal: () => undefined,
    offSignal: () => undefined,
    out: () => out,
    err: () => err,
  };
}

describe("a figure the results schema refuses after the model calls", () => {
  const LIMIT = 3;
  let fake: FakeOpenAI;
  beforeAll(async () => {
    fake = await startFakeOpenAI({ respond: simulatedModel(LIMIT).respond });
  });
  afterAll(async () => {
    await fake.close();
  });

  it("writes every other report, names the figure in one line, exits 5 and keeps every generation", async () => {
    const { main } = await import("../../src/cli/main.js");
    const dir = tempDir();
    const io = captureIo(dir);
    const args = runArgs(writeBenchmark(dir, { limit: LIMIT }), `openai:sim@${fake.baseUrl}`, dir);
    const code = await main(args, io);

    const lines = io
      .err()
      .split("\n")
      .filter((line) => line.startsWith("persona-bench:"));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^persona-bench: results\.json not written: figure \/tasks\/math500\/summary\/expectedMaxAtK\/1 = 1\.0000000000000002 must be <= 1 \(a bug in persona-bench: please report it\); wrote summary\.md, personas\.csv, report\.html in \S+; the store keeps every generation$/,
    );
    expect(code).toBe(5);

    const [runId] = readdirSync(join(dir, "reports"));
    const reportDir = join(dir, "reports", runId!);
    expect(readdirSync(reportDir).sort()).toEqual(["personas.csv", "report.html", "summary.md"]);
    expect(existsSync(join(reportDir, "results.json"))).toBe(false);
    expect(readFileSync(join(reportDir, "summary.md"), "utf8")).toMatch(/lottery/i);
    // Every planned generation was committed: the same command later makes no model call for them.
    const facts = inspectStore(join(dir, "store.sqlite"));
    expect(facts).toMatchObject({ generations: LIMIT * 4, distinctKeys: LIMIT * 4, integrity: "ok" });
  });
});
