import { badge, code, facts, htmlPage, table } from "../../core/html/page.js";
import { escapeHtml } from "../../core/untrusted-text.js";
import type { Results } from "../../results/types.js";
import { rendererFor } from "../renderers.js";

const e = escapeHtml;

/** report.html of one run: what it measured and on what, each task's figures and charts, its manifest. */
export async function runReportHtml(results: Results): Promise<string> {
  const { model } = results;
  const sections: string[] = [];
  if (results.status !== "complete") {
    sections.push(
      `<div class="callout">This run is <strong>${e(results.status)}</strong>: figures cover what was answered so far. Run the same command again to finish it.</div>`,
    );
  }
  if (results.errors.total > 0) {
    const kinds = Object.entries(results.errors.byKind).map(([kind, n]) => `${kind} ${n}`);
    sections.push(
      `<div class="callout bad"><strong>${results.errors.total} request(s) failed permanently</strong> (${e(kinds.join(", "))}); they are excluded from every figure below.</div>`,
    );
  }
  for (const skipped of results.skipped) {
    sections.push(
      `<div class="callout"><strong>${e(skipped.task)} was not run</strong>: ${e(skipped.reason)}</div>`,
    );
  }
  for (const section of Object.values(results.tasks)) sections.push(await rendererFor(section).html(section));
  sections.push(manifestHtml(results));
  return htmlPage({
    title: `persona-bench: ${results.benchmark.id} on ${model.name}`,
    heading: `${e(model.name)} <span class="sub">on</span> ${e(results.benchmark.id)} ${badge(results.status)}`,
    lead: `Run ${code(results.runId)}, finished ${e(results.finishedAt)}. ${e(results.benchmark.description ?? "")}`,
    body: sections.join("\n"),
  });
}

function json(value: unknown): string {
  return code(JSON.stringify(value));
}

function manifestHtml(r: Results): string {
  const m = r.model;
  const pairs: [string, string][] = [
    ["Run id", code(r.runId)],
    ["Status", badge(r.status)],
    ["Created", e(r.createdAt)],
    ["Finished", e(r.finishedAt)],
    ["Model spec", code(m.spec)],
    ["Provider", e(m.provider)],
    ["Model name", e(m.name)],
    ["Weights digest", m.digest ? code(m.digest) : '<span class="sub">not reported</span>'],
    ["Endpoint", code(m.endpoint)],
    ["Server version", m.serverVersion ? e(m.serverVersion) : '<span class="sub">not reported</span>'],
    ["Benchmark", `${e(r.benchmark.id)} ${code(r.benchmark.hash.slice(0, 16))}`],
    ["Harness", `${e(r.harness.name)} ${e(r.harness.version)} on Node ${e(r.harness.node)}`],
    ["Results schema", e(r.schemaVersion)],
    [
      "Usage",
      `${r.usage.modelCalls} model calls, ${r.usage.cachedCalls} from cache; tokens in ${r.usage.promptTokens}, out ${r.usage.completionTokens}`,
    ],
  ];
  for (const section of Object.values(r.tasks)) {
    pairs.push([`${section.id}: dataset`, `${e(section.dataset.name)} ${code(section.dataset.hash)}`]);
    pairs.push([`${section.id}: scorer`, `${e(section.scorer.name)} ${e(section.scorer.version)}`]);
    pairs.push(...rendererFor(section).manifest(section));
  }
  const kinds = Object.entries(r.errors.byKind);
  pairs.push(["Errors by kind", kinds.length ? e(kinds.map(([k, n]) => `${k} ${n}`).join(", ")) : "none"]);
  const errors =
    r.errors.examples.length > 0
      ? `<h3>Error examples</h3>${table(
          [{ label: "Kind" }, { label: "Request" }, { label: "Message" }],
          r.errors.examples.map((x) => [
            { html: e(x.kind) },
            { html: code(x.key.slice(0, 16)) },
            { html: e(x.message), className: "persona-text" },
          ]),
        )}`
      : "";
  const choices = Object.entries(r.suiteChoices)
    .map(([k, v]) => `<li><strong>${e(k)}</strong>: ${e(v)}</li>`)
    .join("");
  return `<section id="manifest">
<h2>Manifest</h2>
<p class="note">What was measured, on what, with what: enough to reproduce the run or to see why two runs differ.</p>
${facts(pairs)}
${errors}
<details><summary>Suite choices (${Object.keys(r.suiteChoices).length})</summary><ul class="plain">${choices}</ul></details>
<details><summary>Model details reported by the server</summary>${json(m.details)}</details>
</section>`;
}
