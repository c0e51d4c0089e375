import { markdownCell } from "../report/escape.js";
import { points, show } from "./rules.js";
import type { GateReport, RuleResult } from "./types.js";

const WORD = { pass: "PASS", fail: "FAIL", inconclusive: "INCONCLUSIVE" } as const;
const MEANING = {
  pass: "no regression beyond the policy's margins",
  fail: "a regression beyond the policy",
  inconclusive: "the data cannot decide at the margins asked for",
} as const;

function threshold(r: RuleResult): string {
  if (r.type === "non-inferiority") return `> ${show(r.threshold, r.scale, true)}`;
  if (r.type === "floor") return `>= ${show(r.threshold, r.scale)}`;
  return `drop <= ${points(-r.threshold)} or not significant`;
}

function estimate(r: RuleResult): string {
  return show(r.estimate, r.scale, r.type !== "floor");
}

function bounds(r: RuleResult): string {
  if (!r.bounds) return "-";
  const signed = r.type !== "floor";
  return `[${show(r.bounds[0], r.scale, signed)}, ${show(r.bounds[1], r.scale, signed)}]`;
}

function metricLabel(r: RuleResult): string {
  return r.type === "persona-drop" ? "largest persona drop" : r.metric;
}

/** " (an INCOMPLETE run)" after a run that did not finish, so no output shows it as a finished one. */
function unfinished(run: GateReport["baseline"]): string {
  return run.status === "complete" ? "" : ` (an ${run.status.toUpperCase()} run)`;
}

/** The verdict for a terminal: one headline, one line per rule, then reasons and advice. */
export function renderTerminal(report: GateReport): string {
  const lines = [
    `gate: ${WORD[report.verdict]}: ${MEANING[report.verdict]}`,
    `  baseline  ${report.baseline.runId} (${report.baseline.model}) from ${report.baseline.source}${unfinished(report.baseline)}`,
    `  candidate ${report.candidate.runId} (${report.candidate.model}) from ${report.candidate.source}${unfinished(report.candidate)}`,
    `  policy    ${report.policy.source} (one-sided ${report.policy.confidence * 100}% bounds, paired bootstrap, ${report.policy.bootstrap.resamples} resamples, seed ${report.policy.bootstrap.seed})`,
    "",
  ];
  const rows = report.rules.map((r) => [
    WORD[r.result],
    r.rule,
    r.task,
    estimate(r),
    bounds(r),
    threshold(r),
    `${r.units} ${r.unit}`,
  ]);
  const header = ["result", "rule", "task", "estimate", "bounds", "needs", "paired"];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const format = (row: string[]) => `  ${row.map((cell, i) => cell.padEnd(widths[i]!)).join("  ")}`.trimEnd();
  lines.push(format(header), ...rows.map(format), "");
  for (const r of report.rules) {
    lines.push(`  ${r.rule} [${r.task}]: ${r.reason}`);
    if (r.advice) lines.push(`    to decide: ${r.advice.text}`);
  }
  for (const n of report.notApplicable) lines.push(`  ${n.rule}: not applicable (${n.reason})`);
  for (const note of report.notes) lines.push(`  note: ${note}`);
  return `${lines.join("\n")}\n`;
}

/** The verdict as Markdown (for a PR comment or $GITHUB_STEP_SUMMARY). */
export function renderMarkdown(report: GateReport): string {
  const cell = markdownCell;
  const out = [
    `## persona-bench gate: ${WORD[report.verdict]}`,
    "",
    `${cell(capitalized(MEANING[report.verdict]))}. Baseline \`${cell(report.baseline.runId)}\` (${cell(report.baseline.model)})${cell(unfinished(report.baseline))}, candidate \`${cell(report.candidate.runId)}\` (${cell(report.candidate.model)})${cell(unfinished(report.candidate))}; policy ${cell(report.policy.source)}, one-sided ${report.policy.confidence * 100}% bounds from a paired bootstrap (${report.policy.bootstrap.resamples} resamples, seed ${report.policy.bootstrap.seed}).`,
    "",
    "| result | rule | task | metric | baseline | candidate | estimate | bounds | needs | paired |",
    "|---|---|---|---|---:|---:|---:|---|---|---:|",
  ];
  for (const r of report.rules) {
    const value = (v: number | null) => (v === null ? "-" : show(v, r.scale));
    out.push(
      `| **${WORD[r.result]}** | ${cell(r.rule)} | ${cell(r.task)} | ${cell(metricLabel(r))} | ${value(r.baseline)} | ${value(r.candidate)} | ${estimate(r)} | ${bounds(r)} | ${cell(threshold(r))} | ${r.units} ${r.unit} |`,
    );
  }
  out.push("");
  for (const r of report.rules) {
    out.push(
      `- **${cell(r.rule)}** (${cell(r.task)}): ${cell(r.reason)}${r.advice ? `. To decide: ${cell(r.advice.text)}.` : ""}`,
    );
  }
  for (const n of report.notApplicable) out.push(`- ${cell(n.rule)}: not applicable (${cell(n.reason)})`);
  for (const note of report.notes) out.push(`- Note: ${cell(note)}`);
  return `${out.join("\n")}\n`;
}

function capitalized(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function xml(value: string): string {
  return value
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, "")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;");
}

/** JUnit XML: one test case per rule and task; a failure for fail, a skip for inconclusive. */
export function renderJunit(report: GateReport): string {
  const failures = report.rules.filter((r) => r.result === "fail").length;
  const skipped = report.rules.filter((r) => r.result === "inconclusive").length;
  const counts = `tests="${report.rules.length}" failures="${failures}" errors="0" skipped="${skipped}"`;
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="persona-bench gate" ${counts}>`,
    `  <testsuite name="persona-bench gate: ${xml(report.candidate.runId)} vs ${xml(report.baseline.runId)}" ${counts}>`,
    "    <properties>",
    `      <property name="baseline.status" value="${xml(report.baseline.status)}"/>`,
    `      <property name="candidate.status" value="${xml(report.candidate.status)}"/>`,
    "    </properties>",
  ];
  for (const r of report.rules) {
    const open = `    <testcase classname="persona-bench.gate.${xml(r.task)}" name="${xml(r.rule)}"`;
    const text = `${metricLabel(r)}: estimate ${estimate(r)}, bounds ${bounds(r)}, needs ${threshold(r)}. ${r.reason}`;
    if (r.result === "pass") {
      lines.push(`${open}/>`);
    } else if (r.result === "fail") {
      lines.push(
        `${open}>`,
        `      <failure message="${xml(r.reason)}" type="regression">${xml(text)}</failure>`,
        "    </testcase>",
      );
    } else {
      const advice = r.advice ? ` To decide: ${r.advice.text}.` : "";
      lines.push(
        `${open}>`,
        `      <skipped message="inconclusive: ${xml(r.reason + advice)}"/>`,
        "    </testcase>",
      );
    }
  }
  if (report.notes.length > 0) lines.push(`    <system-out>${xml(report.notes.join("\n"))}</system-out>`);
  lines.push("  </testsuite>", "</testsuites>");
  return `${lines.join("\n")}\n`;
}
