/**
 * The one way a URL is downloaded: streamed, bounded, with idle and total deadlines (transfer-clock.ts) and an
 * AbortSignal. `downloadFile` writes into a partial file beside the target, checks size and sha256, flushes it to
 * disk and only then renames it into place, so the target holds nothing or a verified file. A resumable download
 * keeps `<target>.part` after an interruption and continues it next time with an HTTP Range request (hashing the
 * bytes already there; a server that ignores Range sends the whole file and it starts again from zero). Failures
 * are one DownloadError whose one-line message names the URL, redacted, and the reason; an environment refusal to
 * write (full disk, read-only) is a FileAccessError naming the target.
 */
import { createHash, type Hash } from "node:crypto";
import { createReadStream } from "node:fs";
import { mkdir, open, rename, rm, stat } from "node:fs/promises";
import { dirname } from "node:path";
import { temporaryPath } from "./atomic-write.js";
import { writeRefusal } from "./file-access-error.js";
import { oneLine } from "./input-error.js";
import { readAhead } from "./read-ahead.js";
import { redactUrl } from "./redact-url.js";
import { TransferClock, type TransferDeadlines } from "./transfer-clock.js";

/** Why a download failed, for callers that word it their own way. */
export type DownloadFailure =
  | { kind: "http"; status: number }
  /** The connection failed or broke: the network error code (ECONNREFUSED, ...) or message. */
  | { kind: "network"; code: string }
  | { kind: "idle" | "total"; ms: number }
  | { kind: "aborted" }
  | { kind: "too-large"; limit: number }
  /** The body ended before the expected size. */
  | { kind: "incomplete"; expected: number }
  | { kind: "sha256"; expected: string; got: string }
  /** Asked to continue from `offset`, the server answered with another range. */
  | { kind: "range"; offset: number };

export class DownloadError extends Error {
  override readonly name = "DownloadError";
  constructor(
    /** The URL with whatever may be a secret redacted. */
    readonly url: string,
    readonly failure: DownloadFailure,
    /** Bytes held when it failed, resumed ones included. */
    readonly received: number,
    /** The whole size, when known. */
    readonly total: number | undefined,
    /** Bytes left in `<target>.part` for the next attempt to continue (0: nothing was kept). */
    readonly kept: number,
  ) {
    super(`could not download ${url}: ${failureReason(failure, received)}`);
  }

  /** The reason in a few words, without the URL. */
  get reason(): string {
    return failureReason(this.failure, this.received);
  }
}

export interface DownloadProgress {
  /** Bytes so far, resumed ones included. */
  received: number;
  /** The whole size, when the caller or the server said it. */
  total?: number;
  /** Bytes already on disk when this download started (a resume). */
  resumedFrom: number;
  done: boolean;
}

export interface TransferOptions extends TransferDeadlines {
  /** Upper bound on the bytes accepted; the body is not read past it. */
  maxBytes?: number;
  signal?: AbortSignal;
  headers?: Record<string, string>;
  /** Called after every chunk, and once with `done` when the body has ended. */
  onProgress?: (progress: DownloadProgress) => void;
}

export interface DownloadOptions extends TransferOptions {
  /** The file's sha256 (lowercase hex): anything else is removed, never put in place. */
  sha256?: string;
  /** The file's exact size; it also bounds the bytes accepted. */
  size?: number;
  /**
   * Keep `<target>.part` after an interruption and continue it next time. The part file has a fixed name, so the
   * caller makes sure one process at a time downloads a target (e.g. with a lock file).
   */
  resumable?: boolean;
  /** The server agreed to continue from `offset`. */
  onResume?: (offset: number) => void;
}

export interface Downloaded {
  /** sha256 of the whole file (checked against `sha256` when one was given). */
  sha256: string;
  bytes: number;
  resumedFrom: number;
}

/** How far the body is read ahead of a slow disk (see read-ahead.ts). */
const READ_AHEAD_BYTES = 8 * 1024 * 1024;

/** Failures after which the partial file is worthless: it is removed even when resumable. */
const DISCARDS: ReadonlySet<DownloadFailure["kind"]> = new Set(["sha256", "too-large", "range"]);

/** Downloads `url` into `target` (see the file comment); throws DownloadError or FileAccessError. */
export async function downloadFile(
  url: string,
  target: string,
  options: DownloadOptions = {},
): Promise<Downloaded> {
  const transfer = new Transfer(
    url,
    options,
    Math.min(options.maxBytes ?? Infinity, options.size ?? Infinity),
  );
  const part = options.resumable ? `${target}.part` : temporaryPath(target, "part");
  try {
    await writing(target, () => mkdir(dirname(target), { recursive: true }));
    let offset = options.resumable ? await sizeOf(part) : 0;
    if (offset > transfer.limit) {
      await rm(part, { force: true });
      offset = 0;
    }
    const sha256 = await fill(target, part, offset, transfer, options);
    transfer.checkSize();
    if (options.sha256 !== undefined && sha256 !== options.sha256) {
      throw new Failed({ kind: "sha256", expected: options.sha256, got: sha256 });
    }
    await writing(target, () => rename(part, target));
    return { sha256, bytes: transfer.received, resumedFrom: transfer.resumedFrom };
  } catch (error) {
    const failure = error instanceof Failed ? error.failure : undefined;
    const keep = options.resumable === true && !(failure && DISCARDS.has(failure.kind));
    if (!keep) await rm(part, { force: true });
    if (failure === undefined) throw error;
    throw transfer.error(failure, keep ? await sizeOf(part) : 0);
  } finally {
    transfer.close();
  }
}

/** Downloads `url` into memory (small files: listings, rubrics); throws DownloadError. */
export async function downloadBytes(url: string, options: TransferOptions = {}): Promise<Uint8Array> {
  const transfer = new Transfer(url, options, options.maxBytes ?? Infinity);
  try {
    const body = await transfer.open(0, undefined);
    const chunks: Uint8Array[] = [];
    await transfer.receive(body, (chunk) => chunks.push(chunk));
    transfer.checkSize();
    return Buffer.concat(chunks, transfer.received);
  } catch (error) {
    if (error instanceof Failed) throw transfer.error(error.failure, 0);
    throw error;
  } finally {
    transfer.close();
  }
}

/** The reason of a failure in a few words. */
function failureReason(failure: DownloadFailure, received: number): string {
  switch (failure.kind) {
    case "http":
      return `HTTP ${failure.status}`;
    case "network":
      return failure.code;
    case "idle":
      return `stalled: nothing received for ${failure.ms} ms`;
    case "total":
      return `timed out after ${failure.ms} ms`;
    case "aborted":
      return "cancelled";
    case "too-large":
      return `more than ${failure.limit} bytes`;
    case "incomplete":
      return `the body ended at ${received} of ${failure.expected} bytes`;
    case "sha256":
      return `expected sha256 ${failure.expected}, got ${failure.got}`;
    case "range":
      return `asked to continue from byte ${failure.offset}, the server sent another range`;
  }
}

/** A failure on its way out, before the caller's cleanup turns it into a DownloadError. */
class Failed {
  constructor(readonly failure: DownloadFailure) {}
}

/** One HTTP transfer: the request, its deadlines and abort, the bytes counted, the checks at the end. */
class Transfer {
  received = 0;
  resumedFrom = 0;
  total: number | undefined;
  private readonly controller = new AbortController();
  private readonly clock: TransferClock;
  /** Why the transfer was stopped from outside the stream (a deadline, the caller's signal). */
  private stopped: DownloadFailure | undefined;
  private readonly onAbort = () => this.stop({ kind: "aborted" });

  constructor(
    private readonly url: string,
    private readonly options: TransferOptions,
    /** The most bytes accepted. */
    readonly limit: number,
  ) {
    this.clock = new TransferClock(options, (kind, ms) => this.stop({ kind, ms }));
    options.signal?.addEventListener("abort", this.onAbort, { once: true });
    if (options.signal?.aborted) this.onAbort();
  }

  /**
   * Sends the request (continuing from `offset` when above 0) and returns the body; sets `resumedFrom` (0 when
   * the server sends the whole file) and `total`. Null when there is nothing left to read.
   */
  async open(offset: number, size: number | undefined): Promise<ReadableStream<Uint8Array> | null> {
    if (this.stopped) throw new Failed(this.stopped);
    this.received = offset;
    let response: Response;
    this.clock.waiting();
    try {
      response = await fetch(this.url, {
        redirect: "follow",
        signal: this.controller.signal,
        headers: { ...this.options.headers, ...(offset > 0 ? { range: `bytes=${offset}-` } : {}) },
      });
    } catch (error) {
      throw this.broken(error);
    }
    this.clock.received();
    const { status, headers } = response;
    let start = 0;
    let total: number | undefined;
    if (offset > 0 && (status === 206 || status === 416)) {
      const range = /^bytes (?:(\d+)-\d+|\*)\/(\d+|\*)$/.exec(headers.get("content-range") ?? "");
      const whole = range?.[2] === "*" ? undefined : Number(range?.[2]);
      // 416 with the whole size equal to what is on disk: everything had arrived before the cut.
      const complete = status === 416 && whole === offset;
      if (!range || (status === 206 ? Number(range[1]) !== offset : !complete)) {
        await discard(response);
        throw new Failed({ kind: "range", offset });
      }
      start = offset;
      total = whole;
      if (complete) await discard(response);
    } else if (!response.ok || status === 206) {
      await discard(response);
      throw new Failed({ kind: "http", status });
    } else if (!headers.get("content-encoding") || headers.get("content-encoding") === "identity") {
      // A compressed body is decoded by fetch: its Content-Length is not the size of the file.
      const length = headers.get("content-length");
      if (length !== null && /^\d+$/.test(length)) total = Number(length);
    }
    this.resumedFrom = start;
    this.received = start;
    this.total = size ?? total;
    if (total !== undefined && total > this.limit) {
      await discard(response);
      throw new Failed({ kind: "too-large", limit: this.limit });
    }
    return start > 0 && start === total ? null : response.body;
  }

  /** Reads the body to its end, giving each chunk to `take`; the idle clock runs only while a read waits. */
  async receive(
    body: ReadableStream<Uint8Array> | null,
    take: (chunk: Uint8Array) => unknown,
  ): Promise<void> {
    const reader = (body ?? new ReadableStream<Uint8Array>({ start: (c) => c.close() })).getReader();
    // An error of the consumer (a full disk) passes as it is; one of the stream is the transfer's failure.
    let consuming = false;
    try {
      for await (const chunk of readAhead(reader, this.clock, READ_AHEAD_BYTES)) {
        // Leaving the loop cancels the body: a server sending too much is not read to the end.
        if (this.received + chunk.byteLength > this.limit) {
          throw new Failed({ kind: "too-large", limit: this.limit });
        }
        consuming = true;
        await take(chunk);
        consuming = false;
        this.received += chunk.byteLength;
        this.progress(false);
      }
    } catch (error) {
      throw consuming || error instanceof Failed ? error : this.broken(error);
    }
    this.progress(true);
  }

  /** Fails when the body ended before the size the caller or the server gave. */
  checkSize(): void {
    if (this.total !== undefined && this.received < this.total) {
      throw new Failed({ kind: "incomplete", expected: this.total });
    }
  }

  error(failure: DownloadFailure, kept: number): DownloadError {
    return new DownloadError(redactUrl(this.url), failure, this.received, this.total, kept);
  }

  close(): void {
    this.clock.stop();
    this.options.signal?.removeEventListener("abort", this.onAbort);
  }

  private stop(failure: DownloadFailure): void {
    if (this.stopped) return;
    this.stopped = failure;
    this.clock.stop();
    this.controller.abort();
  }

  /** An error of fetch or of a read, as the failure behind it. */
  private broken(error: unknown): Failed {
    return new Failed(this.stopped ?? { kind: "network", code: networkCode(error) });
  }

  private progress(done: boolean): void {
    this.options.onProgress?.({
      received: this.received,
      ...(this.total !== undefined ? { total: this.total } : {}),
      resumedFrom: this.resumedFrom,
      done,
    });
  }
}

/**
 * Requests the file (the rest of it when `offset` bytes are in the part file) and streams it into the part file,
 * then flushes that to disk (the rename must not reach the disk before the data); returns the whole file's sha256.
 * The part file is open and hashed before the request: a body must be read as soon as it arrives, since a broken
 * connection discards the bytes that fetch received but nobody read yet.
 */
async function fill(
  target: string,
  part: string,
  offset: number,
  transfer: Transfer,
  options: DownloadOptions,
): Promise<string> {
  let hash = createHash("sha256");
  if (offset > 0) await hashInto(part, hash);
  const file = await writing(target, () => open(part, options.resumable ? "a" : "wx"));
  try {
    const body = await transfer.open(offset, options.size);
    if (transfer.resumedFrom > 0) options.onResume?.(transfer.resumedFrom);
    else if (offset > 0) {
      // The server ignored the range and sends the whole file: start again from zero.
      hash = createHash("sha256");
      await writing(target, () => file.truncate(0));
    }
    await transfer.receive(body, async (chunk) => {
      hash.update(chunk);
      await writing(target, () => file.writeFile(chunk));
    });
    await writing(target, () => file.sync());
  } finally {
    await file.close();
  }
  return hash.digest("hex");
}

/** Drops a body nobody will read (it may already have failed). */
async function discard(response: Response): Promise<void> {
  await response.body?.cancel().catch(() => undefined);
}

/** The network error code (ECONNREFUSED, ...) or, failing that, the message, on one line. */
function networkCode(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return oneLine(cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error)));
}

/** Runs a file-system step; an environment refusal becomes a FileAccessError naming `target`. */
async function writing<T>(target: string, step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (error) {
    throw writeRefusal(target, error) ?? error;
  }
}

async function sizeOf(path: string): Promise<number> {
  try {
    return (await stat(path)).size;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return 0;
    throw error;
  }
}

async function hashInto(path: string, hash: Hash): Promise<void> {
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
}
