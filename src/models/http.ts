/**
 * One HTTP attempt under our own deadlines. Node's fetch hides 300 s header/body timeouts, so requests go
 * through an undici Agent with those disabled, and this module enforces connect, first-token, idle and total
 * deadlines plus the caller's AbortSignal. Any deadline or abort aborts the fetch, which closes the socket so
 * the server sees the disconnect and stops generating.
 */
import type { IncomingHttpHeaders } from "node:http";
import {
  Agent,
  type Dispatcher,
  request,
  type RequestInit as UndiciRequestInit,
  fetch as undiciFetch,
} from "undici";
import { onAbort } from "./abort.js";
import { DEADLINE_LABELS, DeadlineClock, type DeadlineName } from "./deadline-clock.js";
import {
  type ErrorContext,
  httpError,
  isTransportError,
  makeError,
  transportError,
  withPartialText,
} from "./errors.js";
import { observed } from "./request-events.js";
import { AdapterError, type Timeouts } from "./types.js";

/** Options for the dispatcher: undici's own header/body timers off, connect bounded. */
export function dispatcherOptions(connectMs: number): Agent.Options {
  return { headersTimeout: 0, bodyTimeout: 0, connectTimeout: connectMs };
}

/** One Agent per distinct connect deadline, owned by an adapter and closed with it. */
export class AgentPool {
  private readonly agents = new Map<number, Agent>();

  get(connectMs: number): Agent {
    let agent = this.agents.get(connectMs);
    if (agent === undefined) {
      agent = new Agent(dispatcherOptions(connectMs));
      this.agents.set(connectMs, agent);
    }
    return agent;
  }

  async close(): Promise<void> {
    const agents = [...this.agents.values()];
    this.agents.clear();
    await Promise.all(agents.map((agent) => agent.destroy()));
  }
}

/** Deadlines for identity probes (small GET/POST requests); no first-token distinction. */
export const PROBE_TIMEOUTS: Timeouts = {
  connectMs: 10_000,
  firstTokenMs: 60_000,
  idleMs: 60_000,
  totalMs: 60_000,
};

export interface AttemptOptions {
  timeouts: Timeouts;
  signal?: AbortSignal;
  agent: Agent;
  errors: ErrorContext;
}

/** Read access to response headers, whichever client produced them. */
export interface HeaderView {
  get(name: string): string | null;
}

/** Node's lower-cased header record as a HeaderView (and as web Headers where an error parser wants them). */
function headerView(raw: IncomingHttpHeaders): HeaderView & Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(raw)) {
    if (value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value]) headers.append(name, v);
  }
  return headers;
}

/** A 2xx response of `Attempt.send`: its content type and body as a stream of chunks. */
export interface StreamedResponse {
  status: number;
  contentType: string;
  /**
   * Every chunk re-arms the idle deadline. Read it to the end or let `finish()` discard the rest. Ends early, after
   * exactly `maxBodyBytes` bytes, when the body is longer.
   */
  chunks(): AsyncIterable<Uint8Array>;
  /** The body as text, up to `maxBodyBytes` (a character cut at the bound is dropped). */
  text(): Promise<string>;
  /** The server has sent the whole body (some of it may still be unread). */
  ended(): boolean;
  /** The body went past `maxBodyBytes`: only that much was read, and the rest was abandoned (the socket closed). */
  cut(): boolean;
}

/** What we read of an error response: its message is in the first few hundred bytes. */
const ERROR_BODY_BYTES = 64 * 1024;
/** What we read of an identity probe's answer (a model list, server properties): far more than any real one. */
const PROBE_BODY_BYTES = 16 * 1024 * 1024;

/** The reason an attempt's own controller aborts with once the attempt is over (no DOMException per request). */
const FINISHED = new Error("attempt finished");

export interface AttemptInit {
  method?: "GET" | "POST";
  headers?: Record<string, string>;
  body?: string;
  /** `send` only: read at most this many bytes of a 2xx body (see response-limit.ts); unbounded by default. */
  maxBodyBytes?: number;
}

/**
 * Deadlines, cancellation and error mapping for one request (or a short series of probe requests).
 * The first-token and total deadlines run from when the request was written to the socket; the first-token one
 * until `tokenArrived()`, after which the idle deadline runs from the last chunk received. Call `finish()` in a
 * `finally`.
 */
export class Attempt {
  readonly startedAt = new Date().toISOString();
  private readonly controller = new AbortController();
  private readonly clock: DeadlineClock;
  /** The agent, reporting when the request left and when bytes arrived: the deadlines run from those moments. */
  private readonly dispatcher: Dispatcher;
  private failure: AdapterError | undefined;
  private headersSeen = false;
  private url = "";
  private unsubscribe: (() => void) | undefined;
  /** Headers of the last response, for request ids. */
  responseHeaders: HeaderView | undefined;
  /** The body of a `send` response still being read, destroyed by `finish()` if unread. */
  private openBody: Dispatcher.ResponseData["body"] | undefined;
  private readonly onCallerAbort = (): void => {
    this.abort(
      makeError(this.options.errors, "aborted", `aborted: request to ${this.url || "server"} cancelled`),
    );
  };

  constructor(private readonly options: AttemptOptions) {
    const { timeouts, signal } = options;
    this.clock = new DeadlineClock(timeouts, (which, ms) => this.deadline(which, ms));
    this.dispatcher = observed(options.agent, {
      sent: () => this.clock.start(),
      received: () => this.clock.activity(),
    });
    if (signal?.aborted) this.onCallerAbort();
    else if (signal) this.unsubscribe = onAbort(signal, this.onCallerAbort);
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

  /** Generated content (or the final chunk) arrived: stop the first-token clock, start the idle clock. */
  tokenArrived(): void {
    this.clock.firstToken();
  }

  /**
   * Fetches under the attempt's deadlines. Non-2xx responses are read and thrown as classified errors; a 2xx
   * body is wrapped so every chunk re-arms the idle deadline.
   */
  async fetch(url: string, init: AttemptInit = {}): Promise<Response> {
    this.url = url;
    if (this.failure) throw this.failure;
    let response: Awaited<ReturnType<typeof undiciFetch>>;
    try {
      response = await undiciFetch(url, {
        method: init.method ?? "GET",
        headers: init.headers,
        body: init.body,
        signal: this.controller.signal,
        dispatcher: this.dispatcher,
      } satisfies UndiciRequestInit);
    } catch (err) {
      throw this.error(err);
    }
    this.headersSeen = true;
    this.responseHeaders = response.headers as unknown as Headers;
    if (!response.ok) {
      let text: string;
      try {
        text = await readPrefix(response.body as AsyncIterable<Uint8Array> | null, ERROR_BODY_BYTES);
      } catch (err) {
        throw this.error(err);
      }
      throw httpError(
        this.options.errors,
        url,
        response.status,
        response.headers as unknown as Headers,
        text,
      );
    }
    const body =
      response.body === null ? null : this.observe(response.body as ReadableStream<Uint8Array>, url);
    return new Response(body, { status: response.status, headers: response.headers as unknown as Headers });
  }

  /**
   * The generation path: undici's `request` (Node streams, no WHATWG fetch, Request/Response or web-stream layers,
   * which cost more CPU per request than the rest of the harness together). Same deadlines, abort and error mapping
   * as `fetch`; non-2xx responses are read and thrown as classified errors.
   */
  async send(url: string, init: AttemptInit): Promise<StreamedResponse> {
    this.url = url;
    if (this.failure) throw this.failure;
    let response: Dispatcher.ResponseData;
    try {
      response = await request(url, {
        method: init.method ?? "GET",
        ...(init.headers ? { headers: init.headers } : {}),
        ...(init.body === undefined ? {} : { body: init.body }),
        signal: this.controller.signal,
        dispatcher: this.dispatcher,
      });
    } catch (err) {
      throw this.error(err);
    }
    this.headersSeen = true;
    const { statusCode, headers, body } = response;
    this.openBody = body;
    const rawType = headers["content-type"];
    const contentType = (Array.isArray(rawType) ? rawType[0] : rawType) ?? "";
    const requestId = headers["x-request-id"];
    this.responseHeaders = {
      get: (name) =>
        name === "x-request-id" && typeof requestId === "string"
          ? requestId
          : ((v) => (Array.isArray(v) ? v.join(", ") : (v ?? null)))(headers[name.toLowerCase()]),
    };
    if (statusCode < 200 || statusCode >= 300) {
      let text: string;
      try {
        text = await readPrefix(body, ERROR_BODY_BYTES);
      } catch (err) {
        throw this.error(err);
      }
      throw httpError(this.options.errors, url, statusCode, headerView(headers), text);
    }
    const idle = () => this.clock.activity();
    const maxBytes = init.maxBodyBytes ?? Number.POSITIVE_INFINITY;
    let read = 0;
    let cut = false;
    /** Closes the connection on a body cut at its bound, so the server sees the disconnect and stops. */
    const abandon = () => {
      cut = true;
      body.destroy();
      this.openBody = undefined;
    };
    const release = () => {
      this.openBody = undefined;
    };
    async function* bounded(): AsyncGenerator<Uint8Array> {
      for await (const chunk of body) {
        idle();
        const bytes = chunk as Uint8Array;
        if (read + bytes.length > maxBytes) {
          const room = maxBytes - read;
          read = maxBytes;
          abandon();
          if (room > 0) yield bytes.subarray(0, room);
          return;
        }
        read += bytes.length;
        yield bytes;
      }
      release();
    }
    return {
      status: statusCode,
      contentType,
      chunks: bounded,
      text: async () => {
        const decoder = new TextDecoder();
        const parts: string[] = [];
        for await (const chunk of bounded()) parts.push(decoder.decode(chunk, { stream: true }));
        // A character cut at the bound stays out (no flush); a complete body ends cleanly.
        if (!cut) parts.push(decoder.decode());
        return parts.join("");
      },
      ended: () =>
        body.readableEnded ||
        (body as unknown as { _readableState?: { ended?: boolean } })._readableState?.ended === true,
      cut: () => cut,
    };
  }

  /** Maps anything thrown during the attempt to an AdapterError, preferring the deadline or abort that caused it. */
  error(err: unknown, partialText?: string): AdapterError {
    if (this.failure) return withPartialText(this.failure, partialText);
    if (err instanceof AdapterError) return withPartialText(err, partialText);
    if (isTransportError(err)) {
      return transportError(this.options.errors, this.url, err, this.headersSeen, partialText);
    }
    const reason = err instanceof Error ? err.message : String(err);
    return makeError(
      this.options.errors,
      "protocol",
      `protocol: unreadable response from ${this.url}: ${reason}`,
      {
        cause: err,
        ...(partialText === undefined ? {} : { partialText }),
      },
    );
  }

  /** Clears the deadlines and releases the connection if the body was not read to the end. */
  finish(): void {
    this.clock.stop();
    this.unsubscribe?.();
    if (this.openBody !== undefined) {
      // Unread rest of a `send` body: closing it closes the socket, so the server stops generating.
      this.openBody.destroy();
      this.openBody = undefined;
    }
    if (!this.controller.signal.aborted) this.controller.abort(FINISHED);
  }

  /** A probe's body: every chunk re-arms the idle deadline; past PROBE_BODY_BYTES it fails as a protocol error. */
  private observe(body: ReadableStream<Uint8Array>, url: string): ReadableStream<Uint8Array> {
    const reader = body.getReader();
    let read = 0;
    return new ReadableStream<Uint8Array>(
      {
        pull: async (controller) => {
          const { done, value } = await reader.read();
          if (done) {
            controller.close();
            return;
          }
          this.clock.activity();
          read += value.length;
          if (read > PROBE_BODY_BYTES) {
            const error = makeError(
              this.options.errors,
              "protocol",
              `protocol: the answer from ${url} is larger than ${PROBE_BODY_BYTES} bytes`,
            );
            await reader.cancel(error).catch(() => undefined);
            controller.error(error);
            return;
          }
          controller.enqueue(value);
        },
        cancel: (reason) => reader.cancel(reason),
      },
      { highWaterMark: 0 },
    );
  }

  private deadline(which: DeadlineName, ms: number): void {
    this.abort(
      makeError(
        this.options.errors,
        "timeout",
        `timeout: ${DEADLINE_LABELS[which]} deadline of ${ms} ms passed waiting on ${this.url}`,
        {
          deadline: which,
        },
      ),
    );
  }

  private abort(reason: AdapterError): void {
    if (this.failure) return;
    this.failure = reason;
    this.clock.stop();
    this.controller.abort(reason);
  }
}

/** The first `maxBytes` of a body as text (an error message); the rest is not read, and the body is closed. */
async function readPrefix(body: AsyncIterable<Uint8Array> | null, maxBytes: number): Promise<string> {
  if (body === null) return "";
  const decoder = new TextDecoder();
  let text = "";
  let read = 0;
  for await (const chunk of body) {
    const room = maxBytes - read;
    text += decoder.decode(chunk.length > room ? chunk.subarray(0, room) : chunk, { stream: true });
    read += chunk.length;
    // Leaving the loop destroys the body (a Node stream, or a web stream cancelled by its iterator).
    if (read >= maxBytes) break;
  }
  return text;
}
