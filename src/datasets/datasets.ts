import { createHash } from "node:crypto";
import { createReadStream, existsSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { DownloadError, downloadFile } from "../core/download.js";
import { InputError } from "../core/input-error.js";
import { describeFsError } from "../core/input-text.js";
import { defaultCacheDir } from "../core/paths.js";

// The cache root is one of core/paths.ts's defaults; dataset users may keep asking for it here.

/** A dataset file pinned by size and sha256, with where it lives under a data dir and where to fetch it. */
export interface DatasetSource {
  id: string;
  /** Path under a data dir or the cache's `datasets/` folder. */
  relPath: string;
  url: string;
  bytes: number;
  sha256: string;
}

export type DatasetOrigin = "data-dir" | "cache" | "download";

export interface ResolvedDataset {
  path: string;
  sha256: string;
  /** Whether the file is byte-identical to the pinned source. Only a user-provided data-dir copy can be false. */
  pinned: boolean;
  origin: DatasetOrigin;
}

export interface DatasetOptions {
  /** A directory holding `<relPath>` (e.g. `math500/test.jsonl`); default `PERSONA_BENCH_DATA_DIR`. */
  dataDir?: string;
  /** The persona-bench cache root; default `PERSONA_BENCH_CACHE_DIR`, then the XDG cache dir. */
  cacheDir?: string;
  /** Default true. */
  allowDownload?: boolean;
  /** Replaces the source URL (tests, mirrors); the pinned size and hash still apply. */
  url?: string;
  /** Whole-download deadline; default two minutes. */
  timeoutMs?: number;
  /** Environment to read the defaults from; default `process.env`. */
  env?: Record<string, string | undefined>;
}

/** A dataset could not be obtained or failed verification. It is bad input: the user fixes it with --data-dir. */
export class DatasetError extends InputError {
  override readonly name = "DatasetError";
  constructor(
    message: string,
    readonly url?: string,
  ) {
    super(message);
  }
}

const DEFAULT_TIMEOUT_MS = 120_000;

function dataDirPath(source: DatasetSource, options: DatasetOptions): string | undefined {
  const dataDir = options.dataDir ?? (options.env ?? process.env).PERSONA_BENCH_DATA_DIR;
  return dataDir ? resolve(dataDir, source.relPath) : undefined;
}

function cachePath(source: DatasetSource, options: DatasetOptions): string {
  return join(
    options.cacheDir ? resolve(options.cacheDir) : defaultCacheDir(options.env),
    "datasets",
    source.relPath,
  );
}

/**
 * Finds a dataset file: an explicit data dir (used as is, hashed and reported, even if it differs from the pin),
 * else a verified copy in the cache, else a download into the cache that is verified before it appears there.
 */
export async function resolveDataset(
  source: DatasetSource,
  options: DatasetOptions = {},
): Promise<ResolvedDataset> {
  const id = source.id;
  const userPath = dataDirPath(source, options);
  if (userPath !== undefined) {
    if (!isFile(userPath)) {
      throw new InputError(`dataset "${id}" not found (the data dir must contain ${source.relPath})`, {
        file: userPath,
      });
    }
    const { sha256 } = await hashFile(userPath);
    return { path: userPath, sha256, pinned: sha256 === source.sha256, origin: "data-dir" };
  }

  const cached = cachePath(source, options);
  if (isFile(cached)) {
    const { sha256 } = await hashFile(cached);
    if (sha256 === source.sha256) return { path: cached, sha256, pinned: true, origin: "cache" };
    if (options.allowDownload === false) {
      throw new DatasetError(
        `cached ${cached} does not match the pinned sha256 ${source.sha256} (got ${sha256}) and downloads are disabled; delete it or pass --data-dir`,
      );
    }
  } else if (options.allowDownload === false) {
    throw new DatasetError(
      `dataset "${id}" is not in the cache (${cached}) and downloads are disabled; pass --data-dir with a copy of ${source.relPath}`,
    );
  }
  await download(source, options.url ?? source.url, cached, options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  return { path: cached, sha256: source.sha256, pinned: true, origin: "download" };
}

/** Downloads the file into `target` through core/download, which puts it there only once size and sha256 match. */
async function download(
  source: DatasetSource,
  url: string,
  target: string,
  timeoutMs: number,
): Promise<void> {
  try {
    await downloadFile(url, target, { size: source.bytes, sha256: source.sha256, totalTimeoutMs: timeoutMs });
  } catch (error) {
    if (!(error instanceof DownloadError)) throw error;
    throw downloadFailure(source, error);
  }
}

/** The few words for a failed download in our messages: "timed out" for either deadline, else its reason. */
export function downloadReason(error: DownloadError): string {
  const { kind } = error.failure;
  return kind === "idle" || kind === "total" ? "timed out" : error.reason;
}

function downloadFailure(source: DatasetSource, error: DownloadError): DatasetError {
  const { failure, url } = error;
  const what = `dataset "${source.id}" from ${url}`;
  if (failure.kind === "http") {
    return new DatasetError(
      `could not download ${what}: HTTP ${failure.status}; download it yourself and pass --data-dir`,
      url,
    );
  }
  const got =
    failure.kind === "sha256"
      ? failure.got
      : failure.kind === "too-large"
        ? `more than ${source.bytes} bytes`
        : failure.kind === "incomplete"
          ? `${error.received} bytes`
          : undefined;
  if (got !== undefined) {
    return new DatasetError(
      `download of ${what} failed verification: expected sha256 ${source.sha256} (${source.bytes} bytes), got ${got}; nothing was saved`,
      url,
    );
  }
  return new DatasetError(
    `could not download ${what} (${downloadReason(error)}); download it yourself and pass --data-dir`,
    url,
  );
}

export interface DatasetCheck {
  origin: "data-dir" | "cache";
  path: string;
  found: boolean;
  bytes?: number;
  sha256?: string;
  /** Byte-identical to the pinned source. */
  pinned: boolean;
}

/** For `persona-bench data verify`: hashes every copy that would be considered, without downloading anything. */
export async function verifyDataset(
  source: DatasetSource,
  options: Omit<DatasetOptions, "allowDownload" | "url" | "timeoutMs"> = {},
): Promise<{ source: DatasetSource; checks: DatasetCheck[] }> {
  const places: { origin: DatasetCheck["origin"]; path: string | undefined }[] = [
    { origin: "data-dir", path: dataDirPath(source, options) },
    { origin: "cache", path: cachePath(source, options) },
  ];
  const checks: DatasetCheck[] = [];
  for (const { origin, path } of places) {
    if (path === undefined) continue;
    if (!isFile(path)) {
      checks.push({ origin, path, found: false, pinned: false });
      continue;
    }
    const { sha256, bytes } = await hashFile(path);
    checks.push({ origin, path, found: true, bytes, sha256, pinned: sha256 === source.sha256 });
  }
  return { source, checks };
}

export async function hashFile(path: string): Promise<{ sha256: string; bytes: number }> {
  const hash = createHash("sha256");
  let bytes = 0;
  try {
    for await (const chunk of createReadStream(path)) {
      hash.update(chunk as Buffer);
      bytes += (chunk as Buffer).length;
    }
  } catch (error) {
    throw new InputError(describeFsError(error), { file: path });
  }
  return { sha256: hash.digest("hex"), bytes };
}

export function isFile(path: string): boolean {
  return existsSync(path) && statSync(path).isFile();
}
