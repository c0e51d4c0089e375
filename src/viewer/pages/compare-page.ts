import type { CompareEntry } from "../types.js";
import { facts, type Html, html, personaName, url, verdictBadge } from "./html.js";
import { responseBlock } from "./response-block.js";
import { partNote } from "./transcript-page.js";

/** The personas asked for in the URL: `personas=a,b` or `personas=a&personas=b` (the form without script). */
export function chosenPersonas(query: URLSearchParams): string[] {
  return query
    .getAll("personas")
    .flatMap((value) => value.split(","))
    .filter((p) => p !== "");
}

function answerCard(run: string, e: CompareEntry, several: boolean): Html {
  const transcript = url("/transcript", { run, key: e.key });
  const response =
    e.text === null
      ? html`<p class="sub">no response</p>`
      : responseBlock(e.text, e.textPart && e.textPart.parts > 1 ? null : e.extracted, {
          run,
          key: e.key,
          part: 0,
          open: false,
        });
  return html`<div class="answer-card"><div class="card-head">${several ? html`<span class="sub">sample ${e.sample} </span>` : null}${verdictBadge(e.verdict)}${e.extracted !== null ? html` <code class="answer">${e.extracted}</code>` : null}<span class="to-transcript"><a href="${transcript}">transcript</a></span></div>
${response}${partNote(e.textPart, html`<a href="${transcript}">Read it all in the transcript</a>`)}</div>`;
}

/** One item under the control and the chosen personas, side by side; the picker is a GET form. */
export function compareBody(
  params: { run: string; task: string; item: string; chosen: string[] },
  found: { personas: string[]; entries: CompareEntry[] },
): Html {
  const { run, task, item } = params;
  const chosen = new Set(params.chosen);
  if (chosen.size === 0) for (const p of found.personas.slice(1, 3)) chosen.add(p);
  const shown = found.personas.filter((p) => p === "none" || chosen.has(p));
  const checks = found.personas
    .filter((p) => p !== "none")
    .map(
      (p) =>
        html`<label class="check"><input type="checkbox" name="personas" value="${p}"${chosen.has(p) ? html` checked` : null}> ${p}</label>`,
    );
  const picker = html`<form class="picker-form" method="get" action="/compare" data-auto>
<input type="hidden" name="run" value="${run}"><input type="hidden" name="task" value="${task}"><input type="hidden" name="item" value="${item}">
<fieldset class="picker"><legend>Personas beside the control</legend>${checks} <button type="submit" class="apply">Show</button></fieldset></form>`;
  const first = found.entries[0];
  const problem = first
    ? html`<section class="panel problem"><h2>Problem</h2><pre class="text">${first.user ?? ""}</pre>${
        first.gold !== null
          ? facts([["Gold answer", html`<code class="answer gold">${first.gold}</code>`]])
          : html`<p class="sub">gold not stored for this run's verdicts</p>`
      }</section>`
    : html`<p class="empty">No answer to this problem in this run.</p>`;
  const columns = shown.map((persona) => {
    const own = found.entries.filter((e) => e.personaId === persona);
    const system = own[0]?.system;
    return html`<section class="column" data-persona="${persona}"><h3>${personaName(persona)}</h3>
${system ? html`<details class="persona-text"><summary>System prompt</summary><pre class="text">${system}</pre></details>` : html`<p class="sub">no system prompt</p>`}
${own.map((e) => answerCard(run, e, own.length > 1))}</section>`;
  });
  return html`<div class="page-head"><h1>Compare</h1><p class="muted">Problem <code>${item}</code> of ${task}: the control and the chosen personas, side by side.</p></div>
${problem}${picker}<div class="compare" data-columns="${Math.min(columns.length, 4)}">${columns}</div>`;
}
