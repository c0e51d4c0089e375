/**
 * The one way a final file is written: into a temporary file beside it whose name no other write shares (process id
 * and random bytes), flushed to disk, then renamed over the target. A reader sees the old file or the new one, never
 * half of one; two processes writing the same path never touch each other's temporary file, and the last rename wins
 * with a complete file; any failure removes the temporary file. A full disk, an exhausted quota, a read-only mount or
 * a refused permission becomes one FileAccessError naming the file.
 */
import { randomBytes } from "node:crypto";
import { mkdir, open, rename, rm, unlink } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { writeRefusal } from "./file-access-error.js";

/** An open temporary file, as node's FileHandle provides it. */
export interface WritableFile {
  /** Writes all of `data` at the current position (looping over short writes). */
  writeFile(data: string | Uint8Array): Promise<void>;
  sync(): Promise<void>;
  close(): Promise<void>;
}

/** The file-system calls an atomic write makes; tests substitute them to inject ENOSPC and friends. */
export interface AtomicWriteFs {
  mkdir(path: string): Promise<unknown>;
  /** Creates `path`, which must not exist yet. */
  create(path: string): Promise<WritableFile>;
  rename(from: string, to: string): Promise<void>;
  unlink(path: string): Promise<void>;
}

export const nodeFs: AtomicWriteFs = {
  mkdir: (path) => mkdir(path, { recursive: true }),
  create: (path) => open(path, "wx"),
  rename,
  unlink,
};

/** Gives the content chunk by chunk, e.g. while a download streams in; throwing abandons the write. */
export type ContentProducer = (write: (chunk: string | Uint8Array) => Promise<void>) => Promise<void>;

/** A name beside `target` that no other write uses: `<name>.<pid>-<12 hex>.tmp` (the name cut to stay short). */
export function temporaryPath(target: string, suffix = "tmp"): string {
  return join(
    dirname(target),
    `${basename(target).slice(0, 200)}.${process.pid}-${randomBytes(6).toString("hex")}.${suffix}`,
  );
}

/**
 * Writes `content` (or what the producer gives) to `target` atomically, creating its folder if needed. An error the
 * producer throws is passed on as it is, after the temporary file is removed.
 */
export async function writeFileAtomic(
  target: string,
  content: string | Uint8Array | ContentProducer,
  fs: AtomicWriteFs = nodeFs,
): Promise<void> {
  await refusedAs(target, () => fs.mkdir(dirname(target)));
  const temp = temporaryPath(target);
  let file: WritableFile | undefined;
  let created = false;
  try {
    file = await refusedAs(target, () => fs.create(temp));
    created = true;
    const opened = file;
    const write = (chunk: string | Uint8Array) => refusedAs(target, () => opened.writeFile(chunk));
    if (typeof content === "function") await content(write);
    else await write(content);
    // Without this a crash soon after the rename can leave an empty file where the old one was (delayed
    // allocation on ext4, xfs): the rename must not reach the disk before the data.
    await refusedAs(target, () => opened.sync());
    file = undefined;
    await refusedAs(target, () => opened.close());
    await refusedAs(target, () => fs.rename(temp, target));
    created = false;
  } finally {
    await file?.close().catch(() => undefined);
    if (created) await fs.unlink(temp).catch(() => undefined);
  }
}

/**
 * Fills a fresh temporary folder beside `target`, then renames it into place (replacing an older copy), so `target`
 * is absent, the old copy, or complete. Any failure removes the temporary folder; an environment refusal (full
 * disk, read-only) becomes a FileAccessError naming `target`.
 */
export async function replaceDirectoryAtomic(
  target: string,
  fill: (temp: string) => Promise<void>,
): Promise<void> {
  await refusedAs(target, () => mkdir(dirname(target), { recursive: true }));
  const temp = temporaryPath(target, "part");
  const stale = temporaryPath(target, "old");
  try {
    await refusedAs(target, async () => {
      await mkdir(temp);
      await fill(temp);
      await rename(target, stale).catch((error: NodeJS.ErrnoException) => {
        if (error.code !== "ENOENT") throw error;
      });
      await rename(temp, target);
    });
  } finally {
    await rm(temp, { recursive: true, force: true });
    await rm(stale, { recursive: true, force: true });
  }
}

/** Runs a file-system step; an environment refusal becomes a FileAccessError for `target`, anything else passes. */
async function refusedAs<T>(target: string, step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (error) {
    throw writeRefusal(target, error) ?? error;
  }
}
