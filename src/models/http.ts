/**
 * One HTTP attempt under our own deadlines. Node's fetch hides 300 s header/body timeouts, so requests go
 * through an undici Agent with those disabled, and this module enforces connect, first-token, idle and total
 * deadlines plus the caller's AbortSignal. Any deadline or abort aborts the fetch, which closes the socket so
 * the server sees the disconnect and stops generating.
 */
import { Agent, type RequestInit as UndiciRequestInit, fetch as undiciFetch } from "undici";
import { onAbort } from "./abort.js";
import {
  type ErrorContext,
  httpError,
  isTransportError,
  makeError,
  transportError,
  withPartialText,
} from "./errors.js";
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

export interface AttemptInit {
  method?: "GET" | "POST";
  headers?: Record<string, string>;
  body?: string;
}

/**
 * Deadlines, cancellation and error mapping for one request (or a short series of probe requests).
 * The first-token deadline runs from construction until `tokenArrived()`; after that the idle deadline is
 * re-armed by every body chunk. Call `finish()` in a `finally`.
 */
export class Attempt {
  readonly startedAt = new Date().toISOString();
  private readonly t0 = performance.now();
  private readonly controller = new AbortController();
  private readonly timers: NodeJS.Timeout[] = [];
  private firstTokenTimer: NodeJS.Timeout | undefined;
  private idleTimer: NodeJS.Timeout | undefined;
  private firstTokenAt: number | undefined;
  private failure: AdapterError | undefined;
  private headersSeen = false;
  private url = "";
  private unsubscribe: (() => void) | undefined;
  /** Headers of the last response, for request ids. */
  responseHeaders: Headers | undefined;
  private readonly onCallerAbort = (): void => {
    this.abort(
      makeError(this.options.errors, "aborted", `aborted: request to ${this.url || "server"} cancelled`),
    );
  };

  constructor(private readonly options: AttemptOptions) {
    const { timeouts, signal } = options;
    this.timers.push(setTimeout(() => this.deadline("total", timeouts.totalMs), timeouts.totalMs));
    this.firstTokenTimer = setTimeout(
      () => this.deadline("first_token", timeouts.firstTokenMs),
      timeouts.firstTokenMs,
    );
    this.timers.push(this.firstTokenTimer);
    if (signal?.aborted) this.onCallerAbort();
    else if (signal) this.unsubscribe = onAbort(signal, this.onCallerAbort);
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  get elapsedMs(): number {
    return performance.now() - this.t0;
  }

  get ttftMs(): number | undefined {
    return this.firstTokenAt === undefined ? undefined : this.firstTokenAt - this.t0;
  }

  /** Generated content (or the final chunk) arrived: stop the first-token clock, start the idle clock. */
  tokenArrived(): void {
    if (this.firstTokenAt !== undefined) return;
    this.firstTokenAt = performance.now();
    clearTimeout(this.firstTokenTimer);
    const { idleMs } = this.options.timeouts;
    this.idleTimer = setTimeout(() => this.deadline("idle", idleMs), idleMs);
    this.timers.push(this.idleTimer);
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
        dispatcher: this.options.agent,
      } satisfies UndiciRequestInit);
    } catch (err) {
      throw this.error(err);
    }
    this.headersSeen = true;
    this.responseHeaders = response.headers as unknown as Headers;
    if (!response.ok) {
      let text: string;
      try {
        text = await response.text();
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
    const body = response.body === null ? null : this.observe(response.body as ReadableStream<Uint8Array>);
    return new Response(body, { status: response.status, headers: response.headers as unknown as Headers });
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
    for (const timer of this.timers) clearTimeout(timer);
    this.unsubscribe?.();
    if (!this.controller.signal.aborted) this.controller.abort();
  }

  private observe(body: ReadableStream<Uint8Array>): ReadableStream<Uint8Array> {
    const reader = body.getReader();
    return new ReadableStream<Uint8Array>(
      {
        pull: async (controller) => {
          const { done, value } = await reader.read();
          if (done) {
            controller.close();
            return;
          }
          this.idleTimer?.refresh();
          controller.enqueue(value);
        },
        cancel: (reason) => reader.cancel(reason),
      },
      { highWaterMark: 0 },
    );
  }

  private deadline(which: "first_token" | "idle" | "total", ms: number): void {
    const label = { first_token: "first token", idle: "idle", total: "total" }[which];
    this.abort(
      makeError(
        this.options.errors,
        "timeout",
        `timeout: ${label} deadline of ${ms} ms passed waiting on ${this.url}`,
        {
          deadline: which,
        },
      ),
    );
  }

  private abort(reason: AdapterError): void {
    if (this.failure) return;
    this.failure = reason;
    for (const timer of this.timers) clearTimeout(timer);
    this.controller.abort(reason);
  }
}
