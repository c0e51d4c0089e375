/** report.html of one run: the CSP that forbids scripts and fetches, and the model's name escaped everywhere. */
import { describe, expect, it } from "vitest";
import { runReportHtml } from "../../src/report/html/run-page.js";
import { fakeResults } from "../leaderboard/results-factory.js";

const CSP_META =
  "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'\">";
const HOSTILE = '<img src=x onerror="alert(1)">';

describe("report.html", () => {
  it("carries the CSP and escapes a model name that holds markup", async () => {
    const html = await runReportHtml(
      fakeResults({ model: HOSTILE, control: 0.7, personas: { expert: 0.8, toddler: 0.6 } }),
    );
    expect(html).toContain(CSP_META);
    expect(html).not.toContain("<img");
    const escaped = "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;";
    // The heading and the manifest show it.
    expect(html).toContain(`<h1>${escaped} <span class="sub">on</span>`);
    expect(html).toContain(`<dt>Model name</dt><dd>${escaped}</dd>`);
  });
});
