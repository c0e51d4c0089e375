/**
 * Shared machinery of the loopback fake model servers: lifecycle, counters, request capture, slot queueing,
 * the respond hook, and the deterministic pseudo-text. Dialect-specific rendering lives in fake-ollama.ts and
 * fake-openai.ts. Never imported by src/.
 */
import { createHash, randomInt } from "node:crypto";
import { EventEmitter, once } from "node:events";
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { HANG_MS } from "../helpers/hang.js";

export interface SeenMessage {
  role: string;
  content: string;
}

export interface SeenSampling {
  temperature?: number;
  topP?: number;
  topK?: number;
  seed?: number;
  maxTokens?: number;
}

export interface RespondContext {
  messages: SeenMessage[];
  model: string;
  sampling: SeenSampling;
  stream: boolean;
  /** 1-based count of generation requests with exactly this body so far (retries of the same request). */
  attempt: number;
  /** 0-based index among all generation requests. */
  requestIndex: number;
  headers: IncomingHttpHeaders;
}

/** A successful answer, with knobs for the framing variants. */
export interface Reply {
  /** Generated text; defaults to the pseudo-text for (messages, seed, temperature). */
  text?: string;
  /** Default: "stop", or "length" when the request's token limit cut the text. Any string is sent as is. */
  finishReason?: string;
  /** Streamed as `thinking` (Ollama) or `reasoning_content` (OpenAI) before the text. */
  reasoning?: string;
  /** `byte` writes every byte separately, splitting JSON lines and multi-byte characters. */
  chunking?: "token" | "byte";
  /** OpenAI only: where usage goes. Default: on the finish chunk, plus a `choices: []` chunk if requested. */
  usage?: "finish" | "separate" | "none";
  /** OpenAI only: SSE framing variants. */
  framing?: { crlf?: boolean; comments?: boolean; eventName?: string; multilineData?: boolean };
}

export type Fault =
  /** Any status with a JSON (object) or text/HTML (string) body. */
  | { fault: "http"; status: number; body?: string | object; headers?: Record<string, string> }
  | { fault: "reset-before-headers" }
  /** Streams `text` then destroys the socket. */
  | { fault: "reset-mid-stream"; text?: string }
  /** Streams `text` then ends cleanly without `done:true` / finish_reason / `[DONE]`. */
  | { fault: "no-terminator"; text?: string }
  /** 200 application/json whose body stops mid-object. */
  | { fault: "half-json" }
  /** A `{not json` line in the middle of an otherwise complete stream. */
  | { fault: "malformed-line"; text?: string }
  /** Streams `text`, then an error in the given dialect (OpenAI: `data` default, `legacy` llama.cpp, `event`). */
  | { fault: "stream-error"; text?: string; style?: "data" | "legacy" | "event"; error?: string | object }
  /** Answers a streaming request with one JSON document. */
  | { fault: "ignore-stream"; text?: string }
  /** Holds the headers until `until` resolves (default: until the client disconnects), then replies normally. */
  | { fault: "delay-headers"; until?: Promise<unknown> }
  /** Streams `text`, then sends nothing until the client disconnects. */
  | { fault: "stall"; text?: string }
  /**
   * An answer far beyond any max_tokens, never held whole in memory: `bytes` bytes of text (endless without it: it
   * stops only when the client disconnects), `eventBytes` per streamed event (default 16, about a word per event as
   * real servers send them), or one JSON document when the request does not stream or `json` is set (a server that
   * ignores `stream: true`). `field: "reasoning"` sends it as reasoning (`reasoning_content` / `thinking`), with no
   * answer text; `status` sends it as the message of an error body with that HTTP status. A flood sent whole ends
   * with finish "stop". The text is `floodText`; `stats.floodBytes` counts what reached the socket.
   */
  | {
      fault: "flood";
      bytes?: number;
      eventBytes?: number;
      json?: boolean;
      field?: "content" | "reasoning";
      status?: number;
    };

export type RespondResult = string | Reply | Fault;
export type RespondHook = (ctx: RespondContext) => RespondResult | Promise<RespondResult>;

export interface FakeOptions {
  respond?: RespondHook;
  /** Only the chat endpoint exists, as behind a minimal server or proxy: everything else answers 501 text. */
  chatOnly?: boolean;
  /** Concurrent generations; excess requests wait in a queue, as on Ollama and llama-server. */
  slots?: number;
  /** Awaited before each streamed token: a gate for deterministic pacing. */
  beforeToken?: (ctx: RespondContext, index: number) => Promise<void> | void;
  /** Wall-clock delay per token (perf and end-to-end runs; tests should prefer `beforeToken`). */
  tokenDelayMs?: number;
}

export interface FakeStats {
  /** HTTP requests of any kind. */
  requests: number;
  /** Requests to the generation endpoint. */
  generations: number;
  inFlight: number;
  maxInFlight: number;
  /** Generations holding a slot. */
  generating: number;
  maxGenerating: number;
  /** Generations waiting for a slot. */
  queued: number;
  /** Responses the client abandoned before the server finished them. */
  disconnects: number;
  /** Bytes of `flood` responses handed to the socket (what a client that stops reading could not stop). */
  floodBytes: number;
}

export interface CapturedRequest {
  index: number;
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** Parsed JSON body, or the raw text when it was not JSON. */
  body: unknown;
  rawBody: string;
}

export interface FakeServer {
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** Live counters. */
  stats: FakeStats;
  requests: CapturedRequest[];
  /**
   * Resolves once `predicate(stats)` holds (checked on every counter change); rejects after `timeoutMs`
   * (default DEFAULT_WAIT_MS) with the predicate's source and the counters.
   */
  waitFor(predicate: (stats: FakeStats) => boolean, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

/** One in-progress request, as the dialect handlers see it. */
export interface Exchange {
  req: IncomingMessage;
  res: ServerResponse;
  captured: CapturedRequest;
  /** Resolves when the connection closes (client gone or response done). */
  closed: Promise<void>;
  /** Destroys the socket on purpose (not counted as a client disconnect). */
  reset(): void;
}

export type Handler = (exchange: Exchange) => Promise<void>;

/** What a minimal HTTP server says to a request it has no route for. */
export function sendNotImplemented(res: ServerResponse): void {
  res.writeHead(501, { "content-type": "text/plain" });
  res.end("Unsupported method");
}

/** How long `waitFor` waits by default: only a hang ends it (under the test timeout, so its message shows). */
export const DEFAULT_WAIT_MS = HANG_MS;

export class FakeCore {
  readonly stats: FakeStats = {
    requests: 0,
    generations: 0,
    inFlight: 0,
    maxInFlight: 0,
    generating: 0,
    maxGenerating: 0,
    queued: 0,
    disconnects: 0,
    floodBytes: 0,
  };
  readonly requests: CapturedRequest[] = [];
  private readonly changes = new EventEmitter();
  private readonly sockets = new Set<Socket>();
  private readonly bodyCounts = new Map<string, number>();
  private readonly slotWaiters: Array<() => void> = [];
  private closing = false;

  constructor(readonly options: FakeOptions) {
    this.changes.setMaxListeners(0);
  }

  changed(): void {
    this.stats.maxInFlight = Math.max(this.stats.maxInFlight, this.stats.inFlight);
    this.stats.maxGenerating = Math.max(this.stats.maxGenerating, this.stats.generating);
    this.changes.emit("change");
  }

  waitFor(predicate: (stats: FakeStats) => boolean, timeoutMs = DEFAULT_WAIT_MS): Promise<void> {
    return new Promise((resolve, reject) => {
      const settle = (): void => {
        clearTimeout(timer);
        this.changes.off("change", check);
      };
      const check = (): void => {
        if (!predicate(this.stats)) return;
        settle();
        resolve();
      };
      // A failing test should say what it waited for, not hang until the test timeout.
      const timer = setTimeout(() => {
        settle();
        reject(
          new Error(
            `fake server: gave up after ${timeoutMs} ms waiting for ${predicate.toString()}; stats ${JSON.stringify(this.stats)}`,
          ),
        );
      }, timeoutMs);
      this.changes.on("change", check);
      check();
    });
  }

  /** Starts listening on 127.0.0.1 with an ephemeral port. */
  async listen(handler: Handler): Promise<FakeServer> {
    const server = createServer((req, res) => void this.dispatch(req, res, handler));
    server.on("connection", (socket) => {
      this.sockets.add(socket);
      socket.on("close", () => this.sockets.delete(socket));
    });
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    const { port } = server.address() as AddressInfo;
    return {
      url: `http://127.0.0.1:${port}`,
      stats: this.stats,
      requests: this.requests,
      waitFor: (predicate, timeoutMs) => this.waitFor(predicate, timeoutMs),
      close: async () => {
        this.closing = true;
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        for (const socket of this.sockets) socket.destroy();
        await closed;
      },
    };
  }

  /** Counts identical generation bodies so the hook can fail "the first N attempts". */
  attemptOf(rawBody: string): number {
    const n = (this.bodyCounts.get(rawBody) ?? 0) + 1;
    this.bodyCounts.set(rawBody, n);
    return n;
  }

  /**
   * Takes a generation slot, queueing (unbounded) while all are busy. A freed slot passes straight to the
   * next waiter, so the count never exceeds the limit. Resolves undefined if the client left while queued.
   */
  async acquireSlot(exchange: Exchange): Promise<(() => void) | undefined> {
    const limit = this.options.slots ?? Number.POSITIVE_INFINITY;
    if (this.stats.generating < limit && this.slotWaiters.length === 0) {
      this.stats.generating++;
      this.changed();
    } else {
      let woken = false;
      let wake: () => void = () => {};
      const turn = new Promise<void>((resolve) => {
        wake = () => {
          woken = true;
          resolve();
        };
      });
      this.slotWaiters.push(wake);
      this.stats.queued++;
      this.changed();
      await Promise.race([turn, exchange.closed]);
      this.stats.queued--;
      if (!woken) {
        this.slotWaiters.splice(this.slotWaiters.indexOf(wake), 1);
        this.changed();
        return undefined;
      }
      this.changed();
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.slotWaiters.shift();
      if (next) next();
      else {
        this.stats.generating--;
        this.changed();
      }
    };
  }

  /** Generations waiting for a slot right now (Ollama's bounded queue answers 503 past its size). */
  get queueLength(): number {
    return this.slotWaiters.length;
  }

  /** Paces one token: the gate hook, then the optional wall-clock delay. */
  async pace(ctx: RespondContext, index: number): Promise<void> {
    await this.options.beforeToken?.(ctx, index);
    if (this.options.tokenDelayMs) await new Promise((r) => setTimeout(r, this.options.tokenDelayMs));
  }

  private async dispatch(req: IncomingMessage, res: ServerResponse, handler: Handler): Promise<void> {
    // Counted before the body is read, so a client that gives up mid-upload still shows as a disconnect.
    this.stats.requests++;
    this.stats.inFlight++;
    this.changed();
    let serverReset = false;
    const closed = new Promise<void>((resolve) => {
      res.on("close", () => {
        if (!res.writableFinished && !serverReset && !this.closing) this.stats.disconnects++;
        this.stats.inFlight--;
        this.changed();
        resolve();
      });
    });
    const chunks: Buffer[] = [];
    try {
      for await (const chunk of req) chunks.push(chunk as Buffer);
    } catch {
      return; // The client left while sending; `closed` records it.
    }
    const rawBody = Buffer.concat(chunks).toString("utf8");
    let body: unknown = rawBody;
    try {
      body = rawBody === "" ? undefined : JSON.parse(rawBody);
    } catch {
      // Kept as raw text; the handler answers 400.
    }
    const captured: CapturedRequest = {
      index: this.requests.length,
      method: req.method ?? "GET",
      path: req.url ?? "/",
      headers: req.headers,
      body,
      rawBody,
    };
    this.requests.push(captured);
    const exchange: Exchange = {
      req,
      res,
      captured,
      closed,
      reset: () => {
        serverReset = true;
        req.socket.destroy();
      },
    };
    try {
      await handler(exchange);
    } catch (err) {
      if (!res.headersSent) {
        res.writeHead(500, { "content-type": "text/plain" });
        res.end(`fake server error: ${String(err)}`);
      } else {
        exchange.reset();
      }
    }
  }
}

/** Resolves once the data is handed to the socket, so a following reset cannot discard it. */
function flushWrite(res: ServerResponse, data: string | Buffer): Promise<void> {
  return new Promise((resolve) => {
    if (res.destroyed) resolve();
    else res.write(data, () => resolve());
  });
}

/** Writes `text` as one chunk, or byte by byte with a macrotask between writes so they arrive separately. */
export async function writeChunk(
  res: ServerResponse,
  text: string,
  chunking: Reply["chunking"],
): Promise<void> {
  if (chunking !== "byte") {
    await flushWrite(res, text);
    return;
  }
  for (const byte of Buffer.from(text, "utf8")) {
    if (res.destroyed) return;
    await flushWrite(res, Buffer.of(byte));
    await new Promise((resolve) => setImmediate(resolve));
  }
}

const FLOOD_PATTERN = "So the answer is 42, and 42 it is. ";
/** Writes of a flood are at most this big, so a huge event never sits whole in the server's memory. */
const FLOOD_WRITE_BYTES = 64 * 1024;

/** `length` characters of the flood's text from `offset` on (ASCII, needs no JSON escape): a pattern repeated. */
export function floodText(offset: number, length: number): string {
  const start = offset % FLOOD_PATTERN.length;
  return FLOOD_PATTERN.repeat(Math.ceil((start + length) / FLOOD_PATTERN.length) + 1).slice(
    start,
    start + length,
  );
}

/** A JSON text split around the empty string value of `field`: what goes before the flood's text, and after it. */
export function aroundEmptyField(json: string, field: string): { head: string; tail: string } {
  const marker = `"${field}":""`;
  const at = json.indexOf(marker);
  if (at === -1) throw new Error(`fake server: no empty "${field}" in ${json}`);
  const split = at + marker.length - 1;
  return { head: json.slice(0, split), tail: json.slice(split) };
}

/**
 * Sends a flood: events of `head + text + tail` holding `eventBytes` bytes of text each, until `bytes` bytes of text
 * are out (never, without `bytes`) or the client disconnects. Each write is awaited, so the server holds little and
 * notices the disconnect. Returns whether the whole flood was sent (the caller then ends the response normally).
 */
export async function writeFlood(
  exchange: Exchange,
  stats: FakeStats,
  flood: { bytes?: number; eventBytes: number; head: string; tail: string },
): Promise<boolean> {
  let gone = false;
  void exchange.closed.then(() => {
    gone = true;
  });
  const write = async (data: string): Promise<void> => {
    await Promise.race([flushWrite(exchange.res, data), exchange.closed]);
    if (!gone) stats.floodBytes += Buffer.byteLength(data);
  };
  const total = flood.bytes ?? Number.POSITIVE_INFINITY;
  let sent = 0;
  while (sent < total && !gone) {
    await write(flood.head);
    const end = Math.min(total, sent + flood.eventBytes);
    while (sent < end && !gone) {
      const length = Math.min(FLOOD_WRITE_BYTES, end - sent);
      await write(floodText(sent, length));
      sent += length;
    }
    if (!gone) await write(flood.tail);
  }
  return !gone;
}

/** Sends an HTTP error: objects as JSON, strings as HTML when they look like it, else plain text. */
export function sendHttpFault(res: ServerResponse, fault: Extract<Fault, { fault: "http" }>): void {
  const isJson = typeof fault.body === "object";
  const text = typeof fault.body === "object" ? JSON.stringify(fault.body) : (fault.body ?? "");
  const contentType = isJson
    ? "application/json; charset=utf-8"
    : text.trimStart().startsWith("<")
      ? "text/html"
      : "text/plain; charset=utf-8";
  res.writeHead(fault.status, { "content-type": contentType, ...fault.headers });
  res.end(text);
}

export function sendJson(res: ServerResponse, status: number, value: unknown): void {
  res.writeHead(status, { "content-type": "application/json; charset=utf-8" });
  res.end(JSON.stringify(value));
}

/** Waits for `until`, or forever, but never past the client's disconnect. */
export async function holdUntil(exchange: Exchange, until?: Promise<unknown>): Promise<void> {
  await Promise.race([until ?? new Promise(() => {}), exchange.closed]);
}

/** Normalises the hook result to either a Reply or a Fault. */
export function asReplyOrFault(result: RespondResult): Reply | Fault {
  return typeof result === "string" ? { text: result } : result;
}

export function isFault(value: Reply | Fault): value is Fault {
  return "fault" in value;
}

const WORDS = [
  "the",
  "answer",
  "is",
  "résumé",
  "naïve",
  "∑",
  "≈",
  "🙂",
  "42",
  "π",
  "because",
  "we",
  "see",
  "x²",
  "thus",
];

/** xorshift32 stream seeded from a hash, for text that is a pure function of its inputs. */
function prng(seedHex: string): () => number {
  let state = Number.parseInt(seedHex.slice(0, 8), 16) || 1;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return state >>> 0;
  };
}

/**
 * Deterministic pseudo-text for (messages, seed, temperature), as a list of tokens. With temperature > 0 and
 * no seed the output is random, like a real sampler.
 */
export function pseudoTokens(
  messages: SeenMessage[],
  seed: number | undefined,
  temperature: number | undefined,
): string[] {
  const random = (temperature ?? 0) > 0 && seed === undefined ? randomInt(2 ** 31) : 0;
  const hash = createHash("sha256")
    .update(JSON.stringify({ messages, seed, temperature, random }))
    .digest("hex");
  const next = prng(hash);
  const count = 6 + (next() % 10);
  const tokens: string[] = [];
  for (let i = 0; i < count; i++) {
    const word = WORDS[next() % WORDS.length] ?? "the";
    tokens.push(i === 0 ? word : ` ${word}`);
  }
  return tokens;
}

/** The pseudo-text as one string (what an adapter should return for a default reply). */
export function pseudoText(
  messages: SeenMessage[],
  seed: number | undefined,
  temperature: number | undefined,
): string {
  return pseudoTokens(messages, seed, temperature).join("");
}

/** Splits reply text into stream tokens: words with their leading space. */
export function tokenize(text: string): string[] {
  return text.match(/\s*\S+|\s+$/g) ?? [];
}

/** Resolves tokens and finish reason for a reply, applying the request's token limit. */
export function planReply(reply: Reply, ctx: RespondContext): { tokens: string[]; finishReason: string } {
  const all =
    reply.text !== undefined
      ? tokenize(reply.text)
      : pseudoTokens(ctx.messages, ctx.sampling.seed, ctx.sampling.temperature);
  const limit = ctx.sampling.maxTokens;
  if (reply.finishReason !== undefined) return { tokens: all, finishReason: reply.finishReason };
  if (limit !== undefined && limit >= 0 && all.length > limit)
    return { tokens: all.slice(0, limit), finishReason: "length" };
  return { tokens: all, finishReason: "stop" };
}

export function promptTokenCount(messages: SeenMessage[]): number {
  return messages.reduce((n, m) => n + (m.content.match(/\S+/g)?.length ?? 0), 0);
}

export function readMessages(value: unknown): SeenMessage[] {
  if (!Array.isArray(value)) return [];
  return value.map((m) => ({ role: String(m?.role ?? ""), content: String(m?.content ?? "") }));
}

export function numberOrUndefined(value: unknown): number | undefined {
  return typeof value === "number" ? value : undefined;
}
