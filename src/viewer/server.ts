import { readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { packageRoot } from "../core/package-root.js";
import { runReportHtml } from "../report/html/run-page.js";
import type { ViewerData } from "./data.js";
import { PAGE_PATHS, renderPage } from "./pages/routes.js";
import { BAD_ESCAPE, BadRequest, decodeSegment, intParam, parseFilter, required } from "./query.js";
import { PAGE_SIZE_MAX } from "./types.js";

/**
 * The pages' own policy: scripts and styles only from our paths, no inline script or handler, no other origin.
 * Model output rendered by mistake as HTML could still run nothing and load nothing.
 */
export const VIEWER_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
  "base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/** The run report is a self-contained page with inline styles and no script at all: it gets no script. */
export const REPORT_CSP =
  "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/** One part of a transcript's response as plain text: readable (and saved, searched) without any script. */
const TEXT_PATH = "/transcript.txt";

const ASSETS: Record<string, string> = {
  "/assets/app.js": "text/javascript; charset=utf-8",
  "/assets/app.css": "text/css; charset=utf-8",
  "/assets/icon.svg": "image/svg+xml",
};

export interface ViewerServerOptions {
  data: ViewerData;
  /** The interface to listen on; 127.0.0.1 by default. */
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  /**
   * Extra Host header names accepted besides localhost names and the listening host (e.g. a LAN name): exact names,
   * compared without case, never as a suffix or pattern.
   */
  allowedHosts?: readonly string[];
}

export interface ViewerServer {
  server: Server;
  url: string;
  port: number;
  close(): Promise<void>;
}

/**
 * A read-only HTTP view of a store: GET (and HEAD) only, on our own paths only, for requests naming this server in
 * their Host header only (a page on another site cannot reach it through DNS rebinding).
 */
export async function startViewerServer(options: ViewerServerOptions): Promise<ViewerServer> {
  const host = options.host ?? "127.0.0.1";
  const assets = loadAssets();
  const reportCache = new Map<string, { results: unknown; html: string }>();
  let port = 0;

  const names = new Set(
    ["127.0.0.1", "localhost", "[::1]", host, ...(options.allowedHosts ?? [])].map((n) => n.toLowerCase()),
  );
  if (host.includes(":")) names.add(`[${host.toLowerCase()}]`);
  /** The Host header names this server exactly (a whole name from the set, and our port if it names one). */
  const allowedHost = (header: string | undefined): boolean => {
    if (!header) return false;
    const match = /^(\[[0-9a-f:.]+\]|[^:[\]]+)(?::(\d+))?$/i.exec(header.trim());
    if (!match) return false;
    if (match[2] !== undefined && Number(match[2]) !== port) return false;
    return names.has(match[1]!.toLowerCase());
  };

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    setCommonHeaders(response);
    if (!allowedHost(request.headers.host)) {
      return send(response, 403, "text/plain; charset=utf-8", "forbidden: unknown Host header\n");
    }
    if (request.method !== "GET" && request.method !== "HEAD") {
      response.setHeader("Allow", "GET, HEAD");
      return send(
        response,
        405,
        "text/plain; charset=utf-8",
        "method not allowed: this viewer is read-only\n",
      );
    }
    const head = request.method === "HEAD";
    let url: URL;
    try {
      url = new URL(request.url ?? "/", "http://viewer.invalid");
    } catch {
      return send(response, 400, "text/plain; charset=utf-8", "bad request: unreadable URL\n", head);
    }
    const path = url.pathname;
    if (PAGE_PATHS.has(path)) {
      const [status, body] = renderPage(options.data, path, url.searchParams, path + url.search);
      return send(response, status, "text/html; charset=utf-8", body, head);
    }
    const asset = assets.get(path);
    if (asset) return send(response, 200, ASSETS[path]!, asset, head);
    if (path === TEXT_PATH) {
      const [status, body] = responseText(options.data, url.searchParams);
      return send(response, status, "text/plain; charset=utf-8", body, head);
    }
    if (path.startsWith("/api/")) {
      const [status, body] = api(options.data, path, url.searchParams);
      return sendJson(response, status, body, head);
    }
    const report = /^\/report\/([^/]+)$/.exec(path);
    if (report) {
      const runId = decodeSegment(report[1]!);
      if (runId === undefined) return send(response, 400, "text/plain; charset=utf-8", BAD_ESCAPE, head);
      const results = options.data.results(runId);
      if (!results)
        return send(response, 404, "text/plain; charset=utf-8", "no results.json for this run\n", head);
      let cached = reportCache.get(runId);
      if (!cached || cached.results !== results) {
        cached = { results, html: await runReportHtml(results) };
        reportCache.set(runId, cached);
      }
      response.setHeader("Content-Security-Policy", REPORT_CSP);
      return send(response, 200, "text/html; charset=utf-8", cached.html, head);
    }
    return send(response, 404, "text/plain; charset=utf-8", "not found\n", head);
  };

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      const message = error instanceof Error ? error.message : String(error);
      if (!response.headersSent) sendJson(response, 500, { error: `internal error: ${message}` });
      else response.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  port = (server.address() as AddressInfo).port;
  const shown = host.includes(":") ? `[${host}]` : host;
  return {
    server,
    port,
    url: `http://${shown}:${port}/`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Answers an API path: [status, JSON body]. */
function api(data: ViewerData, path: string, query: URLSearchParams): [number, unknown] {
  try {
    if (path === "/api/runs") return [200, { runs: data.runs(), schemaVersion: data.version }];
    const run = /^\/api\/runs\/([^/]+)$/.exec(path);
    if (run) {
      const runId = decodeSegment(run[1]!);
      if (runId === undefined) throw new BadRequest(BAD_ESCAPE.trim());
      const facets = data.facets(runId);
      return facets ? [200, facets] : [404, { error: "no such run" }];
    }
    if (path === "/api/generations") {
      const filter = parseFilter(query);
      const limit = intParam(query, "limit", 1, PAGE_SIZE_MAX) ?? 50;
      const after = intParam(query, "after", 0, Number.MAX_SAFE_INTEGER);
      const before = intParam(query, "before", 0, Number.MAX_SAFE_INTEGER);
      const page = data.generations(filter, {
        limit,
        ...(after === undefined ? {} : { after }),
        ...(before === undefined ? {} : { before }),
      });
      return [200, page];
    }
    if (path === "/api/transcript") {
      const part = intParam(query, "part", 0, Number.MAX_SAFE_INTEGER) ?? 0;
      const transcript = data.transcript(required(query, "run"), required(query, "key"), part);
      return transcript ? [200, transcript] : [404, { error: "this run has no such generation" }];
    }
    if (path === "/api/compare") {
      return [200, data.compare(required(query, "run"), required(query, "task"), required(query, "item"))];
    }
    return [404, { error: "no such endpoint" }];
  } catch (error) {
    if (error instanceof BadRequest) return [400, { error: error.message }];
    throw error;
  }
}

/** Part `part` of a transcript's response as [status, plain text]. */
function responseText(data: ViewerData, query: URLSearchParams): [number, string] {
  try {
    const part = intParam(query, "part", 0, Number.MAX_SAFE_INTEGER) ?? 0;
    const transcript = data.transcript(required(query, "run"), required(query, "key"), part);
    if (!transcript?.generation) return [404, "this run has no such generation\n"];
    return [200, transcript.generation.text];
  } catch (error) {
    if (error instanceof BadRequest) return [400, `bad request: ${error.message}\n`];
    throw error;
  }
}

function setCommonHeaders(response: ServerResponse): void {
  response.setHeader("Content-Security-Policy", VIEWER_CSP);
  response.setHeader("X-Content-Type-Options", "nosniff");
  response.setHeader("Referrer-Policy", "no-referrer");
  response.setHeader("X-Frame-Options", "DENY");
  response.setHeader("Cross-Origin-Opener-Policy", "same-origin");
  response.setHeader("Cross-Origin-Resource-Policy", "same-origin");
  response.setHeader("Cache-Control", "no-store");
}

function send(response: ServerResponse, status: number, type: string, body: string, head = false): void {
  response.statusCode = status;
  response.setHeader("Content-Type", type);
  response.setHeader("Content-Length", Buffer.byteLength(body));
  response.end(head ? undefined : body);
}

function sendJson(response: ServerResponse, status: number, body: unknown, head = false): void {
  send(response, status, "application/json; charset=utf-8", JSON.stringify(body), head);
}

function loadAssets(): Map<string, string> {
  const dir = join(packageRoot, "src", "viewer", "assets");
  return new Map(
    Object.keys(ASSETS).map((path) => [path, readFileSync(join(dir, path.slice("/assets/".length)), "utf8")]),
  );
}
