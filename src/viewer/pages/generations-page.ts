import type { GenerationFilter, GenerationPage, GenerationRow, RunFacets } from "../types.js";
import { VERDICTS } from "../types.js";
import { html, judgeBadge, personaName, shortKey, url, VERDICT_LABELS, verdictBadge } from "./html.js";

/** The query parameters of a filter (those the URL had), for links that keep it. */
export function filterParams(filter: GenerationFilter): Record<string, string | undefined> {
  return {
    run: filter.run,
    task: filter.task,
    role: filter.role,
    persona: filter.persona,
    item: filter.item,
    group: filter.group,
    verdict: filter.verdict,
    path: filter.path,
    score: filter.judgeScore === undefined ? undefined : String(filter.judgeScore),
  };
}

function select(
  name: string,
  label: string,
  options: [string, string][],
  chosen: string | undefined,
  help?: string,
) {
  const choices = options.map(
    ([value, text]) =>
      html`<option value="${value}"${(chosen ?? "") === value ? html` selected` : null}>${text}</option>`,
  );
  return html`<label class="filter"${help ? html` title="${help}"` : null}><span>${label}</span><select name="${name}">${choices}</select></label>`;
}

/**
 * The filters as a GET form: without script, "Apply" submits it; with script (app.js), changing a choice does.
 * Each kind's filters show only where they apply (verdicts for graded tasks, judge scores for judged ones).
 */
function filterForm(filter: GenerationFilter, facets: RunFacets) {
  const any: [string, string][] = [["", "any"]];
  const params = filterParams(filter);
  const graded = filter.task === undefined ? facets.graded.length > 0 : facets.graded.includes(filter.task);
  const judged = facets.judged.filter((j) => filter.task === undefined || j.task === filter.task);
  const scale = [...new Set(judged.flatMap((j) => j.scale))].sort((a, b) => a - b);
  const groupLabel = judged.find((j) => j.groupLabel)?.groupLabel ?? "Item group";
  const verdictHelp = "The stored verdict: wrong means an answer was extracted and it differs from the gold";
  const filtered = Object.entries(params).some(([name, value]) => name !== "run" && value !== undefined);
  return html`<form class="filters" role="search" method="get" action="/generations" data-auto>
<input type="hidden" name="run" value="${filter.run}">
${facets.tasks.length > 1 ? select("task", "Task", [...any, ...facets.tasks.map((t): [string, string] => [t, t])], filter.task) : null}
${select(
  "role",
  "Calls",
  [
    ["", "answers (subject)"],
    ["judge", "judgements"],
    ["examples", "score examples"],
    ["all", "every call"],
  ],
  filter.role,
  "Which model calls of the run to list",
)}
${select("persona", "Persona", [...any, ...facets.personas.map((p): [string, string] => [p, personaName(p)])], filter.persona)}
${graded ? select("verdict", "Verdict", [...any, ...VERDICTS.map((v): [string, string] => [v, VERDICT_LABELS[v]!])], filter.verdict, verdictHelp) : null}
${graded && facets.paths.length > 0 ? select("path", "Extraction", [...any, ...facets.paths.map((p): [string, string] => [p, p])], filter.path, "How the grader found the answer") : null}
${judged.length > 0 && facets.groups.length > 0 ? select("group", groupLabel, [...any, ...facets.groups.map((g): [string, string] => [g, g])], filter.group) : null}
${judged.length > 0 ? select("score", "Judge score", [...any, ...scale.map((s): [string, string] => [String(s), String(s)])], params.score, "The score a judge gave this answer") : null}
${filter.item ? html`<input type="hidden" name="item" value="${filter.item}"><span class="chip">problem ${filter.item} <a href="${url("/generations", { ...params, item: undefined })}" aria-label="Clear problem filter">×</a></span>` : null}
<button type="submit" class="apply">Apply</button>
${filtered ? html`<a class="button secondary" href="${url("/generations", { run: filter.run })}">Clear filters</a>` : null}
</form>`;
}

function row(filter: GenerationFilter, r: GenerationRow) {
  const runId = filter.run;
  // Listing other calls than the answers, each says which stage it was.
  const stage = filter.role !== undefined && filter.role !== "subject" && r.stage !== r.taskId;
  const preview =
    r.preview.length > 0 ? r.preview.replace(/\s+/g, " ").slice(0, 140) : `(${shortKey(r.key)})`;
  const item =
    r.itemId === null
      ? "—"
      : html`<a href="${url("/compare", { run: runId, task: r.taskId, item: r.itemId })}"><code>${r.itemId}</code></a>`;
  return html`<tr class="clickable" data-key="${r.key}">
<td>${r.personaId === null ? "—" : personaName(r.personaId)}</td>
<td>${item}${r.group ? html`<div class="sub">${r.group}</div>` : null}${stage ? html`<div class="sub">${r.stage}</div>` : null}</td>
<td class="num">${r.sample ?? "—"}</td>
<td>${r.judgeScores ? judgeBadge(r.judgeScores) : verdictBadge(r.verdict)}</td>
<td>${r.extracted === null ? html`<span class="sub">—</span>` : html`<code class="answer">${r.extracted}</code>`}</td>
<td class="sub">${r.path ?? ""}</td>
<td class="num">${r.completionTokens ?? ""}</td>
<td class="preview"><a href="${url("/transcript", { run: runId, key: r.key })}">${preview}</a></td>
</tr>`;
}

/** One page of a run's generations under the filters in the URL, with links to the pages either side. */
export function generationsBody(filter: GenerationFilter, facets: RunFacets, page: GenerationPage) {
  const run = filter.run;
  const params = filterParams(filter);
  const model = facets.run.model as { name?: string } | null;
  const count = page.countCapped
    ? `more than ${page.count.toLocaleString("en")}`
    : page.count.toLocaleString("en");
  const report = facets.run.hasReport
    ? html`<a href="/report/${encodeURIComponent(run)}">run report</a>`
    : "no report";
  const legacy = facets.legacy
    ? html`<p class="note warn">This run's members were recorded before the store knew personas and problems: run the same command again (every call comes from the cache) to filter by persona, problem and verdict.</p>`
    : null;
  const header = ["Persona", "Problem", "Sample", "Verdict", "Extracted", "Path", "Tokens", "Response"].map(
    (h) => html`<th scope="col"${h === "Tokens" || h === "Sample" ? html` class="num"` : null}>${h}</th>`,
  );
  const table =
    page.rows.length === 0
      ? html`<p class="empty">No generation matches these filters.</p>`
      : html`<div class="table-scroll"><table class="generations"><thead><tr>${header}</tr></thead><tbody>${page.rows.map((r) => row(filter, r))}</tbody></table></div>`;
  const pager = html`<nav class="pager" aria-label="Pages">
${page.prev !== null ? html`<a href="${url("/generations", { ...params, before: page.prev })}" rel="prev">← Previous</a>` : html`<span class="disabled">← Previous</span>`}
<span class="sub">${page.rows.length} shown</span>
${page.next !== null ? html`<a href="${url("/generations", { ...params, after: page.next })}" rel="next">Next →</a>` : html`<span class="disabled">Next →</span>`}
</nav>`;
  return html`<div class="page-head"><h1>Generations</h1><p class="muted">${count} matching in run <code>${run}</code> · ${model?.name ?? facets.run.modelSpec} · ${report}</p></div>
${filterForm(filter, facets)}${legacy}${table}${pager}`;
}
