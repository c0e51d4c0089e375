import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildSyntheticStore } from "../../perf/viewer-store.js";
import { loadResults } from "../../src/results/load.js";
import { EXAMPLES_SYSTEM_PROMPT } from "../../src/task-kinds/personagym/judge/index.js";
import { ViewerData } from "../../src/viewer/data.js";
import { startViewerServer } from "../../src/viewer/server.js";
import { SimulatedModel } from "../e2e/simulated-model.js";
import { type FakeOllama, type RespondContext, type RespondResult, startFakeOllama } from "../fakes/index.js";
import { launchChromium, skipWithoutChromium } from "../helpers/browser.js";
import { type CliRun, runArgs, runCli, startCli } from "../helpers/cli.js";
import { HANG_MS } from "../helpers/hang.js";
import { repoRoot } from "../helpers/paths.js";
import { newTempDir, removeTempDir } from "../helpers/tmp.js";
import { HOSTILE_SCRIPT, LIMIT, MODELS, writeBenchmark } from "../leaderboard/site-fixture.js";

const SCREENSHOTS = join(repoRoot, "reports", "screenshots");

/** What the chef persona's answers end with: markup that would run script if the viewer ever rendered it. */
const HOSTILE_RESPONSE = [
  "<script>window.__pwned = 'script'; document.title = 'pwned-script'</script>",
  `<img src="x" onerror="window.__pwned = 'img'; document.title = 'pwned-img'">`,
  `<a href="javascript:window.__pwned='link'">click me</a>`,
].join("\n");

/** The strong simulated model of the leaderboard fixture; the chef reasons at length and ends with hostile markup. */
function respondWith(sim: SimulatedModel) {
  return (ctx: RespondContext): RespondResult => {
    const system = ctx.messages.find((m) => m.role === "system")?.content ?? "";
    const user = ctx.messages.find((m) => m.role === "user")?.content ?? "";
    if (ctx.model === "judge:70b") {
      if (system === EXAMPLES_SYSTEM_PROMPT) return "Score 1: no.\nScore 3: maybe.\nScore 5: yes.";
      const score = 2 + (user.length % 4);
      return `The answer <b onmouseover="window.__pwned='judge'">fits</b> the persona.\nTherefore, the final score is ${score}`;
    }
    if (!user.includes("Please reason step by step"))
      return `[in character] My answer is ${user.length % 97}.`;
    const answer = sim.respond(ctx);
    if (!/chef/.test(system) || typeof answer !== "string") return answer;
    const steps = Array.from(
      { length: 60 },
      (_, i) => `Step ${i + 1}: taste the sauce and check the arithmetic.`,
    );
    return `${steps.join("\n")}\n${answer}\n${HOSTILE_RESPONSE}`;
  };
}

/** What the inline-script probe uses of the DOM (the tests compile without the DOM library). */
interface InlineScriptDocument {
  createElement(tag: "script"): { textContent: string };
  body: { append(node: unknown): void };
}

/** The few browser globals the page functions use (the tests compile without the DOM library). */
interface BrowserGlobals {
  document: { getElementById(id: string): { dataset: Record<string, string | undefined> } | null };
  location: { pathname: string; search: string };
}

// In CI a missing browser is a failure (the test runs and throws); locally it may be skipped.
describe.skipIf(skipWithoutChromium)("persona-bench view in a real browser (Chromium)", () => {
  let fake: FakeOllama;
  let browser: Browser;
  let dir: string;
  let viewer: CliRun;
  let base: string;
  let runId: string;

  beforeAll(async () => {
    dir = newTempDir();
    const sim = new SimulatedModel(LIMIT, MODELS["sim-strong:7b"]);
    fake = await startFakeOllama({
      respond: respondWith(sim),
      models: [{ name: "sim-strong:7b" }, { name: "judge:70b", family: "mistral" }],
    });
    const bench = writeBenchmark(dir);
    const run = await runCli(
      runArgs(bench, `ollama:sim-strong:7b@${fake.url}`, dir, [
        "--judge",
        `ollama:judge:70b@${fake.url}`,
        "--json",
      ]),
    );
    expect(run.code, run.stderr).toBe(0);
    runId = (JSON.parse(run.stdout) as { runId: string }).runId;
    viewer = startCli([
      "view",
      "--store",
      join(dir, "store.sqlite"),
      "--reports",
      join(dir, "reports"),
      "--port",
      "0",
      "--no-open",
    ]);
    base = await new Promise<string>((resolve, reject) => {
      let out = "";
      viewer.child.stdout!.on("data", (chunk: Buffer) => {
        out += chunk.toString();
        const match = /(http:\/\/127\.0\.0\.1:\d+\/)/.exec(out);
        if (match) resolve(match[1]!);
      });
      viewer.done.then((r) => reject(new Error(`view exited: ${r.stderr}`)));
    });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    if (viewer) {
      viewer.child.kill("SIGINT");
      await viewer.done;
    }
    await fake?.close();
    if (dir) removeTempDir(dir);
  });

  /** A page that records console errors, page errors and any request that leaves the viewer. */
  async function open(width = 1280): Promise<{ page: Page; problems: string[]; foreign: string[] }> {
    const context = await browser.newContext({ viewport: { width, height: 900 } });
    const page = await context.newPage();
    // Playwright's 30 s default fails a slow machine; only a hang should fail.
    context.setDefaultTimeout(HANG_MS);
    const problems: string[] = [];
    const foreign: string[] = [];
    page.on("console", (m) => {
      if (m.type() === "error" || m.type() === "warning") problems.push(`${m.type()}: ${m.text()}`);
    });
    page.on("pageerror", (error) => problems.push(`pageerror: ${error.message}`));
    page.on("request", (r) => {
      if (!r.url().startsWith(base)) foreign.push(r.url());
    });
    return { page, problems, foreign };
  }

  async function shot(page: Page, name: string) {
    mkdirSync(SCREENSHOTS, { recursive: true });
    await page.screenshot({ path: join(SCREENSHOTS, `viewer-${name}.png`), fullPage: true });
  }

  /** Waits until the page has rendered the URL it is on (filters are applied client-side, then fetched). */
  async function shown(page: Page) {
    // A function, not a string: the viewer's CSP forbids eval, which Playwright would need for a string.
    await page.waitForFunction(() => {
      const w = globalThis as unknown as BrowserGlobals;
      return w.document.getElementById("main")?.dataset.shown === w.location.pathname + w.location.search;
    });
  }

  async function notPwned(page: Page) {
    expect(await page.evaluate("window.__pwned")).toBeUndefined();
    expect(await page.title()).not.toMatch(/pwned/);
  }

  it("runs -> one persona's wrong answers -> a transcript -> the side-by-side compare, with no console error", async () => {
    const { page, problems, foreign } = await open();
    await page.goto(base);
    await page.waitForSelector("table.runs");
    expect(await page.locator("table.runs tbody tr").count()).toBe(1);
    expect(await page.locator("table.runs").textContent()).toContain("sim-strong:7b");
    expect(await page.locator("table.runs a", { hasText: "Report" }).count()).toBe(1);
    await shot(page, "runs");

    await page.locator("table.runs a", { hasText: "Generations" }).click();
    await page.waitForSelector("table.generations");
    await page.selectOption("select[name=task]", "math500");
    await page.waitForURL(/task=math500/);
    await shown(page);
    await page.selectOption("select[name=persona]", "toddler");
    await page.waitForURL(/persona=toddler/);
    await shown(page);
    await page.selectOption("select[name=verdict]", "wrong");
    await page.waitForURL(/verdict=wrong/);
    await shown(page);
    await page.waitForSelector("table.generations tbody tr");
    const rows = await page.$$eval("table.generations tbody tr", (trs) =>
      trs.map((tr) => [tr.children[0]!.textContent, tr.querySelector(".badge")!.textContent]),
    );
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) expect(row).toEqual(["toddler", "wrong"]);
    await shot(page, "generations-toddler-wrong");

    // The URL carries the filters: opened afresh (a colleague's tab), it shows the same rows.
    const shared = page.url();
    const { page: other } = await open();
    await other.goto(shared);
    await other.waitForSelector("table.generations tbody tr");
    expect(await other.locator("table.generations tbody tr").count()).toBe(rows.length);
    expect(await other.locator("select[name=verdict]").inputValue()).toBe("wrong");
    await other.context().close();

    await page.locator("table.generations td.preview a").first().click();
    await page.waitForSelector("section.verdict");
    const verdict = await page.locator("section.verdict").textContent();
    expect(verdict).toContain("987654321");
    expect(verdict).toMatch(/Gold answer/);
    expect(verdict).not.toMatch(/gold not stored/);
    expect(await page.locator("section.msg-assistant mark").textContent()).toBe("987654321");
    expect(await page.locator("section.msg-system").textContent()).toContain("toddler");
    await shot(page, "transcript");

    await page.locator("a", { hasText: "Compare with other personas" }).click();
    await page.waitForSelector(".compare .column");
    const personas = await page.$$eval(".compare .column", (cols) =>
      cols.map((c) => c.getAttribute("data-persona")),
    );
    expect(personas[0]).toBe("none");
    expect(personas).toContain("toddler");
    await page.locator("label.check", { hasText: "chef" }).locator("input").check();
    await page.waitForSelector('.compare .column[data-persona="chef"]');
    expect(page.url()).toMatch(/personas=toddler%2Cchef|personas=toddler,chef/);
    await shot(page, "compare");
    await notPwned(page);

    expect(problems).toEqual([]);
    expect(foreign).toEqual([]);
    await page.context().close();
  });

  it("shows a hostile response, persona and judgement as text; none of it runs", async () => {
    const { page, problems, foreign } = await open();
    await page.goto(`${base}generations?run=${encodeURIComponent(runId)}&task=math500&persona=chef`);
    await page.waitForSelector("table.generations td.preview a");
    await page.locator("table.generations td.preview a").first().click();
    await page.waitForSelector("section.msg-assistant");
    // Long responses are folded: head and tail visible, the middle one click away.
    const fold = page.locator("button.fold");
    expect(await fold.count()).toBe(1);
    const response = page.locator("section.msg-assistant");
    expect(await response.textContent()).not.toContain("Step 30:");
    expect(await response.textContent()).toContain(HOSTILE_RESPONSE);
    await shot(page, "transcript-hostile-folded");
    await fold.click();
    expect(await response.textContent()).toContain("Step 30:");
    expect(
      await page.evaluate(
        'document.querySelectorAll("main script, main img, main a[href^=javascript]").length',
      ),
    ).toBe(0);
    await page
      .getByText("click me")
      .first()
      .click({ force: true })
      .catch(() => {});
    await notPwned(page);

    // A hostile persona text in the system message.
    await page.goto(
      `${base}generations?run=${encodeURIComponent(runId)}&task=math500&persona=hostile-script`,
    );
    await page.waitForSelector("table.generations td.preview a");
    await page.locator("table.generations td.preview a").first().click();
    await page.waitForSelector("section.msg-system");
    expect(await page.locator("section.msg-system").textContent()).toContain(HOSTILE_SCRIPT);
    await notPwned(page);

    // PersonaGym: the judges' full verdicts under the answer, their markup as text.
    await page.goto(`${base}generations?run=${encodeURIComponent(runId)}&task=personagym`);
    await page.waitForSelector("table.generations td.preview a");
    await page.locator("table.generations td.preview a").first().click();
    await page.waitForSelector("section.judge");
    const judge = await page.locator("section.judge").first().textContent();
    expect(judge).toMatch(/score \d/);
    expect(judge).toContain(`<b onmouseover="window.__pwned='judge'">fits</b>`);
    await page.locator("section.judge pre").first().hover();
    await shot(page, "transcript-personagym");
    await notPwned(page);

    // Filtered by judge score: every listed answer got that score.
    await page.goto(`${base}generations?run=${encodeURIComponent(runId)}&task=personagym`);
    await shown(page);
    const first = await page.locator("table.generations td .badge").first().textContent();
    const score = (first ?? "").replace("score ", "");
    await page.selectOption("select[name=score]", score);
    await page.waitForURL(new RegExp(`score=${score}`));
    await shown(page);
    const badges = await page.$$eval("table.generations td .badge", (nodes) =>
      nodes.map((n) => n.textContent),
    );
    expect(badges.length).toBeGreaterThan(0);
    for (const badge of badges) expect(badge).toBe(`score ${score}`);
    await shot(page, "generations-personagym-score");

    expect(problems).toEqual([]);
    expect(foreign).toEqual([]);
    await page.context().close();
  });

  it("links each run to its report page with the run report's charts, and fits a phone", async () => {
    const { page, problems } = await open();
    const report = await page.goto(`${base}report/${encodeURIComponent(runId)}`);
    expect(await page.locator("figure.chart svg").count()).toBeGreaterThan(0);
    expect(await page.evaluate('document.querySelectorAll("script").length')).toBe(0);
    // The page's own policy allows no script, inline or not (default-src 'none', no script-src).
    expect(report!.headers()["content-security-policy"]).toBe(
      "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    );
    // Model text that reached the page as markup would be an inline script: the browser refuses to run one.
    const ran = await page.evaluate(() => {
      const doc = (globalThis as unknown as { document: InlineScriptDocument }).document;
      const script = doc.createElement("script");
      script.textContent = "globalThis.__inline = 'ran'";
      doc.body.append(script);
      return (globalThis as unknown as { __inline?: string }).__inline;
    });
    expect(ran).toBeUndefined();
    problems.splice(0, problems.length, ...problems.filter((p) => !/Content Security Policy/.test(p)));
    expect(problems).toEqual([]);
    await page.context().close();

    const phone = await open(390);
    await phone.page.goto(
      `${base}compare?run=${encodeURIComponent(runId)}&task=math500&item=${encodeURIComponent("test/precalculus/807.json")}`,
    );
    await phone.page.waitForSelector(".compare .column, p.empty");
    const overflow = await phone.page.evaluate<number>(
      "document.documentElement.scrollWidth - window.innerWidth",
    );
    expect(overflow).toBeLessThanOrEqual(0);
    await shot(phone.page, "compare-390");
    expect(phone.problems).toEqual([]);
    await phone.page.context().close();
  });
  it("pages a 1 MB response: parts behind plain links, a short first part in the compare column", async () => {
    const longDir = newTempDir();
    const store = join(longDir, "store.sqlite");
    buildSyntheticStore(store, [
      {
        runId: "long",
        personas: ["none", "rambler"],
        problems: 1,
        samples: 1,
        suffixFor: { rambler: " and so on, and so forth".repeat(45_000) },
      },
    ]);
    const data = new ViewerData(store, join(longDir, "reports"), loadResults);
    const server = await startViewerServer({ data, port: 0 });
    const { page, problems, foreign } = await open();
    const sizes: number[] = [];
    page.on("response", async (r) => {
      if (r.url().includes("/api/")) sizes.push((await r.body()).length);
    });
    try {
      await page.goto(`${server.url}transcript?run=long&key=long-1-0-0`);
      await page.waitForSelector("nav.parts");
      expect(await page.locator("nav.parts").first().textContent()).toMatch(/Part 1 of 9 · 1\.0 MB in all/);
      await page.locator("nav.parts a", { hasText: "Later →" }).first().click();
      await page.waitForURL(/part=1/);
      await shown(page);
      expect(await page.locator("nav.parts").first().textContent()).toMatch(/Part 2 of 9/);
      // A part opened afresh, and as plain text with no script at all.
      const href = await page.locator("nav.parts a", { hasText: "plain text" }).first().getAttribute("href");
      expect(href).toMatch(/^\/transcript\.txt\?.*part=1/);
      const noScript = await browser.newContext({ javaScriptEnabled: false });
      const plain = await noScript.newPage();
      await plain.goto(`${server.url}${href!.slice(1)}`);
      const text = (await plain.locator("body").textContent()) ?? "";
      expect(text.length).toBeGreaterThan(100_000);
      expect(text.length).toBeLessThan(140_000);
      await noScript.close();

      await page.goto(
        `${server.url}compare?run=long&task=math500&item=test%2Falgebra%2F0.json&personas=rambler`,
      );
      await page.waitForSelector('.compare .column[data-persona="rambler"] .part-note');
      const note = page.locator('.compare .column[data-persona="rambler"] .part-note');
      expect(await note.textContent()).toMatch(/first 16\.0 KB of 1\.0 MB/);
      expect(await note.locator("a").getAttribute("href")).toBe("/transcript?run=long&key=long-1-0-0");
      // No answer sent to the page holds the whole response.
      expect(Math.max(...sizes)).toBeLessThan(200_000);
      expect(problems).toEqual([]);
      expect(foreign.filter((u) => !u.startsWith(server.url))).toEqual([]);
    } finally {
      await page.context().close();
      await server.close();
      data.close();
      removeTempDir(longDir);
    }
  });
});
