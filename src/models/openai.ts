/**
 * Adapter for OpenAI-compatible chat completions (OpenAI, vLLM, SGLang, LM Studio, llama-server, Ollama /v1)
 * over plain fetch and our own SSE parser: the SDK hides retries, ignores stalls after the headers, ends
 * aborted streams silently and drops some error dialects.
 */
import { type ErrorContext, makeError, oneLine, payloadError } from "./errors.js";
import { AgentPool, Attempt, PROBE_TIMEOUTS, type StreamedResponse } from "./http.js";
import { asNumber, asRecord, asString, compact, type JsonRecord } from "./json.js";
import { parseJsonPrefix } from "./json-prefix.js";
import { AnswerText, responseLimits, SIZE_LIMIT_REASON } from "./response-limit.js";
import { type SseEvent, SseParser } from "./sse.js";
import type {
  CompletionRequest,
  CompletionResponse,
  FinishReason,
  ModelAdapter,
  ModelIdentity,
  Usage,
} from "./types.js";

export interface OpenAIAdapterOptions {
  model: string;
  /** Base URL including the version path, e.g. `http://127.0.0.1:8080/v1`. */
  endpoint: string;
  spec: string;
  apiKey?: string;
}

const FINISH_REASONS: Record<string, FinishReason> = {
  stop: "stop",
  length: "length",
  content_filter: "content_filter",
  tool_calls: "tool_calls",
  function_call: "tool_calls",
};

/** What a stream or JSON body has told us so far. */
class Accumulator {
  /** The answer, cut at its size bound. */
  readonly answer: AnswerText;
  rawFinishReason: string | undefined;
  model: string | undefined;
  fingerprint: string | undefined;
  usage: Usage = {};
  server: { promptMs?: number; genMs?: number } | undefined;

  constructor(answerBytes: number) {
    this.answer = new AnswerText(answerBytes);
  }

  get text(): string {
    return this.answer.text;
  }

  /** Reads one chunk (`delta`) or full response (`message`); returns whether it carried generated output. */
  add(body: JsonRecord, field: "delta" | "message"): boolean {
    this.model ??= asString(body.model);
    this.fingerprint ??= asString(body.system_fingerprint);
    const usage = asRecord(body.usage);
    if (usage) {
      this.usage = compact({
        promptTokens: asNumber(usage.prompt_tokens),
        completionTokens: asNumber(usage.completion_tokens),
        cachedPromptTokens: asNumber(asRecord(usage.prompt_tokens_details)?.cached_tokens),
      });
    }
    const timings = asRecord(body.timings);
    if (timings)
      this.server = compact({ promptMs: asNumber(timings.prompt_ms), genMs: asNumber(timings.predicted_ms) });
    const choices = Array.isArray(body.choices) ? body.choices : [];
    const choice = asRecord(choices.find((c) => (asRecord(c)?.index ?? 0) === 0));
    if (choice === undefined) return false;
    const part = asRecord(choice[field]) ?? {};
    const content = asString(part.content) ?? "";
    this.answer.append(content);
    const finish = asString(choice.finish_reason);
    if (finish !== undefined) this.rawFinishReason = finish;
    const reasoning = asString(part.reasoning_content) ?? asString(part.reasoning) ?? "";
    return content !== "" || reasoning !== "" || finish !== undefined;
  }
}

export class OpenAIAdapter implements ModelAdapter {
  readonly provider = "openai";
  private readonly agents = new AgentPool();
  private readonly options: Omit<OpenAIAdapterOptions, "apiKey">;
  // ES-private so the key never shows up when the adapter is logged or serialised.
  readonly #apiKey: string | undefined;
  readonly #errors: ErrorContext;

  constructor({ apiKey, ...options }: OpenAIAdapterOptions) {
    this.options = options;
    this.#apiKey = apiKey;
    this.#errors = {
      secrets: apiKey ? [apiKey] : [],
      hint: (kind) => {
        if (kind === "connection") return `is the server running at ${options.endpoint}?`;
        if (kind === "auth") return "check OPENAI_API_KEY";
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
      errors: this.#errors,
    });
    const url = `${this.options.endpoint}/chat/completions`;
    const limits = responseLimits(sampling.maxTokens);
    const acc = new Accumulator(limits.answerBytes);
    // Cut at a size bound (response-limit.ts): a token-limit stop, never an error.
    let cut: boolean;
    try {
      const response = await attempt.send(url, {
        method: "POST",
        headers: { ...this.headers(), "content-type": "application/json", "x-request-id": request.requestId },
        body: JSON.stringify({
          model: this.options.model,
          messages: request.messages.map(({ role, content }) => ({ role, content })),
          stream: true,
          stream_options: { include_usage: true },
          max_tokens: sampling.maxTokens,
          temperature: sampling.temperature,
          top_p: sampling.topP,
          top_k: sampling.topK,
          seed: sampling.seed,
          stop: sampling.stop,
        }),
        maxBodyBytes: limits.bodyBytes,
      });
      cut = response.contentType.includes("application/json")
        ? await this.readJson(response, attempt, acc, url)
        : await this.readStream(response, attempt, acc, url);
    } catch (err) {
      throw attempt.error(err, acc.text);
    } finally {
      attempt.finish();
    }
    if (!cut && acc.rawFinishReason === "error") {
      throw makeError(
        this.#errors,
        "server",
        `server: ${url} ended the generation with finish_reason "error"`,
        {
          partialText: acc.text,
        },
      );
    }
    const rawFinishReason = cut ? SIZE_LIMIT_REASON : acc.rawFinishReason;
    const finishReason = cut
      ? "length"
      : acc.rawFinishReason === undefined
        ? "other"
        : (FINISH_REASONS[acc.rawFinishReason] ?? "other");
    return {
      text: acc.text,
      finishReason,
      ...(rawFinishReason === undefined ? {} : { rawFinishReason }),
      usage: acc.usage,
      timing: {
        startedAt: attempt.startedAt,
        ttftMs: attempt.ttftMs,
        totalMs: attempt.elapsedMs,
        ...(acc.server && Object.keys(acc.server).length > 0 ? { server: acc.server } : {}),
      },
      served: compact({
        model: acc.model,
        fingerprint: acc.fingerprint,
        requestIdHeader: attempt.responseHeaders?.get("x-request-id") ?? undefined,
      }),
    };
  }

  async identify(signal?: AbortSignal): Promise<ModelIdentity> {
    const { model, endpoint } = this.options;
    const attempt = new Attempt({
      timeouts: PROBE_TIMEOUTS,
      signal,
      agent: this.agents.get(PROBE_TIMEOUTS.connectMs),
      errors: this.#errors,
    });
    try {
      const models = await this.probe(attempt, `${endpoint}/models`, true);
      const root = endpoint.replace(/\/v\d+[^/]*$/, "");
      const props = await this.probe(attempt, `${root}/props`, false);
      const version = props ? undefined : await this.probe(attempt, `${root}/version`, false);
      const data = Array.isArray(models?.data)
        ? models.data.map(asRecord).filter((m) => m !== undefined)
        : [];
      const entry = data.find((m) => m.id === model);
      // llama-server in single-model mode answers to any model name, so only other servers must list it.
      if (models !== undefined && entry === undefined && props === undefined) {
        const ids = data.map((m) => String(m.id)).join(", ") || "none";
        throw makeError(
          this.#errors,
          "not_found",
          `not_found: model "${model}" is not listed by ${endpoint}/models (available: ${oneLine(ids, 300)})`,
        );
      }
      const buildInfo = asString(props?.build_info);
      return {
        provider: this.provider,
        name: model,
        endpoint,
        ...compact({ serverVersion: asString(version?.version) ?? buildInfo }),
        details: compact({
          model: entry ? describeModelEntry(entry) : undefined,
          servedModels: entry ? undefined : data.map((m) => String(m.id)).slice(0, 20),
          llamaServer: props ? describeProps(props) : undefined,
        }),
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

  private headers(): Record<string, string> {
    return this.#apiKey ? { authorization: `Bearer ${this.#apiKey}` } : {};
  }

  /** GET a JSON document; optional probes answer undefined on any HTTP error or non-JSON body. */
  private async probe(attempt: Attempt, url: string, required: boolean): Promise<JsonRecord | undefined> {
    let response: Response;
    try {
      response = await attempt.fetch(url, { headers: { ...this.headers(), accept: "application/json" } });
    } catch (err) {
      const kind = attempt.error(err).kind;
      // Only an unusable server fails the probe; a server without /models (a proxy, a minimal server) still runs.
      if (
        kind === "timeout" ||
        kind === "aborted" ||
        kind === "connection" ||
        (required && kind === "auth")
      ) {
        throw err;
      }
      return undefined;
    }
    const text = await response.text();
    try {
      return asRecord(JSON.parse(text));
    } catch {
      return undefined;
    }
  }

  /**
   * The server ignored `stream: true` and answered with one JSON document. Returns whether it was cut at its size
   * bound: then the part that arrived is read as a JSON prefix, keeping the answer's text as far as it went.
   */
  private async readJson(
    response: StreamedResponse,
    attempt: Attempt,
    acc: Accumulator,
    url: string,
  ): Promise<boolean> {
    const text = await response.text();
    attempt.tokenArrived();
    if (response.cut()) {
      const record = asRecord(parseJsonPrefix(text));
      if (record) acc.add(record, "message");
      return true;
    }
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw makeError(
        this.#errors,
        "protocol",
        `protocol: invalid JSON body from ${url}: ${oneLine(text, 200)}`,
        {
          body: text.slice(0, 2000),
        },
      );
    }
    const record = asRecord(body);
    if (record && "error" in record) throw payloadError(this.#errors, url, text);
    if (record === undefined || !Array.isArray(record.choices)) {
      throw makeError(
        this.#errors,
        "protocol",
        `protocol: response from ${url} has no choices: ${oneLine(text, 200)}`,
      );
    }
    acc.add(record, "message");
    return acc.answer.cut;
  }

  /** Reads the SSE stream; returns whether it was cut at a size bound (the answer's or the body's). */
  private async readStream(
    response: StreamedResponse,
    attempt: Attempt,
    acc: Accumulator,
    url: string,
  ): Promise<boolean> {
    const parser = new SseParser();
    let terminated = false;
    // After [DONE] the rest of a body the server has already finished is read out, so the connection goes back to
    // the pool; a body still open is closed by leaving the loop (the attempt's finish() as well).
    for await (const chunk of response.chunks()) {
      if (!terminated) {
        for (const event of parser.push(chunk)) {
          if (this.handleEvent(event, attempt, acc, url)) {
            terminated = true;
            break;
          }
          if (acc.answer.cut) return true;
        }
      }
      if (terminated && !response.ended()) break;
    }
    if (!terminated && response.cut()) {
      // The bound fell inside an event (one huge chunk, or a flood of events): what arrived of it is a JSON prefix.
      const record = asRecord(parseJsonPrefix(parser.cutData() ?? ""));
      if (record) acc.add(record, "delta");
      return true;
    }
    if (!terminated) {
      for (const event of parser.end()) {
        if (this.handleEvent(event, attempt, acc, url)) {
          terminated = true;
          break;
        }
      }
    }
    if (acc.answer.cut) return true;
    if (!terminated && acc.rawFinishReason === undefined) {
      throw makeError(
        this.#errors,
        "protocol",
        `protocol: stream from ${url} ended without finish_reason or [DONE] after ${acc.text.length} characters`,
        { partialText: acc.text },
      );
    }
    return false;
  }

  /** Applies one SSE event; returns true at `[DONE]`. Throws for error events in every dialect. */
  private handleEvent(event: SseEvent, attempt: Attempt, acc: Accumulator, url: string): boolean {
    const legacyError = event.extra.error;
    if (legacyError !== undefined) throw payloadError(this.#errors, url, legacyError, acc.text);
    if (event.event === "error") throw payloadError(this.#errors, url, event.data ?? "", acc.text);
    const data = event.data ?? "";
    if (data.trim() === "[DONE]") return true;
    let chunk: unknown;
    try {
      chunk = JSON.parse(data);
    } catch {
      throw makeError(
        this.#errors,
        "protocol",
        `protocol: malformed SSE data from ${url}: ${oneLine(data, 200)}`,
        {
          partialText: acc.text,
        },
      );
    }
    const record = asRecord(chunk);
    if (record === undefined) {
      throw makeError(
        this.#errors,
        "protocol",
        `protocol: SSE data from ${url} is not an object: ${oneLine(data, 200)}`,
        {
          partialText: acc.text,
        },
      );
    }
    if ("error" in record) throw payloadError(this.#errors, url, data, acc.text);
    if (acc.add(record, "delta")) attempt.tokenArrived();
    return false;
  }
}

function describeModelEntry(entry: JsonRecord): JsonRecord {
  return compact({
    id: asString(entry.id),
    ownedBy: asString(entry.owned_by),
    created: asNumber(entry.created),
    root: asString(entry.root),
    maxModelLen: asNumber(entry.max_model_len),
    meta: asRecord(entry.meta),
  });
}

function describeProps(props: JsonRecord): JsonRecord {
  const settings = asRecord(props.default_generation_settings);
  return compact({
    buildInfo: asString(props.build_info),
    modelPath: asString(props.model_path),
    totalSlots: asNumber(props.total_slots),
    nCtx: asNumber(settings?.n_ctx),
  });
}
