/**
 * Rewrites of answer forms that models write instead of standard LaTeX: plain-text math (`2*sqrt(5)`, `pi`, `inf`,
 * `!=`), plain-TeX infix fractions (`{a \over b}`), wrappers that carry no value (`\boxed{...}`, `\textcolor`),
 * and a plain space as thousands separator. Every rewrite is linear or bounded by a fixed number of passes.
 */

/** At most this many wrappers or infix commands are rewritten per answer (bounds the work on adversarial input). */
const MAX_REWRITES = 32;

/** Index of the `}` closing the `{` at `open` (braces only), or -1. */
function closeBraceAt(s: string, open: number): number {
  let depth = 0;
  for (let i = open; i < s.length; i++) {
    const ch = s[i]!;
    if (ch === "\\") i++;
    else if (ch === "{") depth++;
    else if (ch === "}" && --depth === 0) return i;
  }
  return -1;
}

/** Index of the `)` closing the `(` at `open` (parentheses only), or -1. */
function closeParenAt(s: string, open: number): number {
  let depth = 0;
  for (let i = open; i < s.length; i++) {
    const ch = s[i]!;
    if (ch === "(") depth++;
    else if (ch === ")" && --depth === 0) return i;
  }
  return -1;
}

/**
 * `\boxed{X}`, `\fbox{X}`, `\framebox{X}`, `\textcolor{red}{X}`, `\colorbox{red}{X}` -> `X`; `\color{red}` -> nothing.
 * A box inside an answer (`x = \boxed{6}`) or around all of it carries no value.
 */
export function unwrapDecorations(input: string): string {
  let s = input;
  if (!/\\(?:boxed|fbox|framebox|textcolor|colorbox|color)(?![a-zA-Z])/.test(s)) return s;
  const re = /\\(boxed|fbox|framebox|textcolor|colorbox|color)(?![a-zA-Z])\s*/;
  for (let n = 0; n < MAX_REWRITES; n++) {
    const m = re.exec(s);
    if (!m) break;
    const open = m.index + m[0].length;
    const skipFirst = m[1] === "textcolor" || m[1] === "colorbox" || m[1] === "color";
    let at = open;
    if (skipFirst) {
      if (s[at] !== "{") return s;
      const end = closeBraceAt(s, at);
      if (end < 0) return s;
      if (m[1] === "color") {
        s = s.slice(0, m.index) + s.slice(end + 1);
        continue;
      }
      at = end + 1;
      while (s[at] === " ") at++;
    }
    if (s[at] !== "{") {
      // `\boxed 5`: the command alone goes.
      s = s.slice(0, m.index) + s.slice(at);
      continue;
    }
    const close = closeBraceAt(s, at);
    if (close < 0) return s;
    const inner = s.slice(at + 1, close);
    const whole = m.index === 0 && close === s.length - 1;
    s = whole ? inner.trim() : `${s.slice(0, m.index)}{${inner}}${s.slice(close + 1)}`;
  }
  return s;
}

/**
 * Plain-TeX infix commands: `{a \over b}` -> `{\frac{a}{b}}`, `{n \choose k}` -> `{\binom{n}{k}}`, `\cfrac` -> `\frac`.
 * The infix command splits the innermost brace group around it (or the whole answer).
 */
export function infixFractions(input: string): string {
  let s = input.replace(/\\cfrac(?![a-zA-Z])(?:\[[lcr]\])?/g, "\\frac");
  const re = /\\(over|choose|atop)(?![a-zA-Z])/;
  for (let n = 0; n < MAX_REWRITES; n++) {
    const m = re.exec(s);
    if (!m) break;
    // The enclosing group: scan left to the unmatched `{` (or the start), right to the unmatched `}` (or the end).
    let depth = 0;
    let start = m.index - 1;
    for (; start >= 0; start--) {
      const ch = s[start];
      if (ch === "}" && s[start - 1] !== "\\") depth++;
      else if (ch === "{" && s[start - 1] !== "\\" && depth-- === 0) break;
    }
    depth = 0;
    let end = m.index + m[0].length;
    for (; end < s.length; end++) {
      const ch = s[end];
      if (ch === "\\") end++;
      else if (ch === "{") depth++;
      else if (ch === "}" && depth-- === 0) break;
    }
    const a = s.slice(start + 1, m.index).trim();
    const b = s.slice(m.index + m[0].length, end).trim();
    if (!a || !b) return s;
    const cmd = m[1] === "over" ? "\\frac" : m[1] === "choose" ? "\\binom" : undefined;
    if (!cmd) return s;
    s = `${s.slice(0, start + 1)}${cmd}{${a}}{${b}}${s.slice(end)}`;
  }
  return s;
}

const PLAIN_HINT = /sqrt|cbrt|pi|inf|abs|sin|cos|tan|cot|sec|csc|ln|log|exp|!=|\*\*|∪|≠|U/;
const PLAIN_FUNCTION =
  /(?<![a-zA-Z\\])(arcsin|arccos|arctan|sinh|cosh|tanh|sin|cos|tan|cot|sec|csc|ln|log|exp)(?=\s*[(^_])/g;
/** Plain-text root or absolute value with a parenthesised argument: `sqrt(`, `cbrt(`, `abs(`. */
const PLAIN_CALL = /(?<![a-zA-Z\\])(sqrt|cbrt|abs)\s*\(/;

/**
 * Plain-text math as LaTeX: `2*sqrt(5)` -> `2*\sqrt{5}`, `sqrt5` -> `\sqrt{5}`, `cbrt(2)` -> `\sqrt[3]{2}`,
 * `abs(x)` -> `|x|`, `pi` -> `\pi`, `inf`/`infinity` -> `\infty`, `!=`/`≠` -> `\ne`, `x**2` -> `x^{2}`,
 * `sin(x)` -> `\sin(x)`, `∪` and a `U` between two intervals -> `\cup`. Only whole words are read (`spin` has no pi).
 */
export function plainTextMath(input: string): string {
  if (!PLAIN_HINT.test(input)) return input;
  let s = input;
  for (let n = 0; n < MAX_REWRITES; n++) {
    const m = PLAIN_CALL.exec(s);
    if (!m) break;
    const open = m.index + m[0].length - 1;
    const close = closeParenAt(s, open);
    if (close < 0) break;
    const arg = s.slice(open + 1, close);
    const head = m[1] === "sqrt" ? `\\sqrt{${arg}}` : m[1] === "cbrt" ? `\\sqrt[3]{${arg}}` : `|${arg}|`;
    s = s.slice(0, m.index) + head + s.slice(close + 1);
  }
  return s
    .replace(/(?<![a-zA-Z\\])sqrt\s*(\d+(?:\.\d+)?)/g, "\\sqrt{$1}")
    .replace(PLAIN_FUNCTION, "\\$1")
    .replace(/(?<![a-zA-Z\\])pi(?![a-zA-Z])/g, "\\pi ")
    .replace(/(?<![a-zA-Z\\])(?:[Ii]nfinity|inf|infty)(?![a-zA-Z])/g, "\\infty ")
    .replace(/(?<![\d)}!])!=|≠/g, "\\ne ")
    .replace(/\*\*\s*(\d+)/g, "^{$1}")
    .replace(/\*\*/g, "^")
    .replace(/∪/g, "\\cup ")
    .replace(/([\])])\s*U\s*(?=[[(])/g, "$1 \\cup ");
}

/**
 * A plain space as thousands separator: `12 345`, `2 500 000`, `12 345.5` (after `\ `, `~` and `\,` became spaces).
 * Only groups of exactly three digits after a first group of one to three, not part of a decimal fraction, and
 * not followed by `/` or `\frac` (`3 100/200` is a mixed number).
 */
export function dropSpaceSeparators(s: string): string {
  if (!/\d \d{3}/.test(s)) return s;
  return s.replace(/(?<![\w.^_\\])\d{1,3}(?: \d{3})+(?!\d| \d|\s*(?:\/|\\frac|\\over))/g, (num) =>
    num.replace(/ /g, ""),
  );
}

const VULGAR_FRACTIONS: Record<string, string> = {
  "½": "1/2",
  "⅓": "1/3",
  "⅔": "2/3",
  "¼": "1/4",
  "¾": "3/4",
  "⅕": "1/5",
  "⅖": "2/5",
  "⅗": "3/5",
  "⅘": "4/5",
  "⅙": "1/6",
  "⅚": "5/6",
  "⅐": "1/7",
  "⅛": "1/8",
  "⅜": "3/8",
  "⅝": "5/8",
  "⅞": "7/8",
  "⅑": "1/9",
  "⅒": "1/10",
};
const SUPERSCRIPTS = "⁰¹²³⁴⁵⁶⁷⁸⁹";

/**
 * Unicode number forms as LaTeX: vulgar fractions (`½` -> `\frac{1}{2}`, so `2½` is the mixed number 5/2), the
 * fraction slash (`3⁄4` -> `3/4`) and superscript exponents (`x²` -> `x^{2}`, `10⁻³` -> `10^{-3}`).
 */
export function unicodeNumbers(s: string): string {
  if (!/[½⅓⅔¼¾⅕⅖⅗⅘⅙⅚⅐⅛⅜⅝⅞⅑⅒⁄⁰¹²³⁴⁵⁶⁷⁸⁹⁻]/.test(s)) return s;
  return s
    .replace(/[½⅓⅔¼¾⅕⅖⅗⅘⅙⅚⅐⅛⅜⅝⅞⅑⅒]/g, (ch) => {
      const [n, d] = VULGAR_FRACTIONS[ch]!.split("/");
      return `\\frac{${n}}{${d}}`;
    })
    .replace(/⁄/g, "/")
    .replace(/⁻?[⁰¹²³⁴⁵⁶⁷⁸⁹]+/g, (sup) => {
      const digits = [...sup].map((ch) => (ch === "⁻" ? "-" : String(SUPERSCRIPTS.indexOf(ch)))).join("");
      return `^{${digits}}`;
    });
}
