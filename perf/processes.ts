/** Child processes of the performance run: the fake server, the bare client and the CLI, each measured apart. */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

const here = fileURLToPath(new URL(".", import.meta.url));

export interface ServerStats {
  completions: number;
  rejected: number;
  connections: number;
  maxInFlight: number;
  maxGenerating: number;
  firstStart: number;
  lastEnd: number;
  latencySumMs: number;
}

export interface PerfServerProcess {
  url: string;
  child: ChildProcess;
  stats(): Promise<ServerStats>;
  reset(): Promise<void>;
  close(): Promise<void>;
}

/** Starts dist-perf/perf/fake-server.js in its own process with the given flags. */
export async function spawnPerfServer(args: string[]): Promise<PerfServerProcess> {
  const child = spawn(process.execPath, [join(here, "fake-server.js"), ...args], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  const lines = createInterface({ input: child.stdout! });
  const url = await new Promise<string>((resolve, reject) => {
    lines.once("line", resolve);
    child.once("exit", (code) => reject(new Error(`perf server exited with ${code}`)));
  });
  return {
    url,
    child,
    stats: async () => (await (await fetch(`${url}/_perf/stats`)).json()) as ServerStats,
    reset: async () => {
      await (await fetch(`${url}/_perf/reset`, { method: "POST" })).text();
    },
    close: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      await exited;
    },
  };
}

export interface ProcessRun {
  code: number | null;
  wallMs: number;
  stdout: string;
  stderr: string;
  /** Whole-process CPU and peak RSS, written by cpu-report.js at exit (undefined if it did not run). */
  cpuMs?: number;
  maxRssKb?: number;
}

/** Runs `node [--import cpu-report.js] <args>` and collects its output, wall time, CPU and peak RSS. */
export async function runNode(args: string[], options: { env?: NodeJS.ProcessEnv; nodeFlags?: string[] } = {}): Promise<ProcessRun> {
  const dir = mkdtempSync(join(tmpdir(), "persona-bench-perf-report-"));
  const reportFile = join(dir, "report.json");
  const t0 = performance.now();
  const child = spawn(
    process.execPath,
    [...(options.nodeFlags ?? []), "--import", join(here, "cpu-report.js"), ...args],
    { env: { ...process.env, ...options.env, PERF_REPORT_FILE: reportFile }, stdio: ["ignore", "pipe", "pipe"] },
  );
  let stdout = "";
  let stderr = "";
  child.stdout!.setEncoding("utf8").on("data", (c: string) => {
    stdout += c;
  });
  child.stderr!.setEncoding("utf8").on("data", (c: string) => {
    stderr += c;
  });
  const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
  const wallMs = performance.now() - t0;
  let report: { cpuMs?: number; maxRssKb?: number } = {};
  try {
    report = JSON.parse(readFileSync(reportFile, "utf8"));
  } catch {
    // The process died before its exit hook.
  }
  rmSync(dir, { recursive: true, force: true });
  return { code, wallMs, stdout, stderr, ...report };
}
