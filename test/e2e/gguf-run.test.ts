/**
 * gguf: end to end through the built CLI and the real node-llama-cpp, on a synthetic model the test writes: the
 * quick benchmark runs and a second run makes no generation; with no model named, the default model is only
 * downloaded with --yes (here from a loopback hub through HF_ENDPOINT), then runs from the cache.
 */
import { createHash, randomBytes } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DEFAULT_GGUF } from "../../src/models/gguf/spec.js";
import type { Results } from "../../src/results/types.js";
import { runArgs, runCli } from "../helpers/cli.js";
import { syntheticGguf, writeSyntheticGguf } from "../helpers/gguf.js";
import { type FileServer, startFileServer } from "../helpers/gguf-server.js";
import { mainInProcess } from "../helpers/in-process-cli.js";
import { requireSharedData } from "../helpers/paths.js";
import { tempDir } from "../helpers/tmp.js";

const LOCAL = ["--threads", "1", "--gpu", "off"];

describe("persona-bench run --model gguf:<file> (in-process llama.cpp)", () => {
  let dir: string;
  beforeEach(() => {
    dir = tempDir();
  });

  it("runs the quick benchmark, records the weights' identity, and a second run generates nothing", async () => {
    const model = writeSyntheticGguf(join(dir, "tiny.gguf"), { contextLength: 8192 });
    const env = { PERSONA_BENCH_CACHE_DIR: join(dir, "cache") };
    const args = runArgs("benchmarks/math500-quick.yaml", `gguf:${model}`, dir, [
      "--limit",
      "3",
      "--json",
      ...LOCAL,
    ]);
    const first = await runCli(args, { env });
    expect(first.code, first.stderr).toBe(0);
    const results = JSON.parse(first.stdout) as Results;
    const sha256 = createHash("sha256")
      .update(syntheticGguf({ contextLength: 8192 }))
      .digest("hex");
    expect(results.model).toMatchObject({ spec: `gguf:${model}`, provider: "gguf", digest: sha256 });
    expect(results.model.details).toMatchObject({ compute: "cpu", backend: "cpu", threads: 1, sequences: 4 });
    expect(results.usage).toMatchObject({ modelCalls: 27, cachedCalls: 0 });
    expect(results.errors.total).toBe(0);

    const second = await runCli(args, { env });
    expect(second.code, second.stderr).toBe(0);
    expect((JSON.parse(second.stdout) as Results).usage).toMatchObject({ modelCalls: 0, cachedCalls: 27 });
  });

  it("keeps a signed download URL's query out of the output, results.json and the store", async () => {
    const secret = `sig${randomBytes(12).toString("hex")}`;
    const server = await startFileServer({ "/tiny.gguf": { body: syntheticGguf({ contextLength: 8192 }) } });
    try {
      const spec = `gguf:${server.url}/tiny.gguf?X-Amz-Signature=${secret}`;
      const offline = runArgs("benchmarks/math500-quick.yaml", spec, dir, [
        "--limit",
        "1",
        "--json",
        ...LOCAL,
      ]);
      // Refused before any model loads: through main() in this process, no process start.
      const refused = await mainInProcess(offline, { env: { PERSONA_BENCH_CACHE_DIR: join(dir, "cache") } });
      expect(refused.code).toBe(2);
      expect(refused.stderr).toMatch(/tiny\.gguf/);
      expect(refused.stderr).not.toContain(secret);
      const args = offline.filter((a) => a !== "--no-download");
      const run = await runCli(args, { env: { PERSONA_BENCH_CACHE_DIR: join(dir, "cache") } });
      expect(run.code, run.stderr).toBe(0);
      // The download itself used the signed URL.
      expect(server.requests.some((r) => r.method === "GET" && r.path === "/tiny.gguf")).toBe(true);
      const results = JSON.parse(run.stdout) as Results;
      expect(results.model.details).toMatchObject({ url: expect.stringContaining("/tiny.gguf") });
      const files = readdirSync(dir, { recursive: true, withFileTypes: true }).filter((f) => f.isFile());
      expect(files.length).toBeGreaterThan(3);
      for (const text of [run.stdout, run.stderr]) expect(text).not.toContain(secret);
      for (const file of files) {
        expect(readFileSync(join(file.parentPath, file.name)).includes(secret), file.name).toBe(false);
      }
    } finally {
      await server.close();
    }
  });
});

describe("persona-bench run with no model named (the default model)", () => {
  let dir: string;
  let hub: FileServer;
  const hubPath = `/${DEFAULT_GGUF.owner}/${DEFAULT_GGUF.repo}/resolve/main/${DEFAULT_GGUF.file}`;

  beforeEach(async () => {
    dir = tempDir();
    hub = await startFileServer({ [hubPath]: { body: syntheticGguf({ contextLength: 8192 }) } });
  });
  afterEach(async () => {
    await hub.close();
  });

  const env = () => ({ PERSONA_BENCH_CACHE_DIR: join(dir, "cache"), HF_ENDPOINT: hub.url });
  const bench = (extra: string[]) => [
    "run",
    "benchmarks/default.yaml",
    "--limit",
    "1",
    "--personas",
    "lottery",
    "--data-dir",
    requireSharedData(),
    "--store",
    join(dir, "store.sqlite"),
    "--out",
    join(dir, "reports"),
    ...LOCAL,
    ...extra,
  ];

  it("says what it would download and stops (exit 2) without --yes; downloads, verifies and runs with it", async () => {
    // The two refusals run through main() in this process, no process start each.
    const refused = await mainInProcess(bench([]), { env: env() });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(DEFAULT_GGUF.description);
    expect(refused.stderr).toMatch(/about 491\.0 MB/);
    expect(refused.stderr).toContain(`${hub.url}${hubPath}`);
    expect(refused.stderr).toMatch(/--yes/);
    expect(refused.stderr).toMatch(/--model gguf:<file\.gguf>/);
    expect(hub.requests).toHaveLength(0);

    const noDownload = await mainInProcess(bench(["--yes", "--no-download"]), { env: env() });
    expect(noDownload.code).toBe(2);
    expect(noDownload.stderr).toMatch(/downloads are disabled/);
    expect(hub.requests).toHaveLength(0);

    const yes = await runCli(bench(["--yes", "--json"]), { env: env() });
    expect(yes.code, yes.stderr).toBe(0);
    expect(yes.stderr).toMatch(/downloading qwen2\.5-0\.5b-instruct-q4_k_m\.gguf .*100\.0%/);
    const results = JSON.parse(yes.stdout) as Results;
    expect(results.model).toMatchObject({ spec: "gguf:default", provider: "gguf" });
    expect(
      existsSync(join(dir, "cache", "models", "hf", DEFAULT_GGUF.owner, DEFAULT_GGUF.repo, "main")),
    ).toBe(true);

    // In the cache now: no question asked, nothing downloaded, nothing generated.
    const gets = hub.requests.length;
    const cached = await runCli(bench(["--json"]), { env: env() });
    expect(cached.code, cached.stderr).toBe(0);
    expect((JSON.parse(cached.stdout) as Results).usage).toMatchObject({ modelCalls: 0 });
    expect(hub.requests).toHaveLength(gets);
  });
});
