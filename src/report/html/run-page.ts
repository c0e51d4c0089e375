import { pct, pValueText, scoreText, signedPoints } from "../../core/number-format.js";
import { escapeHtml } from "../../core/untrusted-text.js";
import type { Results, TaskSection } from "../../results/types.js";
import type { MathSection } from "../../task-kinds/math/section-types.js";
import { isMathSection } from "../../task-kinds/math/section-types.js";
import type { PersonaGymSection } from "../../task-kinds/personagym/section-types.js";
import { isPersonaGymSection } from "../../task-kinds/personagym/section-types.js";
import { headlineValue } from "../renderers.js";
import { formatFailuresSpec } from "./charts/format-failures.js";
import { judgeAgreementSpec } from "./charts/judge-agreement.js";
import { lotterySpec } from "./charts/lottery.js";
import { personaAccuracySpec } from "./charts/persona-accuracy.js";
import { personaDeltaSpec } from "./charts/persona-delta.js";
import { personaGymTasksSpec } from "./charts/personagym-tasks.js";
import { type ChartSpec, renderChart } from "./charts/render.js";
import { badge, type Cell, card, code, facts, figure, htmlPage, table } from "./page.js";

const e = escapeHtml;

async function chart(spec: ChartSpec | null): Promise<string | null> {
  return spec === null ? null : renderChart(spec);
}

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
  for (const section of Object.values(results.tasks)) {
    if (isMathSection(section)) sections.push(await mathHtml(section));
    else if (isPersonaGymSection(section)) sections.push(await personaGymHtml(section));
    else sections.push(genericHtml(section));
  }
  sections.push(manifestHtml(results));
  return htmlPage({
    title: `persona-bench: ${results.benchmark.id} on ${model.name}`,
    heading: `${e(model.name)} <span class="sub">on</span> ${e(results.benchmark.id)} ${badge(results.status)}`,
    lead: `Run ${code(results.runId)}, finished ${e(results.finishedAt)}. ${e(results.benchmark.description ?? "")}`,
    body: sections.join("\n"),
  });
}

function headlineCards(section: TaskSection): string {
  return `<div class="cards">${section.headline
    .map((m) => {
      const [value, interval] = splitHeadline(headlineValue(m));
      return card(m.label, value, interval ? `95% CI ${interval}` : "", m.description);
    })
    .join("")}</div>`;
}

function splitHeadline(text: string): [string, string] {
  const i = text.indexOf(" [");
  return i < 0 ? [text, ""] : [text.slice(0, i), text.slice(i + 1)];
}

async function mathHtml(m: MathSection): Promise<string> {
  const s = m.summary;
  const control = m.personas.find((p) => p.id === "none");
  const curve = s
    ? (s.lottery ?? {
        personas: m.personas.slice(1).flatMap((p) => (p.accuracy === null ? [] : [p.id])),
        expectedMaxAtK: s.expectedMaxAtK,
      })
    : null;
  const [accuracy, delta, failures, lottery] = await Promise.all([
    chart(personaAccuracySpec(m)),
    chart(personaDeltaSpec(m)),
    chart(formatFailuresSpec(m)),
    chart(
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

async function personaGymHtml(g: PersonaGymSection): Promise<string> {
  const [tasks, agreement] = await Promise.all([
    chart(personaGymTasksSpec([{ model: "this model", tasks: g.tasks }])),
    chart(judgeAgreementSpec(g)),
  ]);
  const judges = table(
    [
      { label: "Judge" },
      { label: "PersonaScore", title: "This judge's own PersonaScore (1-5).", numeric: true },
      { label: "Judged", numeric: true },
      { label: "Unparsed", title: "Verdicts still unparseable after one retry (excluded).", numeric: true },
      {
        label: "Same family",
        title: "The judge comes from the subject's model family: its scores may favour the subject.",
      },
    ],
    g.judges.map((j) => [
      { html: `${e(j.name)}<span class="ci">${e(j.spec)}</span>` },
      { html: e(scoreText(j.personaScore)), numeric: true },
      { html: String(j.judged), numeric: true },
      { html: String(j.unparsed), numeric: true },
      { html: j.sameFamilyAsSubject ? "<strong>yes</strong>" : "no" },
    ]),
  );
  const agreementNote = g.agreement
    ? ""
    : '<p class="note">One judge: no inter-judge agreement to report.</p>';
  return `<section id="task-${e(g.id)}">
<h2>${e(g.id)}: persona fidelity</h2>
<p class="note">${g.personasEvaluated} personas, ${g.questions} questions, ${g.judges.length} judge(s); ${g.unanswered} question(s) unanswered, ${g.unparsed.total} judgement(s) unparsed.</p>
${headlineCards(g)}
<div class="charts">
${figure("Score per task", "Mean judge score over personas for each PersonaGym task (1-5).", tasks)}
${figure("Judge agreement", "Agreement between judges per task; the dashed line marks alpha 0.667, a common floor for tentative conclusions.", agreement)}
</div>
${agreementNote}
<h3>Judges</h3>
${judges}
</section>`;
}

function genericHtml(section: TaskSection): string {
  return `<section id="task-${e(section.id)}">
<h2>${e(section.id)} (${e(section.kind)})</h2>
${headlineCards(section)}
${table(
  [{ label: "Metric" }, { label: "Value (95% CI)", numeric: true }, { label: "Description" }],
  section.headline.map((m) => [
    { html: e(m.label) },
    { html: e(headlineValue(m)), numeric: true },
    { html: e(m.description) },
  ]),
)}
</section>`;
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
    if (isMathSection(section)) {
      pairs.push([`${section.id}: decoding`, json(section.decoding)]);
      pairs.push([
        `${section.id}: catalog`,
        `${e(section.catalog.id)} v${e(section.catalog.version)} ${code(section.catalog.sha256.slice(0, 12))}`,
      ]);
    }
    if (isPersonaGymSection(section)) {
      pairs.push([`${section.id}: decoding`, json(section.settings.decoding)]);
      pairs.push([`${section.id}: judge decoding`, json(section.settings.judgeDecoding)]);
      pairs.push([
        `${section.id}: rubrics`,
        `${e(section.settings.rubrics)}, judge prompt ${e(section.settings.judgePromptVersion)}`,
      ]);
    }
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
