import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { request } from "node:http";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildSyntheticStore, syntheticVerdict } from "../../perf/viewer-store.js";
import { loadResults } from "../../src/results/load.js";
import { COUNT_CAP, type GenerationPage, type Transcript, ViewerData } from "../../src/viewer/data.js";
import { startViewerServer, VIEWER_CSP, type ViewerServer } from "../../src/viewer/server.js";
import { newTempDir, removeTempDir } from "../helpers/tmp.js";

const PERSONAS = ["none", "sailor", "hostile"];
const HOSTILE = `<script>document.title='pwned'</script><img src=x onerror="alert(1)">`;

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
    ]);
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
    expect(t.math).toMatchObject({ gold: "5", path: expect.any(String) });
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
    // The shell has no inline script or style: the CSP can forbid both.
    expect(page.body).not.toMatch(/<script>|<style|\son\w+=/i);
    expect(VIEWER_CSP).toMatch(/script-src 'self'/);
    expect(VIEWER_CSP).not.toMatch(/unsafe-inline|https?:/);
  });

  it("refuses requests naming another host (DNS rebinding)", async () => {
    for (const host of [
      "evil.example",
      `evil.example:${server.port}`,
      `127.0.0.1:${server.port + 1}`,
      "localhost.evil.example",
    ]) {
      const answer = await get(server, "/api/runs", { host });
      expect(answer.status, host).toBe(403);
    }
    for (const host of [`localhost:${server.port}`, `127.0.0.1:${server.port}`, "localhost"]) {
      expect((await get(server, "/api/runs", { host })).status, host).toBe(200);
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
  });
});
