/**
 * A lean OpenAI-compatible server for performance runs, meant to run in its own process (`node fake-server.js
 * --delay 50`), so its CPU is not charged to the client being measured. Every chat completion is answered after
 * `delay` ms, as SSE when the request asks for a stream, else as one JSON document. Unlike test/fakes it keeps no
 * per-request record (a million-request run must not grow it).
 *
 * Options: --port, --delay <ms>, --slots <k> (k generations at once, the rest queue, as llama-server does),
 * --reject-above <k> (more than k in flight get 429, as a rate-limited API does), --model <id>, --digest <sha>
 * (reported by /props as model_digest, for replica identity checks), --fail-after <n> (stop answering after n
 * completions: every later connection is destroyed, a replica that died).
 * Control: GET /_perf/stats returns counters and timestamps; POST /_perf/reset zeroes them.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { parseArgs } from "node:util";

export interface PerfServerOptions {
  port?: number;
  delayMs: number;
  slots?: number;
  rejectAbove?: number;
  model?: string;
  digest?: string;
  failAfter?: number;
}

interface Stats {
  completions: number;
  rejected: number;
  /** TCP connections accepted: a client that reuses its connections opens about as many as it has in flight. */
  connections: number;
  inFlight: number;
  maxInFlight: number;
  generating: number;
  maxGenerating: number;
  /** Epoch ms of the first request's arrival and the last answer's end, for the rate while running. */
  firstStart: number;
  lastEnd: number;
  /** Sum over answered completions of arrival-to-answer time: the mean is what queueing adds to the delay. */
  latencySumMs: number;
}

const now = () => performance.timeOrigin + performance.now();

function freshStats(): Stats {
  return {
    completions: 0,
    rejected: 0,
    connections: 0,
    inFlight: 0,
    maxInFlight: 0,
    generating: 0,
    maxGenerating: 0,
    firstStart: 0,
    lastEnd: 0,
    latencySumMs: 0,
  };
}

export async function startPerfServer(options: PerfServerOptions): Promise<{ url: string; close(): Promise<void> }> {
  let stats = freshStats();
  const model = options.model ?? "perf-model";
  const waiting: Array<() => void> = [];
  let answered = 0;

  const release = () => {
    const next = waiting.shift();
    if (next) next();
    else stats.generating--;
  };
  const acquire = (): Promise<void> | undefined => {
    if (options.slots === undefined || stats.generating < options.slots) {
      stats.generating++;
      stats.maxGenerating = Math.max(stats.maxGenerating, stats.generating);
      return undefined;
    }
    return new Promise((resolve) => waiting.push(resolve));
  };

  const chat = (body: string, res: ServerResponse) => {
    const start = now();
    if (stats.firstStart === 0) stats.firstStart = start;
    stats.inFlight++;
    stats.maxInFlight = Math.max(stats.maxInFlight, stats.inFlight);
    const done = () => {
      stats.inFlight--;
      stats.lastEnd = now();
    };
    if (options.rejectAbove !== undefined && stats.inFlight > options.rejectAbove) {
      stats.rejected++;
      done();
      res.writeHead(429, { "content-type": "application/json" });
      res.end('{"error":{"message":"Rate limit reached","type":"requests","code":"rate_limit_exceeded"}}');
      return;
    }
    const stream = body.includes('"stream":true');
    const seed = /"seed":(\d+)/.exec(body)?.[1] ?? "0";
    // PersonaGym's judges and score-example writer ask for scores: one text that every role can parse.
    const text = body.includes("score")
      ? `${[1, 2, 3, 4, 5].map((n) => `Score ${n}: an answer worth ${n}.`).join("\n")}\nIt fits.\nTherefore, the final score is ${1 + (Number(seed) % 5)}`
      : `Let me think.\n\nThe answer is $\\boxed{${Number(seed) % 10}}$.`;
    const answer = () => {
      const created = Math.floor(Date.now() / 1000);
      const usage = `{"prompt_tokens":120,"completion_tokens":16,"total_tokens":136}`;
      if (stream) {
        res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
        const head = `"id":"c","object":"chat.completion.chunk","created":${created},"model":"${model}"`;
        res.end(
          `data: {${head},"choices":[{"index":0,"delta":{"role":"assistant","content":null},"finish_reason":null}]}\n\n` +
            `data: {${head},"choices":[{"index":0,"delta":{"content":${JSON.stringify(text)}},"finish_reason":null}]}\n\n` +
            `data: {${head},"choices":[{"index":0,"delta":{},"finish_reason":"stop"}],"usage":${usage}}\n\n` +
            "data: [DONE]\n\n",
        );
      } else {
        res.writeHead(200, { "content-type": "application/json" });
        res.end(
          `{"id":"c","object":"chat.completion","created":${created},"model":"${model}","choices":[{"index":0,` +
            `"message":{"role":"assistant","content":${JSON.stringify(text)}},"finish_reason":"stop"}],"usage":${usage}}`,
        );
      }
      stats.completions++;
      stats.latencySumMs += now() - start;
      answered++;
      release();
      done();
    };
    const go = () => setTimeout(answer, options.delayMs);
    const turn = acquire();
    if (turn) turn.then(go);
    else go();
  };

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    if (options.failAfter !== undefined && answered >= options.failAfter && req.url !== "/_perf/stats") {
      req.socket.destroy();
      return;
    }
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const url = req.url ?? "/";
      if (req.method === "POST" && url.endsWith("/chat/completions")) return chat(Buffer.concat(chunks).toString(), res);
      const json = (value: unknown, status = 200) => {
        res.writeHead(status, { "content-type": "application/json" });
        res.end(JSON.stringify(value));
      };
      if (url === "/v1/models")
        return json({
          object: "list",
          data: [model, "judge-a", "judge-b"].map((id) => ({ id, object: "model", owned_by: "perf" })),
        });
      if (url === "/props" && options.digest !== undefined)
        return json({ model_path: `/models/${model}.gguf`, model_digest: options.digest, total_slots: options.slots ?? 1 });
      if (url === "/_perf/stats") return json(stats);
      if (url === "/_perf/reset" && req.method === "POST") {
        stats = freshStats();
        return json({ ok: true });
      }
      json({ error: { code: 404, message: "File Not Found", type: "not_found_error" } }, 404);
    });
  });
  server.on("connection", () => {
    stats.connections++;
  });
  server.keepAliveTimeout = 60_000;
  server.listen(options.port ?? 0, "127.0.0.1");
  await new Promise((resolve) => server.once("listening", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split("/").pop() ?? "\0")) {
  const { values } = parseArgs({
    options: {
      port: { type: "string" },
      delay: { type: "string" },
      slots: { type: "string" },
      "reject-above": { type: "string" },
      model: { type: "string" },
      digest: { type: "string" },
      "fail-after": { type: "string" },
    },
  });
  const num = (v: string | undefined) => (v === undefined ? undefined : Number(v));
  const server = await startPerfServer({
    delayMs: num(values.delay) ?? 50,
    ...(values.port ? { port: Number(values.port) } : {}),
    ...(values.slots ? { slots: Number(values.slots) } : {}),
    ...(values["reject-above"] ? { rejectAbove: Number(values["reject-above"]) } : {}),
    ...(values.model ? { model: values.model } : {}),
    ...(values.digest ? { digest: values.digest } : {}),
    ...(values["fail-after"] ? { failAfter: Number(values["fail-after"]) } : {}),
  });
  process.stdout.write(`${server.url}\n`);
  process.on("SIGTERM", () => void server.close().then(() => process.exit(0)));
}
