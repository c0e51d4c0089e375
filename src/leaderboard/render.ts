import { Chalk, type ChalkInstance } from "chalk";
import { csvText } from "../core/csv.js";
import { markdownCell, terminalText } from "../core/untrusted-text.js";
import { cellInterval, cellValue } from "./build.js";
import { cellText, intervalText, modelText, statusNote } from "./format.js";
import { leaderboardParts } from "./kinds.js";
import type { Leaderboard, LeaderboardColumn, LeaderboardGroup } from "./types.js";

/** The group's heading: what it measured, so no one compares two groups by accident. */
export function groupTitle(group: LeaderboardGroup): string {
  return `${group.benchmark.id} (benchmark ${group.benchmark.hash.slice(0, 12)})`;
}

/** leaderboard.md. Every outside string goes through markdownCell. */
export function leaderboardMarkdown(board: Leaderboard): string {
  const runs = board.groups.reduce((n, g) => n + g.rows.length, 0);
  const lines = [
    "# persona-bench leaderboard",
    "",
    `${runs} run(s) in ${board.groups.length} group(s), generated ${board.createdAt}. Runs are ranked together only when they ran the same benchmark (same hash: personas, problems, samples, decoding) on the same datasets; each group below measured something different. Runs that did not complete are shown and not ranked. Figures are copied from each run's results.json; 95% intervals in brackets.`,
    "",
  ];
  for (const group of board.groups) {
    lines.push(`## ${markdownCell(groupTitle(group))}`, "");
    if (group.benchmark.description) lines.push(markdownCell(group.benchmark.description), "");
    for (const task of group.tasks) {
      lines.push(
        `- **${markdownCell(task.id)}** (${markdownCell(task.kind)}, dataset ${markdownCell(task.dataset.name)} \`${markdownCell(task.dataset.hash.slice(0, 12))}\`): ${markdownCell(task.description)}`,
      );
    }
    lines.push("", `Sorted by ${markdownCell(columnLabel(group, group.sortedBy))}.`, "");
    const columns = group.columns;
    lines.push(
      `| ${columns.map((c) => markdownCell(headerLabel(c))).join(" | ")} | status |`,
      `|${columns.map((c) => (c.unit === "text" ? "---" : "---:")).join("|")}|---|`,
    );
    for (const row of group.rows) {
      const cells = columns.map((c) => {
        if (c.id === "model") return markdownCell(modelText(row));
        const ci = intervalText(row, c);
        return markdownCell(ci ? `${cellText(row, c)} [${ci}]` : cellText(row, c));
      });
      lines.push(`| ${cells.join(" | ")} | ${markdownCell(row.status)} |`);
    }
    lines.push("");
  }
  const described = new Map<string, LeaderboardColumn>();
  for (const c of board.groups.flatMap((g) => g.columns)) {
    if (c.task !== null && !described.has(headerLabel(c))) described.set(headerLabel(c), c);
  }
  if (described.size > 0) {
    lines.push("## Columns", "");
    for (const [label, c] of described)
      lines.push(`- **${markdownCell(label)}**: ${markdownCell(c.description)}`);
    lines.push("");
  }
  if (board.skipped.length > 0) {
    lines.push("## Files not read", "", "| file | problem |", "|---|---|");
    for (const s of board.skipped) lines.push(`| ${markdownCell(s.file)} | ${markdownCell(s.problem)} |`);
    lines.push("");
  }
  return lines.join("\n");
}

/** A column's header: its label, prefixed by its task unless its kind says the task reads alone. */
export function headerLabel(column: LeaderboardColumn): string {
  const task = column.task;
  if (
    task === null ||
    leaderboardParts().some(({ leaderboard }) => leaderboard.plainLabelTasks?.includes(task))
  )
    return column.label;
  return `${task} ${column.label}`;
}

function columnLabel(group: LeaderboardGroup, id: string): string {
  const column = group.columns.find((c) => c.id === id);
  return column ? (column.task ? `${column.task} ${column.label}` : column.label) : id;
}

/**
 * leaderboard.csv: one row per leaderboard row, every group in one file, raw numbers (shares in [0, 1]) with
 * interval bounds; csvText neutralises every text cell, column names (task ids, metric names) included.
 */
export function leaderboardCsv(board: Leaderboard): string {
  const metricColumns: LeaderboardColumn[] = [];
  for (const c of board.groups.flatMap((g) => g.columns)) {
    if (c.task !== null && !metricColumns.some((m) => m.id === c.id)) metricColumns.push(c);
  }
  const withInterval = new Set(
    metricColumns
      .filter((c) => board.groups.some((g) => g.rows.some((r) => cellInterval(r, c) !== null)))
      .map((c) => c.id),
  );
  const header = [
    "benchmark_id",
    "benchmark_hash",
    "rank",
    "model",
    "model_spec",
    "model_digest",
    "status",
    "run_id",
    "finished_at",
    ...metricColumns.flatMap((c) =>
      withInterval.has(c.id) ? [c.id, `${c.id}_ci95_lo`, `${c.id}_ci95_hi`] : [c.id],
    ),
  ];
  const rows = board.groups.flatMap((group) =>
    group.rows.map((row) => [
      group.benchmark.id,
      group.benchmark.hash,
      row.rank,
      row.model.name,
      row.model.spec,
      row.model.digest,
      row.status,
      row.runId,
      row.finishedAt,
      ...metricColumns.flatMap((c) => {
        const inGroup = group.columns.some((g) => g.id === c.id);
        const value = inGroup ? cellValue(row, c) : null;
        if (!withInterval.has(c.id)) return [value];
        const ci = inGroup ? cellInterval(row, c) : null;
        return [value, ci?.[0], ci?.[1]];
      }),
    ]),
  );
  return csvText(header, rows);
}

/** The terminal table: chalk styles only when `color`; outside text through terminalText. */
export function leaderboardTerminal(board: Leaderboard, color: boolean): string[] {
  const c: ChalkInstance = new Chalk({ level: color ? 1 : 0 });
  const lines: string[] = [];
  if (board.groups.length === 0) lines.push("no results.json to show");
  for (const group of board.groups) {
    lines.push(c.bold(terminalText(groupTitle(group))));
    for (const task of group.tasks)
      lines.push(c.gray(`  ${terminalText(task.id)}: ${terminalText(task.description)}`));
    const columns = group.columns;
    const table = [
      [...columns.map((col) => terminalText(headerLabel(col))), "status"],
      ...group.rows.map((row) => [
        ...columns.map((col) => terminalText(col.id === "model" ? modelText(row) : cellText(row, col))),
        row.status === "complete" ? "" : statusNote(row),
      ]),
    ];
    const widths = table[0]!.map((_, i) => Math.max(...table.map((r) => r[i]!.length)));
    table.forEach((cells, r) => {
      const text = cells
        .map((cell, i) =>
          columns[i]?.unit === "text" || i >= columns.length
            ? cell.padEnd(widths[i]!)
            : cell.padStart(widths[i]!),
        )
        .join("  ")
        .trimEnd();
      const unranked = r > 0 && group.rows[r - 1]!.rank === null;
      lines.push(`  ${r === 0 ? c.bold(text) : unranked ? c.yellow(text) : text}`);
    });
    lines.push("");
  }
  for (const s of board.skipped)
    lines.push(c.yellow(`skipped ${terminalText(s.file)}: ${terminalText(s.problem)}`));
  return lines;
}
