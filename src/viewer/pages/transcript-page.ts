import type { PartOf } from "../text-parts.js";
import type { Transcript } from "../transcript.js";
import { facts, formatBytes, type Html, html, judgeBadge, personaName, url, verdictBadge } from "./html.js";
import { responseBlock } from "./response-block.js";

/** Says how much of a long text is shown, with a link to the rest. */
export function partNote(part: PartOf | null, rest: Html | null): Html | null {
  if (!part || part.parts <= 1) return null;
  return html`<p class="note part-note">Only the first ${formatBytes(part.partBytes)} of ${formatBytes(part.totalBytes)} is shown here. ${rest}</p>`;
}

/** Links to the other parts of a transcript's response. */
function partsNav(run: string, key: string, part: PartOf): Html | null {
  if (part.parts <= 1) return null;
  const to = (index: number, label: string) =>
    html`<a href="${url("/transcript", { run, key, part: index > 0 ? index : undefined })}">${label}</a>`;
  const off = (label: string) => html`<span class="disabled">${label}</span>`;
  const last = part.parts - 1;
  return html`<nav class="pager parts" aria-label="Parts of the response">
${part.part > 0 ? to(0, "« First part") : off("« First part")}
${part.part > 0 ? to(part.part - 1, "← Earlier") : off("← Earlier")}
<span class="sub">Part ${part.part + 1} of ${part.parts} · ${formatBytes(part.totalBytes)} in all</span>
${part.part < last ? to(part.part + 1, "Later →") : off("Later →")}
${part.part < last ? to(last, "Last part »") : off("Last part »")}
<a class="secondary" href="${url("/transcript.txt", { run, key, part: part.part })}">This part as plain text</a>
</nav>`;
}

function message(role: string, content: string, part: PartOf): Html {
  const long = content.split("\n").length > 12 || content.length > 1200;
  const body = html`<pre class="text">${content}</pre>${partNote(part, null)}`;
  if (!long) return html`<section class="msg msg-${role}"><h3>${role}</h3>${body}</section>`;
  return html`<section class="msg msg-${role}"><details><summary>${role} (${content.length.toLocaleString("en")} characters)</summary>${body}</details></section>`;
}

const seconds = (value: unknown) => (typeof value === "number" ? `${(value / 1000).toFixed(2)} s` : null);

function verdictPanel(t: Transcript): Html {
  const m = t.members[0]!;
  const s = t.score;
  const content = s
    ? facts([
        ["Verdict", verdictBadge(t.verdict)],
        [
          "Extracted answer",
          s.extracted !== null ? html`<code class="answer">${s.extracted}</code>` : "none found",
        ],
        [
          "Gold answer",
          s.gold !== null
            ? html`<code class="answer gold">${s.gold}</code>`
            : html`<span class="sub">gold not stored (graded before persona-bench recorded it)</span>`,
        ],
        ["How it was reached", [s.path ?? "", ...s.notes].join(" · ")],
        ["Grader", s.scorer],
      ])
    : t.failure
      ? facts([
          ["Failed", `${t.failure.kind}: ${t.failure.message}`],
          ["Attempts", String(t.failure.attempts)],
        ])
      : t.judges.length > 0
        ? facts(
            t.judges.map((j): [string, string] => [
              j.stage.replace(`${m.taskId} `, ""),
              j.score === null ? "unparsed" : `score ${j.score}`,
            ]),
          )
        : html`<p class="sub">No verdict for this call: judge and score-example calls are not graded.</p>`;
  return html`<section class="panel verdict"><h2>Verdict</h2>${content}</section>`;
}

/** A generation as the run used it: the conversation, its verdict or judgements, usage and timing. */
export function transcriptBody(t: Transcript, unfold: boolean): { title: string; body: Html } {
  const { run, key } = t;
  const m = t.members[0]!;
  const g = t.generation;
  const compare =
    m.itemId && t.score
      ? html`<a href="${url("/compare", { run, task: m.taskId, item: m.itemId, personas: m.personaId && m.personaId !== "none" ? m.personaId : undefined })}">Compare with other personas</a>`
      : null;
  const all = m.personaId
    ? html`<a href="${url("/generations", { run, persona: m.personaId, task: m.taskId })}">All answers of ${personaName(m.personaId)}</a>`
    : null;
  const badge =
    t.judges.length > 0
      ? judgeBadge(t.judges.map((j) => j.score ?? "?").join(" · "))
      : verdictBadge(t.verdict);
  const head = html`<div class="page-head"><h1>Transcript</h1>
<p class="muted">Persona ${personaName(m.personaId)} · problem ${m.itemId ? html`<code>${m.itemId}</code>` : "—"}${m.sample !== null ? ` · sample ${m.sample}` : ""} · ${m.stage} ${badge}</p>
<div class="actions">${compare} ${all}</div></div>`;
  let conversation: Html;
  let usage: Html | null = null;
  if (g) {
    // The extracted answer is marked in the last part (graders read the end of a response).
    const lastPart = g.textPart.part === g.textPart.parts - 1;
    const u = g.usage as { promptTokens?: number; completionTokens?: number } | null;
    const timing = g.timing as { ttftMs?: number; totalMs?: number } | null;
    conversation = html`<h2>Conversation</h2>${g.messages.map((msg) => message(msg.role, msg.content, msg.contentPart))}
<section class="msg msg-assistant"><h3>response${g.finishReason !== "stop" ? html`<span class="badge warn">finish: ${g.finishReason}</span>` : null}</h3>
${partsNav(run, key, g.textPart)}${responseBlock(g.text, lastPart ? (t.score?.extracted ?? null) : null, { run, key, part: g.textPart.part, open: unfold })}${partsNav(run, key, g.textPart)}</section>`;
    usage = html`<h2>Usage and timing</h2><div class="panel">${facts([
      ["Prompt tokens", u?.promptTokens?.toLocaleString("en")],
      ["Completion tokens", u?.completionTokens?.toLocaleString("en")],
      ["Time to first token", seconds(timing?.ttftMs)],
      ["Total time", seconds(timing?.totalMs)],
      [
        "Finish reason",
        g.rawFinishReason && g.rawFinishReason !== g.finishReason
          ? `${g.finishReason} (${g.rawFinishReason})`
          : g.finishReason,
      ],
      ["Attempts", String(g.attempts)],
      ["Sampling", JSON.stringify(g.sampling)],
      ["Served by", JSON.stringify(g.served)],
      ["Generated at", g.createdAt],
      ["Cache key", html`<code>${key}</code>`],
    ])}</div>`;
  } else {
    conversation = html`<p class="empty">${t.failure ? "The model call failed; no response is stored." : "This generation has not been run yet."}</p>`;
  }
  const judges =
    t.judges.length === 0
      ? null
      : html`<h2>Judges</h2>${t.judges.map(
          (
            j,
          ) => html`<section class="panel judge"><h3 class="plain">${j.stage.replace(`${m.taskId} `, "")}<span class="badge score">${j.score === null ? "unparsed" : `score ${j.score}`}</span></h3>
<pre class="text">${j.text}</pre>${partNote(j.textPart, html`<a href="${url("/transcript", { run, key: j.key })}">Read the whole verdict</a>`)}
${j.prompt ? html`<details><summary>The judge's prompt</summary><pre class="text">${j.prompt}</pre></details>` : null}</section>`,
        )}`;
  const examples = t.examples
    ? html`<h2>Score examples the judges saw</h2><pre class="text panel">${t.examples.text}</pre>${partNote(t.examples.textPart, html`<a href="${url("/transcript", { run, key: t.examples.key })}">Read them all</a>`)}`
    : null;
  // Usage comes last, after the judges: what was said matters more than what it cost.
  return {
    title: `${m.itemId ?? key.slice(0, 10)} · ${m.personaId ?? ""}`,
    body: html`${head}${verdictPanel(t)}${conversation}${judges}${examples}${usage}`,
  };
}
