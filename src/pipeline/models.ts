/**
 * The models of an evaluation: the adapter of the model under test and of each judge, built from their specs with
 * the settings of in-process (gguf) models, then asked who they are.
 */
import type { BenchmarkDefinition } from "../benchmark/benchmark.js";
import type { DownloadProgress } from "../models/gguf/download.js";
import { type AdapterOptions, createAdapter } from "../models/registry.js";
import { AdapterError, type ModelAdapter, type ModelIdentity } from "../models/types.js";
import type { Endpoint } from "../runner/stage.js";
import { taskKindFor } from "../task-kinds/registry.js";

export interface ModelSettings {
  /** The model under test, as a spec (`openai:<model>@<url>/v1`, `ollama:<model>`, `gguf:<file>`). */
  model: string;
  /** Judges' specs; default: the ones the benchmark's tasks name. */
  judges?: readonly string[] | undefined;
  env: NodeJS.ProcessEnv;
  /** In-process models: working directory, sequences, downloads, GPU and threads. */
  local: Pick<AdapterOptions, "cwd" | "sequences" | "allowDownload" | "gpu" | "threads">;
  onNotice(message: string): void;
  onDownloadProgress(progress: DownloadProgress): void;
}

export interface ModelSet {
  subject: ModelAdapter;
  judges: { spec: string; adapter: ModelAdapter }[];
  /** Closes every adapter (in-process models hold memory and threads). */
  close(): Promise<void>;
}

/** Builds every adapter; a malformed spec throws ModelSpecError, after closing the adapters already built. */
export async function createModels(
  benchmark: BenchmarkDefinition,
  settings: ModelSettings,
): Promise<ModelSet> {
  const options: AdapterOptions = {
    ...settings.local,
    onDownloadProgress: settings.onDownloadProgress,
    onNotice: settings.onNotice,
  };
  const built: ModelAdapter[] = [];
  const close = async () => {
    for (const adapter of built) await adapter.close?.();
  };
  try {
    const subject = createAdapter(settings.model, settings.env, options);
    built.push(subject);
    const judgeSpecs = settings.judges?.length ? settings.judges : benchmarkJudges(benchmark);
    const judges = judgeSpecs.map((given) => {
      const adapter = createAdapter(given, settings.env, options);
      built.push(adapter);
      // From here on only the adapter's spec, which hides any credential typed into it, is shown or stored.
      return { spec: adapter.spec, adapter };
    });
    return { subject, judges, close };
  } catch (error) {
    await close();
    throw error;
  }
}

/** The judges a benchmark's tasks ask for, each once. */
export function benchmarkJudges(benchmark: BenchmarkDefinition): string[] {
  return [...new Set(benchmark.tasks.flatMap((task) => taskKindFor(task.task).judgeSpecs(task)))];
}

/** An endpoint for a model that must answer: a server's refusal becomes an error naming the model. */
export async function identifyEndpoint(spec: string, adapter: ModelAdapter): Promise<Endpoint> {
  try {
    return { spec, adapter, identity: await adapter.identify() };
  } catch (error) {
    if (error instanceof AdapterError)
      throw new AdapterError(error.kind, `model ${spec}: ${error.message}`, error.details);
    throw error;
  }
}

/** The identity of a model that may be unreachable (a dry run): undefined and the server's reason instead. */
export async function identifyIfReachable(
  adapter: ModelAdapter,
): Promise<{ identity: ModelIdentity } | { identity?: undefined; unreachable: string }> {
  try {
    return { identity: await adapter.identify() };
  } catch (error) {
    if (!(error instanceof AdapterError)) throw error;
    return { unreachable: error.message };
  }
}

/** Stands in for a model that did not answer, so a dry run can still count its requests. */
export function placeholderIdentity(spec: string): ModelIdentity {
  return { provider: "unknown", name: spec, endpoint: "", details: {} };
}
