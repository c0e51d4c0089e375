#!/usr/bin/env node
import type { CliIo } from "./io.js";
import { main } from "./main.js";

const io: CliIo = {
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
  env: process.env,
  cwd: process.cwd(),
  onSignal: (handler) => {
    process.on("SIGINT", handler);
    process.on("SIGTERM", handler);
  },
  offSignal: (handler) => {
    process.off("SIGINT", handler);
    process.off("SIGTERM", handler);
  },
};

process.exitCode = await main(process.argv.slice(2), io);
