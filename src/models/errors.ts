/**
 * Turns HTTP failures, error payloads (before or during a stream) and transport errors into classified
 * AdapterErrors with one-line messages that name the URL and status and never contain a secret.
 */
import { REDACTED } from "./credentials.js";
import { isRecord } from "./json.js";
import { AdapterError, type AdapterErrorDetails, type AdapterErrorKind } from "./types.js";

/** What every error message needs to know about the endpoint it came from. */
export interface ErrorContext {
  /** Extra advice for a kind, e.g. how to start the server or pull a model. */
  hint?: (kind: AdapterErrorKind) => string | undefined;
  /** Strings that must never appear in messages or bodies (the API key). */
  secrets?: readonly string[];
}

const MESSAGE_BODY_CHARS = 300;
const DETAILS_BODY_CHARS = 2000;

/** The fields every error dialect has in common, pulled out of a parsed body. */
interface ErrorInfo {
  message?: string;
  code?: string | number;
  type?: string;
}

const CONTEXT_OVERFLOW =
  /exceed_context_size|context_length_exceeded|context[ _](?:length|size|window)|exceeds? the available context|prompt is too long|too many tokens/i;
const MODEL_NOT_FOUND =
  /model_not_found|not_found_error|notfounderror|model .{0,200}(?:not found|does not exist)|no such model/i;
const SERVER_BUSY = /server busy|overloaded|unavailable_error|loading model/i;
const QUOTA = /insufficient_quota/i;
/**
 * A 500 that is really the client's fault: llama-server reports some bad parameters as 500 ("Only one completion
 * choice is allowed", "invalid ...", "... must be ..."). Retrying cannot help.
 */
const BAD_REQUEST_AS_500 =
  /invalid_request_error|\bis (?:not )?allowed\b|\bnot supported\b|\bunsupported\b|\binvalid\b|\bmust (?:be|not|have)\b|failed to parse|\bbad request\b/i;

/** Collapses whitespace to one line and cuts to `max` characters. */
export function oneLine(text: string, max: number): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > max ? `${flat.slice(0, max)}…` : flat;
}

export function redact(text: string, secrets: readonly string[] | undefined): string {
  let out = text;
  for (const secret of secrets ?? []) {
    if (secret.length > 0) out = out.split(secret).join(REDACTED);
  }
  return out;
}

/** Builds the error, scrubbing secrets from the message and body and appending the context's hint. */
export function makeError(
  ctx: ErrorContext,
  kind: AdapterErrorKind,
  message: string,
  details: AdapterErrorDetails = {},
): AdapterError {
  const hint = ctx.hint?.(kind);
  const full = hint ? `${message}; ${hint}` : message;
  const safeDetails = { ...details };
  if (safeDetails.body !== undefined) safeDetails.body = redact(safeDetails.body, ctx.secrets);
  return new AdapterError(kind, oneLine(redact(full, ctx.secrets), 1000), safeDetails);
}

/** Returns a copy carrying the text streamed before the failure (AdapterError details are per instance). */
export function withPartialText(error: AdapterError, partialText: string | undefined): AdapterError {
  if (partialText === undefined || error.details.partialText !== undefined) return error;
  return new AdapterError(error.kind, error.message, { ...error.details, partialText });
}

function asCode(value: unknown): string | number | undefined {
  return typeof value === "string" || typeof value === "number" ? value : undefined;
}

/** Reads OpenAI nested, llama.cpp nested, vLLM flat and Ollama string error bodies. */
export function extractErrorInfo(payload: unknown): ErrorInfo {
  if (!isRecord(payload)) return {};
  const error = payload.error;
  if (typeof error === "string") return { message: error };
  if (isRecord(error)) {
    return {
      message: typeof error.message === "string" ? error.message : undefined,
      code: asCode(error.code),
      type: typeof error.type === "string" ? error.type : undefined,
    };
  }
  if (payload.object === "error" || typeof payload.message === "string") {
    return {
      message: typeof payload.message === "string" ? payload.message : undefined,
      code: asCode(payload.code),
      type: typeof payload.type === "string" ? payload.type : undefined,
    };
  }
  return {};
}

function parseJsonOrUndefined(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * The kind for an error status (undefined for errors reported inside a 200 stream) and body fields.
 * Order matters: quota before rate limit, overflow and not-found before the generic 4xx bucket.
 */
export function classifyError(status: number | undefined, info: ErrorInfo): AdapterErrorKind {
  const text = [info.message, info.code, info.type].filter((v) => v !== undefined).join(" ");
  const effective = status ?? (typeof info.code === "number" && info.code >= 400 ? info.code : undefined);
  if (QUOTA.test(text) || effective === 402) return "quota";
  if (effective === 429) return "rate_limited";
  if (effective === 401 || effective === 403 || /authentication_error|permission_error/i.test(text)) {
    return "auth";
  }
  if (effective === 404 || MODEL_NOT_FOUND.test(text)) return "not_found";
  if (CONTEXT_OVERFLOW.test(text)) return "context_overflow";
  if (effective === 503 || effective === 408) return "overloaded";
  if (SERVER_BUSY.test(text)) return "overloaded";
  if (effective === 501) return "bad_request";
  // 502 and 504 come from a proxy in front of the server: retried like a 500, a few times, not forever.
  if (effective === 502 || effective === 504) return "server";
  if (effective === 500 && BAD_REQUEST_AS_500.test(text)) return "bad_request";
  if (effective === undefined || effective >= 500) return "server";
  return "bad_request";
}

/** Milliseconds the server asked us to wait: `retry-after-ms`, then `Retry-After` seconds or HTTP date. */
export function parseRetryAfter(headers: Headers, now: number = Date.now()): number | undefined {
  const ms = headers.get("retry-after-ms");
  if (ms !== null && /^\s*\d+(\.\d+)?\s*$/.test(ms)) return Number(ms);
  const value = headers.get("retry-after");
  if (value === null) return undefined;
  if (/^\s*\d+(\.\d+)?\s*$/.test(value)) return Number(value) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** An HTTP response with a non-2xx status. */
export function httpError(
  ctx: ErrorContext,
  url: string,
  status: number,
  headers: Headers,
  bodyText: string,
): AdapterError {
  const info = extractErrorInfo(parseJsonOrUndefined(bodyText));
  const kind = classifyError(status, info);
  const retryAfterMs = parseRetryAfter(headers);
  const body = bodyText.slice(0, DETAILS_BODY_CHARS);
  const shown = bodyText.trim() === "" ? "(empty body)" : oneLine(bodyText, MESSAGE_BODY_CHARS);
  const wait = retryAfterMs === undefined ? "" : ` (retry after ${Math.round(retryAfterMs)} ms)`;
  return makeError(ctx, kind, `${kind}: HTTP ${status} from ${url}${wait}: ${shown}`, {
    status,
    body,
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
  });
}

/** An error object the server sent inside a 200 response (stream line, SSE event, or JSON body). */
export function payloadError(
  ctx: ErrorContext,
  url: string,
  rawText: string,
  partialText?: string,
): AdapterError {
  const parsed = parseJsonOrUndefined(rawText);
  const info = extractErrorInfo(parsed);
  const kind = classifyError(
    undefined,
    info.message === undefined && parsed === undefined ? { message: rawText } : info,
  );
  const detail = oneLine(info.message ?? rawText, MESSAGE_BODY_CHARS);
  return makeError(ctx, kind, `${kind}: server reported an error in the response from ${url}: ${detail}`, {
    body: rawText.slice(0, DETAILS_BODY_CHARS),
    ...(partialText === undefined ? {} : { partialText }),
  });
}

const TRANSPORT_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "EPIPE",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ETIMEDOUT",
  "UND_ERR_SOCKET",
  "UND_ERR_CLOSED",
  "UND_ERR_CONNECT_TIMEOUT",
]);

/** The first Node/undici error code found along the `cause` chain. */
export function errorCode(err: unknown): string | undefined {
  let current: unknown = err;
  for (let depth = 0; depth < 5 && isRecord(current); depth++) {
    if (typeof current.code === "string") return current.code;
    current = current.cause;
  }
  return undefined;
}

export function isTransportError(err: unknown): boolean {
  const code = errorCode(err);
  if (code !== undefined && TRANSPORT_CODES.has(code)) return true;
  return err instanceof TypeError && /fetch failed|terminated|other side closed/i.test(err.message);
}

/**
 * A socket-level failure. Before the response headers it is a `connection` error (nothing was generated
 * yet); afterwards it is a `protocol` error because the stream is incomplete.
 */
export function transportError(
  ctx: ErrorContext,
  url: string,
  err: unknown,
  afterHeaders: boolean,
  partialText?: string,
): AdapterError {
  const code = errorCode(err) ?? (err instanceof Error ? err.message : String(err));
  if (code === "UND_ERR_CONNECT_TIMEOUT") {
    return makeError(ctx, "timeout", `timeout: could not connect to ${url} within the connect deadline`, {
      deadline: "connect",
      cause: err,
    });
  }
  if (!afterHeaders) {
    return makeError(ctx, "connection", `connection: cannot reach ${url} (${code})`, { cause: err });
  }
  return makeError(ctx, "protocol", `protocol: connection to ${url} lost mid-response (${code})`, {
    cause: err,
    ...(partialText === undefined ? {} : { partialText }),
  });
}
