import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Readable, Writable } from "node:stream";
import { applyOverrides, type BenchmarkDefinition, loadBenchmark } from "../benchmark/benchmark.js";
import { packageRoot } from "../core/package-root.js";
import { jsonText, terminalText } from "../core/untrusted-text.js";
import { type AdapterOptions, createAdapter } from "../models/registry.js";
import { withReplicas } from "../models/spec.js";
import { AdapterError, type ModelIdentity, type Timeouts } from "../models/types.js";
import { parsePersonaSelector } from "../personas/catalog.js";
import { dryRun, prepareBenchmark, runBenchmark } from "../pipeline/run.js";
import { writeReports } from "../report/write.js";
import { DEFAULT_RETRY_POLICY } from "../runner/retry.js";
import type { Endpoint } from "../runner/stage.js";
import { Store } from "../store/store.js";
import { taskKindFor } from "../task-kinds/registry.js";
import { CliError, EXIT, type ExitCode } from "./exit-codes.js";
import { chooseModel, downloadReporter, localModelSettings } from "./local-model.js";
import { integerOption, parseCommandArgs, secondsOption, writableDirectoryOption } from "./options.js";
import { createProgressReporter } from "./progress.js";
import { printRunSummary } from "./summary.js";

export const RUN_HELP = `Usage: persona-bench run [benchmark.yaml] --model <spec> [options]

Runs a benchmark (default: benchmarks/default.yaml) against one model and writes reports/<run-id>/.
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
  --concurrency <n|auto>      requests in flight to each model server (default 4); auto finds each server's
                              capacity (more while answers stay fast, less on 429/503 or queueing)
  --data-dir <dir>            read datasets from <dir> (e.g. <dir>/math500/test.jsonl; or PERSONA_BENCH_DATA_DIR)
  --no-download               never download datasets or model files; fail if no local copy is found
  --yes                       allow the default model's first download (when no model is named)
  --gpu auto|off              gguf: use a GPU where a llama.cpp build fits (default auto), or the CPU only
  --threads <n>               gguf: generation threads (default: the CPUs available)
  --store <path>              SQLite store (default .persona-bench/store.sqlite)
  --out <dir>                 reports directory (default reports)
  --first-token-timeout <s>   max seconds until the first token, model load included (default 600)
  --idle-timeout <s>          max seconds of silence inside a stream (default 120)
  --total-timeout <s>         max seconds per request (default 3600)
  --max-attempts <n>          attempts per request for transient failures (default 5)
  --retry-base-delay <ms>     backoff base for retries without Retry-After: waits up to base x 2^n (default 1000)
  --json                      print results.json to stdout (progress goes to stderr)
  --dry-run                   print the plan: requests, already cached, to do; call no model
`;

const DEFAULT_TIMEOUTS: Timeouts = {
  connectMs: 10_000,
  firstTokenMs: 600_000,
  idleMs: 120_000,
  totalMs: 3_600_000,
};

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
  const modelSpec = withReplicas(
    chooseModel(values.model, io.env, { yes: values.yes === true, allowDownload }),
    values.replica ?? [],
  );
  const autoConcurrency = values.concurrency?.trim() === "auto";
  const concurrency = autoConcurrency
    ? 4
    : (integerOption("concurrency", values.concurrency, { min: 1, max: 1024 }) ?? 4);
  const timeouts: Timeouts = {
    connectMs: DEFAULT_TIMEOUTS.connectMs,
    firstTokenMs:
      secondsOption("first-token-timeout", values["first-token-timeout"], 86_400) ??
      DEFAULT_TIMEOUTS.firstTokenMs,
    idleMs: secondsOption("idle-timeout", values["idle-timeout"], 86_400) ?? DEFAULT_TIMEOUTS.idleMs,
    totalMs: secondsOption("total-timeout", values["total-timeout"], 7 * 86_400) ?? DEFAULT_TIMEOUTS.totalMs,
  };
  const retry = {
    ...DEFAULT_RETRY_POLICY,
    maxAttempts:
      integerOption("max-attempts", values["max-attempts"], { min: 1, max: 100 }) ??
      DEFAULT_RETRY_POLICY.maxAttempts,
    baseDelayMs:
      integerOption("retry-base-delay", values["retry-base-delay"], { min: 0, max: 60_000 }) ??
      DEFAULT_RETRY_POLICY.baseDelayMs,
  };

  // All input is validated before the model or the store is touched.
  const benchmarkFile = resolveBenchmarkFile(positionals[0], io.cwd);
  const benchmark = applyOverrides(loadBenchmark(benchmarkFile), {
    limit: integerOption("limit", values.limit, { min: 1, max: 10_000_000 }),
    samples: integerOption("samples", values.samples, { min: 1, max: 1000 }),
    seed: integerOption("seed", values.seed, { min: 0, max: Number.MAX_SAFE_INTEGER }),
    personas: values.personas === undefined ? undefined : parsePersonaSelector(values.personas),
  });
  for (const { taskId, override } of benchmark.ignoredOverrides) {
    io.stderr.write(`note: --${override} does not apply to task ${terminalText(taskId)}: ignored there\n`);
  }
  const dataDir = values["data-dir"] ?? io.env.PERSONA_BENCH_DATA_DIR;
  const prepared = await prepareBenchmark(benchmark, {
    ...(dataDir ? { dataDir: resolve(io.cwd, dataDir) } : {}),
    allowDownload,
  });
  // Replica and download notices go above the progress bar once it exists.
  let notice = (message: string): void => {
    io.stderr.write(`note: ${terminalText(message)}\n`);
  };
  // In-process models: --concurrency sequences in one context; a dry run never downloads a model file.
  const local: AdapterOptions = {
    ...localModelSettings(values),
    cwd: io.cwd,
    sequences: concurrency,
    allowDownload: allowDownload && !values["dry-run"],
    onDownloadProgress: downloadReporter(io.stderr),
    onNotice: (message) => notice(message),
  };
  const adapter = createAdapter(modelSpec, io.env, local);
  // From here on only the adapter's spec, which hides any credential typed into it, is printed or stored.
  const storePath = resolve(io.cwd, values.store ?? ".persona-bench/store.sqlite");
  const outDir = resolve(io.cwd, values.out ?? "reports");
  writableDirectoryOption("out", outDir);

  const judgeSpecs = values.judge && values.judge.length > 0 ? values.judge : benchmarkJudges(benchmark);
  const judgeAdapters = judgeSpecs.map((given) => {
    const judge = createAdapter(given, io.env, local);
    return { spec: judge.spec, adapter: judge };
  });

  if (values["dry-run"]) {
    let identity: ModelIdentity | undefined;
    let unreachable = "";
    try {
      identity = await adapter.identify();
    } catch (error) {
      if (!(error instanceof AdapterError)) throw error;
      unreachable = error.message;
    }
    const judges: Endpoint[] = [];
    for (const judge of judgeAdapters) {
      try {
        judges.push({ ...judge, identity: await judge.adapter.identify() });
      } catch (error) {
        if (!(error instanceof AdapterError)) throw error;
        judges.push({ ...judge, identity: placeholderIdentity(judge.spec) });
      }
    }
    const store = identity && existsSync(storePath) ? Store.openReadOnly(storePath) : undefined;
    try {
      const stages = dryRun(
        prepared,
        { spec: adapter.spec, adapter, identity: identity ?? placeholderIdentity(adapter.spec) },
        judges,
        store,
      );
      const requests = stages.reduce((sum, stage) => sum + stage.requests, 0);
      const cached = identity ? stages.reduce((sum, stage) => sum + (stage.cached ?? 0), 0) : undefined;
      // Names, paths, digests and the server's error come from files and servers: shown, never obeyed.
      const t = terminalText;
      const digest = (id: ModelIdentity | undefined) => (id?.digest ? ` (digest ${t(id.digest)})` : "");
      const lines = [
        `benchmark ${t(benchmark.id)} (${t(benchmark.file)})`,
        ...prepared.map((task) => `  ${t(task.describe())}`),
        `model ${t(adapter.spec)}${digest(identity)}`,
        ...judges.map((j) => `judge ${t(j.spec)}${digest(j.identity)}`),
        ...stages.map(
          (stage) =>
            `  ${t(stage.stage)}: ${stage.requests} requests${identity ? `, ${stage.cached ?? "?"} cached` : ""}`,
        ),
        `requests: ${requests}`,
        cached === undefined
          ? `already cached: unknown (${t(unreachable)})`
          : `already cached: ${cached}\nto do: ${requests - cached}`,
      ];
      io.stdout.write(`${lines.join("\n")}\n`);
    } finally {
      store?.close();
      await adapter.close?.();
      for (const judge of judgeAdapters) await judge.adapter.close?.();
    }
    return EXIT.success;
  }

  const identity = await identifyOrExplain(adapter.identify.bind(adapter), adapter.spec);
  const judges: Endpoint[] = [];
  for (const judge of judgeAdapters) {
    judges.push({
      ...judge,
      identity: await identifyOrExplain(judge.adapter.identify.bind(judge.adapter), judge.spec),
    });
  }
  const store = Store.open(storePath);
  const controller = new AbortController();
  const stopOnSignal = () => {
    if (controller.signal.aborted) {
      io.stderr.write("\nforced stop\n");
      process.exit(EXIT.interrupted);
    }
    io.stderr.write("\nstopping: keeping finished work (Ctrl-C again to force)\n");
    controller.abort(new Error("interrupted"));
  };
  io.onSignal(stopOnSignal);
  const progress = createProgressReporter(io.stderr);
  notice = (message) => {
    progress.note(message);
  };
  try {
    const outcome = await runBenchmark({
      benchmark,
      prepared,
      subject: { spec: adapter.spec, adapter, identity },
      judges,
      store,
      concurrency,
      autoConcurrency,
      timeouts,
      retry,
      signal: controller.signal,
      onEvent: (event) => {
        if (event.type === "progress") progress.update(event.stage, event.counts);
        else if (event.type === "failure")
          progress.note(`failed ${event.item.personaId}/${event.item.itemId}: ${event.error.message}`);
      },
    });
    progress.finish();
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
    progress.finish();
    io.offSignal(stopOnSignal);
    store.close();
    await adapter.close?.();
    for (const judge of judgeAdapters) await judge.adapter.close?.();
  }
}

export interface CliIo {
  stdout: Writable & { isTTY?: boolean };
  stderr: Writable & { isTTY?: boolean };
  stdin: Readable;
  env: NodeJS.ProcessEnv;
  cwd: string;
  onSignal(handler: () => void): void;
  offSignal(handler: () => void): void;
}

/** The package's own benchmarks/ when the user's working directory has none (npx from anywhere). */
function resolveBenchmarkFile(given: string | undefined, cwd: string): string {
  if (given) return resolve(cwd, given);
  const local = resolve(cwd, "benchmarks/default.yaml");
  if (existsSync(local)) return local;
  return join(packageRoot, "benchmarks/default.yaml");
}

async function identifyOrExplain(
  identify: () => Promise<ModelIdentity>,
  spec: string,
): Promise<ModelIdentity> {
  try {
    return await identify();
  } catch (error) {
    if (error instanceof AdapterError) throw new CliError(`model ${spec}: ${error.message}`, EXIT.badInput);
    throw error;
  }
}

function benchmarkJudges(benchmark: BenchmarkDefinition): string[] {
  return [...new Set(benchmark.tasks.flatMap((task) => taskKindFor(task.task).judgeSpecs(task)))];
}

function placeholderIdentity(spec: string): ModelIdentity {
  return { provider: "unknown", name: spec, endpoint: "", details: {} };
}
