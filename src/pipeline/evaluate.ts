/**
 * The library's door: `evaluate(benchmark, options)` sets up the models and the store, runs the one-way pipeline
 * and hands back the results. It prints nothing and writes no report (writeReports does, when the caller wants
 * files): what happens along the way arrives as plain-data events, and an AbortSignal stops it keeping
 * finished work.
 */
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { type BenchmarkDefinition, loadBenchmark } from "../benchmark/benchmark.js";
import { DEFAULT_STORE_PATH } from "../core/paths.js";
import type { DatasetOptions } from "../datasets/datasets.js";
import type { DownloadProgress } from "../models/gguf/download.js";
import type { ModelIdentity, Timeouts } from "../models/types.js";
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from "../runner/retry.js";
import type { Endpoint, PipelineEvent } from "../runner/stage.js";
import { Store } from "../store/store.js";
import type { StageCount } from "../task-kinds/types.js";
import {
  createModels,
  identifyEndpoint,
  identifyIfReachable,
  type ModelSet,
  placeholderIdentity,
} from "./models.js";
import { type BenchmarkOutcome, dryRun, prepareBenchmark, runBenchmark, runIdFor } from "./run.js";

export const DEFAULT_TIMEOUTS: Timeouts = {
  connectMs: 10_000,
  firstTokenMs: 600_000,
  idleMs: 120_000,
  totalMs: 3_600_000,
};
/** Requests in flight per model server. */
export const DEFAULT_CONCURRENCY = 4;

export interface EvaluateOptions {
  /** The model under test: `openai:<model>@<base-url>/v1`, `ollama:<model>[@url]`, `gguf:<file | url | hf:...>`. */
  model: string;
  /** Judges' specs (the first writes PersonaGym's score examples); default: those the benchmark's tasks name. */
  judges?: readonly string[];
  /** The SQLite store (cache, resume, results); default `.persona-bench/store.sqlite` under `cwd`. */
  store?: string;
  /** Relative paths (store, data dir, benchmark, gguf files) are resolved here; default `process.cwd()`. */
  cwd?: string;
  /** Credentials (OPENAI_API_KEY), hosts, cache and data dirs come from here; default `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** Datasets are read from here first; default `PERSONA_BENCH_DATA_DIR`. */
  dataDir?: string;
  /** Download missing datasets and model files (default true). */
  allowDownload?: boolean;
  /** Requests in flight per server (default 4), or `auto` to find each server's capacity. */
  concurrency?: number | "auto";
  timeouts?: Partial<Timeouts>;
  retry?: Partial<RetryPolicy>;
  /** In-process (gguf) models: use a GPU where one fits (default auto), and how many threads. */
  gpu?: "auto" | "off";
  threads?: number;
  /** Aborting stops the run: requests in flight are cancelled, finished ones kept; the outcome is "interrupted". */
  signal?: AbortSignal;
  onEvent?: (event: EvaluateEvent) => void;
}

/** What happens along the way, as plain data: the caller decides what to show. */
export type EvaluateEvent =
  /** From setting up the models: a replica out of or back in rotation, a download resumed. */
  | { type: "notice"; message: string }
  /** A model file downloading (gguf). */
  | { type: "download"; progress: DownloadProgress }
  /** The models answered and the store is open: generation begins. */
  | { type: "started"; runId: string }
  /** Per stage: counts, a retry, a permanent failure. */
  | PipelineEvent;

/** What a run would do, without calling any model to generate: what `run --dry-run` prints. */
export interface EvaluationPreview {
  benchmark: BenchmarkDefinition;
  /** One line per task, saying what it runs. */
  tasks: string[];
  /** Identities are absent for a model that did not answer. */
  subject: { spec: string; identity?: ModelIdentity };
  judges: { spec: string; identity?: ModelIdentity }[];
  /** Why the model under test could not be asked; cached counts are then unknown. */
  unreachable?: string;
  stages: StageCount[];
}

/** Runs a benchmark (a file or a loaded definition) against a model; the same call again resumes the run. */
export async function evaluate(
  benchmark: BenchmarkDefinition | string,
  options: EvaluateOptions,
): Promise<BenchmarkOutcome> {
  const setting = settingsOf(options);
  const definition = definitionOf(benchmark, setting.cwd);
  // All input (datasets, specs) is validated before the store is touched.
  const prepared = await prepareBenchmark(definition, setting.data);
  const models = await createModels(definition, modelSettings(options, setting, false));
  try {
    const subject = await identifyEndpoint(models.subject.spec, models.subject);
    const judges: Endpoint[] = [];
    for (const judge of models.judges) judges.push(await identifyEndpoint(judge.spec, judge.adapter));
    const store = Store.open(setting.storePath);
    try {
      options.onEvent?.({ type: "started", runId: runIdFor(definition, subject.identity) });
      return await runBenchmark({
        benchmark: definition,
        prepared,
        subject,
        judges,
        store,
        concurrency: setting.concurrency,
        autoConcurrency: setting.autoConcurrency,
        timeouts: { ...DEFAULT_TIMEOUTS, ...options.timeouts },
        retry: { ...DEFAULT_RETRY_POLICY, ...options.retry },
        ...(options.signal ? { signal: options.signal } : {}),
        ...(options.onEvent ? { onEvent: options.onEvent } : {}),
      });
    } finally {
      store.close();
    }
  } finally {
    await models.close();
  }
}

/**
 * The plan of `evaluate` with the same options: requests per stage and how many the store already holds. The
 * store is opened read-only (never created), models are only asked who they are, and no model file is downloaded.
 */
export async function previewEvaluation(
  benchmark: BenchmarkDefinition | string,
  options: EvaluateOptions,
): Promise<EvaluationPreview> {
  const setting = settingsOf(options);
  const definition = definitionOf(benchmark, setting.cwd);
  const prepared = await prepareBenchmark(definition, setting.data);
  const models: ModelSet = await createModels(definition, modelSettings(options, setting, true));
  try {
    const subject = await identifyIfReachable(models.subject);
    const judges: Endpoint[] = [];
    for (const judge of models.judges) {
      const answer = await identifyIfReachable(judge.adapter);
      judges.push({ ...judge, identity: answer.identity ?? placeholderIdentity(judge.spec) });
    }
    const known = subject.identity !== undefined && existsSync(setting.storePath);
    const store = known ? Store.openReadOnly(setting.storePath) : undefined;
    try {
      const spec = models.subject.spec;
      const stages = dryRun(
        prepared,
        { spec, adapter: models.subject, identity: subject.identity ?? placeholderIdentity(spec) },
        judges,
        store,
      );
      return {
        benchmark: definition,
        tasks: prepared.map((task) => task.describe()),
        subject: { spec, ...(subject.identity ? { identity: subject.identity } : {}) },
        judges: judges.map((judge) => ({ spec: judge.spec, identity: judge.identity })),
        ...(subject.identity ? {} : { unreachable: subject.unreachable }),
        stages,
      };
    } finally {
      store?.close();
    }
  } finally {
    await models.close();
  }
}

interface Settings {
  cwd: string;
  storePath: string;
  data: DatasetOptions;
  concurrency: number;
  autoConcurrency: boolean;
}

function settingsOf(options: EvaluateOptions): Settings {
  const cwd = options.cwd ?? process.cwd();
  const env = options.env ?? process.env;
  const dataDir = options.dataDir ?? env.PERSONA_BENCH_DATA_DIR;
  const auto = options.concurrency === "auto";
  return {
    cwd,
    storePath: resolve(cwd, options.store ?? DEFAULT_STORE_PATH),
    data: {
      env,
      allowDownload: options.allowDownload !== false,
      ...(dataDir ? { dataDir: resolve(cwd, dataDir) } : {}),
    },
    // With `auto`, the search for each server's capacity starts at the default.
    concurrency: typeof options.concurrency === "number" ? options.concurrency : DEFAULT_CONCURRENCY,
    autoConcurrency: auto,
  };
}

function definitionOf(benchmark: BenchmarkDefinition | string, cwd: string): BenchmarkDefinition {
  return typeof benchmark === "string" ? loadBenchmark(resolve(cwd, benchmark)) : benchmark;
}

function modelSettings(options: EvaluateOptions, setting: Settings, preview: boolean) {
  const emit = options.onEvent ?? (() => {});
  return {
    model: options.model,
    judges: options.judges,
    env: options.env ?? process.env,
    local: {
      cwd: setting.cwd,
      // In-process models run --concurrency sequences in one context; a preview never downloads a model file.
      sequences: setting.concurrency,
      allowDownload: setting.data.allowDownload !== false && !preview,
      gpu: options.gpu ?? "auto",
      ...(options.threads !== undefined ? { threads: options.threads } : {}),
    },
    onNotice: (message: string) => emit({ type: "notice", message }),
    onDownloadProgress: (progress: DownloadProgress) => emit({ type: "download", progress }),
  };
}
