import { resolve } from "node:path";
import { DATASETS, resolveDataset, verifyDataset } from "../tasks/datasets.js";
import { CliError, EXIT, type ExitCode } from "./exit-codes.js";
import { parseCommandArgs } from "./options.js";
import type { CliIo } from "./run-command.js";

export const DATA_HELP = `Usage: persona-bench data fetch|verify [--data-dir DIR]

  fetch    download every pinned dataset into the cache (PERSONA_BENCH_CACHE_DIR, default ~/.cache/persona-bench)
           and check its size and sha256
  verify   check the copies persona-bench would use (--data-dir or PERSONA_BENCH_DATA_DIR, else the cache)
`;

export async function dataCommand(argv: string[], io: CliIo): Promise<ExitCode> {
  const { values, positionals } = parseCommandArgs("data", argv, {
    "data-dir": { type: "string" },
    help: { type: "boolean", short: "h" },
  });
  if (values.help) {
    io.stdout.write(DATA_HELP);
    return EXIT.success;
  }
  const action = positionals[0];
  const dataDirValue = values["data-dir"] ?? io.env.PERSONA_BENCH_DATA_DIR;
  const dataDir = dataDirValue ? resolve(io.cwd, dataDirValue) : undefined;
  if (action === "fetch") {
    for (const dataset of DATASETS) {
      const resolved = await resolveDataset(dataset.id, { allowDownload: true });
      io.stdout.write(`${dataset.id}: ${resolved.path} (${resolved.origin}, sha256 ${resolved.sha256})\n`);
    }
    return EXIT.success;
  }
  if (action === "verify") {
    let ok = true;
    for (const dataset of DATASETS) {
      const { checks } = await verifyDataset(dataset.id, { ...(dataDir ? { dataDir } : {}) });
      // The first copy found is the one a run would use.
      const used = checks.find((check) => check.found);
      ok &&= used?.pinned === true;
      for (const check of checks) {
        const state = !check.found
          ? "missing"
          : check.pinned
            ? `ok (sha256 ${check.sha256})`
            : `DIFFERS from the pinned file (sha256 ${check.sha256}, expected ${dataset.sha256})`;
        io.stdout.write(
          `${dataset.id} [${check.origin}] ${check.path}: ${state}${check === used ? " <- used" : ""}\n`,
        );
      }
      if (!used) io.stdout.write(`${dataset.id}: no local copy; persona-bench data fetch downloads it\n`);
    }
    return ok ? EXIT.success : EXIT.badInput;
  }
  throw new CliError(`data: expected "fetch" or "verify"${action ? `, got "${action}"` : ""}`, EXIT.badInput);
}
