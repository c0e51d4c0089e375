// persona-bench view: progressive enhancement only. Every page is rendered by the server and works without this
// script (filters and pickers are GET forms, paging is links). With it, a choice applies at once and a folded
// response unfolds in place. It never writes text from the store into the page as HTML.

document.documentElement.classList.add("js");

/** The form's choices as a query: empty values left out, a name chosen several times joined with commas. */
function queryOf(form, changed) {
  const values = new Map();
  for (const [name, value] of new FormData(form)) {
    if (value === "") continue;
    values.set(name, [...(values.get(name) ?? []), value]);
  }
  // Checkboxes keep the order they were chosen in: the URL's list, less those unticked, then the new one.
  if (changed?.type === "checkbox") {
    const before = (new URLSearchParams(location.search).get(changed.name) ?? "").split(",").filter(Boolean);
    const ticked = values.get(changed.name) ?? [];
    const kept = before.filter((v) => ticked.includes(v));
    values.set(changed.name, [...kept, ...ticked.filter((v) => !kept.includes(v))]);
  }
  const query = new URLSearchParams();
  for (const [name, list] of values) if (list.length > 0) query.set(name, list.join(","));
  return query.toString();
}

for (const form of document.querySelectorAll("form[data-auto]")) {
  const go = (changed) => {
    const query = queryOf(form, changed);
    location.assign(`${form.getAttribute("action")}${query ? `?${query}` : ""}`);
  };
  form.addEventListener("change", (event) => go(event.target));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    go(null);
  });
}

// A folded response: show the hidden middle (kept in a <template>) where the fold button was.
for (const fold of document.querySelectorAll("form.fold-form")) {
  fold.addEventListener("submit", (event) => {
    event.preventDefault();
    fold.replaceWith(fold.querySelector("template").content.cloneNode(true));
  });
}
