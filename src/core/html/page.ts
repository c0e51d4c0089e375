import { escapeHtml } from "../../core/untrusted-text.js";

/**
 * The shell of every HTML report: one self-contained file (inline CSS, charts as inline SVG, no script, no font,
 * no image, nothing fetched). The Content-Security-Policy forbids scripts and every network request, so even a
 * string that escaped escaping could run nothing and load nothing.
 */
export function htmlPage(options: { title: string; heading: string; lead: string; body: string }): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(options.title)}</title>
<style>${CSS}</style>
</head>
<body>
<header class="top"><div class="wrap"><p class="brand">persona-bench</p><h1>${options.heading}</h1><p class="lead">${options.lead}</p></div></header>
<main class="wrap">
${options.body}
</main>
<footer class="wrap"><p>Written by persona-bench. Every figure is copied from the runs' results.json; charts rendered with Vega-Lite at build time.</p></footer>
</body>
</html>
`;
}

/** A chart with its title and a sentence saying how to read it. `svg` is Vega's output (its text is escaped). */
export function figure(title: string, caption: string, svg: string | null): string {
  if (svg === null) return "";
  return `<figure class="chart"><figcaption><h3>${escapeHtml(title)}</h3><p>${escapeHtml(caption)}</p></figcaption><div class="svg">${svg}</div></figure>`;
}

export interface Cell {
  html: string;
  /** Numbers align right. */
  numeric?: boolean;
  className?: string;
}

/** A table that scrolls sideways on a phone, its first column pinned; header hovers explain each column. */
export function table(
  headers: { label: string; title?: string; numeric?: boolean }[],
  rows: Cell[][],
  options: { className?: string; rowClasses?: string[] } = {},
): string {
  const head = headers
    .map(
      (h) =>
        `<th scope="col"${h.numeric ? ' class="num"' : ""}${h.title ? ` title="${escapeHtml(h.title)}"` : ""}>${escapeHtml(h.label)}${
          h.title ? '<span class="hint" aria-hidden="true">?</span>' : ""
        }</th>`,
    )
    .join("");
  const body = rows
    .map(
      (cells, i) =>
        `<tr${options.rowClasses?.[i] ? ` class="${options.rowClasses[i]}"` : ""}>${cells
          .map((c) => {
            const classes = [c.numeric ? "num" : "", c.className ?? ""].filter(Boolean).join(" ");
            return `<td${classes ? ` class="${classes}"` : ""}>${c.html}</td>`;
          })
          .join("")}</tr>`,
    )
    .join("\n");
  return `<div class="table-scroll"><table${options.className ? ` class="${options.className}"` : ""}><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table></div>`;
}

/** A definition list of label / value pairs (values already HTML). */
export function facts(pairs: [string, string][]): string {
  return `<dl class="facts">${pairs.map(([k, v]) => `<div><dt>${escapeHtml(k)}</dt><dd>${v}</dd></div>`).join("")}</dl>`;
}

export function code(text: string): string {
  return `<code>${escapeHtml(text)}</code>`;
}

export function badge(status: string): string {
  return `<span class="badge badge-${status === "complete" ? "ok" : "warn"}">${escapeHtml(status)}</span>`;
}

/** A headline figure as a card: label, value, interval, description on hover. */
export function card(label: string, value: string, detail: string, description: string): string {
  return `<div class="card" title="${escapeHtml(description)}"><div class="card-label">${escapeHtml(label)}</div><div class="card-value">${escapeHtml(value)}</div><div class="card-detail">${escapeHtml(detail)}</div></div>`;
}

const CSS = `
:root{--fg:#111827;--muted:#6b7280;--line:#e5e7eb;--bg:#f9fafb;--accent:#2563eb;--warn:#b45309;--bad:#b91c1c}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:var(--fg);background:var(--bg);line-height:1.5;font-size:15px}
.wrap{max-width:1180px;margin:0 auto;padding:0 20px}
header.top{background:#fff;border-bottom:1px solid var(--line);padding:18px 0 14px;margin-bottom:20px}
.brand{margin:0;font-size:12px;letter-spacing:.08em;text-transform:uppercase;color:var(--accent);font-weight:700}
h1{margin:4px 0 6px;font-size:24px;line-height:1.25;overflow-wrap:anywhere}
h2{font-size:19px;margin:32px 0 10px;padding-top:8px;border-top:1px solid var(--line);overflow-wrap:anywhere}
h3{font-size:15px;margin:0 0 2px}
section>h3{margin-top:18px}
.lead{margin:0;color:var(--muted);max-width:80ch}
section{margin-bottom:28px}
p.note{color:var(--muted);margin:6px 0 12px;max-width:90ch}
.callout{background:#fffbeb;border:1px solid #fde68a;border-radius:8px;padding:10px 14px;margin:10px 0}
.callout.bad{background:#fef2f2;border-color:#fecaca}
.table-scroll{overflow-x:auto;-webkit-overflow-scrolling:touch;background:#fff;border:1px solid var(--line);border-radius:8px;margin:8px 0 16px}
table{border-collapse:collapse;width:100%;font-size:14px;font-variant-numeric:tabular-nums}
th,td{padding:7px 9px;border-bottom:1px solid var(--line);text-align:left;vertical-align:top}
th{background:#f3f4f6;font-weight:600;position:sticky;top:0;cursor:help;vertical-align:bottom;line-height:1.25}
th.num{white-space:normal;min-width:64px}
td.model{white-space:nowrap}
th:not([title]){cursor:default}
td.num,th.num{text-align:right}
td.num{white-space:nowrap}
tbody tr:last-child td{border-bottom:0}
tbody tr:hover td{background:#f9fafb}
th:first-child,td:first-child{position:sticky;left:0;background:#fff;z-index:1}
th:first-child{background:#f3f4f6}
.hint{display:inline-block;margin-left:4px;width:14px;height:14px;line-height:14px;border-radius:50%;background:#e5e7eb;color:#4b5563;font-size:10px;text-align:center;vertical-align:1px}
.ci{display:block;color:var(--muted);font-size:12px}
.sub{color:var(--muted);font-size:12px}
td.sorted{font-weight:700}
tr.unranked td{color:#78716c;background:#fafaf9}
tr.unranked td:first-child{background:#fafaf9}
.badge{display:inline-block;padding:1px 8px;border-radius:999px;font-size:12px;font-weight:600}
.badge-ok{background:#dcfce7;color:#166534}
.badge-warn{background:#fef3c7;color:#92400e}
.persona-text{max-width:46ch;min-width:18ch;overflow-wrap:anywhere;color:#374151}
.sig-bad{color:var(--bad);font-weight:600}
.sig-good{color:var(--accent);font-weight:600}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(150px,1fr));gap:10px;margin:12px 0 18px}
.card{background:#fff;border:1px solid var(--line);border-radius:8px;padding:10px 12px;cursor:help}
.card-label{font-size:12px;color:var(--muted);font-weight:600;text-transform:uppercase;letter-spacing:.03em}
.card-value{font-size:22px;font-weight:700;font-variant-numeric:tabular-nums}
.card-detail{font-size:12px;color:var(--muted)}
.charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(min(100%,560px),1fr));gap:16px}
figure.chart{margin:0;background:#fff;border:1px solid var(--line);border-radius:8px;padding:12px 14px;min-width:0}
figure.chart p{margin:0 0 8px;color:var(--muted);font-size:13px}
.svg{overflow-x:auto}
.svg svg{max-width:100%;height:auto;display:block}
dl.facts{display:grid;grid-template-columns:repeat(auto-fill,minmax(260px,1fr));gap:0 18px;background:#fff;border:1px solid var(--line);border-radius:8px;padding:10px 14px;margin:8px 0 16px}
dl.facts div{padding:6px 0;border-bottom:1px solid #f3f4f6;min-width:0}
dt{font-size:12px;color:var(--muted);font-weight:600}
dd{margin:0;overflow-wrap:anywhere}
code{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12.5px;background:#f3f4f6;padding:1px 4px;border-radius:4px;overflow-wrap:anywhere}
details{margin:8px 0}
summary{cursor:pointer;color:var(--accent);font-weight:600}
ul.plain{padding-left:18px;margin:6px 0}
footer{color:var(--muted);font-size:12px;padding-top:20px;padding-bottom:30px}
@media (max-width:600px){body{font-size:14px}.wrap{padding:0 12px}h1{font-size:20px}th,td{padding:6px 8px}.card-value{font-size:19px}figure.chart{padding:10px 8px}}
`;
