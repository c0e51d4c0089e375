/**
 * A loopback file server for model downloads, shaped like the Hugging Face hub where it matters: HEAD on a file
 * answers with `X-Linked-Etag` (the sha256) and `X-Linked-Size`; GET honours `Range: bytes=N-` with 206 (unless
 * the file is served by a server that ignores ranges); and it can cut the connection after some bytes, to test
 * resuming.
 */
import { createHash } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface ServedFile {
  body: Buffer;
  /** The sha256 to publish; default the body's real one; null publishes none. */
  sha256?: string | null;
  /** Answer every GET with the whole body (200), ignoring `Range`, as some servers and proxies do. */
  ignoresRange?: boolean;
}

export interface FileServer {
  url: string;
  requests: { method: string; path: string; range?: string }[];
  /** Cut the next GET of a file after this many bytes of its body (once). */
  cutNextAfter(bytes: number): void;
  close(): Promise<void>;
}

export async function startFileServer(files: Record<string, ServedFile>): Promise<FileServer> {
  const requests: FileServer["requests"] = [];
  let cutAfter: number | undefined;
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const path = decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname);
    requests.push({
      method: req.method ?? "",
      path,
      ...(req.headers.range ? { range: req.headers.range } : {}),
    });
    const file = files[path];
    if (!file) {
      res.writeHead(404).end("not found");
      return;
    }
    const sha256 =
      file.sha256 === undefined ? createHash("sha256").update(file.body).digest("hex") : file.sha256;
    const headers: Record<string, string> = {
      "accept-ranges": "bytes",
      "x-linked-size": String(file.body.length),
    };
    if (sha256 !== null) headers["x-linked-etag"] = `"${sha256}"`;
    if (req.method === "HEAD") {
      res.writeHead(200, { ...headers, "content-length": String(file.body.length) }).end();
      return;
    }
    const range = file.ignoresRange ? null : /^bytes=(\d+)-$/.exec(req.headers.range ?? "");
    const start = range ? Number(range[1]) : 0;
    if (start >= file.body.length && range) {
      res.writeHead(416, { "content-range": `bytes */${file.body.length}` }).end();
      return;
    }
    const slice = file.body.subarray(start);
    res.writeHead(range ? 206 : 200, {
      ...headers,
      "content-length": String(slice.length),
      ...(range ? { "content-range": `bytes ${start}-${file.body.length - 1}/${file.body.length}` } : {}),
    });
    if (cutAfter !== undefined) {
      const cut = cutAfter;
      cutAfter = undefined;
      res.write(slice.subarray(0, cut), () => res.socket?.destroy());
      return;
    }
    res.end(slice);
  });
  await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    cutNextAfter(bytes) {
      cutAfter = bytes;
    },
    close: () =>
      new Promise<void>((ok) => {
        server.closeAllConnections();
        server.close(() => ok());
      }),
  };
}
