/**
 * The one atomic writer: unique temporary names (two processes writing the same report folder never touch each
 * other's temporary file), fsync then rename, the temporary file removed on any failure, and a full disk, an
 * exhausted quota or a read-only mount turned into one FileAccessError naming the file. Failures are injected
 * through the writer's file-system seam; test/reliability/full-disk.test.ts fills a real file system where it can.
 */
import { spawn } from "node:child_process";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import {
  type AtomicWriteFs,
  nodeFs,
  temporaryPath,
  type WritableFile,
  writeFileAtomic,
} from "../../src/core/atomic-write.js";
import { FileAccessError } from "../../src/core/file-access-error.js";
import { repoRoot } from "../helpers/paths.js";
import { tempDir } from "../helpers/tmp.js";

function errno(code: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: injected`), { code });
}

/** The real file system, with one step of an open temporary file (or the rename) failing with `code`. */
function failingAt(step: "writeFile" | "sync" | "rename" | "create", code: string): AtomicWriteFs {
  return {
    ...nodeFs,
    create: async (path) => {
      if (step === "create") throw errno(code);
      const file = await nodeFs.create(path);
      const failing: WritableFile = {
        writeFile: async (data) => {
          // Part of the data reaches the disk before the failure, as on a disk that fills mid-write.
          await file.writeFile(typeof data === "string" ? data.slice(0, 10) : data.subarray(0, 10));
          if (step === "writeFile") throw errno(code);
          await file.writeFile(typeof data === "string" ? data.slice(10) : data.subarray(10));
        },
        sync: async () => {
          if (step === "sync") throw errno(code);
          await file.sync();
        },
        close: () => file.close(),
      };
      return failing;
    },
    rename: async (from, to) => {
      if (step === "rename") throw errno(code);
      await nodeFs.rename(from, to);
    },
  };
}

describe("writeFileAtomic", () => {
  it("writes the file, creating its folder, and leaves nothing else behind", async () => {
    const dir = tempDir();
    const target = join(dir, "a", "b", "report.html");
    await writeFileAtomic(target, "<html>one</html>");
    await writeFileAtomic(target, new TextEncoder().encode("<html>two</html>"));
    expect(readFileSync(target, "utf8")).toBe("<html>two</html>");
    expect(readdirSync(join(dir, "a", "b"))).toEqual(["report.html"]);
  });

  it("takes content from a producer chunk by chunk", async () => {
    const target = join(tempDir(), "data.jsonl");
    await writeFileAtomic(target, async (write) => {
      for (let i = 0; i < 3; i++) await write(`line ${i}\n`);
    });
    expect(readFileSync(target, "utf8")).toBe("line 0\nline 1\nline 2\n");
  });

  it("gives every write its own temporary name beside the target (process id and random bytes)", () => {
    const target = join(tempDir(), "results.json");
    const names = new Set(Array.from({ length: 1000 }, () => temporaryPath(target)));
    expect(names.size).toBe(1000);
    for (const name of names)
      expect(name).toMatch(new RegExp(`/results\\.json\\.${process.pid}-[0-9a-f]{12}\\.tmp$`));
  });

  it("lets many interleaved writes to one path all succeed, leaving one complete file", async () => {
    const dir = tempDir();
    const target = join(dir, "leaderboard.json");
    const contents = Array.from({ length: 24 }, (_, i) => `${String(i).padStart(2, "0")}`.repeat(50_000));
    await Promise.all(
      contents.map((content) =>
        writeFileAtomic(target, async (write) => {
          // Several chunks, so the writes really interleave on the event loop.
          for (let at = 0; at < content.length; at += 10_000) await write(content.slice(at, at + 10_000));
        }),
      ),
    );
    expect(contents).toContain(readFileSync(target, "utf8"));
    expect(readdirSync(dir)).toEqual(["leaderboard.json"]);
  });

  it("lets two processes write the same file 150 times each without a failed rename", async () => {
    const dir = tempDir();
    const target = join(dir, "report.html");
    const module = resolve(repoRoot, "dist/core/atomic-write.js");
    const writer = (letter: string) =>
      new Promise<{ code: number | null; stderr: string }>((done) => {
        const script = `const { writeFileAtomic } = await import(${JSON.stringify(module)});
for (let i = 0; i < 150; i++) await writeFileAtomic(${JSON.stringify(target)}, ${JSON.stringify(letter)}.repeat(200_000));`;
        const child = spawn(process.execPath, ["--input-type=module", "-e", script], { stdio: "pipe" });
        let stderr = "";
        child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
          stderr += chunk;
        });
        child.on("close", (code) => done({ code, stderr }));
      });
    const [a, b] = await Promise.all([writer("a"), writer("b")]);
    expect(a).toEqual({ code: 0, stderr: "" });
    expect(b).toEqual({ code: 0, stderr: "" });
    const final = readFileSync(target, "utf8");
    expect(["a".repeat(200_000), "b".repeat(200_000)]).toContain(final);
    expect(readdirSync(dir)).toEqual(["report.html"]);
  });

  it.each([
    ["ENOSPC", "writeFile", /the disk is full \(no space left on device\)/],
    ["EDQUOT", "writeFile", /the disk quota is exceeded/],
    ["ENOSPC", "sync", /the disk is full/],
    ["EROFS", "rename", /the file system is read-only/],
    ["EROFS", "create", /the file system is read-only/],
    ["EACCES", "create", /permission denied/],
  ] as const)(
    "turns %s at %s into one line naming the file, keeps the old file, removes the temporary file",
    async (code, step, says) => {
      const dir = tempDir();
      const target = join(dir, "report.html");
      writeFileSync(target, "the previous report");
      const error = await writeFileAtomic(target, "x".repeat(100_000), failingAt(step, code)).catch((e) => e);
      expect(error).toBeInstanceOf(FileAccessError);
      expect(error.code).toBe(code);
      expect(error.file).toBe(target);
      expect(error.message).toMatch(
        new RegExp(`^${target.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}: cannot write: `),
      );
      expect(error.message).toMatch(says);
      expect(error.message).not.toContain("\n");
      expect(readFileSync(target, "utf8")).toBe("the previous report");
      expect(readdirSync(dir)).toEqual(["report.html"]);
    },
  );

  it("passes a producer's own error on unchanged, and a file-system error it cannot explain, removing the temporary file", async () => {
    const dir = tempDir();
    const target = join(dir, "test.jsonl");
    class VerificationError extends Error {}
    const refused = new VerificationError("sha256 mismatch: nothing was saved");
    await expect(
      writeFileAtomic(target, async (write) => {
        await write("half a download");
        throw refused;
      }),
    ).rejects.toBe(refused);
    const io = await writeFileAtomic(target, "x".repeat(100), failingAt("writeFile", "EIO")).catch((e) => e);
    expect(io).not.toBeInstanceOf(FileAccessError);
    expect(io.code).toBe("EIO");
    expect(readdirSync(dir)).toEqual([]);
  });
});
