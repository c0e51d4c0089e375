// persona-bench view: the pages of the local viewer. Every text from the store (model output, personas, judges)
// reaches the page through textContent or a text node, never as HTML; the server's CSP forbids inline scripts.

const main = document.getElementById("main");
const crumbs = document.getElementById("crumbs");

const VERDICT_LABELS = {
  correct: "correct",
  wrong: "wrong",
  none: "no answer",
  failed: "failed",
  ungraded: "not graded",
  missing: "not run yet",
};
/** Responses longer than this many lines are folded: head and tail shown, the middle behind a button. */
const FOLD_LINES = 40;
const FOLD_HEAD = 14;
const FOLD_TAIL = 10;

/** Creates an element; children are nodes or strings (strings become text nodes, never HTML). */
function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name === "class") node.className = value;
    else if (name === "onclick") node.addEventListener("click", value);
    else if (name === "onchange") node.addEventListener("change", value);
    else node.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    node.append(typeof child === "string" || typeof child === "number" ? String(child) : child);
  }
  return node;
}

/** Replaces a node's children, skipping the null, undefined and false that conditional parts leave. */
function show(node, ...children) {
  node.replaceChildren(...children.flat().filter((c) => c !== null && c !== undefined && c !== false));
}

/** A link inside the viewer: a plain href (shareable, opens in a new tab) that navigates without a reload. */
function link(href, ...children) {
  const a = el("a", { href }, ...children);
  a.addEventListener("click", (event) => {
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    navigate(href);
  });
  return a;
}

function url(path, params) {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== "") query.set(name, String(value));
  }
  const text = query.toString();
  return text ? `${path}?${text}` : path;
}

async function api(path, params = {}) {
  const response = await fetch(url(path, params), { headers: { Accept: "application/json" } });
  const body = await response.json();
  if (!response.ok) throw new Error(body.error ?? `HTTP ${response.status}`);
  return body;
}

function navigate(href) {
  history.pushState(null, "", href);
  render();
}

window.addEventListener("popstate", () => render());

function setCrumbs(...parts) {
  show(crumbs, ...parts.flatMap((part, i) => [i > 0 ? el("span", { class: "sep" }, "/") : null, part]));
}

function verdictBadge(verdict) {
  return el("span", { class: `badge v-${verdict}` }, VERDICT_LABELS[verdict] ?? verdict);
}

function judgeBadge(scores) {
  return el(
    "span",
    { class: "badge score", title: "PersonaGym judge score(s), first judge first" },
    `score ${scores}`,
  );
}

function statusBadge(status) {
  return el("span", { class: `badge s-${status}` }, status);
}

function formatFigure(h) {
  if (h.value === null || h.value === undefined) return "n/a";
  return h.unit === "proportion" ? `${(h.value * 100).toFixed(1)}%` : h.value.toFixed(2);
}

function shortKey(key) {
  return key.length > 12 ? `${key.slice(0, 10)}…` : key;
}

function formatBytes(n) {
  if (n >= 1024 * 1024) return `${(n / (1024 * 1024)).toFixed(1)} MB`;
  if (n >= 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${n} bytes`;
}

/**
 * Long texts come in parts (the server never sends a 50 MB response in one page). Says how much of a text is shown,
 * with a link to the rest (a plain link: it opens in a new tab and can be shared).
 */
function partNote(part, rest) {
  if (!part || part.parts <= 1) return null;
  return el(
    "p",
    { class: "note part-note" },
    `Only the first ${formatBytes(part.partBytes)} of ${formatBytes(part.totalBytes)} is shown here. `,
    rest,
  );
}

/** Links to the other parts of a transcript's response. */
function partsNav(run, key, part) {
  if (!part || part.parts <= 1) return null;
  const to = (index, label) =>
    link(url("/transcript", { run, key, part: index > 0 ? index : undefined }), label);
  const off = (label) => el("span", { class: "disabled" }, label);
  const last = part.parts - 1;
  return el(
    "nav",
    { class: "pager parts", "aria-label": "Parts of the response" },
    part.part > 0 ? to(0, "« First part") : off("« First part"),
    part.part > 0 ? to(part.part - 1, "← Earlier") : off("← Earlier"),
    el(
      "span",
      { class: "sub" },
      `Part ${part.part + 1} of ${part.parts} · ${formatBytes(part.totalBytes)} in all`,
    ),
    part.part < last ? to(part.part + 1, "Later →") : off("Later →"),
    part.part < last ? to(last, "Last part »") : off("Last part »"),
    el(
      "a",
      { href: url("/transcript.txt", { run, key, part: part.part }), class: "secondary" },
      "This part as plain text",
    ),
  );
}

function personaName(id) {
  return id === "none" ? "none (control)" : (id ?? "—");
}

function showError(error) {
  show(main, el("div", { class: "error", role: "alert" }, `Could not load this page: ${error.message}`));
}

async function render() {
  const path = location.pathname;
  const query = new URLSearchParams(location.search);
  try {
    if (path === "/generations") await generationsPage(query);
    else if (path === "/transcript") await transcriptPage(query);
    else if (path === "/compare") await comparePage(query);
    else await runsPage();
  } catch (error) {
    showError(error);
  }
  // Which URL the page shows now (tests wait for it; a slow answer for an older URL never overwrites it).
  main.dataset.shown = location.pathname + location.search;
  window.scrollTo(0, 0);
}

// ---------------------------------------------------------------- runs

async function runsPage() {
  document.title = "Runs · persona-bench view";
  setCrumbs(el("span", {}, "Runs"));
  const { runs } = await api("/api/runs");
  const heading = el(
    "div",
    { class: "page-head" },
    el("h1", {}, "Runs"),
    el("p", { class: "muted" }, `${runs.length} run(s) in this store, newest first.`),
  );
  if (runs.length === 0) {
    show(
      main,
      heading,
      el("p", { class: "empty" }, "This store holds no run yet. Run a benchmark with persona-bench run."),
    );
    return;
  }
  const rows = runs.map((run) =>
    el(
      "tr",
      {},
      el("td", {}, link(url("/generations", { run: run.runId }), el("code", {}, run.runId))),
      el(
        "td",
        {},
        el("div", {}, run.model?.name ?? run.modelSpec),
        el("div", { class: "sub" }, run.model?.provider ?? ""),
      ),
      el("td", {}, run.benchmarkId, el("div", { class: "sub" }, run.tasks.join(", "))),
      el("td", {}, statusBadge(run.status)),
      el(
        "td",
        { class: "figures" },
        run.headline.length === 0
          ? el("span", { class: "sub" }, run.hasReport ? "—" : "no results.json")
          : run.headline.map((h) =>
              el(
                "div",
                {},
                el("span", { class: "sub" }, `${h.task} · ${h.label} `),
                el("strong", {}, formatFigure(h)),
              ),
            ),
      ),
      el("td", { class: "num" }, run.members.toLocaleString("en")),
      el("td", { class: "sub" }, run.updatedAt.replace("T", " ").slice(0, 16)),
      el(
        "td",
        { class: "actions" },
        link(url("/generations", { run: run.runId }), "Generations"),
        run.hasReport
          ? el("a", { href: `/report/${encodeURIComponent(run.runId)}`, class: "secondary" }, "Report")
          : null,
      ),
    ),
  );
  show(
    main,
    heading,
    el(
      "div",
      { class: "table-scroll" },
      el(
        "table",
        { class: "runs" },
        el(
          "thead",
          {},
          el(
            "tr",
            {},
            ["Run", "Model", "Benchmark", "Status", "Headline", "Answers", "Updated", ""].map((h) =>
              el("th", { scope: "col", class: h === "Answers" ? "num" : null }, h),
            ),
          ),
        ),
        el("tbody", {}, rows),
      ),
    ),
  );
}

// ---------------------------------------------------------------- generations

const FILTERS = ["task", "role", "persona", "item", "group", "verdict", "path", "score"];

async function generationsPage(query) {
  const run = query.get("run");
  if (!run) return runsPage();
  document.title = `Generations of ${run} · persona-bench view`;
  setCrumbs(link("/", "Runs"), el("span", {}, run));
  const params = { run };
  for (const name of FILTERS) if (query.get(name)) params[name] = query.get(name);
  const paging = { after: query.get("after") ?? undefined, before: query.get("before") ?? undefined };
  const [facets, page] = await Promise.all([
    api(`/api/runs/${encodeURIComponent(run)}`),
    api("/api/generations", { ...params, ...paging, limit: 50 }),
  ]);
  const go = (changes) => {
    const next = { ...params, ...changes };
    navigate(url("/generations", next));
  };
  const select = (name, label, options, help) =>
    el(
      "label",
      { class: "filter", title: help },
      el("span", {}, label),
      el(
        "select",
        { name, onchange: (event) => go({ [name]: event.target.value || undefined }) },
        options.map(([value, text]) =>
          el("option", { value, selected: (params[name] ?? "") === value }, text),
        ),
      ),
    );
  const any = [["", "any"]];
  // PersonaGym blocks have "<task> subject" stages; their task and judge-score filters apply only to them.
  const judged =
    facets.groups.length > 0 && (!params.task || facets.stages.includes(`${params.task} subject`));
  const graded = !params.task || facets.stages.includes(params.task);
  const filters = el(
    "form",
    { class: "filters", role: "search" },
    facets.tasks.length > 1 ? select("task", "Task", [...any, ...facets.tasks.map((t) => [t, t])]) : null,
    select(
      "role",
      "Calls",
      [
        ["", "answers (subject)"],
        ["judge", "judgements"],
        ["examples", "score examples"],
        ["all", "every call"],
      ],
      "Which model calls of the run to list",
    ),
    select("persona", "Persona", [...any, ...facets.personas.map((p) => [p, personaName(p)])]),
    graded &&
      select(
        "verdict",
        "Verdict",
        [
          ...any,
          ...["correct", "wrong", "none", "failed", "ungraded", "missing"].map((v) => [v, VERDICT_LABELS[v]]),
        ],
        "The math grader's verdict: wrong means an answer was extracted and it differs from the gold",
      ),
    graded && facets.paths.length > 0
      ? select(
          "path",
          "Extraction",
          [...any, ...facets.paths.map((p) => [p, p])],
          "How the grader found the answer",
        )
      : null,
    judged ? select("group", "PersonaGym task", [...any, ...facets.groups.map((g) => [g, g])]) : null,
    judged
      ? select(
          "score",
          "Judge score",
          [...any, ...["1", "2", "3", "4", "5"].map((s) => [s, s])],
          "The score a judge gave this answer",
        )
      : null,
    params.item
      ? el(
          "span",
          { class: "chip" },
          `problem ${params.item} `,
          el(
            "button",
            { type: "button", onclick: () => go({ item: undefined }), "aria-label": "Clear problem filter" },
            "×",
          ),
        )
      : null,
    Object.keys(params).length > 1
      ? el(
          "button",
          { type: "button", class: "secondary", onclick: () => navigate(url("/generations", { run })) },
          "Clear filters",
        )
      : null,
  );
  const legacy = facets.legacy
    ? el(
        "p",
        { class: "note warn" },
        "This run's members were recorded before the store knew personas and problems: run the same command again (every call comes from the cache) to filter by persona, problem and verdict.",
      )
    : null;
  const count = page.countCapped
    ? `more than ${page.count.toLocaleString("en")}`
    : page.count.toLocaleString("en");
  const summary = el(
    "div",
    { class: "page-head" },
    el("h1", {}, "Generations"),
    el(
      "p",
      { class: "muted" },
      `${count} matching in run `,
      el("code", {}, run),
      ` · ${facets.run.model?.name ?? facets.run.modelSpec} · `,
      facets.run.hasReport
        ? el("a", { href: `/report/${encodeURIComponent(run)}` }, "run report")
        : "no report",
    ),
  );
  const header = ["Persona", "Problem", "Sample", "Verdict", "Extracted", "Path", "Tokens", "Response"];
  const rows = page.rows.map((row) => {
    const href = url("/transcript", { run, key: row.key });
    return el(
      "tr",
      { class: "clickable", "data-key": row.key },
      el("td", {}, row.personaId === null ? "—" : personaName(row.personaId)),
      el(
        "td",
        {},
        row.itemId === null
          ? "—"
          : link(url("/compare", { run, task: row.taskId, item: row.itemId }), el("code", {}, row.itemId)),
        row.group ? el("div", { class: "sub" }, row.group) : null,
        row.stage !== row.taskId && !/ subject$/.test(row.stage)
          ? el("div", { class: "sub" }, row.stage)
          : null,
      ),
      el("td", { class: "num" }, row.sample ?? "—"),
      el("td", {}, row.judgeScores ? judgeBadge(row.judgeScores) : verdictBadge(row.verdict)),
      el(
        "td",
        {},
        row.extracted === null
          ? el("span", { class: "sub" }, "—")
          : el("code", { class: "answer" }, row.extracted),
      ),
      el("td", { class: "sub" }, row.path ?? ""),
      el("td", { class: "num" }, row.completionTokens ?? ""),
      el(
        "td",
        { class: "preview" },
        link(
          href,
          row.preview.length > 0 ? row.preview.replace(/\s+/g, " ").slice(0, 140) : `(${shortKey(row.key)})`,
        ),
      ),
    );
  });
  const pager = el(
    "nav",
    { class: "pager", "aria-label": "Pages" },
    page.prev !== null
      ? link(url("/generations", { ...params, before: page.prev }), "← Previous")
      : el("span", { class: "disabled" }, "← Previous"),
    el("span", { class: "sub" }, `${page.rows.length} shown`),
    page.next !== null
      ? link(url("/generations", { ...params, after: page.next }), "Next →")
      : el("span", { class: "disabled" }, "Next →"),
  );
  show(
    main,
    summary,
    filters,
    legacy,
    page.rows.length === 0
      ? el("p", { class: "empty" }, "No generation matches these filters.")
      : el(
          "div",
          { class: "table-scroll" },
          el(
            "table",
            { class: "generations" },
            el(
              "thead",
              {},
              el(
                "tr",
                {},
                header.map((h) =>
                  el("th", { scope: "col", class: h === "Tokens" || h === "Sample" ? "num" : null }, h),
                ),
              ),
            ),
            el("tbody", {}, rows),
          ),
        ),
    pager,
  );
}

// ---------------------------------------------------------------- transcript

/** A response as text, the extracted answer's last occurrence marked, long ones folded (head and tail kept). */
function responseBlock(text, extracted) {
  const box = el("div", { class: "response" });
  const at = extracted ? text.lastIndexOf(extracted) : -1;
  const mark = at >= 0 ? [at, at + extracted.length] : null;
  const part = (start, end) => {
    const pre = el("pre", { class: "text" });
    if (mark && mark[0] < end && mark[1] > start) {
      const a = Math.max(start, mark[0]);
      const b = Math.min(end, mark[1]);
      pre.append(
        text.slice(start, a),
        el("mark", { title: "the answer the grader extracted" }, text.slice(a, b)),
        text.slice(b, end),
      );
    } else {
      pre.append(text.slice(start, end));
    }
    return pre;
  };
  const lines = text.split("\n");
  if (lines.length <= FOLD_LINES) {
    box.append(part(0, text.length));
    return box;
  }
  const headEnd = lines.slice(0, FOLD_HEAD).join("\n").length + 1;
  const tailStart = text.length - lines.slice(-FOLD_TAIL).join("\n").length;
  const hidden = lines.length - FOLD_HEAD - FOLD_TAIL;
  const head = part(0, headEnd);
  const tail = part(tailStart, text.length);
  const button = el("button", { type: "button", class: "fold" }, `Show ${hidden} more lines`);
  button.addEventListener("click", () => {
    box.replaceChildren(part(0, text.length));
  });
  box.append(head, button, tail);
  return box;
}

function message(role, content, part) {
  const long = content.split("\n").length > 12 || content.length > 1200;
  const body = el("pre", { class: "text" }, content);
  const cut = partNote(part, null);
  if (!long) return el("section", { class: `msg msg-${role}` }, el("h3", {}, role), body, cut);
  return el(
    "section",
    { class: `msg msg-${role}` },
    el(
      "details",
      {},
      el("summary", {}, `${role} (${content.length.toLocaleString("en")} characters)`),
      body,
      cut,
    ),
  );
}

function facts(pairs) {
  return el(
    "dl",
    { class: "facts" },
    pairs
      .filter(([, value]) => value !== undefined && value !== null && value !== "")
      .flatMap(([name, value]) => [el("dt", {}, name), el("dd", {}, value)]),
  );
}

function ms(value) {
  return typeof value === "number" ? `${(value / 1000).toFixed(2)} s` : null;
}

async function transcriptPage(query) {
  const run = query.get("run");
  const key = query.get("key");
  if (!run || !key) return runsPage();
  const t = await api("/api/transcript", { run, key, part: query.get("part") ?? undefined });
  const m = t.members[0];
  document.title = `${m.itemId ?? shortKey(key)} · ${m.personaId ?? ""} · persona-bench view`;
  setCrumbs(
    link("/", "Runs"),
    link(url("/generations", { run }), run),
    el("span", {}, m.itemId ? `${m.itemId}` : shortKey(key)),
  );
  const g = t.generation;
  const head = el(
    "div",
    { class: "page-head" },
    el("h1", {}, "Transcript"),
    el(
      "p",
      { class: "muted" },
      `Persona ${personaName(m.personaId)} · problem `,
      m.itemId ? el("code", {}, m.itemId) : "—",
      m.sample !== null ? ` · sample ${m.sample}` : "",
      ` · ${m.stage} `,
      t.judges.length > 0
        ? judgeBadge(t.judges.map((j) => j.score ?? "?").join(" · "))
        : verdictBadge(t.verdict),
    ),
    el(
      "div",
      { class: "actions" },
      m.itemId && m.stage === m.taskId
        ? link(
            url("/compare", {
              run,
              task: m.taskId,
              item: m.itemId,
              personas: m.personaId && m.personaId !== "none" ? m.personaId : undefined,
            }),
            "Compare with other personas",
          )
        : null,
      m.personaId
        ? link(
            url("/generations", { run, persona: m.personaId, task: m.taskId }),
            `All answers of ${personaName(m.personaId)}`,
          )
        : null,
    ),
  );
  const parts = [head];
  const verdictPanel = el("section", { class: "panel verdict" }, el("h2", {}, "Verdict"));
  if (t.math) {
    verdictPanel.append(
      facts([
        ["Verdict", verdictBadge(t.verdict)],
        [
          "Extracted answer",
          t.math.found ? el("code", { class: "answer" }, t.math.extracted ?? "") : "none found",
        ],
        [
          "Gold answer",
          t.math.gold !== undefined
            ? el("code", { class: "answer gold" }, t.math.gold)
            : el("span", { class: "sub" }, "gold not stored (graded before persona-bench recorded it)"),
        ],
        [
          "How it was reached",
          `${t.math.path}${t.math.truncated ? " · the response hit the token limit" : ""}`,
        ],
        ["Grader", t.math.scorer],
      ]),
    );
  } else if (t.failure) {
    verdictPanel.append(
      facts([
        ["Failed", `${t.failure.kind}: ${t.failure.message}`],
        ["Attempts", String(t.failure.attempts)],
      ]),
    );
  } else {
    verdictPanel.append(
      t.judges.length > 0
        ? facts(
            t.judges.map((j) => [
              j.stage.replace(`${m.taskId} `, ""),
              j.score === null ? "unparsed" : `score ${j.score} of 5`,
            ]),
          )
        : el(
            "p",
            { class: "sub" },
            "No verdict for this call: judge and score-example calls are not graded.",
          ),
    );
  }
  parts.push(verdictPanel);
  // Usage comes last, after the judges: what was said matters more than what it cost.
  const usage = [];
  if (g) {
    parts.push(
      el("h2", {}, "Conversation"),
      ...g.messages.map((msg) => message(msg.role, msg.content, msg.contentPart)),
    );
    // The extracted answer is marked in the last part (graders read the end of a response).
    const lastPart = g.textPart.part === g.textPart.parts - 1;
    parts.push(
      el(
        "section",
        { class: "msg msg-assistant" },
        el(
          "h3",
          {},
          "response",
          g.finishReason !== "stop" ? el("span", { class: "badge warn" }, `finish: ${g.finishReason}`) : null,
        ),
        partsNav(run, key, g.textPart),
        responseBlock(g.text, lastPart && t.math?.found ? t.math.extracted : null),
        partsNav(run, key, g.textPart),
      ),
    );
    usage.push(
      el("h2", {}, "Usage and timing"),
      el(
        "div",
        { class: "panel" },
        facts([
          ["Prompt tokens", g.usage?.promptTokens?.toLocaleString("en")],
          ["Completion tokens", g.usage?.completionTokens?.toLocaleString("en")],
          ["Time to first token", ms(g.timing?.ttftMs)],
          ["Total time", ms(g.timing?.totalMs)],
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
          ["Cache key", el("code", {}, key)],
        ]),
      ),
    );
  } else {
    parts.push(
      el(
        "p",
        { class: "empty" },
        t.failure ? "The model call failed; no response is stored." : "This generation has not been run yet.",
      ),
    );
  }
  if (t.judges.length > 0) {
    parts.push(el("h2", {}, "Judges"));
    for (const judge of t.judges) {
      parts.push(
        el(
          "section",
          { class: "panel judge" },
          el(
            "h3",
            { class: "plain" },
            judge.stage.replace(`${m.taskId} `, ""),
            el("span", { class: "badge score" }, judge.score === null ? "unparsed" : `score ${judge.score}`),
          ),
          el("pre", { class: "text" }, judge.text),
          partNote(
            judge.textPart,
            link(url("/transcript", { run, key: judge.key }), "Read the whole verdict"),
          ),
          judge.prompt
            ? el(
                "details",
                {},
                el("summary", {}, "The judge's prompt"),
                el("pre", { class: "text" }, judge.prompt),
              )
            : null,
        ),
      );
    }
  }
  if (t.examples) {
    parts.push(
      el("h2", {}, "Score examples the judges saw"),
      el("pre", { class: "text panel" }, t.examples.text),
      partNote(t.examples.textPart, link(url("/transcript", { run, key: t.examples.key }), "Read them all")),
    );
  }
  show(main, ...parts, ...usage);
}

// ---------------------------------------------------------------- compare

async function comparePage(query) {
  const run = query.get("run");
  const task = query.get("task");
  const item = query.get("item");
  if (!run || !task || !item) return runsPage();
  document.title = `Compare ${item} · persona-bench view`;
  setCrumbs(link("/", "Runs"), link(url("/generations", { run }), run), el("span", {}, `compare ${item}`));
  const { personas, entries } = await api("/api/compare", { run, task, item });
  const chosen = new Set((query.get("personas") ?? "").split(",").filter((p) => p !== ""));
  if (chosen.size === 0) for (const p of personas.slice(1, 3)) chosen.add(p);
  const shown = personas.filter((p) => p === "none" || chosen.has(p));
  const choose = (persona, on) => {
    const next = new Set(chosen);
    if (on) next.add(persona);
    else next.delete(persona);
    history.replaceState(null, "", url("/compare", { run, task, item, personas: [...next].join(",") }));
    render();
  };
  const picker = el(
    "fieldset",
    { class: "picker" },
    el("legend", {}, "Personas beside the control"),
    personas
      .filter((p) => p !== "none")
      .map((p) =>
        el(
          "label",
          { class: "check" },
          el("input", {
            type: "checkbox",
            value: p,
            checked: chosen.has(p),
            onchange: (event) => choose(p, event.target.checked),
          }),
          ` ${p}`,
        ),
      ),
  );
  const first = entries[0];
  const head = el(
    "div",
    { class: "page-head" },
    el("h1", {}, "Compare"),
    el(
      "p",
      { class: "muted" },
      "Problem ",
      el("code", {}, item),
      ` of ${task}: the control and the chosen personas, side by side.`,
    ),
  );
  const problem = first
    ? el(
        "section",
        { class: "panel problem" },
        el("h2", {}, "Problem"),
        el("pre", { class: "text" }, first.user ?? ""),
        first.gold !== null
          ? facts([["Gold answer", el("code", { class: "answer gold" }, first.gold)]])
          : el("p", { class: "sub" }, "gold not stored for this run's verdicts"),
      )
    : el("p", { class: "empty" }, "No answer to this problem in this run.");
  const columns = shown.map((persona) => {
    const own = entries.filter((e) => e.personaId === persona);
    return el(
      "section",
      { class: "column", "data-persona": persona },
      el("h3", {}, personaName(persona)),
      own[0]?.system
        ? el(
            "details",
            { class: "persona-text" },
            el("summary", {}, "System prompt"),
            el("pre", { class: "text" }, own[0].system),
          )
        : el("p", { class: "sub" }, "no system prompt"),
      own.map((e) =>
        el(
          "div",
          { class: "answer-card" },
          el(
            "div",
            { class: "card-head" },
            own.length > 1 ? el("span", { class: "sub" }, `sample ${e.sample} `) : null,
            verdictBadge(e.verdict),
            e.extracted !== null ? el("code", { class: "answer" }, e.extracted) : null,
            el(
              "span",
              { class: "to-transcript" },
              link(url("/transcript", { run, key: e.key }), "transcript"),
            ),
          ),
          e.text === null
            ? el("p", { class: "sub" }, "no response")
            : responseBlock(e.text, e.textPart.parts > 1 ? null : e.extracted),
          partNote(
            e.textPart,
            link(url("/transcript", { run, key: e.key }), "Read it all in the transcript"),
          ),
        ),
      ),
    );
  });
  show(main, head, problem, picker, el("div", { class: "compare" }, columns));
  main.querySelector(".compare").dataset.columns = String(Math.min(columns.length, 4));
}

render();
