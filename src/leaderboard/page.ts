import { type ChartSpec, renderChart } from "../core/html/chart.js";
import { badge, type Cell, code, figure, htmlPage, table } from "../core/html/page.js";
import { escapeHtml } from "../core/untrusted-text.js";
import { stabilityFidelitySpec, tradeOffAxes } from "../report/html/charts/stability-fidelity.js";
import { accuracyHeatmapSpec } from "../task-kinds/charts/accuracy-heatmap.js";
import { lotterySpec } from "../task-kinds/charts/lottery.js";
import type { LeaderboardMathBlock } from "../task-kinds/math/leaderboard.js";
import { personaGymTasksSpec } from "../task-kinds/personagym/charts/task-scores.js";
import { cellValue } from "./build.js";
import { cellText, intervalText, modelText } from "./format.js";
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

/** The math block the group's charts show: MATH500 when present, else the first math task. */
function primaryMath(row: LeaderboardRow, taskId: string | undefined): LeaderboardMathBlock | null {
  if (row.math500) return row.math500;
  return taskId ? (row.mathTasks[taskId] ?? null) : null;
}

async function groupHtml(group: LeaderboardGroup, index: number): Promise<string> {
  const mathTask = group.tasks.find((t) => t.kind === "math");
  const mathId = group.tasks.some((t) => t.id === "math500") ? "math500" : mathTask?.id;
  const mathRows = group.rows.flatMap((row) => {
    const block = primaryMath(row, mathId);
    return block ? [{ row, block }] : [];
  });
  const axes = tradeOffAxes(group.tasks.map((t) => t.kind));
  const [heatmap, lottery, tradeOff, gym] = await Promise.all([
    chart(
      accuracyHeatmapSpec(
        mathRows.map(({ row, block }) => ({ model: label(row), personas: block.personas })),
      ),
    ),
    chart(
      lotterySpec(
        mathRows.flatMap(({ row, block }) =>
          block.lottery ? [{ model: label(row), expectedMaxAtK: block.lottery.expectedMaxAtK }] : [],
        ),
        mathRows[0]?.block.lottery ? `over ${mathRows[0].block.lottery.personas.length} personas` : "",
      ),
    ),
    chart(
      axes &&
        stabilityFidelitySpec(
          group.rows.flatMap((row) => {
            const block = primaryMath(row, mathId);
            if (block?.pss == null || row.personagym?.personaScore == null) return [];
            return [
              {
                model: label(row),
                stability: block.pss,
                stabilityCi95: block.pssCi95,
                fidelity: row.personagym.personaScore,
                fidelityCi95: row.personagym.ci95,
              },
            ];
          }),
          axes,
        ),
    ),
    chart(
      personaGymTasksSpec(
        group.rows.flatMap((row) =>
          row.personagym && Object.keys(row.personagym.tasks).length > 0
            ? [{ model: label(row), tasks: row.personagym.tasks }]
            : [],
        ),
      ),
    ),
  ]);
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
${figure("Accuracy by persona and model", "Each cell is a model's accuracy under one persona; the first column is the control (no persona). Rows that change colour across are models a persona moves.", heatmap)}
${figure("Persona lottery", "Expected best accuracy when k personas are tried and the best kept, one line per model: a steep curve means a lucky prompt flatters the model.", lottery)}
${figure("Stability against fidelity", "PSS* (keeps its math under personas) against PersonaScore (plays its persona), with 95% intervals: the trade-off the PerMix-RLVR paper is about. Up and right is better.", tradeOff)}
${figure("PersonaGym score per task", "Mean judge score (1-5) on each PersonaGym task, per model.", gym)}
</div>
</section>`;
}
