/**
 * The parts of node-llama-cpp 3.21.1 that the gguf adapter uses, written out structurally. node-llama-cpp is an
 * optional dependency: importing its types would break the build (`npm ci --omit=optional` runs `tsc` in
 * `prepare`) where it is not installed, so the module is loaded with a dynamic import and typed by these.
 */

export type Token = number;

export interface LlamaText {
  tokenize(tokenizer: unknown): Token[];
}

export type ChatHistoryItem =
  | { type: "system"; text: string }
  | { type: "user"; text: string }
  | { type: "model"; response: string[] };

export interface ChatWrapper {
  readonly wrapperName: string;
  generateContextState(options: { chatHistory: ChatHistoryItem[] }): { contextText: LlamaText };
}

export interface TokenMeterState {
  usedInputTokens: number;
  usedOutputTokens: number;
}

export interface LlamaContextSequence {
  readonly tokenMeter: {
    getState(): TokenMeterState;
    diff(state: TokenMeterState): TokenMeterState;
  };
  clearHistory(): Promise<void>;
}

export interface LlamaContext {
  readonly contextSize: number;
  getSequence(): LlamaContextSequence;
  dispose(): Promise<void>;
}

export interface GgufFileInfo {
  metadata: Record<string, Record<string, unknown> | undefined> & {
    general?: { architecture?: string; name?: string; file_type?: number; size_label?: string };
    tokenizer?: { chat_template?: string };
  };
  fullTensorInfo?: { dimensions: (number | bigint)[] }[];
  tensorInfo?: { dimensions: (number | bigint)[] }[];
}

export interface LlamaModel {
  readonly tokenizer: unknown;
  readonly trainContextSize: number;
  readonly size: number;
  readonly gpuLayers: number;
  readonly typeDescription: string;
  createContext(options: {
    contextSize: number;
    sequences: number;
    threads: number;
    batchSize?: number;
  }): Promise<LlamaContext>;
  dispose(): Promise<void>;
}

export interface Llama {
  readonly gpu: string | false;
  readonly buildType: string;
  readonly llamaCppRelease: { repo: string; release: string };
  getGpuDeviceNames(): Promise<string[]>;
  loadModel(options: { modelPath: string; gpuLayers?: "auto" | number }): Promise<LlamaModel>;
  dispose(): Promise<void>;
}

export interface GenerateOptions {
  temperature?: number;
  topP?: number;
  topK?: number;
  seed?: number;
  maxTokens?: number;
  signal?: AbortSignal;
  stopOnAbortSignal?: boolean;
  repeatPenalty?: false;
  trimWhitespaceSuffix?: boolean;
  customStopTriggers?: string[];
  onToken?: (tokens: Token[]) => void;
}

export interface LlamaChat {
  generateResponse(
    history: ChatHistoryItem[],
    options: GenerateOptions,
  ): Promise<{ response: string; metadata: { stopReason: string } }>;
  dispose(options?: { disposeSequence?: boolean }): void;
}

export interface NodeLlamaCpp {
  getLlama(options: {
    gpu: "auto" | false;
    build: "never";
    logLevel: unknown;
    maxThreads: number;
    skipDownload?: boolean;
    progressLogs?: boolean;
  }): Promise<Llama>;
  readGgufFileInfo(path: string, options?: { readTensorInfo?: boolean }): Promise<GgufFileInfo>;
  resolveChatWrapper(model: LlamaModel): ChatWrapper | null;
  LlamaChat: new (options: {
    contextSequence: LlamaContextSequence;
    chatWrapper: ChatWrapper;
    autoDisposeSequence: boolean;
  }) => LlamaChat;
  LlamaLogLevel: { error: unknown };
  GgufFileType: Record<number, string>;
  getModuleVersion(): Promise<string>;
}
