import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { repoRoot, requireSharedData } from "./paths.js";

/** The built CLI, exactly what `npx persona-bench` runs; the global setup (test/setup/build.ts) keeps it current. */
export const cliPath = resolve(repoRoot, "dist/cli/bin.js");

export interface CliRun {
  child: ChildProcess;
  done: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>;
}

export function startCli(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): CliRun {
  if (!existsSync(cliPath)) throw new Error(`${cliPath} is missing: run npm run build first`);
  const child = spawn(process.execPath, [cliPath, ...args], {
    cwd: options.cwd ?? repoRoot,
    // TMPDIR: whatever the CLI writes to the temp directory lands in the test run's own (test/setup/temp-root.ts).
    env: { PATH: process.env.PATH, HOME: process.env.HOME, TMPDIR: process.env.TMPDIR, ...options.env },
    stdio: ["pipe", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout!.setEncoding("utf8").on("data", (chunk: string) => {
    stdout += chunk;
  });
  child.stderr!.setEncoding("utf8").on("data", (chunk: string) => {
    stderr += chunk;
  });
  const done = new Promise<{
    code: number | null;
    signal: NodeJS.Signals | null;
    stdout: string;
    stderr: string;
  }>((ok) => child.on("close", (code, signal) => ok({ code, signal, stdout, stderr })));
  return { child, done };
}

export async function runCli(
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; stdin?: string } = {},
) {
  const run = startCli(args, options);
  run.child.stdin!.end(options.stdin ?? "");
  return run.done;
}

/** `run` arguments for tests: the shared data, no downloads, no backoff; `dir` holds the store and the reports. */
export function runArgs(bench: string, model: string, dir: string, extra: string[] = []): string[] {
  return [
    "run",
    bench,
    "--model",
    model,
    "--data-dir",
    requireSharedData(),
    "--no-download",
    "--store",
    join(dir, "store.sqlite"),
    "--out",
    join(dir, "reports"),
    "--retry-base-delay",
    "0",
    ...extra,
  ];
}
