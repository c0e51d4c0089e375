/**
 * Only regular files are read, and whole-file reads only up to a bound. The cases that would hang or exhaust
 * memory if the check broke (a named pipe, /dev/zero) run in a child process with a budget that only catches a
 * hang; the commands that read user files are checked the same way in test/reliability/special-files.test.ts.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { FileAccessError } from "../../src/core/file-access-error.js";
import { formatBytes, readRegularFileSync } from "../../src/core/regular-file.js";
import { repoRoot } from "../helpers/paths.js";
import { tempDir } from "../helpers/tmp.js";

const posix = process.platform !== "win32";

/** readRegularFileSync in a child process (the built dist/), killed after `budgetMs` if it hangs. */
function readInChild(file: string, maxBytes: number, budgetMs = 30_000) {
  const module = resolve(repoRoot, "dist/core/regular-file.js");
  const script = `const { readRegularFileSync } = await import(${JSON.stringify(module)});
try { const bytes = readRegularFileSync(${JSON.stringify(file)}, ${maxBytes}, "results.json"); console.log("read " + bytes.length); }
catch (error) { console.log(error.name + ": " + error.message); }`;
  const started = Date.now();
  const child = spawnSync(process.execPath, ["--input-type=module", "-e", script], {
    encoding: "utf8",
    timeout: budgetMs,
  });
  return { out: child.stdout.trim(), signal: child.signal, ms: Date.now() - started };
}

describe("readRegularFileSync", () => {
  it("reads a regular file, also through a symlink, up to and including the bound", () => {
    const dir = tempDir();
    const file = join(dir, "results.json");
    writeFileSync(file, "x".repeat(100));
    expect(readRegularFileSync(file, 100).length).toBe(100);
    if (posix) {
      symlinkSync(file, join(dir, "link.json"));
      expect(readRegularFileSync(join(dir, "link.json"), 100).toString()).toBe("x".repeat(100));
    }
    writeFileSync(join(dir, "empty.json"), "");
    expect(readRegularFileSync(join(dir, "empty.json"), 100).length).toBe(0);
  });

  it("refuses a file over the bound with one line naming the file and the bound", () => {
    const file = join(tempDir(), "results.json");
    writeFileSync(file, "x".repeat(101));
    const error = (() => {
      try {
        readRegularFileSync(file, 100, "results.json");
      } catch (caught) {
        return caught as FileAccessError;
      }
    })();
    expect(error).toBeInstanceOf(FileAccessError);
    expect(error!.message).toBe(`${file}: too large: more than 100 bytes (the limit for results.json)`);
    expect(formatBytes(256 * 1024 * 1024)).toBe("256 MiB");
  });

  it("names a missing file and a directory", () => {
    const dir = tempDir();
    expect(() => readRegularFileSync(join(dir, "nope.json"), 100)).toThrow(
      `${join(dir, "nope.json")}: file not found`,
    );
    mkdirSync(join(dir, "folder"));
    expect(() => readRegularFileSync(join(dir, "folder"), 100)).toThrow("is a directory, expected a file");
  });

  it.skipIf(!posix)("refuses a symlink to /dev/zero at once instead of reading zeros up to the bound", () => {
    const link = join(tempDir(), "results.json");
    symlinkSync("/dev/zero", link);
    // Reading zeros up to a 64 MiB bound would take time and memory; the refusal takes neither.
    const { out, signal } = readInChild(link, 64 * 1024 * 1024);
    expect(signal).toBeNull();
    expect(out).toBe(
      `FileAccessError: ${link}: not a regular file (a character device): only regular files are read`,
    );
  });

  it.skipIf(!posix)("refuses a named pipe without waiting for a writer", () => {
    const fifo = join(tempDir(), "results.json");
    execFileSync("mkfifo", [fifo]);
    const { out, signal } = readInChild(fifo, 1024);
    expect(signal, "the read hung on the pipe").toBeNull();
    expect(out).toBe(
      `FileAccessError: ${fifo}: not a regular file (a named pipe): only regular files are read`,
    );
  });
});
