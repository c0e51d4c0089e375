/**
 * Model downloads against a loopback server serving the synthetic GGUF: progress, a resume after the connection
 * is cut, a wrong hash refused with the partial file removed, --no-download, and hub names through HF_ENDPOINT.
 */
import { createHash } from "node:crypto";
import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  cachedModelPath,
  type DownloadProgress,
  ModelFileError,
  resolveModelFile,
} from "../../src/models/gguf/download.js";
import type { RemoteSource } from "../../src/models/gguf/spec.js";
import { syntheticGguf } from "../helpers/gguf.js";
import { type FileServer, startFileServer } from "../helpers/gguf-server.js";
import { tempDir } from "../helpers/tmp.js";

const BODY = syntheticGguf({ seed: 5 });
const SHA = createHash("sha256").update(BODY).digest("hex");

async function rejection(promise: Promise<unknown>): Promise<ModelFileError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ModelFileError);
  expect((error as Error).message).not.toContain("\n");
  return error as ModelFileError;
}

describe("gguf: model files", () => {
  let server: FileServer;
  let cacheDir: string;

  beforeEach(async () => {
    server = await startFileServer({
      "/models/tiny.gguf": { body: BODY },
      "/models/wrong.gguf": { body: BODY, sha256: "0".repeat(64) },
      "/models/unpublished.gguf": { body: BODY, sha256: null },
      "/models/no-ranges.gguf": { body: BODY, ignoresRange: true },
      "/Org/Repo-GGUF/resolve/main/tiny-q4.gguf": { body: BODY },
      "/Org/Repo-GGUF/resolve/main/no-hash.gguf": { body: BODY, sha256: null },
    });
    cacheDir = tempDir();
  });
  afterEach(async () => {
    await server.close();
  });

  const url = (name: string): RemoteSource => ({ kind: "url", url: `${server.url}/models/${name}` });
  const gets = () => server.requests.filter((r) => r.method === "GET");

  it("downloads once into the cache with progress, and uses the cached copy afterwards", async () => {
    const progress: DownloadProgress[] = [];
    const file = await resolveModelFile(url("tiny.gguf"), { cacheDir, onProgress: (p) => progress.push(p) });
    expect(file).toMatchObject({ origin: "download", verifiedSha256: SHA });
    expect(file.path).toBe(cachedModelPath(url("tiny.gguf"), cacheDir));
    expect(readFileSync(file.path).equals(BODY)).toBe(true);
    expect(existsSync(`${file.path}.part`)).toBe(false);
    const last = progress.at(-1)!;
    expect(last).toMatchObject({ file: "tiny.gguf", received: BODY.length, total: BODY.length, done: true });
    expect(last.bytesPerSecond).toBeGreaterThan(0);

    const again = await resolveModelFile(url("tiny.gguf"), { cacheDir });
    expect(again).toMatchObject({ origin: "cache", path: file.path });
    expect(gets()).toHaveLength(1);
  });

  it("resumes a download whose connection was cut, from the bytes already on disk", async () => {
    server.cutNextAfter(100_000);
    const target = cachedModelPath(url("tiny.gguf"), cacheDir);
    const cut = await rejection(resolveModelFile(url("tiny.gguf"), { cacheDir }));
    expect(cut.message).toMatch(/run the same command again to resume/);
    expect(existsSync(target)).toBe(false);
    expect(statSync(`${target}.part`).size).toBe(100_000);

    const progress: DownloadProgress[] = [];
    const notices: string[] = [];
    const file = await resolveModelFile(url("tiny.gguf"), {
      cacheDir,
      onProgress: (p) => progress.push(p),
      onNotice: (m) => notices.push(m),
    });
    expect(file.verifiedSha256).toBe(SHA);
    expect(readFileSync(target).equals(BODY)).toBe(true);
    expect(gets().at(-1)!.range).toBe("bytes=100000-");
    expect(progress.at(-1)).toMatchObject({ resumedFrom: 100_000, received: BODY.length, done: true });
    expect(notices.join(" ")).toMatch(/resuming tiny\.gguf from byte 100000/);
  });

  it("starts again from byte 0, hash included, when the server ignores Range and sends the whole file", async () => {
    server.cutNextAfter(100_000);
    const target = cachedModelPath(url("no-ranges.gguf"), cacheDir);
    await rejection(resolveModelFile(url("no-ranges.gguf"), { cacheDir }));
    expect(statSync(`${target}.part`).size).toBe(100_000);

    const file = await resolveModelFile(url("no-ranges.gguf"), { cacheDir });
    expect(gets().at(-1)!.range).toBe("bytes=100000-");
    expect(file.verifiedSha256).toBe(SHA);
    expect(readFileSync(target).equals(BODY)).toBe(true);
    expect(existsSync(`${target}.part`)).toBe(false);
  });

  it("refuses a file whose sha256 differs from the published or pinned one, and removes it", async () => {
    const target = cachedModelPath(url("wrong.gguf"), cacheDir);
    const wrong = await rejection(resolveModelFile(url("wrong.gguf"), { cacheDir }));
    expect(wrong.message).toMatch(
      /failed verification: expected sha256 0{64}, got [0-9a-f]{64}; the file was removed/,
    );
    expect(existsSync(target)).toBe(false);
    expect(existsSync(`${target}.part`)).toBe(false);

    const pinned = await rejection(resolveModelFile(url("tiny.gguf"), { cacheDir, sha256: "f".repeat(64) }));
    expect(pinned.message).toMatch(/expected sha256 f{64}/);
    expect(existsSync(cachedModelPath(url("tiny.gguf"), cacheDir))).toBe(false);
  });

  it("accepts a plain URL with no published hash, saying it cannot be verified", async () => {
    const notices: string[] = [];
    const file = await resolveModelFile(url("unpublished.gguf"), {
      cacheDir,
      onNotice: (m) => notices.push(m),
    });
    expect(file.verifiedSha256).toBeUndefined();
    expect(notices.join(" ")).toMatch(/no sha256 is published/);
  });

  it("never downloads with --no-download", async () => {
    const error = await rejection(resolveModelFile(url("tiny.gguf"), { cacheDir, allowDownload: false }));
    expect(error.message).toMatch(/not in the cache .* downloads are disabled \(--no-download\)/);
    expect(server.requests).toHaveLength(0);
  });

  it("fetches hub names from HF_ENDPOINT and refuses hub files without a published sha256", async () => {
    const env = { HF_ENDPOINT: server.url };
    const hub = (file: string): RemoteSource => ({
      kind: "hf",
      owner: "Org",
      repo: "Repo-GGUF",
      file,
      revision: "main",
    });
    const file = await resolveModelFile(hub("tiny-q4.gguf"), { cacheDir, env });
    expect(file.path).toBe(join(cacheDir, "models", "hf", "Org", "Repo-GGUF", "main", "tiny-q4.gguf"));
    expect(file.verifiedSha256).toBe(SHA);
    const refused = await rejection(resolveModelFile(hub("no-hash.gguf"), { cacheDir, env }));
    expect(refused.message).toMatch(/publishes no sha256 .* refusing/);
  });

  it("reports a local file that does not exist", async () => {
    const error = await rejection(
      resolveModelFile({ kind: "file", path: "missing.gguf" }, { cwd: cacheDir }),
    );
    expect(error.message).toContain(join(cacheDir, "missing.gguf"));
  });
});
