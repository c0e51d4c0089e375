import { markdownCell, terminalText, xmlText } from "../core/untrusted-text.js";
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

/**
 * The verdict for a terminal: one headline, one line per rule, then reasons and advice. Run ids, models, sources,
 * rule and task names, reasons and notes quote the results files and the policy: all go through terminalText.
 */
export function renderTerminal(report: GateReport): string {
  const t = terminalText;
  const lines = [
    `gate: ${WORD[report.verdict]}: ${MEANING[report.verdict]}`,
    `  baseline  ${t(report.baseline.runId)} (${t(report.baseline.model)}) from ${t(report.baseline.source)}${unfinished(report.baseline)}`,
    `  candidate ${t(report.candidate.runId)} (${t(report.candidate.model)}) from ${t(report.candidate.source)}${unfinished(report.candidate)}`,
    `  policy    ${t(report.policy.source)} (one-sided ${report.policy.confidence * 100}% bounds, paired bootstrap, ${report.policy.bootstrap.resamples} resamples, seed ${report.policy.bootstrap.seed})`,
    "",
  ];
  const rows = report.rules.map((r) => [
    WORD[r.result],
    t(r.rule),
    t(r.task),
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
    lines.push(`  ${t(r.rule)} [${t(r.task)}]: ${t(r.reason)}`);
    if (r.advice) lines.push(`    to decide: ${t(r.advice.text)}`);
  }
  for (const n of report.notApplicable) lines.push(`  ${t(n.rule)}: not applicable (${t(n.reason)})`);
  for (const note of report.notes) lines.push(`  note: ${t(note)}`);
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

/** JUnit XML: one test case per rule and task; a failure for fail, a skip for inconclusive. Text through xmlText. */
export function renderJunit(report: GateReport): string {
  const failures = report.rules.filter((r) => r.result === "fail").length;
  const skipped = report.rules.filter((r) => r.result === "inconclusive").length;
  const counts = `tests="${report.rules.length}" failures="${failures}" errors="0" skipped="${skipped}"`;
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="persona-bench gate" ${counts}>`,
    `  <testsuite name="persona-bench gate: ${xmlText(report.candidate.runId)} vs ${xmlText(report.baseline.runId)}" ${counts}>`,
    "    <properties>",
    `      <property name="baseline.status" value="${xmlText(report.baseline.status)}"/>`,
    `      <property name="candidate.status" value="${xmlText(report.candidate.status)}"/>`,
    "    </properties>",
  ];
  for (const r of report.rules) {
    const open = `    <testcase classname="persona-bench.gate.${xmlText(r.task)}" name="${xmlText(r.rule)}"`;
    const text = `${metricLabel(r)}: estimate ${estimate(r)}, bounds ${bounds(r)}, needs ${threshold(r)}. ${r.reason}`;
    if (r.result === "pass") {
      lines.push(`${open}/>`);
    } else if (r.result === "fail") {
      lines.push(
        `${open}>`,
        `      <failure message="${xmlText(r.reason)}" type="regression">${xmlText(text)}</failure>`,
        "    </testcase>",
      );
    } else {
      const advice = r.advice ? ` To decide: ${r.advice.text}.` : "";
      lines.push(
        `${open}>`,
        `      <skipped message="inconclusive: ${xmlText(r.reason + advice)}"/>`,
        "    </testcase>",
      );
    }
  }
  if (report.notes.length > 0)
    lines.push(`    <system-out>${report.notes.map(xmlText).join("\n")}</system-out>`);
  lines.push("  </testsuite>", "</testsuites>");
  return `${lines.join("\n")}\n`;
}
