/**
 * Ready-made HTTP faults in each server dialect (wire-protocols.md §1.5, §2.5, §3.2, §5.5), for respond hooks:
 * `respond: () => faults.rateLimitedSeconds(5)`.
 */
import type { Fault } from "./core.js";
import { OLLAMA_BUSY } from "./fake-ollama.js";

const http = (status: number, body?: string | object, headers?: Record<string, string>): Fault => ({
  fault: "http",
  status,
  ...(body === undefined ? {} : { body }),
  ...(headers === undefined ? {} : { headers }),
});

const openaiRateLimit = {
  error: {
    message: "Rate limit reached for requests",
    type: "requests",
    param: null,
    code: "rate_limit_exceeded",
  },
};

export const faults = {
  http,
  rateLimitedSeconds: (seconds: number) => http(429, openaiRateLimit, { "retry-after": String(seconds) }),
  rateLimitedDate: (date: Date) => http(429, openaiRateLimit, { "retry-after": date.toUTCString() }),
  rateLimitedMs: (ms: number) =>
    http(429, openaiRateLimit, { "retry-after-ms": String(ms), "retry-after": "60" }),
  rateLimitedBare: () => http(429, openaiRateLimit),
  insufficientQuota: () =>
    http(429, {
      error: {
        message: "You exceeded your current quota",
        type: "insufficient_quota",
        param: null,
        code: "insufficient_quota",
      },
    }),
  ollamaBusy: () => http(503, { error: OLLAMA_BUSY }),
  llamaLoading: () =>
    http(503, { error: { code: 503, message: "Loading model", type: "unavailable_error" } }),
  unavailableRetryAfter: (seconds: number) =>
    http(503, "Service Unavailable", { "retry-after": String(seconds) }),
  serverJson: () => http(500, { error: { code: 500, message: "internal failure", type: "server_error" } }),
  serverText: () => http(500, "Internal Server Error"),
  badGatewayHtml: () =>
    http(
      502,
      "<html>\n<head><title>502 Bad Gateway</title></head>\n<body><center><h1>502 Bad Gateway</h1></center>\n<hr><center>nginx</center>\n</body>\n</html>\n",
    ),
  gatewayTimeout: () => http(504, "<html><body><h1>504 Gateway Time-out</h1></body></html>"),
  llamaContextOverflow: () =>
    http(400, {
      error: {
        code: 400,
        type: "exceed_context_size_error",
        message: "request (9412 tokens) exceeds the available context size (8192 tokens), try increasing it",
        n_prompt_tokens: 9412,
        n_ctx: 8192,
      },
    }),
  openaiContextOverflow: () =>
    http(400, {
      error: {
        message:
          "This model's maximum context length is 8192 tokens. However, your messages resulted in 9412 tokens.",
        type: "invalid_request_error",
        param: "messages",
        code: "context_length_exceeded",
      },
    }),
  vllmFlatOverflow: () =>
    http(400, {
      object: "error",
      message: "This model's maximum context length is 4096 tokens. However, you requested 5000 tokens.",
      type: "BadRequestError",
      param: null,
      code: 400,
    }),
  vllmFlatBadRequest: () =>
    http(400, {
      object: "error",
      message: "temperature must be non-negative, got -1.0.",
      type: "BadRequestError",
      param: null,
      code: 400,
    }),
  onlyOneChoice: () =>
    http(500, {
      error: { code: 500, message: "Only one completion choice is allowed", type: "server_error" },
    }),
  unprocessable: () =>
    http(422, { detail: [{ loc: ["body", "messages"], msg: "field required", type: "missing" }] }),
  ollamaNotFound: (model: string) => http(404, { error: `model '${model}' not found` }),
  ollamaNotFoundPull: (model: string) =>
    http(404, { error: `model "${model}" not found, try pulling it first` }),
  openaiModelNotFound: (model: string) =>
    http(404, {
      error: {
        message: `The model \`${model}\` does not exist or you do not have access to it.`,
        type: "invalid_request_error",
        param: null,
        code: "model_not_found",
      },
    }),
  llamaNotFound: () =>
    http(404, { error: { code: 404, message: "model not found", type: "not_found_error" } }),
  vllmNotFound: (model: string) =>
    http(404, {
      object: "error",
      message: `The model \`${model}\` does not exist.`,
      type: "NotFoundError",
      param: null,
      code: 404,
    }),
  unauthorized: () =>
    http(401, {
      error: {
        message: "Incorrect API key provided: sk-***",
        type: "invalid_request_error",
        param: null,
        code: "invalid_api_key",
      },
    }),
  forbidden: () => http(403, { error: { code: 403, message: "Forbidden", type: "permission_error" } }),
};
