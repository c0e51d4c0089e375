import type { RunSummary } from "../types.js";
import { html, url } from "./html.js";

function figure(h: RunSummary["headline"][number]): string {
  if (h.value === null || h.value === undefined) return "n/a";
  return h.unit === "proportion" ? `${(h.value * 100).toFixed(1)}%` : h.value.toFixed(2);
}

const reportLink = (runId: string) => `/report/${encodeURIComponent(runId)}`;

/** The runs list: every run of the store, newest first, with its headline figures. */
export function runsBody(runs: RunSummary[]) {
  const head = html`<div class="page-head"><h1>Runs</h1><p class="muted">${runs.length} run(s) in this store, newest first.</p></div>`;
  if (runs.length === 0)
    return html`${head}<p class="empty">This store holds no run yet. Run a benchmark with persona-bench run.</p>`;
  const rows = runs.map((run) => {
    const model = run.model as { name?: string; provider?: string } | null;
    const generations = url("/generations", { run: run.runId });
    const figures =
      run.headline.length === 0
        ? html`<span class="sub">${run.hasReport ? "—" : "no results.json"}</span>`
        : run.headline.map(
            (h) =>
              html`<div><span class="sub">${h.task} · ${h.label} </span><strong>${figure(h)}</strong></div>`,
          );
    return html`<tr>
<td><a href="${generations}"><code>${run.runId}</code></a></td>
<td><div>${model?.name ?? run.modelSpec}</div><div class="sub">${model?.provider ?? ""}</div></td>
<td>${run.benchmarkId}<div class="sub">${run.tasks.join(", ")}</div></td>
<td><span class="badge s-${run.status}">${run.status}</span></td>
<td class="figures">${figures}</td>
<td class="num">${run.members.toLocaleString("en")}</td>
<td class="sub">${run.updatedAt.replace("T", " ").slice(0, 16)}</td>
<td class="actions"><a href="${generations}">Generations</a>${run.hasReport ? html` <a class="secondary" href="${reportLink(run.runId)}">Report</a>` : null}</td>
</tr>`;
  });
  const header = ["Run", "Model", "Benchmark", "Status", "Headline", "Answers", "Updated", ""].map(
    (h) => html`<th scope="col"${h === "Answers" ? html` class="num"` : null}>${h}</th>`,
  );
  return html`${head}<div class="table-scroll"><table class="runs"><thead><tr>${header}</tr></thead><tbody>${rows}</tbody></table></div>`;
}
