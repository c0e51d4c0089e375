/**
 * Model files for `gguf:` specs: a local path is used as is; an http(s) URL or a hub name is downloaded once into
 * the cache. A download goes to `<file>.part` next to its final place, resumes from there after a broken
 * connection (HTTP Range), is checked against the sha256 pinned in our config or published by the hub
 * (`X-Linked-Etag`, as Hugging Face sends for LFS files) and only then renamed into place, so the final path holds
 * either nothing or a verified file. A wrong hash removes the partial file.
 */
import { createHash } from "node:crypto";
import { createReadStream, existsSync, readFileSync, statSync } from "node:fs";
import { mkdir, open, rename, rm, writeFile } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import { InputError } from "../../core/input-error.js";
import { defaultCacheDir } from "../../core/paths.js";
import { isFile, networkReason } from "../../datasets/datasets.js";
import { redactUrl } from "../credentials.js";
import type { GgufSource, RemoteSource } from "./spec.js";

export const DEFAULT_HF_ENDPOINT = "https://huggingface.co";

export interface DownloadProgress {
  file: string;
  /** Bytes on disk so far, resumed bytes included. */
  received: number;
  /** Expected size when the server or the hub said it. */
  total?: number;
  /** Bytes already on disk when this download started (a resume). */
  resumedFrom: number;
  /** Bytes per second over this download (resumed bytes excluded). */
  bytesPerSecond: number;
  done: boolean;
}

export interface ModelFileOptions {
  /** Working directory for relative paths; default process.cwd(). */
  cwd?: string;
  /** The persona-bench cache root; default `PERSONA_BENCH_CACHE_DIR`, then the XDG cache dir. */
  cacheDir?: string;
  env?: Record<string, string | undefined>;
  /** Default true. `--no-download` sets it false. */
  allowDownload?: boolean;
  /** sha256 pinned in our config (the default model); takes precedence over the hub's. */
  sha256?: string;
  /** Longest silence while downloading; default 60 s. */
  idleTimeoutMs?: number;
  signal?: AbortSignal;
  onProgress?: (progress: DownloadProgress) => void;
  /** Things worth telling the user (no published hash to check, resuming). */
  onNotice?: (message: string) => void;
}

export interface ModelFile {
  path: string;
  origin: "file" | "cache" | "download";
  /** Where it was downloaded from (URL without credentials), for the record. */
  url?: string;
  /** The sha256 checked during this download, when there was one. */
  verifiedSha256?: string;
}

/** A model file that cannot be found, downloaded or verified. Bad input: the user fixes the spec or the network. */
export class ModelFileError extends InputError {
  override readonly name = "ModelFileError";
}

const SHA256 = /^[0-9a-f]{64}$/;
const DEFAULT_IDLE_MS = 60_000;

export function hfEndpoint(env: Record<string, string | undefined> = process.env): string {
  return (env.HF_ENDPOINT || DEFAULT_HF_ENDPOINT).replace(/\/+$/, "");
}

/** The download URL of a hub file (`HF_ENDPOINT` replaces the hub, as huggingface_hub does). */
export function sourceUrl(source: RemoteSource, env = process.env): string {
  if (source.kind === "url") return source.url;
  const file = source.file.split("/").map(encodeURIComponent).join("/");
  return `${hfEndpoint(env)}/${source.owner}/${source.repo}/resolve/${encodeURIComponent(source.revision)}/${file}`;
}

/** Where a downloaded source lives in the cache. */
export function cachedModelPath(source: RemoteSource, cacheDir: string): string {
  if (source.kind === "hf") {
    return join(
      cacheDir,
      "models",
      "hf",
      source.owner,
      source.repo,
      source.revision,
      ...source.file.split("/"),
    );
  }
  const url = new URL(source.url);
  const id = createHash("sha256").update(url.href).digest("hex").slice(0, 16);
  const name = basename(decodeURIComponent(url.pathname)) || "model.gguf";
  return join(cacheDir, "models", "url", `${url.hostname}-${id}`, name);
}

/** Finds or downloads the file of a source. Throws ModelFileError. */
export async function resolveModelFile(
  source: GgufSource,
  options: ModelFileOptions = {},
): Promise<ModelFile> {
  const env = options.env ?? process.env;
  if (source.kind === "file") {
    const path = resolve(options.cwd ?? process.cwd(), source.path);
    if (!isFile(path)) throw new ModelFileError(`model file ${path} not found`);
    return { path, origin: "file" };
  }
  const cacheDir = options.cacheDir ? resolve(options.cacheDir) : defaultCacheDir(env);
  const target = cachedModelPath(source, cacheDir);
  const url = sourceUrl(source, env);
  if (isFile(target)) return { path: target, origin: "cache", url };
  if (options.allowDownload === false) {
    throw new ModelFileError(
      `model ${describe(source)} is not in the cache (${target}) and downloads are disabled (--no-download); download it yourself and pass gguf:<path>`,
    );
  }
  const verifiedSha256 = await download(url, target, source.kind === "hf", options);
  return { path: target, origin: "download", url, verifiedSha256 };
}

/** Whether a source still needs a download (for the "would download" message). */
export function needsDownload(
  source: GgufSource,
  options: Pick<ModelFileOptions, "cacheDir" | "env"> = {},
): boolean {
  if (source.kind === "file") return false;
  const cacheDir = options.cacheDir ? resolve(options.cacheDir) : defaultCacheDir(options.env ?? process.env);
  return !isFile(cachedModelPath(source, cacheDir));
}

function describe(source: GgufSource): string {
  if (source.kind === "hf") return `hf:${source.owner}/${source.repo}/${source.file}`;
  // A signed URL's query (or userinfo) is a credential: messages name the file without it.
  return source.kind === "url" ? redactUrl(source.url) : source.path;
}

interface Published {
  sha256?: string;
  size?: number;
}

/** What the server publishes about the file, from a HEAD request that does not follow the hub's redirect. */
async function published(url: string, signal: AbortSignal): Promise<Published> {
  let response: Response;
  try {
    response = await fetch(url, { method: "HEAD", redirect: "manual", signal });
  } catch {
    return {};
  }
  await response.body?.cancel();
  const etag = (response.headers.get("x-linked-etag") ?? response.headers.get("etag") ?? "")
    .replace(/^W\//, "")
    .replace(/"/g, "")
    .toLowerCase();
  const sizeHeader =
    response.headers.get("x-linked-size") ?? (response.ok ? response.headers.get("content-length") : null);
  const size = sizeHeader !== null && /^\d+$/.test(sizeHeader) ? Number(sizeHeader) : undefined;
  return { ...(SHA256.test(etag) ? { sha256: etag } : {}), ...(size !== undefined ? { size } : {}) };
}

/** One process downloads a file at a time; a lock left by a dead process is taken over. */
async function lock(target: string): Promise<() => Promise<void>> {
  const path = `${target}.lock`;
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await writeFile(path, String(process.pid), { flag: "wx" });
      return () => rm(path, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const pid = Number(readFileSync(path, "utf8"));
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && alive(pid)) {
        throw new ModelFileError(
          `another process (pid ${pid}) is downloading ${target}; wait for it to finish`,
        );
      }
      await rm(path, { force: true });
    }
  }
  throw new ModelFileError(`could not lock ${path}`);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

async function hashOf(path: string, hash: ReturnType<typeof createHash>): Promise<void> {
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
}

/** Downloads `url` to `target` through `<target>.part`; returns the sha256 checked, if any. */
async function download(
  url: string,
  target: string,
  fromHub: boolean,
  options: ModelFileOptions,
): Promise<string | undefined> {
  await mkdir(dirname(target), { recursive: true });
  const unlock = await lock(target);
  const part = `${target}.part`;
  const idleMs = options.idleTimeoutMs ?? DEFAULT_IDLE_MS;
  const controller = new AbortController();
  const idle = setTimeout(() => controller.abort(), idleMs);
  const onAbort = () => controller.abort();
  options.signal?.addEventListener("abort", onAbort, { once: true });
  const where = url.replace(/\?.*$/, "");
  try {
    const info = await published(url, controller.signal);
    const expected = options.sha256 ?? info.sha256;
    if (expected === undefined) {
      if (fromHub) {
        throw new ModelFileError(
          `the hub publishes no sha256 for ${where}, and none is pinned: refusing to use an unverified file`,
        );
      }
      options.onNotice?.(
        `no sha256 is published for ${where}: the file cannot be verified (its hash is recorded)`,
      );
    }
    let offset = existsSync(part) ? statSync(part).size : 0;
    if (info.size !== undefined && offset > info.size) {
      await rm(part, { force: true });
      offset = 0;
    }
    let hash = createHash("sha256");
    if (offset > 0) await hashOf(part, hash);
    let response: Response;
    try {
      response = await fetch(url, {
        redirect: "follow",
        signal: controller.signal,
        headers: offset > 0 ? { range: `bytes=${offset}-` } : {},
      });
    } catch (error) {
      throw interrupted(where, part, offset, info.size, error, controller.signal.aborted);
    }
    let total = info.size;
    if (response.status === 416 && offset > 0 && offset === info.size) {
      // Everything had arrived before the cut: only the check and the rename are left.
      await response.body?.cancel();
    } else {
      if (response.status !== 200 && response.status !== 206) {
        await response.body?.cancel();
        throw new ModelFileError(`could not download ${where}: HTTP ${response.status}`);
      }
      if (response.status === 200 && offset > 0) {
        // The server ignored the range and sends the whole file: start again from zero.
        offset = 0;
        hash = createHash("sha256");
      }
      if (response.status === 206) {
        const range = /^bytes (\d+)-\d+\/(\d+|\*)$/.exec(response.headers.get("content-range") ?? "");
        if (!range || Number(range[1]) !== offset) {
          await response.body?.cancel();
          await rm(part, { force: true });
          throw new ModelFileError(`could not resume ${where}: the server sent another range; run again`);
        }
        if (range[2] !== "*") total ??= Number(range[2]);
        options.onNotice?.(`resuming ${basename(target)} from byte ${offset}`);
      } else {
        const length = response.headers.get("content-length");
        if (length !== null && /^\d+$/.test(length)) total ??= Number(length);
      }
      await receive(response, { part, hash, offset, total, target, where, controller }, options, () =>
        idle.refresh(),
      );
    }
    clearTimeout(idle);
    const size = statSync(part).size;
    if (total !== undefined && size !== total) {
      await rm(part, { force: true });
      throw new ModelFileError(
        `download of ${where} has ${size} bytes, expected ${total}: removed, run again`,
      );
    }
    const sha256 = hash.digest("hex");
    if (expected !== undefined && sha256 !== expected) {
      await rm(part, { force: true });
      throw new ModelFileError(
        `download of ${where} failed verification: expected sha256 ${expected}, got ${sha256}; the file was removed`,
      );
    }
    await rename(part, target);
    return expected;
  } finally {
    clearTimeout(idle);
    options.signal?.removeEventListener("abort", onAbort);
    await unlock();
  }
}

interface Receiving {
  part: string;
  hash: ReturnType<typeof createHash>;
  offset: number;
  total: number | undefined;
  target: string;
  where: string;
  controller: AbortController;
}

/** Appends the body to the part file (or writes it from zero), hashing and reporting progress as it goes. */
async function receive(
  response: Response,
  { part, hash, offset, total, target, where, controller }: Receiving,
  options: ModelFileOptions,
  alive: () => void,
): Promise<void> {
  const file = await open(part, offset > 0 ? "a" : "w");
  const started = performance.now();
  let received = offset;
  let lastReport = 0;
  const report = (done: boolean) => {
    const seconds = (performance.now() - started) / 1000;
    options.onProgress?.({
      file: basename(target),
      received,
      ...(total !== undefined ? { total } : {}),
      resumedFrom: offset,
      bytesPerSecond: seconds > 0 ? (received - offset) / seconds : 0,
      done,
    });
  };
  try {
    if (response.body) {
      for await (const chunk of response.body) {
        alive();
        hash.update(chunk);
        await file.write(chunk);
        received += chunk.byteLength;
        if (total !== undefined && received > total) break;
        const now = performance.now();
        if (now - lastReport >= 200) {
          lastReport = now;
          report(false);
        }
      }
    }
  } catch (error) {
    throw interrupted(where, part, received, total, error, controller.signal.aborted);
  } finally {
    await file.close();
  }
  report(true);
  // The stream ended: an early end (connection cut) leaves a short file, resumed next time.
  if (total !== undefined && received < total) {
    throw new ModelFileError(
      `download of ${where} stopped at ${received} of ${total} bytes; run the same command again to resume`,
    );
  }
}

function interrupted(
  where: string,
  part: string,
  received: number,
  total: number | undefined,
  error: unknown,
  aborted: boolean,
): ModelFileError {
  const reason = aborted ? "stalled or cancelled" : networkReason(error, false);
  const of = total === undefined ? "" : ` of ${total}`;
  return new ModelFileError(
    `download of ${where} interrupted at ${received}${of} bytes (${reason}); ${existsSync(part) ? "run the same command again to resume" : "run again"}`,
  );
}
