import { type ChartSpec, renderChart } from "../core/html/chart.js";
import { badge, type Cell, code, figure, htmlPage, table } from "../core/html/page.js";
import { escapeHtml } from "../core/untrusted-text.js";
import {
  stabilityFidelitySpec,
  type TradeOffAxes,
  tradeOffAxes,
} from "../report/html/charts/stability-fidelity.js";
import type { LeaderboardGroupTask } from "../task-kinds/section-leaderboard.js";
import { cellValue } from "./build.js";
import { cellText, intervalText, modelText } from "./format.js";
import { leaderboardOf } from "./kinds.js";
import { groupTitle, headerLabel } from "./render.js";
import type { Leaderboard, LeaderboardGroup, LeaderboardRow } from "./types.js";

const e = escapeHtml;

async function chart(spec: ChartSpec | null): Promise<string | null> {
  return spec === null ? null : renderChart(spec);
}

/** leaderboard.html: one section per comparable group, its table first, then its charts. */
export async function leaderboardHtml(board: Leaderboard): Promise<string> {
  const runs = board.groups.reduce((n, g) => n + g.rows.length, 0);
  const body: string[] = [];
  if (board.groups.length > 1) {
    body.push(
      `<div class="callout">These runs measured ${board.groups.length} different things (different benchmark settings or datasets), so they are shown in ${board.groups.length} separate groups and never ranked against each other.</div>`,
    );
  }
  if (board.groups.length === 0) body.push('<p class="note">No results.json was found.</p>');
  let index = 0;
  for (const group of board.groups) body.push(await groupHtml(group, index++));
  if (board.skipped.length > 0) {
    body.push(
      `<section id="skipped"><h2>Files not read</h2><p class="note">Each failed validation against its schema and was skipped whole; the first problem is shown.</p>${table(
        [{ label: "File" }, { label: "Problem" }],
        board.skipped.map((s) => [{ html: code(s.file) }, { html: e(s.problem), className: "persona-text" }]),
      )}</section>`,
    );
  }
  return htmlPage({
    title: "persona-bench leaderboard",
    heading: "Leaderboard",
    lead: `${runs} run(s) in ${board.groups.length} group(s), generated ${e(board.createdAt)}. Capability, stability across personas and persona fidelity side by side, each with its 95% interval. Hover a column header for what it measures.`,
    body: body.join("\n"),
  });
}

function label(row: LeaderboardRow): string {
  return `${modelText(row)}${row.status === "complete" ? "" : ` (${row.status})`}`;
}

/**
 * The group's charts: each kind's own (in the order its tasks first appear), and the stability-against-fidelity
 * chart right after the charts of the kind that gives its stability axis.
 */
async function groupCharts(group: LeaderboardGroup): Promise<string[]> {
  const tasks = group.tasks.map(({ id, kind }) => ({ id, kind }));
  const rows = group.rows.map((row) => ({ label: label(row), fields: row }));
  const kinds = [...new Set(tasks.map((t) => t.kind))];
  const axes = tradeOffAxes(kinds);
  const figures: { title: string; caption: string; spec: ChartSpec | null }[] = [];
  for (const kind of kinds) {
    figures.push(...(leaderboardOf(kind)?.charts?.(rows, tasks) ?? []));
    if (axes?.stability.kind === kind) figures.push(tradeOffFigure(group, tasks, axes));
  }
  return Promise.all(figures.map(async (f) => figure(f.title, f.caption, await chart(f.spec))));
}

function tradeOffFigure(group: LeaderboardGroup, tasks: readonly LeaderboardGroupTask[], axes: TradeOffAxes) {
  const value = (kind: string, row: LeaderboardRow) =>
    leaderboardOf(kind)?.personaFigureValue?.(row, tasks) ?? null;
  const points = group.rows.flatMap((row) => {
    const stability = value(axes.stability.kind, row);
    const fidelity = value(axes.fidelity.kind, row);
    if (!stability || !fidelity) return [];
    return [
      {
        model: label(row),
        stability: stability.value,
        stabilityCi95: stability.ci95,
        fidelity: fidelity.value,
        fidelityCi95: fidelity.ci95,
      },
    ];
  });
  return {
    title: "Stability against fidelity",
    caption: `${axes.stability.reads} against ${axes.fidelity.reads}, with 95% intervals: the trade-off the PerMix-RLVR paper is about. Up and right is better.`,
    spec: stabilityFidelitySpec(points, axes),
  };
}

async function groupHtml(group: LeaderboardGroup, index: number): Promise<string> {
  const charts = await groupCharts(group);
  const columns = group.columns;
  const rows: Cell[][] = group.rows.map((row) => [
    ...columns.map((c): Cell => {
      if (c.id === "rank") return { html: row.rank === null ? "–" : String(row.rank), numeric: true };
      if (c.id === "model") {
        return {
          className: "model",
          html: `<strong>${e(row.model.name)}</strong><span class="ci">${row.model.digest ? e(row.model.digest.replace(/^sha256:/, "").slice(0, 12)) : e(row.model.spec)}</span>${
            row.status === "complete" ? "" : `${badge(row.status)} <span class="sub">not ranked</span>`
          }`,
        };
      }
      const ci = intervalText(row, c);
      const value = cellValue(row, c);
      return {
        html: `${value === null ? '<span class="sub">n/a</span>' : e(cellText(row, c))}${ci ? `<span class="ci">${e(ci)}</span>` : ""}`,
        numeric: true,
        className: c.id === group.sortedBy ? "sorted" : "",
      };
    }),
  ]);
  const headers = [
    ...columns.map((c) => ({
      label: `${headerLabel(c)}${c.id === group.sortedBy ? " ▼" : ""}`,
      title: `${c.description}${c.higherIsBetter === true ? " Higher is better." : c.higherIsBetter === false ? " Lower is better." : ""}`,
      numeric: c.unit !== "text",
    })),
  ];
  return `<section id="group-${index + 1}">
<h2>${e(groupTitle(group))}</h2>
${group.benchmark.description ? `<p class="note">${e(group.benchmark.description)}</p>` : ""}
<ul class="plain note">${group.tasks
    .map(
      (t) =>
        `<li><strong>${e(t.id)}</strong> (${e(t.kind)}, ${e(t.dataset.name)} ${code(t.dataset.hash.slice(0, 12))}): ${e(t.description)}</li>`,
    )
    .join("")}</ul>
${table(headers, rows, {
  className: "leaderboard",
  rowClasses: group.rows.map((row) => (row.rank === null ? "unranked" : "")),
})}
<div class="charts">
${charts.join("\n")}
</div>
</section>`;
}
