import { mkdirSync, readdirSync } from "node:fs";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FakeOllama } from "../fakes/index.js";
import { launchChromium, skipWithoutChromium } from "../helpers/browser.js";
import { runCli } from "../helpers/cli.js";
import { HANG_MS } from "../helpers/hang.js";
import { repoRoot } from "../helpers/paths.js";
import { newTempDir, removeTempDir } from "../helpers/tmp.js";
import {
  HOSTILE_IMG,
  HOSTILE_SCRIPT,
  runModel,
  startSimulatedServer,
  writeBenchmark,
} from "../leaderboard/site-fixture.js";

const SCREENSHOTS = join(repoRoot, "reports", "screenshots");

// In CI a missing browser is a failure (the test runs and throws); locally it may be skipped.
describe.skipIf(skipWithoutChromium)("HTML reports in a real browser (Chromium, from disk)", () => {
  let fake: FakeOllama;
  let browser: Browser;
  let dir: string;
  let runDirs: string[];

  beforeAll(async () => {
    ({ fake } = await startSimulatedServer());
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await fake?.close();
    // The runs are shared by the tests below, so the folder lives as long as the file.
    if (dir) removeTempDir(dir);
  });

  /** Opens a page from disk and records what would show a problem: console errors, page errors, requests. */
  async function open(
    file: string,
    width: number,
  ): Promise<{ page: Page; problems: string[]; requests: string[] }> {
    const context = await browser.newContext({ viewport: { width, height: 900 } });
    const page = await context.newPage();
    // Playwright's 30 s default fails a slow machine; only a hang should fail.
    context.setDefaultTimeout(HANG_MS);
    const problems: string[] = [];
    const requests: string[] = [];
    page.on("console", (m) => {
      if (m.type() === "error" || m.type() === "warning") problems.push(`${m.type()}: ${m.text()}`);
    });
    page.on("pageerror", (error) => problems.push(`pageerror: ${error.message}`));
    page.on("request", (r) => {
      if (r.url() !== `file://${file}`) requests.push(r.url());
    });
    await page.goto(`file://${file}`, { waitUntil: "load" });
    return { page, problems, requests };
  }

  async function checkPage(file: string, name: string, expectedCharts: number) {
    for (const width of [1280, 390]) {
      const { page, problems, requests } = await open(file, width);
      expect(problems, `${name} console`).toEqual([]);
      expect(requests, `${name} requests`).toEqual([]);
      const charts = await page.$$eval("figure.chart .svg", (nodes) =>
        nodes.map((n) => {
          const svg = n.querySelector(":scope > svg");
          return {
            svg: svg !== null,
            marks: svg
              ? svg.querySelectorAll(
                  "g.role-mark > path, g.role-mark > line, g.role-mark > text, g.role-mark > g",
                ).length
              : 0,
            width: svg?.getBoundingClientRect().width ?? 0,
          };
        }),
      );
      expect(charts.length, `${name} charts`).toBe(expectedCharts);
      for (const chart of charts) {
        expect(chart.svg).toBe(true);
        expect(chart.marks).toBeGreaterThan(0);
        expect(chart.width).toBeLessThanOrEqual(width);
      }
      // Nothing of the page overflows the viewport sideways: wide tables scroll inside their own box.
      const overflow = await page.evaluate<number>(
        "document.documentElement.scrollWidth - window.innerWidth",
      );
      expect(overflow, `${name} horizontal overflow at ${width}px`).toBeLessThanOrEqual(0);
      expect(
        await page.evaluate<number>('document.querySelectorAll("script, img, iframe, object").length'),
      ).toBe(0);
      expect(await page.title()).not.toMatch(/pwned/);
      mkdirSync(SCREENSHOTS, { recursive: true });
      await page.screenshot({ path: join(SCREENSHOTS, `${name}-${width}.png`), fullPage: true });
      await page.context().close();
    }
  }

  it("two runs and their leaderboard open from disk: no console error, no request, every chart an SVG with marks", async () => {
    dir = newTempDir();
    writeBenchmark(dir);
    for (const model of ["sim-strong:7b", "sim-weak:3b"] as const) {
      const run = await runModel(dir, fake, model);
      expect(run.code, run.stderr).toBe(0);
    }
    runDirs = readdirSync(join(dir, "reports")).map((d) => join(dir, "reports", d));
    const lb = await runCli(["leaderboard", join(dir, "reports"), "--out", join(dir, "site")]);
    expect(lb.code, lb.stderr).toBe(0);

    // Leaderboard: heat map, lottery, stability against fidelity, PersonaGym per task.
    await checkPage(join(dir, "site", "leaderboard.html"), "leaderboard", 4);
    // Run report: accuracy, delta, format failures, lottery, PersonaGym per task (one judge: no agreement chart).
    const strong = runDirs.find((d) => d.includes("sim-strong"))!;
    await checkPage(join(strong, "report.html"), "report", 5);
  });

  it("shows hostile persona texts as text and never runs them", async () => {
    const strong = runDirs.find((d) => d.includes("sim-strong"))!;
    const { page, problems } = await open(join(strong, "report.html"), 1280);
    const text = await page.evaluate<string>("document.body.innerText");
    expect(text).toContain(`You are ${HOSTILE_IMG}.`);
    expect(text).toContain(`You are ${HOSTILE_SCRIPT}.`);
    expect(await page.evaluate<number>('document.querySelectorAll("script, img").length')).toBe(0);
    expect(await page.title()).toBe("persona-bench: leaderboard-e2e on sim-strong:7b");
    expect(problems).toEqual([]);
    await page.context().close();
  });
});
