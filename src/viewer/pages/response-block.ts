import { type Html, html } from "./html.js";

/** Responses longer than this many lines are folded: head and tail shown, the middle one click away. */
const FOLD_LINES = 40;
const FOLD_HEAD = 14;
const FOLD_TAIL = 10;

/** Text from `start` to `end` as a <pre>, the marked range (the extracted answer) in a <mark>. */
function segment(text: string, start: number, end: number, mark: [number, number] | null): Html {
  if (!mark || mark[0] >= end || mark[1] <= start)
    return html`<pre class="text">${text.slice(start, end)}</pre>`;
  const a = Math.max(start, mark[0]);
  const b = Math.min(end, mark[1]);
  return html`<pre class="text">${text.slice(start, a)}<mark title="the answer the grader extracted">${text.slice(a, b)}</mark>${text.slice(b, end)}</pre>`;
}

/**
 * A response as text, the extracted answer's last occurrence marked, long ones folded. The fold is a form that
 * opens the whole transcript unfolded (no script needed); with script, app.js shows the middle in place from the
 * <template> (whose content is not part of the page's text until then).
 */
export function responseBlock(
  text: string,
  extracted: string | null,
  unfold: { run: string; key: string; part: number; open: boolean },
): Html {
  const at = extracted ? text.lastIndexOf(extracted) : -1;
  const mark: [number, number] | null = at >= 0 && extracted ? [at, at + extracted.length] : null;
  const lines = text.split("\n");
  if (unfold.open || lines.length <= FOLD_LINES)
    return html`<div class="response">${segment(text, 0, text.length, mark)}</div>`;
  const headEnd = lines.slice(0, FOLD_HEAD).join("\n").length + 1;
  const tailStart = text.length - lines.slice(-FOLD_TAIL).join("\n").length;
  const hidden = lines.length - FOLD_HEAD - FOLD_TAIL;
  return html`<div class="response">${segment(text, 0, headEnd, mark)}<form class="fold-form" method="get" action="/transcript">
<input type="hidden" name="run" value="${unfold.run}"><input type="hidden" name="key" value="${unfold.key}">${unfold.part > 0 ? html`<input type="hidden" name="part" value="${unfold.part}">` : null}<input type="hidden" name="unfold" value="1">
<button type="submit" class="fold">Show ${hidden} more lines</button>
<template>${segment(text, headEnd, tailStart, mark)}</template></form>${segment(text, tailStart, text.length, mark)}</div>`;
}
