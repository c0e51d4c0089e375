import type { Readable, Writable } from "node:stream";

/** What a command reads and writes: the process's streams, environment and folder, or a test's. */
export interface CliIo {
  stdout: Writable & { isTTY?: boolean };
  stderr: Writable & { isTTY?: boolean };
  stdin: Readable;
  env: NodeJS.ProcessEnv;
  cwd: string;
  onSignal(handler: () => void): void;
  offSignal(handler: () => void): void;
}
