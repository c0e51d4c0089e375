/**
 * The one interface every model backend implements. Adapters make exactly one attempt per call and classify
 * failures; retries, backoff and concurrency belong to the runner.
 */

export interface ChatMessage {
  role: "system" | "user" | "assistant";
  content: string;
}

export interface Sampling {
  temperature: number;
  topP?: number;
  topK?: number;
  seed?: number;
  maxTokens: number;
  stop?: string[];
  /**
   * Context window to request where the server takes it per request (Ollama `num_ctx`). Part of the cache key;
   * keep it constant within a run, since Ollama reloads the model when it changes.
   */
  contextLength?: number;
}

/** Deadlines for one attempt, all in milliseconds. */
export interface Timeouts {
  connectMs: number;
  /** From sending the request to the first generated content (includes model load and queueing). */
  firstTokenMs: number;
  /** Longest silence allowed between two chunks received, once the first token has arrived. */
  idleMs: number;
  /** From sending the request to the end of the answer. */
  totalMs: number;
}

export interface CompletionRequest {
  /** Harness id for logs and the `x-request-id` header. */
  requestId: string;
  messages: ChatMessage[];
  sampling: Sampling;
  timeouts: Timeouts;
  /** Harness-level cancellation (Ctrl-C). */
  signal?: AbortSignal;
}

export type FinishReason = "stop" | "length" | "content_filter" | "tool_calls" | "other";

export interface Usage {
  promptTokens?: number;
  completionTokens?: number;
  cachedPromptTokens?: number;
}

export interface Timing {
  /** ISO time the attempt started. */
  startedAt: string;
  /** Client-side, monotonic clock. */
  ttftMs?: number;
  totalMs: number;
  /** As the server reported them, converted to milliseconds. */
  server?: { loadMs?: number; promptMs?: number; genMs?: number };
}

export interface CompletionResponse {
  text: string;
  finishReason: FinishReason;
  /** The stop reason exactly as the server sent it. */
  rawFinishReason?: string;
  usage: Usage;
  timing: Timing;
  served: { model?: string; fingerprint?: string; requestIdHeader?: string };
}

export type AdapterErrorKind =
  | "rate_limited"
  | "overloaded"
  | "server"
  | "timeout"
  | "connection"
  | "protocol"
  | "bad_request"
  | "context_overflow"
  | "not_found"
  | "auth"
  | "quota"
  | "aborted";

export interface AdapterErrorDetails {
  status?: number;
  /** Server-requested wait before retrying (Retry-After, retry-after-ms), unclamped. */
  retryAfterMs?: number;
  /** Error body, truncated; never contains request headers. */
  body?: string;
  /** Text streamed before the failure. Never scored. */
  partialText?: string;
  /** Which deadline fired, for timeouts. */
  deadline?: "connect" | "first_token" | "idle" | "total";
  cause?: unknown;
}

export class AdapterError extends Error {
  override readonly name = "AdapterError";
  constructor(
    readonly kind: AdapterErrorKind,
    message: string,
    readonly details: AdapterErrorDetails = {},
  ) {
    super(message);
  }
}

/** What we know about the model behind an endpoint; recorded once per run and part of the cache key. */
export interface ModelIdentity {
  /** Adapter kind, e.g. "ollama" or "openai". */
  provider: string;
  /** Model name as the user gave it. */
  name: string;
  /** Endpoint base URL (no credentials). */
  endpoint: string;
  /** Weights digest when the server exposes one (Ollama manifest digest, GGUF sha256). */
  digest?: string;
  serverVersion?: string;
  /** Anything else worth recording (quantization, context length, build info). Must be JSON-safe. */
  details: Record<string, unknown>;
}

/** Which limiter an adapter's requests share, and how many may be in flight under it. */
export interface AdapterConcurrency {
  /** Adapters (and roles) with the same key share one limit, e.g. a judge on the subject's server. */
  key: string;
  slots: number;
}

/** How many of a run's requests one replica served. */
export interface ReplicaUsage {
  endpoint: string;
  served: number;
}

export interface ModelAdapter {
  readonly provider: string;
  /** The spec string this adapter was built from (no secrets). */
  readonly spec: string;
  /** Probe the server once per run; throws AdapterError (e.g. connection, not_found). */
  identify(signal?: AbortSignal): Promise<ModelIdentity>;
  /** One attempt; throws AdapterError on any failure. */
  complete(request: CompletionRequest): Promise<CompletionResponse>;
  /**
   * The adapter's own limiter key and slot count, given the run's per-server concurrency. Without it (or when it
   * answers undefined), requests are limited per identity endpoint at the run's concurrency. A replica set answers
   * one key with a slot per replica and server slot; an in-process model (gguf:) one key per loaded model and at
   * most its context's sequences, so roles sharing the model share its limit. Read after identify().
   */
  concurrency?(perServer: number): AdapterConcurrency | undefined;
  /** For a model served by several replicas: each one's endpoint and requests served so far. */
  replicaUsage?(): ReplicaUsage[];
  close?(): Promise<void>;
}
