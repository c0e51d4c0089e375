import { resolve } from "node:path";
import { applyOverrides, loadBenchmark } from "../benchmark/benchmark.js";
import { benchmarkFile, DEFAULT_BENCHMARK, DEFAULT_REPORTS_DIR, DEFAULT_STORE_PATH } from "../core/paths.js";
import { jsonText, terminalText } from "../core/untrusted-text.js";
import { withReplicas } from "../models/spec.js";
import type { Timeouts } from "../models/types.js";
import { parsePersonaSelector } from "../personas/catalog.js";
import {
  DEFAULT_CONCURRENCY,
  type EvaluateOptions,
  evaluate,
  previewEvaluation,
} from "../pipeline/evaluate.js";
import { writeReports } from "../report/write.js";
import type { RetryPolicy } from "../runner/retry.js";
import { CliError, EXIT, type ExitCode } from "./exit-codes.js";
import type { CliIo } from "./io.js";
import { chooseModel, localModelSettings } from "./local-model.js";
import { integerOption, parseCommandArgs, secondsOption, writableDirectoryOption } from "./options.js";
import { previewText, RunDisplay } from "./run-display.js";
import { printRunSummary } from "./summary.js";

export const RUN_HELP = `Usage: persona-bench run [benchmark.yaml] --model <spec> [options]

Runs a benchmark (default: ${DEFAULT_BENCHMARK}) against one model and writes ${DEFAULT_REPORTS_DIR}/<run-id>/.
The same command again resumes: finished requests come from the store, only missing ones are sent.

Model specs:
  ollama:<model>[@http://host:port]     Ollama (host also from OLLAMA_HOST; default http://127.0.0.1:11434)
  openai:<model>[@<base-url>/v1]        OpenAI-compatible server: OpenAI, vLLM, SGLang, LM Studio, llama-server
                                        (API key from OPENAI_API_KEY only)
  gguf:<file.gguf | https URL | hf:<owner>/<repo>/<file> | default>
                                        a GGUF run in this process by llama.cpp (no server); URLs and hub files
                                        are downloaded once into the cache and checked against their sha256
  <spec>@<url1>,<url2>,...              one model on several servers (replicas): each gets --concurrency slots,
                                        work goes to whichever has a free one, one that stops answering is taken
                                        out of rotation and retried later; weights digests must all match
  Without --model, PERSONA_BENCH_MODEL is used, else gguf:default (a ~0.5 GB model; its first download needs --yes).

Options:
  --model <spec>              the model under test
  --replica <url>             another server of the same model (repeat; adds to the spec's URLs)
  --judge <spec>              a PersonaGym judge (repeat for an ensemble; the first writes score examples)
  --limit <n>                 first n problems only (PersonaGym: a seeded subset of n personas)
  --personas <list>           persona ids, category:<name>, or lottery, comma-separated (control always runs)
  --samples <n>               samples per problem and persona
  --seed <n>                  benchmark seed (per-request seeds derive from it)
  --concurrency <n|auto>      requests in flight to each model server (default ${DEFAULT_CONCURRENCY}); auto finds each server's
                              capacity (more while answers stay fast, less on 429/503 or queueing)
  --data-dir <dir>            read datasets from <dir> (e.g. <dir>/math500/test.jsonl; or PERSONA_BENCH_DATA_DIR)
  --no-download               never download datasets or model files; fail if no local copy is found
  --yes                       allow the default model's first download (when no model is named)
  --gpu auto|off              gguf: use a GPU where a llama.cpp build fits (default auto), or the CPU only
  --threads <n>               gguf: generation threads (default: the CPUs available)
  --store <path>              SQLite store (default ${DEFAULT_STORE_PATH})
  --out <dir>                 reports directory (default ${DEFAULT_REPORTS_DIR})
  --first-token-timeout <s>   max seconds until the first token, model load included (default 600)
  --idle-timeout <s>          max seconds of silence inside a stream (default 120)
  --total-timeout <s>         max seconds per request (default 3600)
  --max-attempts <n>          attempts per request for transient failures (default 5)
  --retry-base-delay <ms>     backoff base for retries without Retry-After: waits up to base x 2^n (default 1000)
  --json                      print results.json to stdout (progress goes to stderr)
  --dry-run                   print the plan: requests, already cached, to do; call no model
`;

/** `run`: the arguments become evaluate()'s options; what it reports is printed; its outcome is the exit code. */
export async function runCommand(argv: string[], io: CliIo): Promise<ExitCode> {
  const { values, positionals } = parseCommandArgs("run", argv, {
    model: { type: "string" },
    replica: { type: "string", multiple: true },
    judge: { type: "string", multiple: true },
    limit: { type: "string" },
    personas: { type: "string" },
    samples: { type: "string" },
    seed: { type: "string" },
    concurrency: { type: "string" },
    "data-dir": { type: "string" },
    "no-download": { type: "boolean" },
    store: { type: "string" },
    out: { type: "string" },
    "first-token-timeout": { type: "string" },
    "idle-timeout": { type: "string" },
    "total-timeout": { type: "string" },
    "max-attempts": { type: "string" },
    "retry-base-delay": { type: "string" },
    json: { type: "boolean" },
    "dry-run": { type: "boolean" },
    yes: { type: "boolean" },
    gpu: { type: "string" },
    threads: { type: "string" },
    help: { type: "boolean", short: "h" },
  });
  if (values.help) {
    io.stdout.write(RUN_HELP);
    return EXIT.success;
  }
  if (positionals.length > 1) {
    throw new CliError(`run: expected one benchmark file, got ${positionals.length}`, EXIT.badInput);
  }

  const allowDownload = values["no-download"] !== true;
  const model = withReplicas(
    chooseModel(values.model, io.env, { yes: values.yes === true, allowDownload }),
    values.replica ?? [],
  );
  const concurrency =
    values.concurrency?.trim() === "auto"
      ? "auto"
      : (integerOption("concurrency", values.concurrency, { min: 1, max: 1024 }) ?? DEFAULT_CONCURRENCY);
  const timeouts: Partial<Timeouts> = {
    ...given("firstTokenMs", secondsOption("first-token-timeout", values["first-token-timeout"], 86_400)),
    ...given("idleMs", secondsOption("idle-timeout", values["idle-timeout"], 86_400)),
    ...given("totalMs", secondsOption("total-timeout", values["total-timeout"], 7 * 86_400)),
  };
  const retry: Partial<RetryPolicy> = {
    ...given("maxAttempts", integerOption("max-attempts", values["max-attempts"], { min: 1, max: 100 })),
    ...given(
      "baseDelayMs",
      integerOption("retry-base-delay", values["retry-base-delay"], { min: 0, max: 60_000 }),
    ),
  };
  const local = localModelSettings(values);

  // All input is validated before the model or the store is touched (evaluate() checks datasets and specs).
  const benchmark = applyOverrides(loadBenchmark(benchmarkFile(positionals[0], io.cwd)), {
    limit: integerOption("limit", values.limit, { min: 1, max: 10_000_000 }),
    samples: integerOption("samples", values.samples, { min: 1, max: 1000 }),
    seed: integerOption("seed", values.seed, { min: 0, max: Number.MAX_SAFE_INTEGER }),
    personas: values.personas === undefined ? undefined : parsePersonaSelector(values.personas),
  });
  for (const { taskId, override } of benchmark.ignoredOverrides) {
    io.stderr.write(`note: --${override} does not apply to task ${terminalText(taskId)}: ignored there\n`);
  }
  const outDir = resolve(io.cwd, values.out ?? DEFAULT_REPORTS_DIR);
  writableDirectoryOption("out", outDir);

  const display = new RunDisplay(io);
  const options: EvaluateOptions = {
    model,
    ...(values.judge && values.judge.length > 0 ? { judges: values.judge } : {}),
    ...(values.store === undefined ? {} : { store: values.store }),
    cwd: io.cwd,
    env: io.env,
    ...(values["data-dir"] === undefined ? {} : { dataDir: values["data-dir"] }),
    allowDownload,
    concurrency,
    timeouts,
    retry,
    ...local,
    signal: display.signal,
    onEvent: (event) => display.show(event),
  };
  if (values["dry-run"]) {
    io.stdout.write(previewText(await previewEvaluation(benchmark, options)));
    return EXIT.success;
  }
  try {
    const outcome = await evaluate(benchmark, options);
    display.finishProgress();
    for (const { server, settled, last, rounds } of outcome.settledConcurrency ?? []) {
      io.stderr.write(
        `concurrency auto: ${terminalText(server)} settled near ${settled} in flight (last ${last}, after ${rounds} rounds)\n`,
      );
    }
    if (outcome.results) {
      const written = await writeReports(outDir, outcome.results);
      if (values.json) io.stdout.write(`${jsonText(outcome.results, 2)}\n`);
      else printRunSummary(io.stdout, outcome.results, written.dir);
      (values.json ? io.stderr : io.stdout).write(`report: ${terminalText(written.html)}\n`);
    } else {
      io.stderr.write("no answers graded yet: no report written\n");
    }
    if (outcome.status === "interrupted") {
      io.stderr.write(
        `interrupted: run the same command again to continue (run ${terminalText(outcome.runId)})\n`,
      );
      return EXIT.interrupted;
    }
    if (outcome.status === "incomplete") {
      io.stderr.write(
        `incomplete: ${outcome.counts.failed} request(s) failed permanently; run the same command again to retry them\n`,
      );
      return EXIT.incomplete;
    }
    return EXIT.success;
  } finally {
    display.close();
  }
}

/** `{ key: value }` for a flag that was given, `{}` otherwise: the library's default then applies. */
function given<K extends string>(key: K, value: number | undefined): Partial<Record<K, number>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, number>);
}
