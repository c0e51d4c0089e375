/**
 * `gguf:` models run in our own process through node-llama-cpp (llama.cpp): no server. The model's own chat
 * template renders the messages (node-llama-cpp resolves it from `tokenizer.chat_template`; a template without a
 * system role gets the system prompt folded into the first user turn by the library); every request takes one of
 * the context's sequences, so `--concurrency` generations run at once in one model. One attempt per call, errors
 * classified like the HTTP adapters'; deadlines and the caller's signal abort generation at the next token.
 */
import { createHash } from "node:crypto";
import { statSync } from "node:fs";
import { availableParallelism } from "node:os";
import { basename, resolve } from "node:path";
import { defaultCacheDir } from "../../core/paths.js";
import { onAbort } from "../abort.js";
import { redactUrl } from "../credentials.js";
import { DEADLINE_LABELS, DeadlineClock, type DeadlineName } from "../deadline-clock.js";
import { oneLine } from "../errors.js";
import { compact } from "../json.js";
import {
  AdapterError,
  type AdapterErrorKind,
  type ChatMessage,
  type CompletionRequest,
  type CompletionResponse,
  type FinishReason,
  type ModelAdapter,
  type ModelIdentity,
  type Timeouts,
} from "../types.js";
import { type DownloadProgress, ModelFileError, resolveModelFile } from "./download.js";
import { modelSha256 } from "./hash-cache.js";
import type { ChatHistoryItem, GgufFileInfo, LlamaContextSequence } from "./llama-types.js";
import {
  acquireModel,
  loadNodeLlamaCpp,
  RuntimeUnavailableError,
  releaseModel,
  type SharedModel,
} from "./runtime.js";
import { DEFAULT_GGUF, type GgufSpec } from "./spec.js";

export interface GgufAdapterOptions {
  spec: GgufSpec;
  /** Working directory for relative paths; default process.cwd(). */
  cwd?: string;
  cacheDir?: string;
  env?: Record<string, string | undefined>;
  /** Default true; false for --no-download. */
  allowDownload?: boolean;
  /** Default `auto`. */
  gpu?: "auto" | "off";
  /** Generation threads; default the machine's available parallelism. */
  threads?: number;
  /** Sequences (generations at once) to create the context with; the run's --concurrency. Default 1. */
  sequences?: number;
  onDownloadProgress?: (progress: DownloadProgress) => void;
  onNotice?: (message: string) => void;
}

/** Context size per sequence when a request names none (most benchmark files set `context_length`). */
const DEFAULT_CONTEXT = 4096;

function finishReasonOf(stopReason: string): FinishReason {
  if (
    stopReason === "eogToken" ||
    stopReason === "stopGenerationTrigger" ||
    stopReason === "customStopTrigger"
  ) {
    return "stop";
  }
  return stopReason === "maxTokens" ? "length" : "other";
}

function history(messages: readonly ChatMessage[]): ChatHistoryItem[] {
  const items: ChatHistoryItem[] = messages.map((m) =>
    m.role === "system"
      ? { type: "system", text: m.content }
      : m.role === "user"
        ? { type: "user", text: m.content }
        : { type: "model", response: [m.content] },
  );
  items.push({ type: "model", response: [] });
  return items;
}

/** Parameters from the tensor shapes: exact, unlike the size label. */
function parameterCount(info: GgufFileInfo): number | undefined {
  const tensors = info.fullTensorInfo ?? info.tensorInfo;
  if (!tensors) return undefined;
  let total = 0;
  for (const tensor of tensors) total += tensor.dimensions.reduce<number>((a, d) => a * Number(d), 1);
  return total;
}

/** First-token, idle and total deadlines plus the caller's signal, as one AbortSignal whose reason is the error. */
class Deadlines {
  private readonly controller = new AbortController();
  private readonly clock: DeadlineClock;
  private unsubscribe: (() => void) | undefined;
  private readonly onCallerAbort = () =>
    this.fail("aborted", `aborted: generation on ${this.what} cancelled`);

  constructor(
    timeouts: Timeouts,
    caller: AbortSignal | undefined,
    private readonly what: string,
  ) {
    this.clock = new DeadlineClock(timeouts, (which, ms) => this.deadline(which, ms));
    // One listener per run signal, however many generations wait on it (as for HTTP attempts).
    if (caller?.aborted) this.onCallerAbort();
    else if (caller) this.unsubscribe = onAbort(caller, this.onCallerAbort);
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  get elapsedMs(): number {
    return this.clock.elapsedMs;
  }

  get ttftMs(): number | undefined {
    return this.clock.ttftMs;
  }

  /** Generation begins (a sequence was free): the first-token and total deadlines run from now. */
  start(): void {
    this.clock.start();
  }

  /** A token arrived: the first stops the first-token clock, every later one re-arms the idle clock. */
  token(): void {
    if (this.clock.ttftMs === undefined) this.clock.firstToken();
    else this.clock.activity();
  }

  /** The deadline or abort that stopped the attempt, if one did. */
  get failure(): AdapterError | undefined {
    const reason: unknown = this.controller.signal.reason;
    return this.controller.signal.aborted && reason instanceof AdapterError ? reason : undefined;
  }

  finish(): void {
    this.clock.stop();
    this.unsubscribe?.();
  }

  private deadline(which: DeadlineName, ms: number): void {
    this.fail(
      "timeout",
      `timeout: ${DEADLINE_LABELS[which]} deadline of ${ms} ms passed generating on ${this.what}`,
      which,
    );
  }

  private fail(kind: AdapterErrorKind, message: string, deadline?: DeadlineName): void {
    if (this.controller.signal.aborted) return;
    this.clock.stop();
    this.controller.abort(new AdapterError(kind, message, deadline ? { deadline } : {}));
  }
}

export class GgufAdapter implements ModelAdapter {
  readonly provider = "gguf";
  private shared: SharedModel | undefined;
  private loading: Promise<SharedModel> | undefined;
  private identity: ModelIdentity | undefined;
  private readonly threads: number;
  private readonly gpu: "auto" | "off";

  constructor(private readonly options: GgufAdapterOptions) {
    this.threads = options.threads ?? Math.max(1, availableParallelism());
    this.gpu = options.gpu ?? "auto";
  }

  get spec(): string {
    return this.options.spec.spec;
  }

  /**
   * The limiter of the run's stage context: one key per loaded model (a subject and a judge on the same file share
   * it) and as many slots as the model's context has sequences. Known once identify() has loaded the model.
   */
  concurrency(perServer: number): { key: string; slots: number } | undefined {
    const slots = this.loadedSlots;
    if (!this.shared || slots === undefined) return undefined;
    return { key: `gguf:${this.shared.key}`, slots: Math.max(1, Math.min(slots, perServer)) };
  }

  /** The sequences of the loaded model's context (what it can generate at once); undefined before identify(). */
  private get loadedSlots(): number | undefined {
    const shared = this.shared;
    return shared ? shared.sequences || shared.wantedSequences : undefined;
  }

  async identify(signal?: AbortSignal): Promise<ModelIdentity> {
    if (this.identity) return this.identity;
    const { spec } = this.options;
    const env = this.options.env ?? process.env;
    const cacheDir = this.options.cacheDir ? resolve(this.options.cacheDir) : defaultCacheDir(env);
    try {
      const lib = await loadNodeLlamaCpp();
      const file = await resolveModelFile(spec.source, {
        cwd: this.options.cwd,
        cacheDir,
        env,
        allowDownload: this.options.allowDownload,
        ...(spec.isDefault && DEFAULT_GGUF.sha256 ? { sha256: DEFAULT_GGUF.sha256 } : {}),
        ...(signal ? { signal } : {}),
        ...(this.options.onDownloadProgress ? { onProgress: this.options.onDownloadProgress } : {}),
        ...(this.options.onNotice ? { onNotice: this.options.onNotice } : {}),
      });
      const sha256 = await modelSha256(file.path, cacheDir, file.verifiedSha256);
      if (spec.isDefault && DEFAULT_GGUF.sha256 && sha256 !== DEFAULT_GGUF.sha256) {
        throw new ModelFileError(
          `${file.path} does not match the default model's pinned sha256 ${DEFAULT_GGUF.sha256} (got ${sha256}); delete it and run again`,
        );
      }
      const info = await lib.readGgufFileInfo(file.path, { readTensorInfo: true });
      if (!this.loading) {
        this.loading = acquireModel(file.path, {
          gpu: this.gpu,
          threads: this.threads,
          sequences: Math.max(1, this.options.sequences ?? 1),
        });
      }
      this.shared = await this.loading;
      const shared = this.shared;
      const general = info.metadata.general ?? {};
      const architecture = general.architecture;
      const arch = architecture ? info.metadata[architecture] : undefined;
      const template = info.metadata.tokenizer?.chat_template;
      const llama = shared.llama;
      const gpu = llama.gpu;
      const nodeLlamaCpp = await lib.getModuleVersion();
      const identity: ModelIdentity = {
        provider: "gguf",
        // The cache key is provider, name and digest: the name comes from the weights, not the path.
        name: general.name ?? basename(file.path),
        endpoint: `file://${file.path}`,
        digest: sha256,
        serverVersion: `node-llama-cpp ${nodeLlamaCpp} (llama.cpp ${llama.llamaCppRelease.release})`,
        details: compact({
          file: basename(file.path),
          bytes: statSync(file.path).size,
          sha256,
          ...(file.url ? { url: redactUrl(file.url) } : {}),
          architecture,
          ggufName: general.name,
          quantization:
            general.file_type === undefined
              ? undefined
              : (lib.GgufFileType[general.file_type] ?? String(general.file_type)),
          typeDescription: shared.model.typeDescription,
          sizeLabel: general.size_label,
          parameterCount: parameterCount(info),
          contextLength: arch?.context_length ?? shared.model.trainContextSize,
          chatTemplateSha256: template === undefined ? undefined : sha256Text(template),
          chatWrapper: shared.chatWrapper.wrapperName,
          nodeLlamaCpp,
          llamaCpp: llama.llamaCppRelease.release,
          buildType: llama.buildType,
          compute: gpu === false ? "cpu" : "gpu",
          backend: gpu === false ? "cpu" : gpu,
          gpuLayers: shared.model.gpuLayers,
          gpuDevices: gpu === false ? undefined : await llama.getGpuDeviceNames(),
          threads: this.threads,
          sequences: this.loadedSlots,
        }),
      };
      this.identity = identity;
      return identity;
    } catch (error) {
      throw this.identifyError(error);
    }
  }

  private identifyError(error: unknown): AdapterError {
    if (error instanceof AdapterError) return error;
    const message = error instanceof Error ? error.message : String(error);
    if (error instanceof RuntimeUnavailableError)
      return new AdapterError("not_found", message, { cause: error });
    if (error instanceof ModelFileError) return new AdapterError("not_found", message, { cause: error });
    return new AdapterError("bad_request", `cannot load ${this.spec}: ${oneLine(message, 300)}`, {
      cause: error,
    });
  }

  async complete(request: CompletionRequest): Promise<CompletionResponse> {
    if (!this.shared) await this.identify(request.signal);
    const shared = this.shared!;
    const { sampling } = request;
    const startedAt = new Date().toISOString();
    const deadlines = new Deadlines(request.timeouts, request.signal, this.spec);
    let sequence: LlamaContextSequence | undefined;
    const lib = shared.lib;
    try {
      sequence = await shared.acquire(sampling.contextLength ?? DEFAULT_CONTEXT, deadlines.signal);
      deadlines.start();
      const chatHistory = history(request.messages);
      const promptTokens = shared.chatWrapper
        .generateContextState({ chatHistory })
        .contextText.tokenize(shared.model.tokenizer).length;
      const room = shared.contextSize - promptTokens;
      if (room <= 0) {
        throw new AdapterError(
          "context_overflow",
          `context_overflow: the prompt has ${promptTokens} tokens, the context of ${this.spec} holds ${shared.contextSize} per sequence`,
        );
      }
      // Never let the library shift the context (it would drop the start of the prompt): the answer is cut at the
      // end of the context instead, and reported as a length stop.
      const maxTokens = Math.min(sampling.maxTokens, room);
      const before = sequence.tokenMeter.getState();
      const chat = new lib.LlamaChat({
        contextSequence: sequence,
        chatWrapper: shared.chatWrapper,
        autoDisposeSequence: false,
      });
      let result: { response: string; metadata: { stopReason: string } };
      try {
        result = await chat.generateResponse(chatHistory, {
          temperature: sampling.temperature,
          ...(sampling.topP !== undefined ? { topP: sampling.topP } : {}),
          ...(sampling.topK !== undefined ? { topK: sampling.topK } : {}),
          ...(sampling.seed !== undefined ? { seed: sampling.seed } : {}),
          ...(sampling.stop && sampling.stop.length > 0 ? { customStopTriggers: sampling.stop } : {}),
          maxTokens,
          // As llama-server and Ollama by default: no repetition penalty, no trimming of the answer.
          repeatPenalty: false,
          trimWhitespaceSuffix: false,
          signal: deadlines.signal,
          stopOnAbortSignal: false,
          onToken: () => deadlines.token(),
        });
      } finally {
        chat.dispose({ disposeSequence: false });
      }
      const used = sequence.tokenMeter.diff(before);
      const rawFinishReason = result.metadata.stopReason;
      return {
        text: result.response,
        finishReason: finishReasonOf(rawFinishReason),
        rawFinishReason,
        usage: { promptTokens: used.usedInputTokens, completionTokens: used.usedOutputTokens },
        timing: {
          startedAt,
          ...(deadlines.ttftMs !== undefined ? { ttftMs: deadlines.ttftMs } : {}),
          totalMs: deadlines.elapsedMs,
        },
        served: {
          model: this.identity?.name ?? this.spec,
          ...(this.identity?.digest ? { fingerprint: this.identity.digest } : {}),
        },
      };
    } catch (error) {
      const stopped = deadlines.failure;
      if (stopped) throw stopped;
      if (error instanceof AdapterError) throw error;
      const message = error instanceof Error ? error.message : String(error);
      throw new AdapterError("server", `server: llama.cpp failed on ${this.spec}: ${oneLine(message, 300)}`, {
        cause: error,
      });
    } finally {
      deadlines.finish();
      if (sequence) {
        const done = sequence;
        await done.clearHistory().catch(() => undefined);
        shared.release(done);
      }
    }
  }

  async close(): Promise<void> {
    const shared = this.shared ?? (await this.loading?.catch(() => undefined));
    this.shared = undefined;
    this.loading = undefined;
    if (shared) await releaseModel(shared);
  }
}

function sha256Text(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}
