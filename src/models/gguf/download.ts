/**
 * Model files for `gguf:` specs: a local path is used as is; an http(s) URL or a hub name is downloaded once into
 * the cache through core/download: to `<file>.part` next to its final place, resumed from there after a broken
 * connection (HTTP Range), checked against the sha256 pinned in our config or published by the hub
 * (`X-Linked-Etag`, as Hugging Face sends for LFS files) and only then renamed into place, so the final path holds
 * either nothing or a verified file. A wrong hash removes the partial file. A lock file keeps a second process
 * away from the same `.part` file.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { mkdir, rm, writeFile } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import {
  DownloadError,
  downloadFile,
  type DownloadProgress as TransferProgress,
} from "../../core/download.js";
import { InputError } from "../../core/input-error.js";
import { defaultCacheDir } from "../../core/paths.js";
import { isFile } from "../../datasets/datasets.js";
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

/** Downloads `url` to `target` (resumable through `<target>.part`, see core/download); returns the sha256 checked. */
async function download(
  url: string,
  target: string,
  fromHub: boolean,
  options: ModelFileOptions,
): Promise<string | undefined> {
  await mkdir(dirname(target), { recursive: true });
  const unlock = await lock(target);
  const idleMs = options.idleTimeoutMs ?? DEFAULT_IDLE_MS;
  const where = redactUrl(url);
  try {
    const signals = [AbortSignal.timeout(idleMs), ...(options.signal ? [options.signal] : [])];
    const info = await published(url, AbortSignal.any(signals));
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
    await downloadFile(url, target, {
      resumable: true,
      ...(expected !== undefined ? { sha256: expected } : {}),
      ...(info.size !== undefined ? { size: info.size } : {}),
      idleTimeoutMs: idleMs,
      ...(options.signal ? { signal: options.signal } : {}),
      onResume: (offset) => options.onNotice?.(`resuming ${basename(target)} from byte ${offset}`),
      onProgress: progressReporter(basename(target), options.onProgress),
    });
    return expected;
  } catch (error) {
    if (error instanceof DownloadError) throw modelFileFailure(where, error);
    throw error;
  } finally {
    await unlock();
  }
}

/** Reports progress at most every 200 ms (and at the end), with the speed of this download. */
function progressReporter(
  file: string,
  report: ModelFileOptions["onProgress"],
): (progress: TransferProgress) => void {
  const started = performance.now();
  let lastReport = 0;
  return ({ received, total, resumedFrom, done }) => {
    const now = performance.now();
    if (report === undefined || (!done && now - lastReport < 200)) return;
    lastReport = now;
    const seconds = (now - started) / 1000;
    report({
      file,
      received,
      ...(total !== undefined ? { total } : {}),
      resumedFrom,
      bytesPerSecond: seconds > 0 ? (received - resumedFrom) / seconds : 0,
      done,
    });
  };
}

function modelFileFailure(where: string, error: DownloadError): ModelFileError {
  const { failure, received, total } = error;
  switch (failure.kind) {
    case "sha256":
      return new ModelFileError(
        `download of ${where} failed verification: expected sha256 ${failure.expected}, got ${failure.got}; the file was removed`,
      );
    case "http":
      return new ModelFileError(`could not download ${where}: HTTP ${failure.status}`);
    case "range":
      return new ModelFileError(`could not resume ${where}: the server sent another range; run again`);
    case "too-large":
      return new ModelFileError(
        `download of ${where} has more than ${failure.limit} bytes: removed, run again`,
      );
    case "incomplete":
      return new ModelFileError(
        `download of ${where} stopped at ${received} of ${failure.expected} bytes; run the same command again to resume`,
      );
    default: {
      const of = total === undefined ? "" : ` of ${total}`;
      const next = error.kept > 0 ? "run the same command again to resume" : "run again";
      return new ModelFileError(
        `download of ${where} interrupted at ${received}${of} bytes (${error.reason}); ${next}`,
      );
    }
  }
}
