import { createHash } from "node:crypto";
import { copyFileSync, mkdirSync, readFileSync } from "node:fs";
import { request } from "node:http";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildSyntheticStore, syntheticVerdict } from "../../perf/viewer-store.js";
import { loadResults } from "../../src/results/load.js";
import { MATH_SCORER } from "../../src/task-kinds/math/score.js";
import { ViewerData } from "../../src/viewer/data.js";
import { startViewerServer, VIEWER_CSP, type ViewerServer } from "../../src/viewer/server.js";
import { PREVIEW_PART_BYTES, TRANSCRIPT_PART_BYTES } from "../../src/viewer/text-parts.js";
import type { Transcript } from "../../src/viewer/transcript.js";
import { COUNT_CAP, type GenerationPage } from "../../src/viewer/types.js";
import { fixturesDir } from "../helpers/paths.js";
import { newTempDir, removeTempDir } from "../helpers/tmp.js";

const PERSONAS = ["none", "sailor", "hostile"];
const HOSTILE = `<script>document.title='pwned'</script><img src=x onerror="alert(1)">`;
/** A response of about 1 MB: multi-byte characters at every offset, and a NUL (SQLite's substr() stops at one). */
const RAMBLING = ` Then é, 🙂 and ∑${"\u0000"} again.`.repeat(40_000);
/** The run report fixture (a version-1 results.json): its run id names its report page. */
const REPORT_RUN = "synthetic-bench--synthetic-1b--02b2ad06d838";

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function get(
  server: ViewerServer,
  path: string,
  options: { method?: string; host?: string } = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: "127.0.0.1",
        port: server.port,
        path,
        method: options.method ?? "GET",
        headers: { Host: options.host ?? `127.0.0.1:${server.port}` },
      },
      (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (chunk) => {
          body += chunk;
        });
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on("error", reject);
    req.end();
  });
}

async function json<T>(server: ViewerServer, path: string): Promise<T> {
  const answer = await get(server, path);
  expect(answer.status, answer.body).toBe(200);
  return JSON.parse(answer.body) as T;
}

describe("the viewer's API over a store built in the test", () => {
  let dir: string;
  let storePath: string;
  let data: ViewerData;
  let server: ViewerServer;
  let digest: string;

  beforeAll(async () => {
    dir = newTempDir();
    storePath = join(dir, "store.sqlite");
    buildSyntheticStore(storePath, [
      {
        runId: "r1",
        personas: PERSONAS,
        problems: 30,
        samples: 2,
        suffixFor: { hostile: HOSTILE },
        failedProblems: [3],
      },
      { runId: "r2", personas: ["none", "sailor"], problems: 4, samples: 1 },
      {
        runId: "r3",
        personas: ["none", "o'brien", "rambler"],
        problems: 3,
        samples: 1,
        suffixFor: { rambler: RAMBLING },
      },
    ]);
    mkdirSync(join(dir, "reports", REPORT_RUN), { recursive: true });
    copyFileSync(
      join(fixturesDir, "store", "v1-results.json"),
      join(dir, "reports", REPORT_RUN, "results.json"),
    );
    digest = createHash("sha256").update(readFileSync(storePath)).digest("hex");
    data = new ViewerData(storePath, join(dir, "reports"), loadResults);
    server = await startViewerServer({ data, port: 0 });
  });
  afterAll(async () => {
    await server?.close();
    data?.close();
    if (dir) removeTempDir(dir);
  });

  it("lists every run with its answers count", async () => {
    const { runs } = await json<{ runs: { runId: string; members: number; tasks: string[] }[] }>(
      server,
      "/api/runs",
    );
    expect(runs.map((r) => [r.runId, r.members, r.tasks])).toEqual([
      ["r1", 180, ["math500"]],
      ["r2", 8, ["math500"]],
      ["r3", 9, ["math500"]],
    ]);
    const facets = await json<{ personas: string[]; legacy: boolean }>(server, "/api/runs/r1");
    expect(facets.personas).toEqual(["none", "hostile", "sailor"]);
    expect(facets.legacy).toBe(false);
  });

  it("pages through a run forwards and backwards, every generation once, in plan order", async () => {
    const seen: string[] = [];
    let page = await json<GenerationPage>(server, "/api/generations?run=r1&limit=50");
    expect(page.count).toBe(180);
    expect(page.prev).toBeNull();
    const pages = [page];
    for (;;) {
      seen.push(...page.rows.map((r) => r.key));
      if (page.next === null) break;
      page = await json<GenerationPage>(server, `/api/generations?run=r1&limit=50&after=${page.next}`);
      pages.push(page);
    }
    expect(pages.map((p) => p.rows.length)).toEqual([50, 50, 50, 30]);
    expect(new Set(seen).size).toBe(180);
    expect(seen[0]).toBe("r1-0-0-0");
    // Back from the last page gives the third page again.
    const back = await json<GenerationPage>(server, `/api/generations?run=r1&limit=50&before=${page.prev}`);
    expect(back.rows.map((r) => r.key)).toEqual(pages[2]!.rows.map((r) => r.key));
    expect(back.next).not.toBeNull();
  });

  it("filters on the server by persona, verdict, problem and extraction path", async () => {
    const wrong = await json<GenerationPage>(
      server,
      "/api/generations?run=r1&persona=sailor&verdict=wrong&limit=200",
    );
    let expected = 0;
    for (let problem = 0; problem < 30; problem++)
      for (let sample = 0; sample < 2; sample++)
        if (problem !== 3 && syntheticVerdict(1, problem, sample) === "wrong") expected++;
    expect(expected).toBeGreaterThan(0);
    expect(wrong.count).toBe(expected);
    expect(wrong.rows.every((r) => r.personaId === "sailor" && r.verdict === "wrong")).toBe(true);
    expect(wrong.rows.every((r) => r.extracted !== null && r.path === "boxed")).toBe(true);

    const failed = await json<GenerationPage>(server, "/api/generations?run=r1&verdict=failed");
    expect(failed.count).toBe(6);
    expect(new Set(failed.rows.map((r) => r.itemId))).toEqual(new Set(["test/algebra/3.json"]));

    const none = await json<GenerationPage>(server, "/api/generations?run=r1&path=none");
    expect(none.rows.every((r) => r.verdict === "none")).toBe(true);

    const item = await json<GenerationPage>(
      server,
      `/api/generations?run=r1&item=${encodeURIComponent("test/algebra/7.json")}`,
    );
    expect(item.rows.map((r) => `${r.personaId}/${r.sample}`)).toEqual([
      "none/0",
      "none/1",
      "sailor/0",
      "sailor/1",
      "hostile/0",
      "hostile/1",
    ]);
    const other = await json<GenerationPage>(server, "/api/generations?run=r2&persona=hostile");
    expect(other.count).toBe(0);
    expect(COUNT_CAP).toBeGreaterThanOrEqual(1000);
  });

  it("pages verdict filters (through the run's verdict index) forwards and back with exact counts", async () => {
    const all: string[] = [];
    let page = await json<GenerationPage>(server, "/api/generations?run=r1&verdict=correct&limit=7");
    const pages = [page];
    for (;;) {
      all.push(...page.rows.map((r) => r.key));
      if (page.next === null) break;
      page = await json<GenerationPage>(
        server,
        `/api/generations?run=r1&verdict=correct&limit=7&after=${page.next}`,
      );
      pages.push(page);
    }
    expect(page.countCapped).toBe(false);
    expect(all).toHaveLength(page.count);
    let expected = 0;
    for (let p = 0; p < 3; p++)
      for (let problem = 0; problem < 30; problem++)
        for (let sample = 0; sample < 2; sample++)
          if (problem !== 3 && syntheticVerdict(p, problem, sample) === "correct") expected++;
    expect(all).toHaveLength(expected);
    expect(pages[0]!.prev).toBeNull();
    expect(pages[1]!.prev).not.toBeNull();
    const back = await json<GenerationPage>(
      server,
      `/api/generations?run=r1&verdict=correct&limit=7&before=${pages[2]!.prev}`,
    );
    expect(back.rows.map((r) => r.key)).toEqual(pages[1]!.rows.map((r) => r.key));
    // The SQL path (a problem filter) agrees with the index on the same rows.
    const item = encodeURIComponent("test/algebra/11.json");
    const viaSql = await json<GenerationPage>(server, `/api/generations?run=r1&verdict=correct&item=${item}`);
    expect(viaSql.rows.map((r) => r.key)).toEqual(all.filter((k) => /^r1-\d-11-/.test(k)));
  });

  it("returns a transcript with its messages, verdict, gold, usage and timing", async () => {
    const t = await json<Transcript>(server, "/api/transcript?run=r1&key=r1-2-5-0");
    expect(t.members[0]).toMatchObject({ personaId: "hostile", itemId: "test/algebra/5.json", sample: 0 });
    expect(t.generation!.messages.map((m) => m.role)).toEqual(["system", "user"]);
    expect(t.generation!.text).toContain(HOSTILE);
    expect(t.score).toMatchObject({ gold: "5", path: expect.any(String), scorer: MATH_SCORER });
    expect(t.generation!.timing).toMatchObject({ totalMs: expect.any(Number) });
    const missing = await get(server, "/api/transcript?run=r2&key=r1-2-5-0");
    expect(missing.status).toBe(404);
  });

  it("compares one problem under every persona", async () => {
    const c = await json<{
      personas: string[];
      entries: { personaId: string; text: string; gold: string }[];
    }>(server, `/api/compare?run=r1&task=math500&item=${encodeURIComponent("test/algebra/8.json")}`);
    expect(c.personas).toEqual(["none", "hostile", "sailor"]);
    expect(c.entries).toHaveLength(6);
    expect(c.entries.every((e) => e.gold === "8")).toBe(true);
  });

  it("refuses bad parameters with 400 and names the problem", async () => {
    for (const query of ["", "run=r1&verdict=maybe", "run=r1&limit=0", "run=r1&after=-1", "run=r1&score=9"]) {
      const answer = await get(server, `/api/generations?${query}`);
      expect(answer.status, query).toBe(400);
      expect(JSON.parse(answer.body).error).toBeTruthy();
    }
  });

  it("answers only GET and HEAD, on its own paths, with its security headers", async () => {
    for (const method of ["POST", "PUT", "DELETE", "PATCH"]) {
      const answer = await get(server, "/api/generations?run=r1", { method });
      expect(answer.status, method).toBe(405);
      expect(answer.headers.allow).toBe("GET, HEAD");
    }
    const head = await get(server, "/api/runs", { method: "HEAD" });
    expect(head.status).toBe(200);
    expect(head.body).toBe("");
    expect((await get(server, "/etc/passwd")).status).toBe(404);
    expect((await get(server, "/assets/../../package.json")).status).toBe(404);
    const page = await get(server, "/generations?run=r1");
    expect(page.status).toBe(200);
    expect(page.headers["content-security-policy"]).toBe(VIEWER_CSP);
    expect(page.headers["x-content-type-options"]).toBe("nosniff");
    // The page has no inline script, style or handler in its markup (the CSP can forbid them), and the hostile
    // response it lists is there as escaped text only.
    expect(page.body).not.toMatch(/<script>|<style|<[^>]*\son\w+=/i);
    expect(page.body).toContain("&lt;img src=x onerror=&quot;alert(1)&quot;&gt;");
    expect(VIEWER_CSP).toMatch(/script-src 'self'/);
    expect(VIEWER_CSP).not.toMatch(/unsafe-inline|https?:/);
  });

  it("refuses requests naming another host (DNS rebinding)", async () => {
    for (const host of [
      "evil.example",
      `evil.example:${server.port}`,
      `127.0.0.1:${server.port + 1}`,
      "localhost.evil.example",
      // A name that merely ends (or starts) like ours is another host.
      `evil-localhost:${server.port}`,
      `evil.localhost:${server.port}`,
      `evil.127.0.0.1:${server.port}`,
      `127.0.0.1.evil:${server.port}`,
      `xlocalhost`,
    ]) {
      const answer = await get(server, "/api/runs", { host });
      expect(answer.status, host).toBe(403);
    }
    for (const host of [`localhost:${server.port}`, `127.0.0.1:${server.port}`, "localhost"]) {
      expect((await get(server, "/api/runs", { host })).status, host).toBe(200);
    }
  });

  it("accepts the names given with allowedHosts (--allow-host) exactly, in any case, and nothing like them", async () => {
    const lan = await startViewerServer({ data, port: 0, allowedHosts: ["box.lan", "Other.Example"] });
    try {
      for (const host of [
        `box.lan:${lan.port}`,
        `BOX.lan:${lan.port}`,
        "box.lan",
        `other.example:${lan.port}`,
      ]) {
        expect((await get(lan, "/api/runs", { host })).status, host).toBe(200);
      }
      for (const host of [
        `evilbox.lan:${lan.port}`,
        `evil.box.lan:${lan.port}`,
        `box.lan.evil.example:${lan.port}`,
        `box.la:${lan.port}`,
        `box.lan:${lan.port + 1}`,
        `anotherother.example:${lan.port}`,
      ]) {
        expect((await get(lan, "/api/runs", { host })).status, host).toBe(403);
      }
    } finally {
      await lan.close();
    }
  });

  it("filters by persona as a bound value: an injection finds nothing, a quote finds its persona", async () => {
    for (const path of ["/api/generations?run=r3", "/api/generations?run=r3&verdict=correct"]) {
      const injected = await json<GenerationPage>(
        server,
        `${path}&persona=${encodeURIComponent("x' OR '1'='1")}`,
      );
      expect(injected.count, path).toBe(0);
      expect(injected.rows, path).toEqual([]);
    }
    const obrien = await json<GenerationPage>(
      server,
      `/api/generations?run=r3&persona=${encodeURIComponent("o'brien")}`,
    );
    expect(obrien.count).toBe(3);
    expect(obrien.rows.every((r) => r.personaId === "o'brien")).toBe(true);
    const quoted = await json<GenerationPage>(
      server,
      `/api/generations?run=r3&verdict=correct&persona=${encodeURIComponent("o'brien")}`,
    );
    expect(quoted.rows.every((r) => r.personaId === "o'brien" && r.verdict === "correct")).toBe(true);
  });

  it("sends a long response in parts that join to the whole, and only a short first part beside others", async () => {
    const key = "r3-2-0-0";
    const db = new Database(storePath, { readonly: true });
    const whole = (db.prepare("SELECT text FROM generations WHERE key = ?").get(key) as { text: string })
      .text;
    db.close();
    const totalBytes = Buffer.byteLength(whole);
    expect(totalBytes).toBeGreaterThan(3 * 128 * 1024);
    const parts = Math.ceil(totalBytes / TRANSCRIPT_PART_BYTES);
    const texts: string[] = [];
    for (let part = 0; part < parts; part++) {
      const answer = await get(server, `/api/transcript?run=r3&key=${key}&part=${part}`);
      expect(answer.status).toBe(200);
      // One part (128 KiB) and the page around it, never the whole response.
      expect(Buffer.byteLength(answer.body)).toBeLessThan(192 * 1024);
      const t = JSON.parse(answer.body) as Transcript;
      expect(t.generation!.textPart).toEqual({ part, parts, partBytes: TRANSCRIPT_PART_BYTES, totalBytes });
      const bytes = Buffer.byteLength(t.generation!.text);
      expect(bytes).toBeGreaterThan(part < parts - 1 ? TRANSCRIPT_PART_BYTES - 4 : 0);
      expect(bytes).toBeLessThan(TRANSCRIPT_PART_BYTES + 4);
      expect(t.generation!.text).not.toContain("\uFFFD");
      texts.push(t.generation!.text);
    }
    expect(texts.join("") === whole, "the parts join to the stored response").toBe(true);
    // Each part as plain text, for reading without script.
    const plain = await get(server, `/transcript.txt?run=r3&key=${key}&part=1`);
    expect(plain.status).toBe(200);
    expect(plain.headers["content-type"]).toBe("text/plain; charset=utf-8");
    expect(plain.body === texts[1]).toBe(true);
    expect((await get(server, `/transcript.txt?run=r2&key=${key}`)).status).toBe(404);
    expect((await get(server, `/transcript.txt?run=r3&key=${key}&part=x`)).status).toBe(400);
    // A part past the end shows the last one; the part must be a whole number.
    const past = await json<Transcript>(server, `/api/transcript?run=r3&key=${key}&part=${parts + 5}`);
    expect(past.generation!.textPart.part).toBe(parts - 1);
    expect((await get(server, `/api/transcript?run=r3&key=${key}&part=-1`)).status).toBe(400);
    // The compare page: every answer's first part only.
    const compare = await get(
      server,
      `/api/compare?run=r3&task=math500&item=${encodeURIComponent("test/algebra/0.json")}`,
    );
    expect(compare.status).toBe(200);
    // Three answers, the long one's first 16 KiB only.
    expect(Buffer.byteLength(compare.body)).toBeLessThan(24 * 1024);
    const entries = (
      JSON.parse(compare.body) as { entries: { key: string; text: string; textPart: { parts: number } }[] }
    ).entries;
    const rambler = entries.find((e) => e.key === key)!;
    expect(whole.startsWith(rambler.text)).toBe(true);
    expect(Buffer.byteLength(rambler.text)).toBeGreaterThan(PREVIEW_PART_BYTES - 4);
    expect(rambler.textPart.parts).toBe(Math.ceil(totalBytes / PREVIEW_PART_BYTES));
    const short = entries.find((e) => e.key === "r3-0-0-0")!;
    expect(short.textPart.parts).toBe(1);
  });

  it("answers 400, not 500, to a malformed %-escape or URL", async () => {
    for (const path of ["/report/%zz", "/report/%E0%A4%A", "/api/runs/%zz", "/api/runs/%C3", "//["]) {
      const answer = await get(server, path);
      expect(answer.status, path).toBe(400);
    }
  });

  it("never changes the store: the connection is read-only and the file is unchanged", async () => {
    expect(() => data.db.prepare("DELETE FROM runs").run()).toThrow(/readonly/i);
    expect(() => data.db.exec("CREATE TABLE t (x)")).toThrow(/readonly/i);
    await get(server, "/api/generations?run=r1", { method: "POST" });
    await get(server, "/api/generations?run=r1&score=3");
    expect(createHash("sha256").update(readFileSync(storePath)).digest("hex")).toBe(digest);
  });

  it("serves a run's report page from its results.json, with a no-script policy", async () => {
    expect((await get(server, "/report/r1")).status).toBe(404);
    expect((await get(server, "/report/..%2F..%2Fetc")).status).toBe(404);
    const report = await get(server, `/report/${REPORT_RUN}`);
    expect(report.status).toBe(200);
    expect(report.body).toMatch(/<svg/);
    const policy = report.headers["content-security-policy"] as string;
    expect(policy).toBe(
      "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    );
    // No script at all: no script-src, so default-src 'none' governs scripts.
    const directives = new Map(
      policy
        .split(";")
        .map((d) => d.trim().split(/\s+/))
        .map(([n, ...v]) => [n, v]),
    );
    expect(directives.get("script-src") ?? directives.get("default-src")).toEqual(["'none'"]);
    expect(report.body).not.toMatch(/<script/i);
  });
});
