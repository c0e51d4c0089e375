/**
 * A loopback fake of an OpenAI-compatible server in the llama-server flavour (wire-protocols.md §2.4, §3):
 * SSE chat completions with a role chunk (`content:null`), content deltas, a finish chunk with `delta:{}`
 * carrying usage and timings, an optional `choices:[]` usage chunk, `[DONE]`; non-streaming JSON; `/v1/models`
 * with `meta`, `/props`, `/health` (503 while loading), `/slots`, `/metrics`, optional vLLM `/version`; and
 * every fault of core.ts.
 */
import {
  aroundEmptyField,
  asReplyOrFault,
  type Exchange,
  FakeCore,
  type FakeOptions,
  type FakeServer,
  type Fault,
  holdUntil,
  isFault,
  numberOrUndefined,
  planReply,
  promptTokenCount,
  type Reply,
  type RespondContext,
  readMessages,
  sendHttpFault,
  sendJson,
  sendNotImplemented,
  tokenize,
  writeChunk,
  writeFlood,
} from "./core.js";

export interface FakeOpenAIOptions extends FakeOptions {
  /** When set, requests without `Authorization: Bearer <apiKey>` get 401. */
  apiKey?: string;
  /** Id listed by `/v1/models` (llama-server's alias). Any request model is accepted, as in single-model mode. */
  modelId?: string;
  /** Start in the loading state: `/health` answers 503 until `setReady()`. */
  loading?: boolean;
  /** When set, `/version` answers like vLLM; otherwise it is a 404 as on llama-server. */
  vllmVersion?: string;
  /** When false, `/props` and `/slots` are 404 (plain OpenAI-style server). Default true. */
  llamaServer?: boolean;
}

export interface FakeOpenAI extends FakeServer {
  /** `<url>/v1` */
  baseUrl: string;
  setReady(): void;
}

export const LLAMA_BUILD = "b6097-9515c613";
const DEFAULT_MODEL = "qwen2.5-7b-instruct-q4_k_m.gguf";

function llamaError(code: number, message: string, type: string): object {
  return { error: { code, message, type } };
}

export async function startFakeOpenAI(options: FakeOpenAIOptions = {}): Promise<FakeOpenAI> {
  const core = new FakeCore(options);
  const modelId = options.modelId ?? DEFAULT_MODEL;
  const llama = options.llamaServer !== false;
  let loading = options.loading ?? false;
  let nextId = 0;

  const chat = async (exchange: Exchange): Promise<void> => {
    const { res, captured } = exchange;
    if (options.apiKey !== undefined && captured.headers.authorization !== `Bearer ${options.apiKey}`) {
      return sendJson(res, 401, llamaError(401, "Invalid API Key", "authentication_error"));
    }
    const body = captured.body as Record<string, unknown> | undefined;
    if (typeof body !== "object" || body === null) {
      return sendJson(res, 400, llamaError(400, "Failed to parse request body", "invalid_request_error"));
    }
    core.stats.generations++;
    const ctx: RespondContext = {
      messages: readMessages(body.messages),
      model: String(body.model ?? ""),
      sampling: {
        temperature: numberOrUndefined(body.temperature),
        topP: numberOrUndefined(body.top_p),
        topK: numberOrUndefined(body.top_k),
        seed: numberOrUndefined(body.seed),
        maxTokens: numberOrUndefined(body.max_tokens) ?? numberOrUndefined(body.max_completion_tokens),
      },
      stream: body.stream === true,
      attempt: core.attemptOf(captured.rawBody),
      requestIndex: core.stats.generations - 1,
      headers: captured.headers,
    };
    core.changed();
    const answer = asReplyOrFault((await options.respond?.(ctx)) ?? {});
    if (isFault(answer) && answer.fault === "http") return sendHttpFault(res, answer);
    if (isFault(answer) && answer.fault === "reset-before-headers") return exchange.reset();
    const release = await core.acquireSlot(exchange);
    if (release === undefined) return;
    try {
      const includeUsage =
        (body.stream_options as { include_usage?: unknown } | undefined)?.include_usage === true;
      await generate(exchange, ctx, answer, includeUsage);
    } finally {
      release();
    }
  };

  const generate = async (
    exchange: Exchange,
    ctx: RespondContext,
    answer: Reply | Fault,
    includeUsage: boolean,
  ) => {
    const { res } = exchange;
    const reply: Reply = isFault(answer) ? { text: "text" in answer ? answer.text : undefined } : answer;
    if (isFault(answer) && answer.fault === "delay-headers") {
      await holdUntil(exchange, answer.until);
      if (res.destroyed) return;
    }
    const { tokens, finishReason } = planReply(reply, ctx);
    const id = `chatcmpl-${nextId++}`;
    const created = Math.floor(Date.now() / 1000);
    const usage = {
      completion_tokens: tokens.length,
      prompt_tokens: promptTokenCount(ctx.messages),
      total_tokens: tokens.length + promptTokenCount(ctx.messages),
      prompt_tokens_details: { cached_tokens: 0 },
    };
    const timings = {
      prompt_n: usage.prompt_tokens,
      prompt_ms: 30.5,
      predicted_n: tokens.length,
      predicted_ms: 661.25,
      predicted_per_second: 52.9,
    };
    const base = { id, created, model: ctx.model, system_fingerprint: llama ? LLAMA_BUILD : "fp_fake" };
    if (isFault(answer) && answer.fault === "half-json") {
      res.writeHead(200, { "content-type": "application/json; charset=utf-8" });
      res.end(`{"id":"${id}","object":"chat.completion","choices":[{"index":0,"mess`);
      return;
    }
    if (isFault(answer) && answer.fault === "flood") {
      const field = answer.field === "reasoning" ? "reasoning_content" : "content";
      if (answer.status !== undefined) {
        res.writeHead(answer.status, { "content-type": "application/json; charset=utf-8" });
        const error = { error: { code: answer.status, message: "", type: "server_error" } };
        const whole = await writeFlood(exchange, core.stats, {
          ...(answer.bytes === undefined ? {} : { bytes: answer.bytes }),
          eventBytes: Number.POSITIVE_INFINITY,
          ...aroundEmptyField(JSON.stringify(error), "message"),
        });
        if (whole) res.end();
        return;
      }
      if (!ctx.stream || answer.json) {
        res.writeHead(200, { "content-type": "application/json; charset=utf-8" });
        const document = {
          ...base,
          object: "chat.completion",
          choices: [{ index: 0, finish_reason: "stop", message: { role: "assistant", [field]: "" } }],
        };
        const around = aroundEmptyField(JSON.stringify(document), field);
        const whole = await writeFlood(exchange, core.stats, {
          ...(answer.bytes === undefined ? {} : { bytes: answer.bytes }),
          eventBytes: Number.POSITIVE_INFINITY,
          ...around,
        });
        if (whole) res.end();
        return;
      }
      res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
      const event = {
        ...base,
        object: "chat.completion.chunk",
        choices: [{ index: 0, delta: { [field]: "" }, finish_reason: null }],
      };
      const around = aroundEmptyField(`data: ${JSON.stringify(event)}\n\n`, field);
      const whole = await writeFlood(exchange, core.stats, {
        ...(answer.bytes === undefined ? {} : { bytes: answer.bytes }),
        eventBytes: answer.eventBytes ?? 16,
        ...around,
      });
      if (!whole) return;
      const finish = { ...event, choices: [{ index: 0, delta: {}, finish_reason: "stop" }] };
      res.end(`data: ${JSON.stringify(finish)}\n\ndata: [DONE]\n\n`);
      return;
    }
    if (!ctx.stream || (isFault(answer) && answer.fault === "ignore-stream")) {
      return sendJson(res, 200, {
        ...base,
        object: "chat.completion",
        choices: [
          {
            index: 0,
            finish_reason: finishReason,
            message: {
              role: "assistant",
              content: tokens.join(""),
              ...(reply.reasoning ? { reasoning_content: reply.reasoning } : {}),
            },
          },
        ],
        usage,
        ...(llama ? { timings } : {}),
      });
    }
    const framing = reply.framing ?? {};
    const eol = framing.crlf ? "\r\n" : "\n";
    const chunking = reply.chunking;
    const send = async (payload: object | string): Promise<void> => {
      const json = typeof payload === "string" ? payload : JSON.stringify(payload);
      const data =
        framing.multilineData && json.startsWith("{")
          ? `data: {${eol}data: ${json.slice(1)}`
          : `data: ${json}`;
      const event = framing.eventName ? `event: ${framing.eventName}${eol}` : "";
      const ping = framing.comments ? `: ping${eol}${eol}` : "";
      await writeChunk(res, `${ping}${event}${data}${eol}${eol}`, chunking);
    };
    const chunk = (delta: object, finish: string | null, extra: object = {}) => ({
      ...base,
      object: "chat.completion.chunk",
      choices: [{ index: 0, delta, finish_reason: finish }],
      ...extra,
    });
    res.writeHead(200, {
      "content-type": "text/event-stream",
      "cache-control": "no-cache",
      "x-request-id": `req-${id}`,
    });
    await send(chunk({ role: "assistant", content: null }, null));
    for (const [i, token] of tokenize(reply.reasoning ?? "").entries()) {
      await core.pace(ctx, i);
      await send(chunk({ reasoning_content: token }, null));
    }
    for (const [i, token] of tokens.entries()) {
      await core.pace(ctx, i);
      await send(chunk({ content: token }, null));
      if (isFault(answer) && answer.fault === "malformed-line" && i === 0)
        await writeChunk(res, `data: {not json${eol}${eol}`, chunking);
    }
    if (isFault(answer)) {
      const error =
        answer.fault === "stream-error"
          ? (answer.error ?? llamaError(500, "the model crashed", "server_error"))
          : undefined;
      const errorJson = typeof error === "string" ? error : JSON.stringify(error);
      switch (answer.fault) {
        case "reset-mid-stream":
          return exchange.reset();
        case "no-terminator":
          res.end();
          return;
        case "stall":
          await holdUntil(exchange);
          return;
        case "stream-error": {
          const style = answer.style ?? "data";
          if (style === "legacy") await writeChunk(res, `error: ${errorJson}${eol}${eol}`, chunking);
          else if (style === "event")
            await writeChunk(res, `event: error${eol}data: ${errorJson}${eol}${eol}`, chunking);
          else await send(errorJson);
          await send("[DONE]");
          res.end();
          return;
        }
      }
    }
    const usageMode = reply.usage ?? (includeUsage ? "both" : "finish");
    const onFinish = usageMode === "finish" || usageMode === "both";
    await send(chunk({}, finishReason, onFinish ? { usage, ...(llama ? { timings } : {}) } : {}));
    if ((usageMode === "separate" || usageMode === "both") && includeUsage) {
      await send({ ...base, object: "chat.completion.chunk", choices: [], usage });
    }
    await send("[DONE]");
    res.end();
  };

  const server = await core.listen(async (exchange) => {
    const { res, captured } = exchange;
    const path = captured.path.split("?")[0];
    if (captured.method === "POST" && (path === "/v1/chat/completions" || path === "/chat/completions"))
      return chat(exchange);
    if (options.chatOnly) return sendNotImplemented(res);
    if (captured.method === "GET" && (path === "/health" || path === "/v1/health")) {
      return loading
        ? sendJson(res, 503, llamaError(503, "Loading model", "unavailable_error"))
        : sendJson(res, 200, { status: "ok" });
    }
    if (captured.method === "GET" && (path === "/v1/models" || path === "/models")) {
      return sendJson(res, 200, {
        object: "list",
        data: [
          {
            id: modelId,
            object: "model",
            created: 1_757_141_666,
            owned_by: "llamacpp",
            meta: loading
              ? null
              : {
                  vocab_type: 2,
                  n_vocab: 152064,
                  n_ctx_train: 32768,
                  n_embd: 3584,
                  n_params: 7_615_616_512,
                  size: 4_683_087_332,
                },
          },
        ],
      });
    }
    if (llama && captured.method === "GET" && path === "/props") {
      return sendJson(res, 200, {
        default_generation_settings: { n_ctx: 8192, params: { temperature: 0.8, top_k: 40, top_p: 0.95 } },
        total_slots: options.slots ?? 1,
        model_path: `/models/${DEFAULT_MODEL}`,
        chat_template: "{{ messages }}",
        modalities: { vision: false },
        build_info: LLAMA_BUILD,
      });
    }
    if (llama && captured.method === "GET" && path === "/slots") {
      return sendJson(
        res,
        200,
        Array.from({ length: options.slots ?? 1 }, (_, id) => ({
          id,
          n_ctx: 8192,
          is_processing: id < core.stats.generating,
        })),
      );
    }
    if (llama && captured.method === "GET" && path === "/metrics") {
      res.writeHead(200, { "content-type": "text/plain; version=0.0.4" });
      res.end(
        `llamacpp:requests_processing ${core.stats.generating}\nllamacpp:requests_deferred ${core.stats.queued}\n`,
      );
      return;
    }
    if (options.vllmVersion !== undefined && captured.method === "GET" && path === "/version") {
      return sendJson(res, 200, { version: options.vllmVersion });
    }
    sendJson(res, 404, llamaError(404, "File Not Found", "not_found_error"));
  });
  return {
    ...server,
    baseUrl: `${server.url}/v1`,
    setReady: () => {
      loading = false;
    },
  };
}
