import { PassThrough, Readable } from "node:stream";
import type { CliIo } from "../../src/cli/io.js";
import { main } from "../../src/cli/main.js";
import { repoRoot } from "./paths.js";

export interface InProcessRun {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * `persona-bench <argv>` run by calling main() in this process: what the built CLI does, without a process start
 * per call. stdout and stderr are pipes (no TTY, so no colour and no redrawn bars). `onSignal` handlers run when
 * `signalAfterStart` is set, once the command has registered them (for `view`, which runs until Ctrl-C).
 */
export async function mainInProcess(
  argv: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; stdin?: string; signalAfterStart?: boolean } = {},
): Promise<InProcessRun> {
  const collect = () => {
    const stream = new PassThrough();
    let text = "";
    stream.setEncoding("utf8").on("data", (chunk: string) => {
      text += chunk;
    });
    return { stream, text: () => text };
  };
  const stdout = collect();
  const stderr = collect();
  const io: CliIo = {
    stdout: stdout.stream,
    stderr: stderr.stream,
    stdin: Readable.from([options.stdin ?? ""]),
    // The environment startCli gives the built CLI, so a case behaves alike either way.
    env: { PATH: process.env.PATH, HOME: process.env.HOME, TMPDIR: process.env.TMPDIR, ...options.env },
    cwd: options.cwd ?? repoRoot,
    onSignal: (handler) => {
      if (options.signalAfterStart) setImmediate(handler);
    },
    offSignal: () => {},
  };
  const code = await main(argv, io);
  stdout.stream.end();
  stderr.stream.end();
  await new Promise((done) => setImmediate(done));
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}
