import { resolve } from "node:path";
import { terminalText } from "../core/untrusted-text.js";
import { registeredTaskKinds } from "../task-kinds/registry.js";
import { CliError, EXIT, type ExitCode } from "./exit-codes.js";
import type { CliIo } from "./io.js";
import { parseCommandArgs } from "./options.js";

export const DATA_HELP = `Usage: persona-bench data fetch|verify [--data-dir DIR]

  fetch    download every pinned dataset of every task kind (math500, personagym, personagym-rubrics) into the
           cache (PERSONA_BENCH_CACHE_DIR, default ~/.cache/persona-bench) and check it against its pinned hash
  verify   check the copies persona-bench would use (--data-dir or PERSONA_BENCH_DATA_DIR, else the cache);
           exit 2 unless every one is the pinned version
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
  const options = { env: io.env, ...(dataDirValue ? { dataDir: resolve(io.cwd, dataDirValue) } : {}) };
  // Every dataset of every registered task kind, once.
  const datasets = [
    ...new Map(registeredTaskKinds().flatMap((kind) => kind.datasets.map((d) => [d.id, d]))).values(),
  ];
  if (action === "fetch") {
    // Lines name paths and what the files hold: shown, never obeyed.
    for (const dataset of datasets) io.stdout.write(`${terminalText(await dataset.fetch(options))}\n`);
    return EXIT.success;
  }
  if (action === "verify") {
    let ok = true;
    for (const dataset of datasets) {
      const { lines, ok: pinned } = await dataset.verify(options);
      ok &&= pinned;
      io.stdout.write(`${lines.map(terminalText).join("\n")}\n`);
    }
    return ok ? EXIT.success : EXIT.badInput;
  }
  throw new CliError(`data: expected "fetch" or "verify"${action ? `, got "${action}"` : ""}`, EXIT.badInput);
}
