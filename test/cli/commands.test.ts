import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli.js";
import { mainInProcess } from "../helpers/in-process-cli.js";
import { requireSharedData } from "../helpers/paths.js";
import { tempDir } from "../helpers/tmp.js";

describe("persona-bench grade", () => {
  it("grades responses and extracted answers from stdin, reports bad lines by number and goes on", async () => {
    const input = [
      JSON.stringify({ gold: "\\frac{3}{4}", response: "So we get $\\boxed{0.75}$.", id: 1 }),
      "{not json",
      JSON.stringify({ gold: "\\pi", pred: "3.14" }),
      JSON.stringify({ gold: "7" }),
      JSON.stringify({ gold: "2^{100}", response: "The answer is $2^{100}+1$." }),
      JSON.stringify({ gold: "5", response: "I refuse to answer." }),
    ].join("\n");
    const run = await mainInProcess(["grade", "-"], { stdin: input });
    expect(run.code).toBe(2);
    const out = run.stdout
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line));
    expect(out).toEqual([
      {
        gold: "\\frac{3}{4}",
        response: "So we get $\\boxed{0.75}$.",
        id: 1,
        extracted: "0.75",
        found: true,
        path: "boxed",
        correct: true,
      },
      { gold: "\\pi", pred: "3.14", extracted: "3.14", found: true, path: "pred", correct: false },
      expect.objectContaining({ gold: "2^{100}", found: true, path: "answer_phrase", correct: false }),
      {
        gold: "5",
        response: "I refuse to answer.",
        extracted: null,
        found: false,
        path: "none",
        correct: false,
      },
    ]);
    const errors = run.stderr.trim().split("\n");
    expect(errors).toHaveLength(2);
    expect(errors[0]).toMatch(/^<stdin>:2: /);
    expect(errors[1]).toMatch(/^<stdin>:4: .*(response|pred)/);
  });

  it("reads a file and names it when it cannot", async () => {
    const dir = tempDir();
    const file = join(dir, "pairs.jsonl");
    writeFileSync(file, `${JSON.stringify({ gold: "10", pred: "\\text{ten}" })}\n`);
    const ok = await runCli(["grade", file]);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ correct: true });
    const missing = await mainInProcess(["grade", join(dir, "nope.jsonl")]);
    expect(missing.code).toBe(2);
    expect(missing.stderr.trim().split("\n")).toEqual([expect.stringMatching(/cannot read .*nope\.jsonl/)]);
  });
});

describe("persona-bench data verify", () => {
  it("checks the copy a run would use against the pinned hash", async () => {
    const run = await runCli(["data", "verify", "--data-dir", requireSharedData()], {
      env: { PERSONA_BENCH_CACHE_DIR: tempDir() },
    });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/math500 \[data-dir\] .*test\.jsonl: ok \(sha256 35dc4108/);
    expect(run.stdout).toMatch(/<- used/);
    // Every dataset of every registered task kind, not only MATH500.
    expect(run.stdout).toMatch(/^personagym \[data-dir\] .*benchmark-v1: ok \(digest 94fbc084.*\) <- used$/m);
    expect(run.stdout).toMatch(/^personagym-rubrics \[data-dir\] .*rubrics: ok <- used$/m);
  });

  it("fails when nothing is there to verify", async () => {
    const run = await mainInProcess(["data", "verify"], { env: { PERSONA_BENCH_CACHE_DIR: tempDir() } });
    expect(run.code).toBe(2);
    expect(run.stdout).toMatch(/no local copy; persona-bench data fetch downloads it/);
    expect(run.stdout).toMatch(/^personagym: no usable local copy: .*not in the cache/m);
  });
});

describe("persona-bench run with an override a task cannot take", () => {
  it("says once that it was ignored for that task, and applies it where it can", async () => {
    const run = await runCli([
      "run",
      "benchmarks/default.yaml",
      "--model",
      "ollama:m@http://127.0.0.1:9",
      "--data-dir",
      requireSharedData(),
      "--no-download",
      "--samples",
      "3",
      "--limit",
      "2",
      "--dry-run",
    ]);
    expect(run.code).toBe(0);
    expect(run.stderr.trim().split("\n")).toEqual([
      "note: --samples does not apply to task personagym: ignored there",
    ]);
    expect(run.stdout).toMatch(/math500: 2 problems x \d+ conditions .* x 3 sample\(s\)/);
  });
});

describe("persona-bench without a model", () => {
  it("says how to name one, in one line, with the bad-input exit code", async () => {
    // The default model is not in this (empty) cache: its download needs --yes.
    const run = await mainInProcess(["run", "benchmarks/math500-quick.yaml"], {
      env: { PERSONA_BENCH_CACHE_DIR: tempDir() },
    });
    expect(run.code).toBe(2);
    expect(run.stderr.trim().split("\n")).toEqual([
      expect.stringMatching(
        /no model named .* run again with --yes .* --model gguf:<file\.gguf>, .* ollama:<model>/,
      ),
    ]);
  });

  it("names the URL and how to start the server when none answers", async () => {
    const run = await mainInProcess([
      "run",
      "benchmarks/math500-quick.yaml",
      "--model",
      "ollama:qwen2.5:7b@http://127.0.0.1:9",
      "--data-dir",
      requireSharedData(),
      "--store",
      join(tempDir(), "s.sqlite"),
    ]);
    expect(run.code).toBe(2);
    const lines = run.stderr.trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/127\.0\.0\.1:9/);
    expect(lines[0]).toMatch(/ollama serve/);
  });
});
