import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { defaultCacheDir } from "../../src/core/paths.js";
import { DatasetError, resolveDataset, verifyDataset } from "../../src/datasets/datasets.js";
import { pinnedSource } from "../../src/task-kinds/math/sources.js";
import { filesUnder, rejection } from "../helpers/errors.js";
import { requireSharedData } from "../helpers/paths.js";
import { tempDir } from "../helpers/tmp.js";

const realBytes = readFileSync(join(requireSharedData(), "math500/test.jsonl"));
const source = pinnedSource("math500");
const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((done) => server.close(done));
  }
});

/** Serves `body` (or runs `handler`) on 127.0.0.1 and counts requests. */
async function serve(body: Uint8Array | ((res: import("node:http").ServerResponse) => void)) {
  let requests = 0;
  const server = createServer((_req, res) => {
    requests += 1;
    if (typeof body === "function") return body(res);
    res.writeHead(200, { "content-type": "application/octet-stream", "content-length": body.length });
    res.end(body);
  });
  servers.push(server);
  await new Promise<void>((ready) => server.listen(0, "127.0.0.1", ready));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/math500/test.jsonl`, requests: () => requests };
}

/** Every file under `dir`, recursively. */

const noEnv = {};

describe("resolveDataset: download", () => {
  it("downloads the real bytes into the cache, verifies them, and uses the cache next time", async () => {
    const server = await serve(realBytes);
    const cacheDir = tempDir();
    const first = await resolveDataset(source, { cacheDir, url: server.url, env: noEnv });
    expect(first).toEqual({
      path: join(cacheDir, "datasets/math500/test.jsonl"),
      sha256: source.sha256,
      pinned: true,
      origin: "download",
    });
    expect(sha256(readFileSync(first.path))).toBe(source.sha256);
    expect(filesUnder(cacheDir)).toEqual([first.path]);

    const second = await resolveDataset(source, { cacheDir, url: server.url, env: noEnv });
    expect(second.origin).toBe("cache");
    expect(server.requests()).toBe(1);
  });

  it("replaces a cached copy that does not match the pin", async () => {
    const server = await serve(realBytes);
    const cacheDir = tempDir();
    const cached = join(cacheDir, "datasets/math500/test.jsonl");
    mkdirSync(join(cacheDir, "datasets/math500"), { recursive: true });
    writeFileSync(cached, '{"problem": "What is 2+3?"}\n');
    const resolved = await resolveDataset(source, { cacheDir, url: server.url, env: noEnv });
    expect(resolved.origin).toBe("download");
    expect(sha256(readFileSync(cached))).toBe(source.sha256);
  });

  it("rejects bytes with the wrong hash, naming URL and both hashes, and leaves nothing behind", async () => {
    const tampered = Buffer.from(realBytes);
    tampered[100] = tampered[100]! ^ 1;
    const server = await serve(tampered);
    const cacheDir = tempDir();
    const error = await rejection(resolveDataset(source, { cacheDir, url: server.url, env: noEnv }));
    expect(error).toBeInstanceOf(DatasetError);
    expect(error.message).toContain(server.url);
    expect(error.message).toContain(`expected sha256 ${source.sha256}`);
    expect(error.message).toContain(`got ${sha256(tampered)}`);
    expect(error.message).not.toContain("\n");
    expect(filesUnder(cacheDir)).toEqual([]);
  });

  it.each([
    ["truncated", realBytes.subarray(0, 1000), "got 1000 bytes"],
    ["oversized", Buffer.concat([realBytes, Buffer.from("extra\n")]), `got more than ${source.bytes} bytes`],
  ])("rejects a %s download and leaves nothing behind", async (_name, body, reason) => {
    const server = await serve(body);
    const cacheDir = tempDir();
    const error = await rejection(resolveDataset(source, { cacheDir, url: server.url, env: noEnv }));
    expect(error.message).toContain(reason);
    expect(filesUnder(cacheDir)).toEqual([]);
  });

  it("reports a server that is down in one line naming the URL and suggesting --data-dir", async () => {
    const server = await serve(realBytes);
    const closing = servers.pop()!;
    await new Promise((done) => closing.close(done));
    const cacheDir = tempDir();
    const error = await rejection(resolveDataset(source, { cacheDir, url: server.url, env: noEnv }));
    expect(error).toBeInstanceOf(DatasetError);
    expect((error as DatasetError).url).toBe(server.url);
    expect(error.message).toBe(
      `could not download dataset "math500" from ${server.url} (ECONNREFUSED); download it yourself and pass --data-dir`,
    );
    expect(filesUnder(cacheDir)).toEqual([]);
  });

  it("reports an HTTP error status", async () => {
    const server = await serve((res) => {
      res.writeHead(404);
      res.end("not here");
    });
    const error = await rejection(
      resolveDataset(source, { cacheDir: tempDir(), url: server.url, env: noEnv }),
    );
    expect(error.message).toContain(`from ${server.url}: HTTP 404`);
  });

  it("gives up on a server that never answers", async () => {
    const server = await serve(() => {
      // Never respond; the client's deadline must end the attempt.
    });
    const cacheDir = tempDir();
    const error = await rejection(
      resolveDataset(source, { cacheDir, url: server.url, timeoutMs: 200, env: noEnv }),
    );
    expect(error.message).toContain("(timed out)");
    expect(filesUnder(cacheDir)).toEqual([]);
  });

  it("does not download when downloads are disabled", async () => {
    const error = await rejection(
      resolveDataset(source, {
        cacheDir: tempDir(),
        allowDownload: false,
        url: "http://127.0.0.1:9/x",
        env: noEnv,
      }),
    );
    expect(error.message).toContain("downloads are disabled");
  });
});

describe("resolveDataset: data dir", () => {
  it("uses an explicit data dir as is and reports whether it matches the pin", async () => {
    const pinned = await resolveDataset(source, { dataDir: requireSharedData(), env: noEnv });
    expect(pinned).toEqual({
      path: join(requireSharedData(), "math500/test.jsonl"),
      sha256: source.sha256,
      pinned: true,
      origin: "data-dir",
    });

    const dataDir = tempDir();
    mkdirSync(join(dataDir, "math500"));
    const own = Buffer.from('{"problem": "What is 2+3?", "answer": "5"}\n');
    writeFileSync(join(dataDir, "math500/test.jsonl"), own);
    const unpinned = await resolveDataset(source, { dataDir, env: noEnv });
    expect(unpinned).toMatchObject({ sha256: sha256(own), pinned: false, origin: "data-dir" });
  });

  it("reads the data dir from PERSONA_BENCH_DATA_DIR", async () => {
    const resolved = await resolveDataset(source, {
      env: { PERSONA_BENCH_DATA_DIR: requireSharedData() },
    });
    expect(resolved.origin).toBe("data-dir");
  });

  it("fails clearly when the data dir lacks the file instead of falling back", async () => {
    const dataDir = tempDir();
    const error = await rejection(resolveDataset(source, { dataDir, env: noEnv }));
    expect(error.file).toBe(join(dataDir, "math500/test.jsonl"));
    expect(error.reason).toContain("must contain math500/test.jsonl");
  });
});

describe("cache location and verification", () => {
  it("prefers PERSONA_BENCH_CACHE_DIR, then XDG_CACHE_HOME", () => {
    expect(defaultCacheDir({ PERSONA_BENCH_CACHE_DIR: "/tmp/a", XDG_CACHE_HOME: "/tmp/b" })).toBe("/tmp/a");
    expect(defaultCacheDir({ XDG_CACHE_HOME: "/tmp/b" })).toBe("/tmp/b/persona-bench");
    expect(defaultCacheDir({})).toMatch(/\.cache\/persona-bench$/);
  });

  it("verifyDataset hashes every candidate copy without downloading", async () => {
    const cacheDir = tempDir();
    const report = await verifyDataset(source, { dataDir: requireSharedData(), cacheDir, env: noEnv });
    expect(report.source).toBe(source);
    expect(report.checks).toEqual([
      {
        origin: "data-dir",
        path: join(requireSharedData(), "math500/test.jsonl"),
        found: true,
        bytes: source.bytes,
        sha256: source.sha256,
        pinned: true,
      },
      { origin: "cache", path: join(cacheDir, "datasets/math500/test.jsonl"), found: false, pinned: false },
    ]);
    expect(filesUnder(cacheDir)).toEqual([]);
  });
});
