/**
 * Commands that read a file the user names read only regular files, up to a bound: a results.json that is a symlink
 * to /dev/zero was read until memory ran out, and a named pipe made `report` and `leaderboard` wait forever. Each
 * command must answer with one line naming the file and exit 2.
 * A named pipe is given to the built CLI with a budget that only catches a hang: a regression that waited for the
 * pipe's writer would block the process it runs in, so only a child process turns the hang into a failure (these
 * four cases are also where `run`, `gate`, `report` and `leaderboard` are refused through the real binary).
 * /dev/zero runs in this process through main(): a regression that read it would fail on its own, out of memory.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { startCli } from "../helpers/cli.js";
import { mainInProcess } from "../helpers/in-process-cli.js";
import { tempDir } from "../helpers/tmp.js";

/** Generous: a refusal takes well under a second; only a hang (or reading a gigabyte of zeros) reaches it. */
const HANG_BUDGET_MS = 45_000;

async function spawnWithin(args: string[], cwd: string) {
  const run = startCli(args, { cwd });
  run.child.stdin!.end();
  const timer = setTimeout(() => run.child.kill("SIGKILL"), HANG_BUDGET_MS);
  try {
    const done = await run.done;
    expect(done.signal, `${args[0]} hung`).toBeNull();
    return done;
  } finally {
    clearTimeout(timer);
  }
}

/** The command on a special file: a named pipe through the built CLI, a device in this process. */
function refuse(kind: "fifo" | "zero", args: string[], cwd: string) {
  return kind === "fifo" ? spawnWithin(args, cwd) : mainInProcess(args, { cwd });
}

/** `<dir>/run/results.json` as a FIFO or a symlink to /dev/zero. */
function specialResults(kind: "fifo" | "zero"): { dir: string; runDir: string; file: string } {
  const dir = tempDir();
  const runDir = join(dir, "run");
  mkdirSync(runDir);
  const file = join(runDir, "results.json");
  if (kind === "fifo") execFileSync("mkfifo", [file]);
  else symlinkSync("/dev/zero", file);
  return { dir, runDir, file };
}

const what = { fifo: "a named pipe", zero: "a character device" } as const;

describe.skipIf(process.platform === "win32")("special files instead of regular ones", () => {
  it.each(["fifo", "zero"] as const)("report refuses a results.json that is %s", async (kind) => {
    const { dir, runDir, file } = specialResults(kind);
    const { code, stderr } = await refuse(kind, ["report", runDir], dir);
    expect(code).toBe(2);
    expect(stderr).toBe(
      `persona-bench: ${file}: cannot read results: not a regular file (${what[kind]}): only regular files are read\n`,
    );
  });

  it.each(["fifo", "zero"] as const)(
    "leaderboard skips a results.json that is %s, naming it",
    async (kind) => {
      const { dir } = specialResults(kind);
      const { code, stderr } = await refuse(kind, ["leaderboard", "run/results.json", "--out", "board"], dir);
      expect(code).toBe(2);
      expect(stderr).toContain(
        `skipped run/results.json: not a regular file (${what[kind]}): only regular files are read\n`,
      );
    },
  );

  it("gate refuses a baseline that is a named pipe", async () => {
    const { dir, file } = specialResults("fifo");
    const { code, stderr } = await spawnWithin(
      ["gate", "--baseline", file, "--candidate", file, "--store", join(dir, "none.sqlite")],
      dir,
    );
    expect(code).toBe(2);
    expect(stderr.split("\n").filter(Boolean)).toHaveLength(1);
  });

  it.each(["fifo", "zero"] as const)("run refuses a benchmark file that is %s", async (kind) => {
    const dir = tempDir();
    const bench = join(dir, "bench.yaml");
    if (kind === "fifo") execFileSync("mkfifo", [bench]);
    else symlinkSync("/dev/zero", bench);
    const { code, stderr } = await refuse(
      kind,
      ["run", bench, "--model", "openai:m@http://127.0.0.1:9/v1", "--store", join(dir, "s.sqlite")],
      dir,
    );
    expect(code).toBe(2);
    expect(stderr).toBe(
      `persona-bench: ${bench}: not a regular file (${what[kind]}): only regular files are read\n`,
    );
  });
});
