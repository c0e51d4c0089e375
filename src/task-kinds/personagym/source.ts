import { createHash } from "node:crypto";
import { existsSync, statSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import pLimit, { type LimitFunction } from "p-limit";
import { replaceDirectoryAtomic } from "../../core/atomic-write.js";
import { sha256Hex } from "../../core/canonical.js";
import { DownloadError, downloadBytes } from "../../core/download.js";
import { InputError } from "../../core/input-error.js";
import { readInputFile } from "../../core/input-text.js";
import { defaultCacheDir } from "../../core/paths.js";
import { redactUrl } from "../../core/redact-url.js";
import {
  DatasetError,
  type DatasetOptions,
  type DatasetOrigin,
  downloadReason,
  isFile,
} from "../../datasets/datasets.js";
import {
  MAX_PERSONAGYM_FILE_BYTES,
  PERSONAGYM_FILE_SUFFIX,
  PERSONAGYM_TASKS,
  type PersonaGymTask,
  personaGymDigest,
  readPersonaGymFiles,
  upstreamRubricFileName,
} from "./personas.js";

/** The official repository and the commit everything is pinned to. */
export const PERSONAGYM_REPOSITORY = "vsamuel2003/PersonaGym";
export const PERSONAGYM_COMMIT = "536f705e610289c38d84e083fcea6ea5093d3a25";
export const PERSONAGYM_QUESTIONS_PATH = "questions/benchmark-v1";
export const PERSONAGYM_RUBRICS_PATH = "rubrics";
/** Files in the pinned benchmark (only used to make error messages clearer; the digest is what is checked). */
export const PERSONAGYM_FILE_COUNT = 200;

/** `personaGymDigest` of the 200 files of questions/benchmark-v1 at PERSONAGYM_COMMIT. */
export const PERSONAGYM_DIGEST = "94fbc084003f6ad21f6142cbcf8ff12f8cf8dec44532dceaf9b7518805f25bd3";

/** sha256 of each upstream `rubrics/<Task>.txt` at PERSONAGYM_COMMIT. */
export const PERSONAGYM_RUBRIC_SHA256: Readonly<Record<PersonaGymTask, string>> = {
  "Expected Action": "f21c36afb6aa82f8b9247c3b69d66d570afd24de077830589c1b349b4eed2302",
  Toxicity: "264c073ad0da343a37c6b02e10e4adfdd70ce923439abfcd20752a6e8c853171",
  "Linguistic Habits": "e5d9d39580b95cb5ece1b941f311a23047487a749e6e38683826ce027015cca4",
  "Persona Consistency": "d9e9554ee1b2f3392b3aaf685a2e20ce2636e21e2b115a937fd8f85c4a8d618c",
  "Action Justification": "305c4fe737ee941090de0c090966f4302398c82a41a73f94b8a6c752fb87e7d8",
};

export const GITHUB_API_URL = "https://api.github.com";
export const GITHUB_RAW_URL = "https://raw.githubusercontent.com";

export interface PersonaGymSourceOptions
  extends Pick<DatasetOptions, "dataDir" | "cacheDir" | "allowDownload" | "env"> {
  /** Replaces https://api.github.com (tests, mirrors). */
  apiBaseUrl?: string;
  /** Replaces https://raw.githubusercontent.com (tests, mirrors). */
  rawBaseUrl?: string;
  /** Deadline for the whole download; default five minutes. */
  timeoutMs?: number;
}

export interface ResolvedPersonaGym {
  /** The folder holding the `<persona>.json` files. */
  dir: string;
  digest: string;
  /** Identical to the pinned benchmark. Only a user-provided data dir can be false. */
  pinned: boolean;
  origin: DatasetOrigin;
}

const DEFAULT_TIMEOUT_MS = 300_000;
const PARALLEL_DOWNLOADS = 8;
/** The tree of the whole repository at the pinned commit is about 40 KB. */
const MAX_TREE_BYTES = 10 * 1024 * 1024;

function dataDirOf(options: PersonaGymSourceOptions): string | undefined {
  const dataDir = options.dataDir ?? (options.env ?? process.env).PERSONA_BENCH_DATA_DIR;
  return dataDir ? resolve(dataDir) : undefined;
}

function cacheRoot(options: PersonaGymSourceOptions): string {
  const root = options.cacheDir ? resolve(options.cacheDir) : defaultCacheDir(options.env);
  return join(root, "datasets", "personagym");
}

/**
 * Finds the static benchmark: `<data dir>/personagym/questions/benchmark-v1/` if a data dir is given (used as is,
 * with `pinned` saying whether it matches), else a verified copy in the cache, else a download from the pinned
 * commit that is verified file by file against the repository tree and as a whole against PERSONAGYM_DIGEST before
 * it appears in the cache.
 */
export async function resolvePersonaGym(options: PersonaGymSourceOptions = {}): Promise<ResolvedPersonaGym> {
  const dataDir = dataDirOf(options);
  if (dataDir !== undefined) {
    const dir = join(dataDir, "personagym", PERSONAGYM_QUESTIONS_PATH);
    if (!isDirectory(dir)) {
      throw new InputError(
        `PersonaGym benchmark not found (the data dir must contain personagym/${PERSONAGYM_QUESTIONS_PATH}/)`,
        { file: dir },
      );
    }
    const digest = personaGymDigest(readPersonaGymFiles(dir));
    return { dir, digest, pinned: digest === PERSONAGYM_DIGEST, origin: "data-dir" };
  }

  const dir = join(cacheRoot(options), PERSONAGYM_QUESTIONS_PATH);
  if (isDirectory(dir)) {
    const digest = personaGymDigest(readPersonaGymFiles(dir));
    if (digest === PERSONAGYM_DIGEST) return { dir, digest, pinned: true, origin: "cache" };
    if (options.allowDownload === false) {
      throw new DatasetError(
        `cached PersonaGym benchmark ${dir} does not match the pinned digest ${PERSONAGYM_DIGEST} (got ${digest}) and downloads are disabled; delete it or pass --data-dir`,
      );
    }
  } else if (options.allowDownload === false) {
    throw new DatasetError(
      `the PersonaGym benchmark is not in the cache (${dir}) and downloads are disabled; pass --data-dir with a copy of personagym/${PERSONAGYM_QUESTIONS_PATH}/`,
    );
  }
  const session = downloadSession(options);
  await replaceDirectoryAtomic(dir, async (temp) => {
    const files = await fetchBenchmarkFiles(session);
    const digest = personaGymDigest(files);
    if (digest !== PERSONAGYM_DIGEST) {
      throw new DatasetError(
        `the PersonaGym benchmark listed by ${session.treeUrl} failed verification: expected digest ${PERSONAGYM_DIGEST} over ${PERSONAGYM_FILE_COUNT} files, got ${digest} over ${files.length} files; nothing was saved`,
        session.treeUrl,
      );
    }
    await Promise.all(files.map((file) => writeFile(join(temp, file.name), file.bytes, { flag: "wx" })));
  });
  return { dir, digest: PERSONAGYM_DIGEST, pinned: true, origin: "download" };
}

export interface ResolvedUpstreamRubrics {
  /** The folder holding `<Task>.txt` for the five tasks. */
  dir: string;
  /** All five files are identical to the pinned upstream files. Only a user-provided data dir can be false. */
  pinned: boolean;
  origin: DatasetOrigin;
}

/**
 * Finds the five upstream rubric files (only the exact-protocol mode needs them): `<data dir>/personagym/rubrics/`,
 * else the cache, else a download from the pinned commit, each file checked against PERSONAGYM_RUBRIC_SHA256.
 */
export async function resolveUpstreamRubrics(
  options: PersonaGymSourceOptions = {},
): Promise<ResolvedUpstreamRubrics> {
  const dataDir = dataDirOf(options);
  if (dataDir !== undefined) {
    const dir = join(dataDir, "personagym", PERSONAGYM_RUBRICS_PATH);
    const pinned = PERSONAGYM_TASKS.every(
      (task) =>
        sha256Hex(readInputFile(join(dir, upstreamRubricFileName(task)))) === PERSONAGYM_RUBRIC_SHA256[task],
    );
    return { dir, pinned, origin: "data-dir" };
  }
  const dir = join(cacheRoot(options), PERSONAGYM_RUBRICS_PATH);
  const cachedOk = PERSONAGYM_TASKS.every((task) => {
    const file = join(dir, upstreamRubricFileName(task));
    return isFile(file) && sha256Hex(readInputFile(file)) === PERSONAGYM_RUBRIC_SHA256[task];
  });
  if (cachedOk) return { dir, pinned: true, origin: "cache" };
  if (options.allowDownload === false) {
    throw new DatasetError(
      `the PersonaGym rubrics are not in the cache (${dir}) or do not match their pinned sha256 and downloads are disabled; pass --data-dir with a copy of personagym/${PERSONAGYM_RUBRICS_PATH}/`,
    );
  }
  const session = downloadSession(options);
  await replaceDirectoryAtomic(dir, async (temp) => {
    const run = pLimit(PARALLEL_DOWNLOADS);
    const files = await allOrNothing(
      run,
      PERSONAGYM_TASKS.map((task) =>
        run(async () => {
          const name = upstreamRubricFileName(task);
          const url = session.rawUrl(`${PERSONAGYM_RUBRICS_PATH}/${name}`);
          const bytes = await fetchBytes(
            url,
            session,
            MAX_PERSONAGYM_FILE_BYTES,
            `PersonaGym rubric "${name}"`,
          );
          const got = sha256Hex(bytes);
          if (got !== PERSONAGYM_RUBRIC_SHA256[task]) {
            throw new DatasetError(
              `PersonaGym rubric "${name}" from ${url} failed verification: expected sha256 ${PERSONAGYM_RUBRIC_SHA256[task]}, got ${got}; nothing was saved`,
              url,
            );
          }
          return { name, bytes };
        }),
      ),
    );
    await Promise.all(files.map((file) => writeFile(join(temp, file.name), file.bytes, { flag: "wx" })));
  });
  return { dir, pinned: true, origin: "download" };
}

interface DownloadSession {
  treeUrl: string;
  rawUrl(path: string): string;
  /** What is left of the deadline for the whole download. */
  remainingMs(): number;
}

function downloadSession(options: PersonaGymSourceOptions): DownloadSession {
  const deadline = performance.now() + (options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  const api = (options.apiBaseUrl ?? GITHUB_API_URL).replace(/\/+$/, "");
  const raw = (options.rawBaseUrl ?? GITHUB_RAW_URL).replace(/\/+$/, "");
  return {
    treeUrl: `${api}/repos/${PERSONAGYM_REPOSITORY}/git/trees/${PERSONAGYM_COMMIT}?recursive=1`,
    // Persona file names hold spaces, commas and "+": each path segment is percent-encoded on its own.
    rawUrl: (path) =>
      `${raw}/${PERSONAGYM_REPOSITORY}/${PERSONAGYM_COMMIT}/${path.split("/").map(encodeURIComponent).join("/")}`,
    remainingMs: () => Math.max(0, deadline - performance.now()),
  };
}

interface TreeBlob {
  /** File name inside the questions folder. */
  name: string;
  path: string;
  /** Git blob id (sha1 of "blob <size>\0<bytes>"). */
  sha: string;
}

/** Lists the question files from the repository tree, then fetches each and checks it against its git blob id. */
async function fetchBenchmarkFiles(session: DownloadSession): Promise<{ name: string; bytes: Uint8Array }[]> {
  const blobs = parseTree(
    await fetchBytes(session.treeUrl, session, MAX_TREE_BYTES, "the PersonaGym repository tree", {
      accept: "application/vnd.github+json",
    }),
    session.treeUrl,
  );
  const run = pLimit(PARALLEL_DOWNLOADS);
  return allOrNothing(
    run,
    blobs.map((blob) =>
      run(async () => {
        const url = session.rawUrl(blob.path);
        const bytes = await fetchBytes(
          url,
          session,
          MAX_PERSONAGYM_FILE_BYTES,
          `PersonaGym file "${blob.name}"`,
        );
        const got = gitBlobId(bytes);
        if (got !== blob.sha) {
          throw new DatasetError(
            `PersonaGym file "${blob.name}" from ${url} differs from the repository tree (git blob ${blob.sha} expected, got ${got}); nothing was saved`,
            url,
          );
        }
        return { name: blob.name, bytes };
      }),
    ),
  );
}

function parseTree(bytes: Uint8Array, url: string): TreeBlob[] {
  const bad = (reason: string) =>
    new DatasetError(
      `unexpected answer from ${url}: ${reason}; download the benchmark yourself and pass --data-dir`,
      url,
    );
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(bytes).toString("utf8"));
  } catch {
    throw bad("not JSON");
  }
  const tree = (value as { tree?: unknown } | null)?.tree;
  if (!Array.isArray(tree)) throw bad('no "tree" array');
  if ((value as { truncated?: unknown }).truncated === true) throw bad("the tree listing is truncated");
  const prefix = `${PERSONAGYM_QUESTIONS_PATH}/`;
  const blobs: TreeBlob[] = [];
  for (const entry of tree as { path?: unknown; type?: unknown; sha?: unknown }[]) {
    if (entry?.type !== "blob" || typeof entry.path !== "string" || !entry.path.startsWith(prefix)) continue;
    const name = entry.path.slice(prefix.length);
    if (name.includes("/") || !name.endsWith(PERSONAGYM_FILE_SUFFIX)) continue;
    if (typeof entry.sha !== "string" || !/^[0-9a-f]{40}$/.test(entry.sha))
      throw bad(`bad sha for ${entry.path}`);
    blobs.push({ name, path: entry.path, sha: entry.sha });
  }
  if (blobs.length === 0) throw bad(`no files under ${prefix}`);
  return blobs;
}

/** Like Promise.all, but the first failure also drops the downloads that have not started yet. */
async function allOrNothing<T>(run: LimitFunction, tasks: Promise<T>[]): Promise<T[]> {
  try {
    return await Promise.all(tasks);
  } catch (error) {
    run.clearQueue();
    throw error;
  }
}

function gitBlobId(bytes: Uint8Array): string {
  return createHash("sha1").update(`blob ${bytes.length}\u0000`).update(bytes).digest("hex");
}

/** Downloads one file into memory within the session's deadline, as a DatasetError naming `what` on failure. */
async function fetchBytes(
  url: string,
  session: DownloadSession,
  maxBytes: number,
  what: string,
  headers: Record<string, string> = {},
): Promise<Uint8Array> {
  try {
    return await downloadBytes(url, { maxBytes, headers, totalTimeoutMs: session.remainingMs() });
  } catch (error) {
    if (!(error instanceof DownloadError)) throw error;
    const shown = shownUrl(url);
    throw new DatasetError(
      `could not download ${what} from ${shown} (${downloadReason(error)}); download the data yourself and pass --data-dir`,
      shown,
    );
  }
}

/** `url` for a message: a base from the options may hold a secret, the query of our own tree URL does not. */
function shownUrl(url: string): string {
  const query = url.indexOf("?");
  return query === -1 ? redactUrl(url) : redactUrl(url.slice(0, query)) + url.slice(query);
}

function isDirectory(path: string): boolean {
  return existsSync(path) && statSync(path).isDirectory();
}
