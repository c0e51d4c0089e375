/**
 * node-llama-cpp inside our process: the optional module loaded on first use, one llama.cpp runtime per GPU
 * setting and thread count, and one loaded model per file shared by every adapter that names it (a subject and a
 * judge on the same weights share one model and one context, so together they never get more sequences than the
 * context was created with). A model's context is created on the first request with the requested context size
 * per sequence, capped at the size the model was trained on.
 */
import { realpathSync } from "node:fs";
import type {
  ChatWrapper,
  Llama,
  LlamaContext,
  LlamaContextSequence,
  LlamaModel,
  NodeLlamaCpp,
} from "./llama-types.js";

export const NODE_LLAMA_CPP_VERSION = "3.21.1";

/** The one line shown when the optional dependency is missing or cannot load. */
export const MISSING_NODE_LLAMA_CPP =
  `gguf: models need the optional package node-llama-cpp@${NODE_LLAMA_CPP_VERSION}, which is not installed ` +
  `(npm ci --omit=optional leaves it out): run \`npm install --save-optional --save-exact node-llama-cpp@${NODE_LLAMA_CPP_VERSION}\` ` +
  "in persona-bench's folder, or use an ollama: or openai: model";

export class RuntimeUnavailableError extends Error {
  override readonly name = "RuntimeUnavailableError";
}

// A variable specifier keeps tsc from resolving the optional module at build time.
const SPECIFIER: string = "node-llama-cpp";
let modulePromise: Promise<NodeLlamaCpp> | undefined;

/** Loads node-llama-cpp once; a failed import throws RuntimeUnavailableError with the install line. */
export function loadNodeLlamaCpp(): Promise<NodeLlamaCpp> {
  modulePromise ??= (import(SPECIFIER) as Promise<NodeLlamaCpp>).catch((error: unknown) => {
    modulePromise = undefined;
    const code = (error as { code?: string }).code;
    const reason =
      code === "ERR_MODULE_NOT_FOUND" ? "" : ` (${error instanceof Error ? error.message : error})`;
    throw new RuntimeUnavailableError(`${MISSING_NODE_LLAMA_CPP}${reason.replace(/\s+/g, " ")}`);
  });
  return modulePromise;
}

export interface RuntimeOptions {
  /** `auto` uses a GPU build where one fits (CUDA, Vulkan, Metal), `off` the CPU only. */
  gpu: "auto" | "off";
  /** Threads for generation; set explicitly (the library default of max(4, cores) is very slow on 2 cores). */
  threads: number;
}

interface RuntimeEntry {
  llama: Promise<Llama>;
  users: number;
}

const runtimes = new Map<string, RuntimeEntry>();

async function acquireLlama(
  lib: NodeLlamaCpp,
  options: RuntimeOptions,
): Promise<{ llama: Llama; key: string }> {
  const key = `${options.gpu}|${options.threads}`;
  let entry = runtimes.get(key);
  if (!entry) {
    const llama = lib.getLlama({
      gpu: options.gpu === "off" ? false : "auto",
      // Never compile llama.cpp from source at run time: a missing binary fails fast with a clear message.
      build: "never",
      skipDownload: true,
      progressLogs: false,
      logLevel: lib.LlamaLogLevel.error,
      maxThreads: options.threads,
    });
    entry = { llama, users: 0 };
    runtimes.set(key, entry);
    llama.catch(() => runtimes.delete(key));
  }
  entry.users++;
  try {
    return { llama: await entry.llama, key };
  } catch (error) {
    entry.users--;
    throw error;
  }
}

async function releaseLlama(key: string): Promise<void> {
  const entry = runtimes.get(key);
  if (!entry) return;
  entry.users--;
  if (entry.users > 0) return;
  runtimes.delete(key);
  await (await entry.llama).dispose();
}

/** A loaded model and its context of N sequences, lent out one request at a time. */
export class SharedModel {
  users = 0;
  /** Largest number of sequences asked for by the adapters sharing this model, until the context exists. */
  wantedSequences = 1;
  private context: Promise<LlamaContext> | undefined;
  private readonly free: LlamaContextSequence[] = [];
  private readonly waiting: ((sequence: LlamaContextSequence) => void)[] = [];
  readonly chatWrapper: ChatWrapper;

  constructor(
    readonly key: string,
    readonly lib: NodeLlamaCpp,
    readonly llama: Llama,
    readonly runtimeKey: string,
    readonly model: LlamaModel,
    readonly threads: number,
  ) {
    const wrapper = lib.resolveChatWrapper(model);
    if (wrapper === null)
      throw new RuntimeUnavailableError("the model has no chat template that node-llama-cpp can use");
    this.chatWrapper = wrapper;
  }

  /** Sequences of the context: fixed once the first request created it. */
  sequences = 0;
  contextSize = 0;

  /** Creates the context on first use, then waits for a free sequence. */
  async acquire(contextSize: number, signal: AbortSignal): Promise<LlamaContextSequence> {
    if (!this.context) {
      this.sequences = this.wantedSequences;
      const size = Math.max(16, Math.min(contextSize, this.model.trainContextSize));
      this.context = this.model.createContext({
        contextSize: size,
        sequences: this.sequences,
        threads: this.threads,
      });
      this.context.then(
        (context) => {
          this.contextSize = context.contextSize;
          for (let i = 0; i < this.sequences; i++) this.release(context.getSequence());
        },
        () => {
          this.context = undefined;
        },
      );
    }
    await this.context;
    const ready = this.free.pop();
    if (ready) return ready;
    return new Promise<LlamaContextSequence>((resolve, reject) => {
      const onAbort = () => {
        const at = this.waiting.indexOf(take);
        if (at !== -1) this.waiting.splice(at, 1);
        reject(signal.reason);
      };
      const take = (sequence: LlamaContextSequence) => {
        signal.removeEventListener("abort", onAbort);
        resolve(sequence);
      };
      if (signal.aborted) return reject(signal.reason);
      signal.addEventListener("abort", onAbort, { once: true });
      this.waiting.push(take);
    });
  }

  release(sequence: LlamaContextSequence): void {
    const next = this.waiting.shift();
    if (next) next(sequence);
    else this.free.push(sequence);
  }

  async dispose(): Promise<void> {
    const context = await this.context?.catch(() => undefined);
    await context?.dispose();
    await this.model.dispose();
  }
}

const models = new Map<string, Promise<SharedModel>>();

/** Loads (or shares) the model at `path`; `sequences` is what this user would like, the context takes the max. */
export async function acquireModel(
  path: string,
  options: RuntimeOptions & { sequences: number },
): Promise<SharedModel> {
  const lib = await loadNodeLlamaCpp();
  const key = `${realpathSync(path)}|${options.gpu}|${options.threads}`;
  let shared = models.get(key);
  if (!shared) {
    shared = (async () => {
      const { llama, key: runtimeKey } = await acquireLlama(lib, options);
      try {
        const model = await llama.loadModel({
          modelPath: path,
          ...(options.gpu === "off" ? { gpuLayers: 0 } : { gpuLayers: "auto" as const }),
        });
        return new SharedModel(key, lib, llama, runtimeKey, model, options.threads);
      } catch (error) {
        await releaseLlama(runtimeKey);
        throw error;
      }
    })();
    models.set(key, shared);
    shared.catch(() => models.delete(key));
  }
  const model = await shared;
  model.users++;
  model.wantedSequences = Math.max(model.wantedSequences, options.sequences);
  return model;
}

export async function releaseModel(model: SharedModel): Promise<void> {
  model.users--;
  if (model.users > 0) return;
  models.delete(model.key);
  await model.dispose();
  await releaseLlama(model.runtimeKey);
}
