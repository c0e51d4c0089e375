import { markdownCell } from "./escape.js";
import type { Math500Results, Results } from "./types.js";

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const signedPts = (x: number) => `${x >= 0 ? "+" : ""}${(x * 100).toFixed(1)}`;
const pValue = (p: number | null) => (p === null ? "" : p < 0.001 ? "<0.001" : p.toFixed(3));

/** summary.md: what a person reads first. Every outside string goes through markdownCell. */
export function summaryMarkdown(results: Results): string {
  const lines: string[] = [];
  const { model } = results;
  lines.push(`# persona-bench: ${markdownCell(results.benchmark.id)} on ${markdownCell(model.name)}`, "");
  lines.push(
    `- Run \`${markdownCell(results.runId)}\`, status **${results.status}**, finished ${results.finishedAt}`,
    `- Model \`${markdownCell(model.spec)}\`${model.digest ? `, digest \`${markdownCell(model.digest)}\`` : ""}${
      model.serverVersion ? `, server ${markdownCell(model.serverVersion)}` : ""
    }`,
    `- persona-bench ${results.harness.version} on Node ${results.harness.node}; benchmark hash \`${results.benchmark.hash.slice(0, 12)}\``,
    `- Model calls this invocation: ${results.usage.modelCalls}, from cache: ${results.usage.cachedCalls}; tokens in ${results.usage.promptTokens}, out ${results.usage.completionTokens}`,
    "",
  );
  if (results.errors.total > 0) {
    const kinds = Object.entries(results.errors.byKind)
      .map(([kind, n]) => `${kind} ${n}`)
      .join(", ");
    lines.push(
      `> **${results.errors.total} request(s) failed permanently** (${kinds}); they are excluded from every figure below. Run the same command again to retry them.`,
      "",
      "| kind | example reason |",
      "|---|---|",
      ...results.errors.examples.map((e) => `| ${markdownCell(e.kind)} | ${markdownCell(e.message)} |`),
      "",
    );
  }
  if (results.tasks.math500) lines.push(...math500Section(results.tasks.math500));
  lines.push("## Suite choices", "");
  for (const [name, choice] of Object.entries(results.suiteChoices)) {
    lines.push(`- **${markdownCell(name)}**: ${markdownCell(choice)}`);
  }
  lines.push("");
  return lines.join("\n");
}

function math500Section(m: Math500Results): string[] {
  const s = m.summary;
  const lines = [
    "## MATH500 persona stability",
    "",
    `${m.problems} problems x ${m.samples} sample(s) x ${m.personas.length} conditions (control + ${m.personas.length - 1} personas), persona in the ${m.personaPlacement} message. Dataset sha256 \`${m.dataset.sha256.slice(0, 12)}\`${m.dataset.pinned ? " (pinned)" : " (**not the pinned file**)"}.`,
    "",
    "| metric | value |",
    "|---|---|",
    `| control (no persona) accuracy | ${s.controlAccuracy === null ? "n/a" : pct(s.controlAccuracy)} |`,
    `| mean over ${s.personas} personas | ${pct(s.mean)} |`,
    `| std (population) | ${(s.std * 100).toFixed(2)} pts |`,
    `| **PSS\\*** (mean - std, our reconstruction) | **${pct(s.pss)}** |`,
    `| worst persona | ${pct(s.min)} (${s.worst.map(markdownCell).join(", ")}) |`,
    `| best persona | ${pct(s.max)} (${s.best.map(markdownCell).join(", ")}) |`,
    `| range | ${(s.range * 100).toFixed(1)} pts |`,
    `| worst-case retention (worst / control) | ${s.worstRetention === null ? "n/a" : s.worstRetention.toFixed(3)} |`,
    `| flip rate | ${pct(s.flipRate)} |`,
    `| consistency rate | ${pct(s.consistencyRate)} |`,
    "",
    "| persona | category | accuracy | 95% CI | Δ vs control (pts) | Δ 95% CI | p (Holm) | no answer | truncated | errors |",
    "|---|---|---|---|---|---|---|---|---|---|",
  ];
  for (const p of m.personas) {
    lines.push(
      `| ${markdownCell(p.id)} | ${markdownCell(p.category)} | ${pct(p.accuracy)} | ${pct(p.ci95[0])}–${pct(p.ci95[1])} | ${
        p.id === "none" ? "" : signedPts(p.deltaVsControl)
      } | ${p.deltaCi95 ? `${signedPts(p.deltaCi95[0])}…${signedPts(p.deltaCi95[1])}` : ""} | ${pValue(p.pValueHolm)} | ${
        p.extractionFailures
      } | ${p.truncated} | ${p.errors} |`,
    );
  }
  lines.push("", "### Persona lottery (expected best accuracy over k personas)", "");
  const curve = s.lottery ?? {
    personas: m.personas.slice(1).map((p) => p.id),
    expectedMaxAtK: s.expectedMaxAtK,
  };
  lines.push(
    `Personas: ${curve.personas.map(markdownCell).join(", ")}`,
    "",
    "| k | E[max accuracy] |",
    "|---|---|",
  );
  curve.expectedMaxAtK.forEach((value, i) => {
    lines.push(`| ${i + 1} | ${pct(value)} |`);
  });
  lines.push("");
  return lines;
}
