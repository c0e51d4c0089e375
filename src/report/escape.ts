/**
 * Everything in a report that came from outside (persona texts from a user's catalog, model names, error messages
 * echoed from servers) passes through these before it reaches a file a person or a spreadsheet opens.
 */

/** A spreadsheet evaluates a cell starting with one of these as a formula. */
const FORMULA_START = /^[=+\-@\t\r]/;

export function neutralizeCsvCell(value: string): string {
  return FORMULA_START.test(value) ? `'${value}` : value;
}

const HTML_ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);
}

/** One Markdown table cell: inert HTML, no row breaks, no column breaks, no control characters. */
export function markdownCell(value: string): string {
  return escapeHtml(value)
    .replace(/[\u0000-\u001f\u007f-\u009f]+/g, " ")
    .replace(/\|/g, "\\|")
    .replace(/([\\`*_[\]])/g, (m) => (m === "\\" ? m : `\\${m}`));
}

/**
 * Text from outside (server error bodies, file contents in error messages) made safe for a terminal: C0 and C1
 * control characters, escape sequences included, are shown as \xNN instead of being obeyed. Line breaks stay.
 */
export function terminalText(value: string): string {
  return value.replace(
    /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/g,
    (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`,
  );
}
