import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { request } from "node:http";
import { join } from "node:path";
import Database from "better-sqlite3";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildSyntheticStore, syntheticVerdict } from "../../perf/viewer-store.js";
import { loadResults } from "../../src/results/load.js";
import { ViewerData } from "../../src/viewer/data.js";
import { startViewerServer, type ViewerServer } from "../../src/viewer/server.js";
import { launchChromium, skipWithoutChromium } from "../helpers/browser.js";
import { newTempDir, removeTempDir } from "../helpers/tmp.js";

const PERSONAS = ["none", "sailor", "hostile"];

function digest(file: string): string {
  return createHash("sha256").update(readFileSync(file)).digest("hex");
}

function get(server: ViewerServer, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port: server.port, path }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk) => {
        body += chunk;
      });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on("error", reject);
    req.end();
  });
}

describe("the viewer leaves the store byte-identical", () => {
  it("serves every page and endpoint from a store being written (a -wal beside it) without changing a byte", async () => {
    const dir = newTempDir();
    const path = join(dir, "store.sqlite");
    buildSyntheticStore(path, [
      { runId: "r", personas: PERSONAS, problems: 6, samples: 2, failedProblems: [2] },
    ]);
    // A writer holds the store open with a commit still in its write-ahead log, as a run in progress does.
    const writer = new Database(path);
    writer.pragma("journal_mode = WAL");
    writer.pragma("wal_autocheckpoint = 0");
    writer.prepare("UPDATE runs SET status = 'running' WHERE run_id = 'r'").run();
    expect(existsSync(`${path}-wal`)).toBe(true);
    const before = [digest(path), digest(`${path}-wal`)];
    const data = new ViewerData(path, join(dir, "reports"), loadResults);
    const server = await startViewerServer({ data, port: 0 });
    try {
      const item = encodeURIComponent("test/algebra/1.json");
      for (const page of [
        "/",
        "/generations?run=r",
        "/generations?run=r&verdict=wrong&persona=sailor",
        "/generations?run=r&path=none&limit=2",
        `/generations?run=r&item=${item}&role=all`,
        "/generations?run=r&score=3",
        "/transcript?run=r&key=r-1-1-0",
        "/transcript?run=r&key=r-1-1-0&unfold=1",
        `/compare?run=r&task=math500&item=${item}&personas=sailor&personas=hostile`,
        "/transcript.txt?run=r&key=r-1-1-0",
        "/api/runs",
        "/api/runs/r",
        "/api/generations?run=r&verdict=failed",
      ]) {
        const answer = await get(server, page);
        expect(answer.status, page).toBe(200);
      }
      expect((await get(server, "/generations?run=r&verdict=maybe")).status).toBe(400);
      expect((await get(server, "/generations?run=nope")).status).toBe(404);
    } finally {
      await server.close();
      data.close();
    }
    expect([digest(path), digest(`${path}-wal`)]).toEqual(before);
    writer.close();
    removeTempDir(dir);
  });
});

// In CI a missing browser is a failure (the test runs and throws); locally it may be skipped.
describe.skipIf(skipWithoutChromium)("the viewer with JavaScript disabled (Chromium)", () => {
  let dir: string;
  let data: ViewerData;
  let server: ViewerServer;
  let browser: Browser;

  beforeAll(async () => {
    dir = newTempDir();
    buildSyntheticStore(join(dir, "store.sqlite"), [
      { runId: "r1", personas: PERSONAS, problems: 40, samples: 2 },
    ]);
    data = new ViewerData(join(dir, "store.sqlite"), join(dir, "reports"), loadResults);
    server = await startViewerServer({ data, port: 0 });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    data?.close();
    if (dir) removeTempDir(dir);
  });

  async function open(): Promise<Page> {
    const context = await browser.newContext({
      javaScriptEnabled: false,
      viewport: { width: 1280, height: 900 },
    });
    // Pages come rendered: a missing element is a failure, not something to wait minutes for.
    context.setDefaultTimeout(20_000);
    return context.newPage();
  }

  const cells = (page: Page) =>
    page.$$eval("table.generations tbody tr", (trs) =>
      trs.map((tr) => [tr.children[0]!.textContent, tr.querySelector(".badge")!.textContent]),
    );

  it("filters with the form, pages with links, opens a transcript and compares personas", async () => {
    const page = await open();
    await page.goto(server.url);
    await page.locator("table.runs a", { hasText: "Generations" }).click();
    await page.waitForSelector("table.generations");
    expect(await page.locator("table.generations tbody tr").count()).toBe(50);
    await page.screenshot({ path: "/tmp/viewer-noscript-generations.png", fullPage: true });

    // Choosing does nothing without script; Apply submits the form (a GET with the choices in the URL).
    await page.selectOption("select[name=persona]", "sailor");
    await page.selectOption("select[name=verdict]", "wrong");
    await Promise.all([page.waitForURL(/verdict=wrong/), page.locator("button.apply").click()]);
    expect(page.url()).toMatch(/persona=sailor/);
    const rows = await cells(page);
    let expected = 0;
    for (let problem = 0; problem < 40; problem++)
      for (let sample = 0; sample < 2; sample++)
        if (syntheticVerdict(1, problem, sample) === "wrong") expected++;
    expect(rows).toHaveLength(expected);
    for (const row of rows) expect(row).toEqual(["sailor", "wrong"]);
    expect(await page.locator("main p.muted").first().textContent()).toMatch(
      new RegExp(`^${expected} matching`),
    );
    await page.screenshot({ path: "/tmp/viewer-noscript-filtered.png", fullPage: true });

    // Paging is links: forwards then back gives the first page again, filters kept.
    await page.goto(`${server.url}generations?run=r1&persona=none`);
    const first = await page.$$eval("table.generations tbody tr", (trs) =>
      trs.map((tr) => tr.getAttribute("data-key")),
    );
    await page.locator("nav.pager a", { hasText: "Next →" }).click();
    await page.waitForURL(/after=/);
    expect(page.url()).toMatch(/persona=none/);
    const second = await page.$$eval("table.generations tbody tr", (trs) =>
      trs.map((tr) => tr.getAttribute("data-key")),
    );
    expect(second).toHaveLength(30);
    expect(second.every((k) => k?.startsWith("r1-0-"))).toBe(true);
    expect(second.filter((k) => first.includes(k))).toEqual([]);
    await page.locator("nav.pager a", { hasText: "← Previous" }).click();
    await page.waitForURL(/before=/);
    expect(
      await page.$$eval("table.generations tbody tr", (trs) => trs.map((tr) => tr.getAttribute("data-key"))),
    ).toEqual(first);

    // A transcript: the stored verdict, gold and the extracted answer marked.
    await page.goto(`${server.url}generations?run=r1&persona=none&verdict=correct`);
    await page.locator("table.generations td.preview a").first().click();
    await page.waitForSelector("section.verdict");
    const gold = await page.locator("section.verdict code.gold").textContent();
    expect(await page.locator("section.verdict").textContent()).toMatch(/Verdictcorrect/);
    expect(await page.locator("section.msg-assistant mark").textContent()).toBe(gold);
    await page.screenshot({ path: "/tmp/viewer-noscript-transcript.png", fullPage: true });

    // Compare: tick personas and Show; both columns beside the control.
    await page.goto(
      `${server.url}compare?run=r1&task=math500&item=${encodeURIComponent("test/algebra/5.json")}&personas=sailor`,
    );
    expect(
      await page.$$eval(".compare .column", (c) => c.map((x) => x.getAttribute("data-persona"))),
    ).toEqual(["none", "sailor"]);
    await page.locator("label.check", { hasText: "hostile" }).locator("input").check();
    await Promise.all([page.waitForURL(/personas=hostile/), page.locator("button.apply").click()]);
    expect(
      await page.$$eval(".compare .column", (c) => c.map((x) => x.getAttribute("data-persona"))),
    ).toEqual(["none", "hostile", "sailor"]);
    await page.screenshot({ path: "/tmp/viewer-noscript-compare.png", fullPage: true });
    await page.context().close();
  });
});
