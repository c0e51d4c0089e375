/**
 * Text from outside (file contents and names, server answers and errors, model output, user catalogs) made inert
 * for each place we show it: a terminal or CI log, Markdown (summary.md, leaderboard.md, the gate's verdict and
 * $GITHUB_STEP_SUMMARY), XML (JUnit), HTML and JSON printed to a terminal. Every outside string that is printed or
 * written for a person goes through one of these; our own text around it is what stays live.
 */

/**
 * What a terminal or a log viewer obeys instead of showing: C0 and C1 control characters (escape sequences, line
 * breaks, carriage returns) and DEL, the Unicode line and paragraph separators, and the bidirectional embeddings,
 * overrides and isolates that make a text display in another order than it reads ("Trojan Source").
 */
const OBEYED = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

const NAMED: Record<string, string> = { "\n": "\\n", "\r": "\\r", "\t": "\\t" };

/** `\n`, `\r`, `\t`, `\x1b` or `\u{202E}`: the character shown, not obeyed. */
function shown(character: string): string {
  const named = NAMED[character];
  if (named !== undefined) return named;
  const code = character.codePointAt(0)!;
  return code <= 0xff
    ? `\\x${code.toString(16).padStart(2, "0")}`
    : `\\u{${code.toString(16).toUpperCase()}}`;
}

/**
 * GitHub Actions runs a log line as a workflow command when it starts with "::" after leading whitespace
 * (`::error::`, `::add-mask::`, `::stop-commands::`), or when it holds "##[" anywhere (the older syntax); Azure
 * Pipelines, when it holds "##vso[".
 */
const COMMAND_AT_START = /^(\s*):(?=:)/;
const COMMAND_ANYWHERE = /##(?=\[|vso\[)/gi;

/**
 * One outside string for a terminal or a log: control, separator and bidi characters are shown as `\n`, `\x1b`,
 * `\u{202E}`, so the text stays on the line it was put on (a newline never starts a forged line) and cannot move
 * the cursor, clear the screen or set the window title; CI workflow commands are broken with a shown character.
 */
export function terminalText(value: string): string {
  return value
    .replace(OBEYED, shown)
    .replace(COMMAND_AT_START, "$1\\x3a")
    .replace(COMMAND_ANYWHERE, "#\\x23");
}

/**
 * A text of several lines (an internal error's stack) for a terminal: each line through terminalText, every line
 * after the first indented, so none of them can pass for a line of the tool's own.
 */
export function terminalLines(text: string): string {
  return text
    .split(/\r?\n/)
    .map((line, i) => (i === 0 ? terminalText(line) : `  ${terminalText(line)}`))
    .join("\n");
}

const HTML_ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

/** Text in HTML (element content or a quoted attribute value). */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);
}

/** Text in XML (JUnit): what a terminal would show of it, escaped; CI tools print these messages in their logs. */
export function xmlText(value: string): string {
  return escapeHtml(terminalText(value));
}

/**
 * One outside string in Markdown (a table cell, a list item, a heading or a line of its own): inert HTML, no row or
 * column breaks (control characters are shown as in a terminal), no emphasis, links or code spans, and nothing at
 * its start that Markdown reads as a heading, list item, thematic break or setext underline, or that GitHub reads
 * as a workflow command (`::`).
 */
export function markdownCell(value: string): string {
  return escapeHtml(value)
    .replace(OBEYED, shown)
    .replace(/[|`*_[\]]/g, "\\$&")
    .replace(/^(\s*)([#:=~]|[-+](?=\s|[-=]*\s*$))/, "$1\\$2")
    .replace(/^(\s*\d{1,9})([.)])(?=\s|$)/, "$1\\$2");
}

/** Every character JSON.stringify leaves raw that a terminal would obey (C0 is escaped by JSON itself). */
const OBEYED_IN_JSON = /[\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/**
 * JSON for a terminal (`--json`, `grade`): the same document, with DEL, C1, separator and bidi characters and the
 * "#" of a CI command written as \u escapes, which any JSON reader turns back into the same string. None of them
 * can occur outside a string, and no line of JSON starts with "::".
 */
export function jsonText(value: unknown, indent?: number): string {
  return JSON.stringify(value, null, indent)
    .replace(OBEYED_IN_JSON, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`)
    .replace(COMMAND_ANYWHERE, "#\\u0023");
}
