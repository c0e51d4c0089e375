/**
 * Ollama native API adapter, through the `ollama` client with our timed fetch injected. Always streams
 * `/api/chat`; the NDJSON body passes through a strict filter first, because the client skips malformed lines,
 * reports error lines as plain Errors and has no deadlines.
 */
import { createHash } from "node:crypto";
import { Ollama } from "ollama";
import { type ErrorContext, makeError, oneLine, payloadError } from "./errors.js";
import { AgentPool, Attempt, type AttemptInit, PROBE_TIMEOUTS } from "./http.js";
import { asNumber, asRecord, asString, compact, isRecord, type JsonRecord } from "./json.js";
import { parseJsonPrefix } from "./json-prefix.js";
import { AnswerText, responseLimits, SIZE_LIMIT_REASON } from "./response-limit.js";
import type {
  CompletionRequest,
  CompletionResponse,
  FinishReason,
  ModelAdapter,
  ModelIdentity,
  Timing,
} from "./types.js";

export interface OllamaAdapterOptions {
  model: string;
  /** Normalised host with explicit port, e.g. `http://127.0.0.1:11434`. */
  endpoint: string;
  spec: string;
}

const NS_PER_MS = 1e6;
/** Probe failures that mean the server cannot be used at all, as opposed to a missing metadata endpoint. */
const FATAL_PROBE_KINDS = new Set(["connection", "timeout", "aborted", "auth"]);

function finishReasonOf(raw: string | undefined): FinishReason {
  if (raw === "stop") return "stop";
  if (raw === "length") return "length";
  return "other";
}

function nsToMs(value: unknown): number | undefined {
  const ns = asNumber(value);
  return ns === undefined ? undefined : ns / NS_PER_MS;
}

function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

export class OllamaAdapter implements ModelAdapter {
  readonly provider = "ollama";
  private readonly agents = new AgentPool();
  private readonly errors: ErrorContext;

  constructor(private readonly options: OllamaAdapterOptions) {
    this.errors = {
      hint: (kind) => {
        if (kind === "connection")
          return `is Ollama running at ${options.endpoint}? Start it with \`ollama serve\``;
        if (kind === "not_found") return `pull the model with \`ollama pull ${options.model}\``;
        return undefined;
      },
    };
  }

  get spec(): string {
    return this.options.spec;
  }

  async complete(request: CompletionRequest): Promise<CompletionResponse> {
    const { timeouts, signal, sampling } = request;
    const attempt = new Attempt({
      timeouts,
      signal,
      agent: this.agents.get(timeouts.connectMs),
      errors: this.errors,
    });
    const url = `${this.options.endpoint}/api/chat`;
    const limits = responseLimits(sampling.maxTokens);
    const answer = new AnswerText(limits.answerBytes);
    let final: JsonRecord | undefined;
    // Cut at a size bound (response-limit.ts): a token-limit stop, never an error.
    let cut = false;
    // The generation path speaks NDJSON itself over undici's request() (the ollama client adds WHATWG fetch, web
    // streams and a Response per request, and skips malformed lines with a console warning). Strict: a malformed
    // line, an error line or a missing done:true fails the stream; text before the failure is kept as partial.
    const line = (raw: string): void => {
      if (raw.trim() === "") return;
      let value: unknown;
      try {
        value = JSON.parse(raw);
      } catch {
        value = undefined;
      }
      const record = asRecord(value);
      if (record === undefined || Array.isArray(value))
        throw makeError(
          this.errors,
          "protocol",
          `protocol: malformed NDJSON line from ${url}: ${oneLine(raw, 200)}`,
        );
      if ("error" in record) throw payloadError(this.errors, url, raw);
      const message = asRecord(record.message);
      const content = asString(message?.content) ?? "";
      if (content !== "" || asString(message?.thinking) || record.done === true) attempt.tokenArrived();
      answer.append(content);
      if (record.done === true) final = record;
    };
    try {
      const response = await attempt.send(url, {
        method: "POST",
        headers: { "content-type": "application/json", "x-request-id": request.requestId },
        body: JSON.stringify({
          model: this.options.model,
          messages: request.messages.map(({ role, content }) => ({ role, content })),
          stream: true,
          options: {
            temperature: sampling.temperature,
            top_p: sampling.topP,
            top_k: sampling.topK,
            seed: sampling.seed,
            num_predict: sampling.maxTokens,
            num_ctx: sampling.contextLength,
            stop: sampling.stop,
          },
        }),
        maxBodyBytes: limits.bodyBytes,
      });
      const decoder = new TextDecoder("utf-8", { fatal: true });
      // The kept buffer never holds a line end, so only new input is scanned (a long line costs linear time).
      let buffer = "";
      const feed = (part: string) => {
        let scanFrom = buffer.length;
        buffer += part;
        let start = 0;
        for (let end = buffer.indexOf("\n", scanFrom); end !== -1; end = buffer.indexOf("\n", scanFrom)) {
          line(buffer.slice(start, end));
          start = end + 1;
          scanFrom = start;
        }
        buffer = buffer.slice(start);
      };
      for await (const chunk of response.chunks()) {
        feed(decoder.decode(chunk, { stream: true }));
        if (answer.cut) break;
        if (final !== undefined && response.ended()) continue;
        if (final !== undefined) break;
      }
      if (final === undefined && !answer.cut && response.cut()) {
        // The bound fell inside a line (one huge line, or a body that is one JSON document): what arrived of it is
        // a JSON prefix, read for the answer's text as far as it went.
        answer.append(asString(asRecord(asRecord(parseJsonPrefix(buffer))?.message)?.content) ?? "");
        cut = true;
      } else if (!answer.cut) {
        feed(decoder.decode());
        if (final === undefined) line(buffer);
      }
      cut ||= answer.cut;
    } catch (err) {
      throw attempt.error(err, answer.text);
    } finally {
      attempt.finish();
    }
    if (cut) return this.sizeLimited(answer.text, attempt);
    if (final === undefined) {
      throw makeError(
        this.errors,
        "protocol",
        `protocol: stream from ${url} ended without a done:true line`,
        {
          partialText: answer.text,
        },
      );
    }
    const text = answer.text;
    const rawFinishReason = asString(final.done_reason);
    const server = compact({
      loadMs: nsToMs(final.load_duration),
      promptMs: nsToMs(final.prompt_eval_duration),
      genMs: nsToMs(final.eval_duration),
    });
    const timing: Timing = {
      startedAt: attempt.startedAt,
      ttftMs: attempt.ttftMs,
      totalMs: attempt.elapsedMs,
    };
    if (Object.keys(server).length > 0) timing.server = server;
    return {
      text,
      finishReason: finishReasonOf(rawFinishReason),
      ...(rawFinishReason === undefined ? {} : { rawFinishReason }),
      usage: compact({
        promptTokens: asNumber(final.prompt_eval_count),
        completionTokens: asNumber(final.eval_count),
      }),
      timing,
      served: compact({
        model: asString(final.model),
        requestIdHeader: attempt.responseHeaders?.get("x-request-id") ?? undefined,
      }),
    };
  }

  /** An answer cut at its size bound: a token-limit stop, without the counts and timings of the missing last line. */
  private sizeLimited(text: string, attempt: Attempt): CompletionResponse {
    return {
      text,
      finishReason: "length",
      rawFinishReason: SIZE_LIMIT_REASON,
      usage: {},
      timing: { startedAt: attempt.startedAt, ttftMs: attempt.ttftMs, totalMs: attempt.elapsedMs },
      served: compact({ requestIdHeader: attempt.responseHeaders?.get("x-request-id") ?? undefined }),
    };
  }

  async identify(signal?: AbortSignal): Promise<ModelIdentity> {
    const { model, endpoint } = this.options;
    const attempt = new Attempt({
      timeouts: PROBE_TIMEOUTS,
      signal,
      agent: this.agents.get(PROBE_TIMEOUTS.connectMs),
      errors: this.errors,
    });
    // Only the chat endpoint is essential: a server (or proxy) without the metadata endpoints still runs, with
    // what it could not tell us recorded instead of guessed.
    const unavailable: string[] = [];
    const optional = async <T>(what: string, call: () => Promise<T>): Promise<T | undefined> => {
      try {
        return await call();
      } catch (err) {
        const error = attempt.error(err);
        if (FATAL_PROBE_KINDS.has(error.kind)) throw error;
        unavailable.push(`${what}: ${oneLine(error.message, 200)}`);
        return undefined;
      }
    };
    try {
      const client = this.client(attempt, {});
      const version = asString(asRecord(await optional("/api/version", () => client.version()))?.version);
      const tags = await optional("/api/tags", () => client.list());
      const listed = asRecord(tags)?.models;
      const entries = Array.isArray(listed) ? listed.filter(isRecord) : [];
      const wanted = model.includes(":") ? [model] : [model, `${model}:latest`];
      const entry = entries.find((e) => wanted.includes(String(e.name)) || wanted.includes(String(e.model)));
      if (tags !== undefined && entry === undefined) {
        const names = entries.map((e) => String(e.name)).join(", ") || "none";
        throw makeError(
          this.errors,
          "not_found",
          `not_found: model "${model}" is not installed on Ollama at ${endpoint} (installed: ${oneLine(names, 300)})`,
        );
      }
      const show = asRecord(await optional("/api/show", () => client.show({ model }))) ?? {};
      return {
        provider: this.provider,
        name: model,
        endpoint,
        ...compact({ digest: asString(entry?.digest), serverVersion: version }),
        details: {
          ...(entry ? describeTagsEntry(entry) : {}),
          ...describeShow(show),
          ...(unavailable.length > 0 ? { unavailable } : {}),
        },
      };
    } catch (err) {
      throw attempt.error(err);
    } finally {
      attempt.finish();
    }
  }

  async close(): Promise<void> {
    await this.agents.close();
  }

  /** A client bound to one attempt (identity probes): its fetch carries the attempt's deadlines. */
  private client(attempt: Attempt, headers: Record<string, string>): Ollama {
    const timedFetch = async (
      input: unknown,
      init?: { method?: string; headers?: unknown; body?: unknown },
    ) =>
      attempt.fetch(String(input), {
        method: init?.method === "POST" ? "POST" : "GET",
        headers: init?.headers as AttemptInit["headers"],
        body: typeof init?.body === "string" ? init.body : undefined,
      });
    return new Ollama({ host: this.options.endpoint, headers, fetch: timedFetch as typeof fetch });
  }
}

function describeTagsEntry(entry: JsonRecord): JsonRecord {
  const details = asRecord(entry.details) ?? {};
  return compact({
    format: asString(details.format),
    family: asString(details.family),
    families: Array.isArray(details.families)
      ? details.families.filter((f) => typeof f === "string")
      : undefined,
    parameterSize: asString(details.parameter_size),
    quantization: asString(details.quantization_level),
    sizeBytes: asNumber(entry.size),
  });
}

function describeShow(show: JsonRecord): JsonRecord {
  const modelfile = asString(show.modelfile) ?? "";
  const blob = /^FROM\s+\S*sha256[-:]([0-9a-f]{64})\s*$/im.exec(modelfile)?.[1];
  const info = asRecord(show.model_info) ?? {};
  const architecture = asString(info["general.architecture"]);
  const template = asString(show.template);
  const system = asString(show.system);
  return compact({
    blobSha256: blob,
    architecture,
    parameterCount: asNumber(info["general.parameter_count"]),
    fileType: asNumber(info["general.file_type"]),
    contextLength: architecture === undefined ? undefined : asNumber(info[`${architecture}.context_length`]),
    capabilities: Array.isArray(show.capabilities)
      ? show.capabilities.filter((c) => typeof c === "string")
      : undefined,
    parameters: asString(show.parameters),
    templateSha256: template === undefined ? undefined : sha256(template),
    systemSha256: system === undefined || system === "" ? undefined : sha256(system),
  });
}
