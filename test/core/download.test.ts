/**
 * core/download.ts against a real HTTP server on 127.0.0.1: a verified download, a wrong hash and an oversized
 * body that leave nothing in place, a resume after a cut connection, a server that ignores Range, deadlines with
 * a stalled server, abort, and URLs redacted in messages. The idle clock's rule (a busy client is not a silent
 * server) is checked on the clock itself with fake timers.
 */
import { createHash, randomBytes } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import {
  DownloadError,
  type DownloadProgress,
  downloadBytes,
  downloadFile,
} from "../../src/core/download.js";
import { readAhead } from "../../src/core/read-ahead.js";
import { TransferClock } from "../../src/core/transfer-clock.js";
import { tempDir } from "../helpers/tmp.js";

const BODY = randomBytes(200_000);
const SHA = createHash("sha256").update(BODY).digest("hex");

interface Served {
  url: string;
  /** The Range header of every request, in order ("" when none). */
  ranges: string[];
  /** Cut the connection of the next request after this many body bytes. */
  cutNextAfter(bytes: number): void;
}

const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((done) => server.close(done));
  }
});

/**
 * `/file` honours `Range: bytes=N-`; `/no-ranges` always sends the whole body; `/chunked` sends it without a
 * Content-Length; `/stall-headers` never answers; `/stall-body` sends 1000 bytes, then nothing.
 */
async function serve(): Promise<Served> {
  const ranges: string[] = [];
  let cutAfter: number | undefined;
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const path = new URL(req.url ?? "/", "http://x").pathname;
    ranges.push(req.headers.range ?? "");
    if (path === "/stall-headers") return;
    if (path === "/stall-body") {
      res.writeHead(200, { "content-length": String(BODY.length) });
      res.write(BODY.subarray(0, 1000));
      return;
    }
    if (path === "/chunked") {
      res.writeHead(200);
      res.write(BODY.subarray(0, 100_000));
      res.end(BODY.subarray(100_000));
      return;
    }
    const range = path === "/file" ? /^bytes=(\d+)-$/.exec(req.headers.range ?? "") : null;
    const start = range ? Number(range[1]) : 0;
    if (start >= BODY.length && range) {
      res.writeHead(416, { "content-range": `bytes */${BODY.length}` }).end();
      return;
    }
    if (path !== "/file" && path !== "/no-ranges") {
      res.writeHead(404).end();
      return;
    }
    const slice = BODY.subarray(start);
    res.writeHead(range ? 206 : 200, {
      "content-length": String(slice.length),
      ...(range ? { "content-range": `bytes ${start}-${BODY.length - 1}/${BODY.length}` } : {}),
    });
    if (cutAfter !== undefined) {
      const cut = cutAfter;
      cutAfter = undefined;
      res.write(slice.subarray(0, cut), () => res.socket?.destroy());
      return;
    }
    res.end(slice);
  });
  servers.push(server);
  await new Promise<void>((ready) => server.listen(0, "127.0.0.1", ready));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    ranges,
    cutNextAfter: (bytes) => {
      cutAfter = bytes;
    },
  };
}

/** The DownloadError `promise` rejects with; its message is one line naming the URL. */
async function failure(promise: Promise<unknown>, url: string): Promise<DownloadError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DownloadError);
  expect((error as Error).message).not.toContain("\n");
  expect((error as Error).message).toContain(`could not download ${url}: `);
  return error as DownloadError;
}

describe("downloadFile", () => {
  it("puts a verified file in place, reporting progress, with nothing else left beside it", async () => {
    const server = await serve();
    const dir = tempDir();
    const target = join(dir, "sub", "file.bin");
    const progress: DownloadProgress[] = [];
    const result = await downloadFile(`${server.url}/file`, target, {
      sha256: SHA,
      size: BODY.length,
      onProgress: (p) => progress.push(p),
    });
    expect(result).toEqual({ sha256: SHA, bytes: BODY.length, resumedFrom: 0 });
    expect(readFileSync(target).equals(BODY)).toBe(true);
    expect(readdirSync(join(dir, "sub"))).toEqual(["file.bin"]);
    expect(progress.at(-1)).toEqual({
      received: BODY.length,
      total: BODY.length,
      resumedFrom: 0,
      done: true,
    });
    expect(progress.filter((p) => p.done)).toHaveLength(1);
  });

  it("refuses bytes whose sha256 differs, leaving nothing in place (a resumable part file included)", async () => {
    const server = await serve();
    for (const resumable of [false, true]) {
      const dir = tempDir();
      const target = join(dir, "file.bin");
      const error = await failure(
        downloadFile(`${server.url}/file`, target, { sha256: "0".repeat(64), resumable }),
        `${server.url}/file`,
      );
      expect(error.failure).toEqual({ kind: "sha256", expected: "0".repeat(64), got: SHA });
      expect(error.message).toContain(`expected sha256 ${"0".repeat(64)}, got ${SHA}`);
      expect(error.kept).toBe(0);
      expect(readdirSync(dir)).toEqual([]);
    }
  });

  it("stops at the size bound, whether the server announces the length or not", async () => {
    const server = await serve();
    for (const path of ["/file", "/chunked"]) {
      const dir = tempDir();
      const error = await failure(
        downloadFile(`${server.url}${path}`, join(dir, "file.bin"), { maxBytes: 150_000, resumable: true }),
        `${server.url}${path}`,
      );
      expect(error.failure).toEqual({ kind: "too-large", limit: 150_000 });
      expect(error.message).toContain("more than 150000 bytes");
      expect(readdirSync(dir)).toEqual([]);
    }
    // A pinned size bounds the body too, and a short body fails its check.
    const dir = tempDir();
    const over = await failure(
      downloadFile(`${server.url}/chunked`, join(dir, "a"), { size: 1000 }),
      `${server.url}/chunked`,
    );
    expect(over.failure).toEqual({ kind: "too-large", limit: 1000 });
    const under = await failure(
      downloadFile(`${server.url}/chunked`, join(dir, "b"), { size: BODY.length + 1 }),
      `${server.url}/chunked`,
    );
    expect(under.failure).toEqual({ kind: "incomplete", expected: BODY.length + 1 });
    expect(under.received).toBe(BODY.length);
    expect(readdirSync(dir)).toEqual([]);
  });

  it("resumes from the part file after a cut connection, asking for the rest with Range", async () => {
    const server = await serve();
    const target = join(tempDir(), "file.bin");
    server.cutNextAfter(60_000);
    const cut = await failure(
      downloadFile(`${server.url}/file`, target, { sha256: SHA, resumable: true }),
      `${server.url}/file`,
    );
    expect(cut.kept).toBe(60_000);
    expect(existsSync(target)).toBe(false);
    expect(statSync(`${target}.part`).size).toBe(60_000);

    const resumed: number[] = [];
    const progress: DownloadProgress[] = [];
    const result = await downloadFile(`${server.url}/file`, target, {
      sha256: SHA,
      resumable: true,
      onResume: (offset) => resumed.push(offset),
      onProgress: (p) => progress.push(p),
    });
    expect(server.ranges).toEqual(["", "bytes=60000-"]);
    expect(resumed).toEqual([60_000]);
    expect(result).toEqual({ sha256: SHA, bytes: BODY.length, resumedFrom: 60_000 });
    expect(progress.at(-1)).toMatchObject({ received: BODY.length, resumedFrom: 60_000, done: true });
    expect(readFileSync(target).equals(BODY)).toBe(true);
    expect(existsSync(`${target}.part`)).toBe(false);
  });

  it("only verifies and renames when the part file already holds everything (416)", async () => {
    const server = await serve();
    const target = join(tempDir(), "file.bin");
    writeFileSync(`${target}.part`, BODY);
    const result = await downloadFile(`${server.url}/file`, target, { sha256: SHA, resumable: true });
    expect(server.ranges).toEqual([`bytes=${BODY.length}-`]);
    expect(result).toEqual({ sha256: SHA, bytes: BODY.length, resumedFrom: BODY.length });
    expect(readFileSync(target).equals(BODY)).toBe(true);
    expect(existsSync(`${target}.part`)).toBe(false);
  });

  it("starts again from zero, hash included, when the server ignores Range", async () => {
    const server = await serve();
    const target = join(tempDir(), "file.bin");
    server.cutNextAfter(60_000);
    await failure(
      downloadFile(`${server.url}/no-ranges`, target, { resumable: true }),
      `${server.url}/no-ranges`,
    );
    expect(statSync(`${target}.part`).size).toBe(60_000);

    const resumed: number[] = [];
    const result = await downloadFile(`${server.url}/no-ranges`, target, {
      sha256: SHA,
      resumable: true,
      onResume: (offset) => resumed.push(offset),
    });
    expect(server.ranges.at(-1)).toBe("bytes=60000-");
    expect(resumed).toEqual([]);
    expect(result).toEqual({ sha256: SHA, bytes: BODY.length, resumedFrom: 0 });
    expect(readFileSync(target).equals(BODY)).toBe(true);
    expect(existsSync(`${target}.part`)).toBe(false);
  });

  it("gives up on a server that stalls, before the headers or in the body, and keeps what arrived", async () => {
    const server = await serve();
    const dir = tempDir();
    const silent = await failure(
      downloadFile(`${server.url}/stall-headers`, join(dir, "a"), { idleTimeoutMs: 100 }),
      `${server.url}/stall-headers`,
    );
    expect(silent.failure).toEqual({ kind: "idle", ms: 100 });
    expect(silent.message).toContain("stalled: nothing received for 100 ms");

    const target = join(dir, "b");
    const stalled = await failure(
      downloadFile(`${server.url}/stall-body`, target, { idleTimeoutMs: 100, resumable: true }),
      `${server.url}/stall-body`,
    );
    expect(stalled.failure).toEqual({ kind: "idle", ms: 100 });
    expect(stalled).toMatchObject({ received: 1000, total: BODY.length, kept: 1000 });
    expect(readdirSync(dir)).toEqual(["b.part"]);

    const total = await failure(
      downloadFile(`${server.url}/stall-body`, join(dir, "c"), { totalTimeoutMs: 150 }),
      `${server.url}/stall-body`,
    );
    expect(total.failure).toEqual({ kind: "total", ms: 150 });
    expect(readdirSync(dir)).toEqual(["b.part"]);
  });

  it("stops when the caller aborts, and before sending anything when already aborted", async () => {
    const server = await serve();
    const dir = tempDir();
    const controller = new AbortController();
    const target = join(dir, "file.bin");
    const aborted = await failure(
      downloadFile(`${server.url}/stall-body`, target, {
        signal: controller.signal,
        resumable: true,
        onProgress: () => controller.abort(),
      }),
      `${server.url}/stall-body`,
    );
    expect(aborted.failure).toEqual({ kind: "aborted" });
    expect(aborted.kept).toBe(1000);
    expect(existsSync(target)).toBe(false);

    const requests = server.ranges.length;
    const early = await failure(
      downloadFile(`${server.url}/file`, join(dir, "other"), { signal: AbortSignal.abort() }),
      `${server.url}/file`,
    );
    expect(early.failure).toEqual({ kind: "aborted" });
    expect(server.ranges).toHaveLength(requests);
    expect(readdirSync(dir)).toEqual(["file.bin.part"]);
  });

  it("names the URL without its secrets, and reports HTTP and network failures", async () => {
    const server = await serve();
    const dir = tempDir();
    const secret = `${server.url}/missing?token=sk-secret`;
    const missing = await failure(downloadFile(secret, join(dir, "a")), `${server.url}/missing?[redacted]`);
    expect(missing.failure).toEqual({ kind: "http", status: 404 });
    expect(missing.message).not.toContain("sk-secret");

    servers.pop()!.close();
    servers.length = 0;
    const refused = await failure(downloadFile(`${server.url}/file`, join(dir, "b")), `${server.url}/file`);
    expect(refused.failure.kind).toBe("network");
    expect(readdirSync(dir)).toEqual([]);
  });
});

describe("downloadBytes", () => {
  it("returns the body, bounded", async () => {
    const server = await serve();
    expect(Buffer.from(await downloadBytes(`${server.url}/chunked`)).equals(BODY)).toBe(true);
    const error = await failure(
      downloadBytes(`${server.url}/chunked`, { maxBytes: 10 }),
      `${server.url}/chunked`,
    );
    expect(error.failure).toEqual({ kind: "too-large", limit: 10 });
  });
});

describe("readAhead", () => {
  const quiet = { waiting: () => undefined, received: () => undefined };
  const chunks = (n: number) => Array.from({ length: n }, (_, i) => new Uint8Array([i]));

  it("gives a slow consumer every chunk read before the stream broke, then the error", async () => {
    const sent = chunks(3);
    const broken = new ReadableStream<Uint8Array>(
      {
        pull(controller) {
          const next = sent.shift();
          if (next) controller.enqueue(next);
          else controller.error(new Error("cut"));
        },
      },
      { highWaterMark: 0 },
    );
    const got: number[] = [];
    const reading = (async () => {
      for await (const chunk of readAhead(broken.getReader(), quiet, 1024)) {
        await new Promise((done) => setTimeout(done, 5));
        got.push(chunk[0]!);
      }
    })();
    await expect(reading).rejects.toThrow("cut");
    expect(got).toEqual([0, 1, 2]);
  });

  it("stops reading at its bound, and stops cleanly when the consumer leaves early", async () => {
    let pulls = 0;
    const endless = new ReadableStream<Uint8Array>(
      {
        pull(controller) {
          pulls += 1;
          controller.enqueue(new Uint8Array(10));
        },
      },
      { highWaterMark: 0 },
    );
    for await (const _ of readAhead(endless.getReader(), quiet, 30)) {
      await new Promise((done) => setTimeout(done, 20));
      break;
    }
    // 3 chunks fill the bound (30 bytes); the consumer took one while the reader was held back.
    expect(pulls).toBeLessThanOrEqual(5);
  });
});

describe("TransferClock", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("runs the idle clock only while the client waits for the server", () => {
    vi.useFakeTimers({
      toFake: ["setTimeout", "clearTimeout", "setImmediate", "clearImmediate", "performance"],
    });
    const expired: string[] = [];
    const clock = new TransferClock({ idleTimeoutMs: 100 }, (which) => expired.push(which));
    clock.waiting();
    vi.advanceTimersByTime(90);
    clock.received();
    // The client is busy for a long time (hashing, a slow disk): not the server's silence.
    vi.advanceTimersByTime(1000);
    expect(expired).toEqual([]);
    clock.waiting();
    vi.advanceTimersByTime(99);
    expect(expired).toEqual([]);
    vi.advanceTimersByTime(2);
    vi.runOnlyPendingTimers();
    expect(expired).toEqual(["idle"]);
    clock.stop();
  });

  it("waits one turn of the event loop before a deadline fails, so bytes that arrived in time are seen", () => {
    vi.useFakeTimers({
      toFake: ["setTimeout", "clearTimeout", "setImmediate", "clearImmediate", "performance"],
    });
    const expired: string[] = [];
    const clock = new TransferClock({ idleTimeoutMs: 100, totalTimeoutMs: 10_000 }, (which) =>
      expired.push(which),
    );
    clock.waiting();
    vi.advanceTimersToNextTimer(); // the idle timer fires; the failure waits for an immediate
    clock.received(); // ...during which the socket delivers
    vi.advanceTimersByTime(5);
    expect(expired).toEqual([]);
    clock.waiting();
    vi.advanceTimersByTime(10_000);
    expect(expired).toEqual(["idle"]);
    clock.stop();
  });
});
