/**
 * The viewer's pages, rendered on the server from the URL alone: every filter, page and choice is a link or a GET
 * form, so each page works without script (assets/app.js only makes choosing quicker).
 */
import type { ViewerData } from "../data.js";
import { BadRequest, intParam, parseFilter, required } from "../query.js";
import { chosenPersonas, compareBody } from "./compare-page.js";
import { generationsBody } from "./generations-page.js";
import { html, page } from "./html.js";
import { runsBody } from "./runs-page.js";
import { transcriptBody } from "./transcript-page.js";

/** The routes that are pages. */
export const PAGE_PATHS = new Set(["/", "/runs", "/generations", "/transcript", "/compare"]);

const runsLink = html`<a href="/">Runs</a>`;
const runLink = (run: string) => html`<a href="/generations?run=${encodeURIComponent(run)}">${run}</a>`;

/** The page at `path` as [status, HTML]; `shown` is the path and query it was asked for. */
export function renderPage(
  data: ViewerData,
  path: string,
  query: URLSearchParams,
  shown: string,
): [number, string] {
  try {
    return [200, pageFor(data, path, query, shown)];
  } catch (error) {
    if (!(error instanceof NotFound || error instanceof BadRequest)) throw error;
    const status = error instanceof NotFound ? 404 : 400;
    const body = html`<div class="error" role="alert">Could not show this page: ${error.message}</div>`;
    return [status, page({ title: "Not shown", crumbs: [runsLink], body, shown })];
  }
}

class NotFound extends Error {}

function pageFor(data: ViewerData, path: string, query: URLSearchParams, shown: string): string {
  const has = (...names: string[]) => names.every((n) => (query.get(n) ?? "") !== "");
  if (path === "/generations" && has("run")) {
    const filter = parseFilter(query);
    const facets = data.facets(filter.run);
    if (!facets) throw new NotFound("this store has no such run");
    const after = intParam(query, "after", 0, Number.MAX_SAFE_INTEGER);
    const before = intParam(query, "before", 0, Number.MAX_SAFE_INTEGER);
    const rows = data.generations(filter, {
      limit: 50,
      ...(after === undefined ? {} : { after }),
      ...(before === undefined ? {} : { before }),
    });
    return page({
      title: `Generations of ${filter.run}`,
      crumbs: [runsLink, html`<span>${filter.run}</span>`],
      body: generationsBody(filter, facets, rows),
      shown,
    });
  }
  if (path === "/transcript" && has("run", "key")) {
    const run = required(query, "run");
    const part = intParam(query, "part", 0, Number.MAX_SAFE_INTEGER) ?? 0;
    const transcript = data.transcript(run, required(query, "key"), part);
    if (!transcript) throw new NotFound("this run has no such generation");
    const { title, body } = transcriptBody(transcript, query.get("unfold") === "1");
    const member = transcript.members[0]!;
    const here = member.itemId ?? transcript.key.slice(0, 10);
    return page({ title, crumbs: [runsLink, runLink(run), html`<span>${here}</span>`], body, shown });
  }
  if (path === "/compare" && has("run", "task", "item")) {
    const [run, task, item] = [required(query, "run"), required(query, "task"), required(query, "item")];
    const body = compareBody(
      { run, task, item, chosen: chosenPersonas(query) },
      data.compare(run, task, item),
    );
    return page({
      title: `Compare ${item}`,
      crumbs: [runsLink, runLink(run), html`<span>compare ${item}</span>`],
      body,
      shown,
    });
  }
  return page({ title: "Runs", crumbs: [html`<span>Runs</span>`], body: runsBody(data.runs()), shown });
}
