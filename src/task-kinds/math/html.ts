import { chartSvg } from "../../core/html/chart.js";
import { type Cell, code, figure, table } from "../../core/html/page.js";
import { pct, pValueText, signedPoints } from "../../core/number-format.js";
import { escapeHtml } from "../../core/untrusted-text.js";
import { lotterySpec } from "../charts/lottery.js";
import { personaAccuracySpec } from "../charts/persona-accuracy.js";
import { personaDeltaSpec } from "../charts/persona-delta.js";
import { headlineCards } from "../headline-view.js";
import { formatFailuresSpec } from "./charts/format-failures.js";
import type { MathSection } from "./section-types.js";

const e = escapeHtml;

/** report.html's section of a math task: headline cards, the spread, four charts and every persona's row. */
export async function mathHtml(m: MathSection): Promise<string> {
  const s = m.summary;
  const control = m.personas.find((p) => p.id === "none");
  const curve = s
    ? (s.lottery ?? {
        personas: m.personas.slice(1).flatMap((p) => (p.accuracy === null ? [] : [p.id])),
        expectedMaxAtK: s.expectedMaxAtK,
      })
    : null;
  const [accuracy, delta, failures, lottery] = await Promise.all([
    chartSvg(personaAccuracySpec(m)),
    chartSvg(personaDeltaSpec(m)),
    chartSvg(formatFailuresSpec(m)),
    chartSvg(
      curve
        ? lotterySpec(
            [
              {
                model: "this model",
                expectedMaxAtK: curve.expectedMaxAtK,
                control: control?.accuracy ?? null,
              },
            ],
            `over ${curve.personas.length} personas: ${curve.personas.join(", ")}`,
          )
        : null,
    ),
  ]);
  const extra = s
    ? `<p class="note">Std ${(s.std * 100).toFixed(2)} pts (population) · worst ${e(pct(s.min))} (${e(s.worst.join(", "))}) · best ${e(pct(s.max))} (${e(s.best.join(", "))}) · worst-case retention ${s.worstRetention === null ? "n/a" : s.worstRetention.toFixed(3)} · flip rate ${e(pct(s.flipRate))} (saturates with many personas; read it beside consistency) · PSS* = ${e(s.pssFormula)}</p>`
    : `<div class="callout">No catalog persona has a graded answer: no spread to report.</div>`;
  const rows: Cell[][] = m.personas.map((p) => {
    const significant = p.pValueHolm !== null && p.pValueHolm < m.statistics.alpha;
    const deltaClass = significant ? (p.deltaVsControl < 0 ? "sig-bad" : "sig-good") : "";
    return [
      { html: `${e(p.id)}<span class="ci">${e(p.category)}</span>` },
      {
        html: p.id === "none" ? '<span class="sub">(no persona: the control)</span>' : e(p.text),
        className: "persona-text",
      },
      {
        html: `${e(pct(p.accuracy))}${p.ci95 ? `<span class="ci">${e(pct(p.ci95[0]))}–${e(pct(p.ci95[1]))}</span>` : ""}`,
        numeric: true,
      },
      {
        html:
          p.id === "none"
            ? ""
            : `<span class="${deltaClass}">${e(signedPoints(p.deltaVsControl))}</span>${
                p.deltaCi95
                  ? `<span class="ci">${e(signedPoints(p.deltaCi95[0]))} … ${e(signedPoints(p.deltaCi95[1]))}</span>`
                  : ""
              }`,
        numeric: true,
      },
      { html: e(pValueText(p.pValueHolm)), numeric: true },
      { html: String(p.extractionFailures), numeric: true },
      { html: String(p.truncated), numeric: true },
      { html: String(p.errors), numeric: true },
    ];
  });
  return `<section id="task-${e(m.id)}">
<h2>${e(m.id.toUpperCase())}: persona stability</h2>
<p class="note">${m.problems} problems x ${m.samples} sample(s) x ${m.personas.length} conditions (control + ${m.personas.length - 1} personas), persona in the ${e(m.personaPlacement)} message. Dataset ${e(m.dataset.name)} ${code(m.dataset.sha256.slice(0, 12))}${m.dataset.pinned ? " (pinned)" : " <strong>(not the pinned file)</strong>"}.</p>
${headlineCards(m)}
${extra}
<div class="charts">
${figure("Accuracy by persona", "Each dot is a persona's accuracy with its 95% interval, best first; the dashed line is the control (no persona).", accuracy)}
${figure("Difference from the control", "Paired on the same problems, in percentage points, with 95% intervals. Filled marks are significant after Holm adjustment.", delta)}
${figure("Format failures", "Share of each persona's graded answers with no extractable final answer (counted as wrong); dark: cut off at the token limit.", failures)}
${figure("Persona lottery", "Expected best accuracy when k personas are tried and the best kept: how much a lucky system prompt can flatter a model.", lottery)}
</div>
<h3>Every persona</h3>
${table(
  [
    { label: "Persona" },
    { label: "System prompt", title: "The persona text exactly as the model saw it." },
    {
      label: "Accuracy",
      title: "Share of graded answers that were correct, with its 95% interval.",
      numeric: true,
    },
    {
      label: "Δ vs control",
      title:
        "Paired difference from the control in points, with its 95% interval; coloured when significant after Holm.",
      numeric: true,
    },
    {
      label: "p (Holm)",
      title: "Exact McNemar test against the control, Holm-adjusted over all personas.",
      numeric: true,
    },
    {
      label: "No answer",
      title: "Answers with no extractable final answer (format failures).",
      numeric: true,
    },
    { label: "Truncated", title: "Answers cut off at the token limit.", numeric: true },
    { label: "Errors", title: "Problems whose requests failed permanently (not graded).", numeric: true },
  ],
  rows,
)}
</section>`;
}

/** The manifest's lines of a math section: how it decoded and which catalog it drew personas from. */
export function mathManifest(m: MathSection): [string, string][] {
  return [
    [`${m.id}: decoding`, code(JSON.stringify(m.decoding))],
    [
      `${m.id}: catalog`,
      `${e(m.catalog.id)} v${e(m.catalog.version)} ${code(m.catalog.sha256.slice(0, 12))}`,
    ],
  ];
}
