/** LaTeX cleanup that never changes a value: spacing, sizing, fraction styles, delimiters. */
import {
  dropSpaceSeparators,
  infixFractions,
  plainTextMath,
  unicodeNumbers,
  unwrapDecorations,
} from "./forms.js";

/**
 * What an escaped dollar (`\$5.40`) becomes: a mark the parser skips (it carries no value) but that names the unit
 * of a single value, so that `\$5.40` is not `5.4 \text{ cents}`. (An unescaped `$` is a math delimiter.)
 */
export const CURRENCY = "¤";

const SPACING =
  /(?<!\\)\\(?:[,;:! ]|quad|qquad|displaystyle|textstyle|scriptstyle|limits|nolimits|thinspace|medspace|thickspace|enspace)(?![a-zA-Z])|~/g;
const SIZING = /\\(?:left|right|big|Big|bigg|Bigg)[lr]?(?![a-zA-Z])\s*/g;
const TEXT_COMMANDS =
  /\\(?:mbox|textbf|textrm|textnormal|textup|textmd|textsl|textit|textsf|texttt|emph|mathrm|mathbf|mathit|mathsf|mathbb|mathtt|mathnormal|mathup|hbox)\s*\{/g;
const DEGREE = /\^\s*\{?\s*\\circ\s*\}?|\\degree(?![a-zA-Z])|°/g;
/** "28 percent" is `28\%`, so that the percent rules apply to it (`0.28 percent` is not 0.28). */
const PERCENT_WORD = /\\text\{\s*per\s?cent\s*\}|(?<=[\d}])\s*per\s?cent(?![a-zA-Z])/g;
const DEGREE_WORDS = /\\text\{\s*(?:degrees?|deg)\s*\}|(?<=[\d}\s])(?:degrees?)(?![a-zA-Z])/g;

/**
 * Unicode roots: in plain text the radical covers the whole number after it (`√51` is √(51), `3√13` is 3√(13)); only
 * TeX's `\sqrt51` takes one digit.
 */
const ROOTS: Record<string, string> = { "√": "\\sqrt", "∛": "\\sqrt[3]", "∜": "\\sqrt[4]" };

/** Replaces `\dfrac`-style commands and unifies relation spellings. */
function unifyCommands(s: string): string {
  if (!/[\\<>≤≥×·∙−–π∞√∛∜≈]/.test(s)) return s;
  return s
    .replace(/\\text\{\s*,?\s*(or|and)\s*,?\s*\}/g, " $1 ")
    .replace(/\\[dt]frac(?![a-zA-Z])/g, "\\frac")
    .replace(/\\[dt]binom(?![a-zA-Z])/g, "\\binom")
    .replace(/\\(?:leq|leqslant|le)(?![a-zA-Z])/g, "\\le ")
    .replace(/\\(?:geq|geqslant|ge)(?![a-zA-Z])/g, "\\ge ")
    .replace(/\\(?:neq|ne)(?![a-zA-Z])/g, "\\ne ")
    .replace(/\\lt(?![a-zA-Z])/g, "<")
    .replace(/\\gt(?![a-zA-Z])/g, ">")
    .replace(/<=|≤/g, "\\le ")
    .replace(/>=|≥/g, "\\ge ")
    .replace(/\\(?:dots|ldots|cdots)(?![a-zA-Z])/g, "...")
    .replace(/\\(?:lbrace)(?![a-zA-Z])/g, "\\{")
    .replace(/\\(?:rbrace)(?![a-zA-Z])/g, "\\}")
    .replace(/\\(?:lvert|rvert|vert)(?![a-zA-Z])/g, "|")
    .replace(/\\(?:bmatrix|vmatrix|Bmatrix|smallmatrix)(?![a-zA-Z])/g, "pmatrix")
    .replace(/\{(?:bmatrix|Bmatrix|smallmatrix|matrix)\}/g, "{pmatrix}")
    .replace(/\\(?:cdot|times|ast)(?![a-zA-Z])/g, "\\cdot ")
    .replace(/×|·|∙/g, "\\cdot ")
    .replace(/−|–/g, "-")
    .replace(/π/g, "\\pi ")
    .replace(/∞/g, "\\infty ")
    .replace(/([√∛∜])\s*(\d+(?:\.\d+)?)/g, (_m, root: string, n: string) => `${ROOTS[root]}{${n}}`)
    .replace(/[√∛∜]/g, (root) => ROOTS[root]!)
    .replace(/≈/g, "\\approx ")
    .replace(/\\infin(?![a-zA-Z])/g, "\\infty ")
    .replace(/\\(?:lor|vee)(?![a-zA-Z])/g, " or ")
    .replace(/\\(?:land|wedge)(?![a-zA-Z])/g, " and ")
    .replace(/\\colon(?![a-zA-Z])/g, ":");
}

/**
 * Removes thousands separators: `10,\!080`, `58,500`, `1{,}000`, `1\,000` but never a list such as `3,5,7`. A plain
 * comma is a separator only in a number written alone: inside brackets (`(3,100)`, `[1,234)`, `\{1,100\}`) it
 * separates the elements of a tuple, interval or set.
 */
function dropThousandsSeparators(s: string): string {
  const out = s
    .replace(/(\d)\{,\}(?=\d{3}(?!\d))/g, "$1")
    .replace(/(\d),\\!\s*(?=\d{3}(?!\d))/g, "$1")
    .replace(/(?<![\w^_.\\])\d{1,3}(?:\\[,!]\s*\d{3})+(?!\d)/g, (num) => num.replace(/\\[,!]\s*/g, ""));
  if (!/\d,\d{3}/.test(out)) return out;
  const depth = bracketDepths(out);
  return out.replace(
    /(^|[^\d.,])(\d{1,3}(?:,\d{3})+)(?![\d,])/g,
    (whole, pre: string, num: string, at: number) =>
      depth[at + pre.length]! > 0 ? whole : pre + num.replace(/,/g, ""),
  );
}

/** For each index, how many tuple, interval or set brackets (`(`, `[`, `\{`) are open there; TeX groups `{}` are not. */
function bracketDepths(s: string): Int32Array {
  const depth = new Int32Array(s.length + 1);
  let d = 0;
  for (let i = 0; i < s.length; i++) {
    const ch = s[i]!;
    depth[i] = d;
    if (ch === "\\") {
      const next = s[i + 1];
      if (next === "{") d++;
      else if (next === "}" && d > 0) d--;
      if (next === "{" || next === "}") depth[++i] = d;
    } else if (ch === "(" || ch === "[") d++;
    else if ((ch === ")" || ch === "]") && d > 0) d--;
  }
  depth[s.length] = d;
  return depth;
}

/** Inputs longer than this are compared as normalized strings only (bounds the work). */
export const MAX_ANSWER_LENGTH = 2000;

/** `(\begin{array}{cc} 1 & 2 \\ 3 & 4 \end{array})` (after `\left`/`\right` are gone) is a pmatrix. */
function arrayAsMatrix(s: string): string {
  // The lazy match is quadratic in the number of unclosed arrays; longer inputs are compared as strings anyway.
  if (s.length > MAX_ANSWER_LENGTH || !s.includes("\\begin{array}")) return s;
  return s.replace(
    /([([])\s*\\begin\{array\}\{[lcr|\s]*\}(.*?)\\end\{array\}\s*([)\]])/gs,
    (whole, open: string, body: string, close: string) =>
      (open === "(") === (close === ")") ? `\\begin{pmatrix}${body}\\end{pmatrix}` : whole,
  );
}

/** `0.1\overline{6}` -> `\frac{1}{6}`: a repeating decimal is an exact rational. */
function repeatingDecimals(s: string): string {
  if (s.length > MAX_ANSWER_LENGTH || !s.includes("\\overline")) return s;
  return s.replace(
    /(\d*)\.(\d*)\\overline\{(\d{1,50})\}/g,
    (_m, whole: string, fixed: string, period: string) => {
      // whole.fixed(period)... = (whole fixed period - whole fixed) / (10^|fixed| * (10^|period| - 1))
      const head = BigInt(`${whole}${fixed}` || "0");
      const num = BigInt(`${whole}${fixed}${period}`) - head;
      const den = 10n ** BigInt(fixed.length) * (10n ** BigInt(period.length) - 1n);
      return `{\\frac{${num}}{${den}}}`;
    },
  );
}

/** The first cleanup every answer goes through; the result still is LaTeX. */
export function normalizeLatex(input: string): string {
  let s = input.trim();
  // `**210**`: a Markdown bold answer (`**` inside an answer is a power: `x**2`).
  const bold = s.startsWith("**") ? /^\*\*([^*]+)\*\*$/.exec(s) : null;
  if (bold) s = bold[1]!.trim();
  s = s.replace(/\\\$/g, CURRENCY).replace(/\$/g, "");
  if (s.includes("¢")) s = s.replace(/\\text\{\s*¢\s*\}|¢/g, "\\text{ cents}");
  s = unicodeNumbers(s);
  s = s.replace(/^\\\[|\\\]$/g, "").replace(/^\\\(|\\\)$/g, "");
  s = s.replace(/\\%/g, "%");
  s = s.replace(/,\s*\\!/g, ",\\!");
  s = dropThousandsSeparators(s);
  s = s.replace(SIZING, "").replace(SPACING, " ");
  if (s.length <= MAX_ANSWER_LENGTH) s = infixFractions(plainTextMath(unwrapDecorations(s)));
  s = repeatingDecimals(arrayAsMatrix(s));
  s = s.replace(TEXT_COMMANDS, "\\text{");
  s = s.replace(PERCENT_WORD, "%");
  s = unifyCommands(s);
  s = s.replace(DEGREE, "°").replace(DEGREE_WORDS, "°");
  s = dropSpaceSeparators(s.replace(/\s+/g, " "));
  s = s.replace(/\\text\{\s*([-+]?[\d.]+)\s*\}/g, "$1");
  s = s.replace(/\s+/g, " ").trim();
  s = s.replace(/(?:\s*[.。])+$/, "").replace(/\s*[,;]$/, "");
  return s.trim();
}

/** What joins the values of a list of solutions: `2, 3`, `x = 2 \text{ or } x = 3`. */
export const LIST_SEPARATORS = [
  ",",
  ";",
  "\\text{ or }",
  "\\text{or}",
  "\\text{ and }",
  "\\text{and}",
  " or ",
  " and ",
];

/** Strips one pair of enclosing braces `{...}` when they wrap the whole string. */
export function stripOuterBraces(s: string): string {
  let t = s.trim();
  while (t.startsWith("{") && t.endsWith("}") && matchingClose(t, 0) === t.length - 1)
    t = t.slice(1, -1).trim();
  return t;
}

const OPENERS: Record<string, string> = { "(": ")", "[": "]", "{": "}" };

/** Index of the bracket closing the one at `open`, tracking all bracket kinds, or -1. */
export function matchingClose(s: string, open: number): number {
  let depth = 0;
  for (let i = open; i < s.length; i++) {
    const ch = s[i]!;
    if (ch === "\\") {
      i++;
      continue;
    }
    if (ch in OPENERS) depth++;
    else if (ch === ")" || ch === "]" || ch === "}") {
      depth--;
      if (depth === 0) return i;
    }
  }
  return -1;
}

/**
 * Splits on separators occurring outside every bracket (`()`, `[]`, `{}`, `\\{\\}`), e.g. the commas of a tuple.
 * Interval brackets such as `[1,2)` balance because depth counting ignores the bracket kind.
 */
export function splitTopLevel(s: string, separators: readonly string[]): string[] {
  return splitTopLevelAt(s, (text, i) => separators.find((x) => text.startsWith(x, i)));
}

/**
 * Splits where `separatorAt(s, i)` names a separator starting at i outside every bracket (same depth counting as
 * splitTopLevel); with `keep`, each separator is a part of its own between its neighbours. Parts are trimmed.
 */
export function splitTopLevelAt(
  s: string,
  separatorAt: (s: string, i: number) => string | undefined,
  keep = false,
): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    if (depth === 0) {
      const sep = separatorAt(s, i);
      if (sep !== undefined) {
        parts.push(s.slice(start, i));
        if (keep) parts.push(sep);
        start = i + sep.length;
        i = start - 1;
        continue;
      }
    }
    const ch = s[i]!;
    if (ch === "\\") {
      const next = s[i + 1];
      if (next === "{") depth++;
      else if (next === "}") depth--;
      i++;
    } else if (ch === "(" || ch === "[" || ch === "{") depth++;
    else if (ch === ")" || ch === "]" || ch === "}") depth--;
  }
  parts.push(s.slice(start));
  return parts.map((p) => p.trim());
}
