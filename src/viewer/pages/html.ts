/**
 * HTML built on the server. Every value interpolated into `html` is escaped unless it is itself `Html`, so text
 * from the store (model output, personas, judges) can only ever become text on the page.
 */
import { escapeHtml } from "../../core/untrusted-text.js";

export class Html {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

type Part = Html | string | number | null | undefined | false | readonly Part[];

function render(part: Part): string {
  if (part === null || part === undefined || part === false) return "";
  if (part instanceof Html) return part.text;
  if (Array.isArray(part)) return part.map(render).join("");
  return escapeHtml(String(part));
}

/** A template whose interpolations are escaped (arrays joined, null/undefined/false left out). */
export function html(strings: TemplateStringsArray, ...values: Part[]): Html {
  let out = strings[0]!;
  for (let i = 0; i < values.length; i++) out += render(values[i]!) + strings[i + 1]!;
  return new Html(out);
}

/** A path with its query, leaving out empty values. */
export function url(path: string, params: Record<string, string | number | null | undefined>): string {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(params))
    if (value !== undefined && value !== null && value !== "") query.set(name, String(value));
  const text = query.toString();
  return text ? `${path}?${text}` : path;
}

export const VERDICT_LABELS: Record<string, string> = {
  correct: "correct",
  wrong: "wrong",
  none: "no answer",
  failed: "failed",
  ungraded: "not graded",
  missing: "not run yet",
};

export const verdictBadge = (verdict: string) =>
  html`<span class="badge v-${verdict}">${VERDICT_LABELS[verdict] ?? verdict}</span>`;

export const judgeBadge = (scores: string) =>
  html`<span class="badge score" title="Judge score(s), first judge first">score ${scores}</span>`;

export const personaName = (id: string | null) => (id === "none" ? "none (control)" : (id ?? "—"));

export const shortKey = (key: string) => (key.length > 12 ? `${key.slice(0, 10)}…` : key);

export function formatBytes(n: number): string {
  if (n >= 1024 * 1024) return `${(n / (1024 * 1024)).toFixed(1)} MB`;
  if (n >= 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${n} bytes`;
}

/** A definition list of the pairs that have a value. */
export function facts(pairs: [string, Part][]): Html {
  const shown = pairs.filter(([, v]) => v !== undefined && v !== null && v !== "");
  return html`<dl class="facts">${shown.map(([name, value]) => html`<dt>${name}</dt><dd>${value}</dd>`)}</dl>`;
}

/** A page: `shown` is the URL it renders (tests wait for it), `crumbs` the trail after the brand. */
export function page(options: { title: string; crumbs: Part[]; body: Part; shown: string }): string {
  const crumbs = options.crumbs.map((c, i) => html`${i > 0 ? html`<span class="sep">/</span>` : null}${c}`);
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${options.title} · persona-bench view</title>
<link rel="icon" href="/assets/icon.svg" type="image/svg+xml">
<link rel="stylesheet" href="/assets/app.css">
<script type="module" src="/assets/app.js"></script>
</head>
<body>
<header class="top"><div class="wrap bar"><a class="brand" href="/">persona-bench <span>view</span></a><nav id="crumbs" aria-label="Breadcrumbs">${crumbs}</nav><span class="ro" title="The store is opened read-only: nothing here can change it">read-only</span></div></header>
<main class="wrap" id="main" data-shown="${options.shown}">${options.body}</main>
<footer class="wrap"><p>Every model output, persona and judge text is shown as plain text. Served from your machine; nothing is fetched from the network.</p></footer>
</body>
</html>
`.text;
}
