/** Strict answer extraction from a full model response: a box, else an explicit answer phrase, else nothing. */
import { isEquivalent } from "./compare.js";

export type ExtractionPath = "boxed" | "fbox" | "answer_phrase" | "truncated_box" | "none";

export interface Extraction {
  extracted: string | null;
  found: boolean;
  path: ExtractionPath;
}

/** Only this many boxes from the end are examined, so a response full of boxes costs linear time. */
const MAX_BOXES_EXAMINED = 32;
const MAX_PHRASE_ANSWER = 1000;

/** Index just past the `}` closing the `{` at `open`, or -1 when it does not close before `limit`. */
function closeBrace(text: string, open: number, limit: number): number {
  let depth = 0;
  for (let i = open; i < limit; i++) {
    const ch = text.charCodeAt(i);
    if (ch === 92 /* \ */) i++;
    else if (ch === 123 /* { */) depth++;
    else if (ch === 125 /* } */ && --depth === 0) return i + 1;
  }
  return -1;
}

interface Box {
  start: number;
  end: number;
  content: string;
  kind: "boxed" | "fbox";
}

/** The box starting at `start` (at its backslash), or "truncated" when its braces never close. */
function readBox(
  text: string,
  start: number,
  kind: "boxed" | "fbox",
  limit: number,
): Box | "truncated" | undefined {
  let i = start + kind.length + 1;
  while (text[i] === " ") i++;
  if (text[i] === "{") {
    const end = closeBrace(text, i, limit);
    return end < 0 ? "truncated" : { start, end, content: text.slice(i + 1, end - 1).trim(), kind };
  }
  // `\boxed 5`, `\boxed8`: the argument is the next token (with no space, only a number can follow directly).
  const m = /^[^\s$]+/.exec(text.slice(i, i + 200));
  if (!m || (i === start + kind.length + 1 && !/^\d/.test(m[0]))) return undefined;
  const content = m[0].replace(/[.,;]+$/, "").replace(/\\\]$|\\\)$/, "");
  return content ? { start, end: i + m[0].length, content, kind } : undefined;
}

/** Start indices of the last few `\\boxed` / `\\fbox` commands, latest first, found backwards in linear time. */
function lastBoxStarts(text: string): { index: number; kind: "boxed" | "fbox" }[] {
  const out: { index: number; kind: "boxed" | "fbox" }[] = [];
  const next = { boxed: text.length, fbox: text.length };
  const find = (kind: "boxed" | "fbox", before: number): number => {
    for (
      let at = text.lastIndexOf(`\\${kind}`, before - 1);
      at >= 0;
      at = text.lastIndexOf(`\\${kind}`, at - 1)
    ) {
      if (!/[a-zA-Z]/.test(text[at + kind.length + 1] ?? "")) return at;
      if (at === 0) break;
    }
    return -1;
  };
  let boxed = find("boxed", next.boxed);
  let fbox = find("fbox", next.fbox);
  while (out.length < MAX_BOXES_EXAMINED && (boxed >= 0 || fbox >= 0)) {
    if (boxed > fbox) {
      out.push({ index: boxed, kind: "boxed" });
      boxed = boxed > 0 ? find("boxed", boxed) : -1;
    } else {
      out.push({ index: fbox, kind: "fbox" });
      fbox = fbox > 0 ? find("fbox", fbox) : -1;
    }
  }
  return out;
}

/** What may stand between boxes (with at least one `,`, `;`, "and", "or") that together give one answer: `$\boxed{-4}$ and $\boxed{1}$`, `\boxed{1}, \boxed{2}`. */
const BOX_JOINER =
  /^(?:\s|\$|\\[()[\]]|[,;]|\\q?quad|\\text\{\s*(?:and|or)?\s*,?\s*\}|\b(?:and|or)\b|[a-zA-Z](?:_\{?\w+\}?)?\s*=)*$/;
const MAX_JOINER = 60;
/** A name just before a box: `x = \boxed{2}`. */
const NAME_BEFORE_BOX = /([a-zA-Z](?:_\{?\w+\}?)?)\s*=\s*\$?\s*$/;

function lastBox(text: string): Box | "truncated" | undefined {
  let best: Box | undefined;
  const boxes: Box[] = [];
  let limit = text.length;
  let sawTruncated = false;
  for (const { index, kind } of lastBoxStarts(text)) {
    const box = readBox(text, index, kind, limit);
    if (box === "truncated") {
      // A box opened before an unclosed one cannot close after it: later scans stop there.
      sawTruncated = true;
      limit = index;
    } else if (box) {
      boxes.push(box);
      // Scanning backwards, a box that ends at or after the best one encloses it: the outer box is the answer.
      if (!best || box.end >= best.end) best = box;
    }
  }
  if (!best) return sawTruncated ? "truncated" : undefined;
  return joinedBoxes(text, best, boxes);
}

/**
 * Boxes side by side with only separators between them (`\boxed{-4}` and `\boxed{1}`, `\boxed{1}, \boxed{2}`) are one
 * answer: their contents joined by commas, each with its name when it has one (`x = \boxed{2}`), unless they all are
 * one value written in several forms (then the last box is the answer, as usual). Words between
 * them ("but then") make the last box the answer alone.
 */
function joinedBoxes(text: string, last: Box, boxes: Box[]): Box {
  const run = [last];
  for (;;) {
    const head = run[0]!;
    let prev: Box | undefined;
    for (const b of boxes) if (b.end <= head.start && (!prev || b.end > prev.end)) prev = b;
    if (!prev || head.start - prev.end > MAX_JOINER) break;
    const gap = text.slice(prev.end, head.start);
    if (!BOX_JOINER.test(gap) || !/[,;]|\b(?:and|or)\b/.test(gap)) break;
    run.unshift(prev);
  }
  // `\boxed{15\frac{39}{40}}, or \boxed{\frac{639}{40}}`: the same value in two forms is one value, not a list.
  if (run.length === 1 || run.every((b) => isEquivalent(last.content, b.content))) return last;
  const named = run.map((b) => {
    const name = NAME_BEFORE_BOX.exec(text.slice(Math.max(0, b.start - 20), b.start));
    return { b, name: name?.[1] };
  });
  const allNamed = named.every((x) => x.name !== undefined);
  const content = named.map(({ b, name }) =>
    allNamed ? `${name} = ${unwrapBoxes(b.content)}` : unwrapBoxes(b.content),
  );
  return { start: run[0]!.start, end: last.end, content: content.join(", "), kind: last.kind };
}

/** `\boxed{\boxed{7}}` -> `7`: a box inside the box is unwrapped again. */
function unwrapBoxes(content: string): string {
  let c = content;
  for (let n = 0; n < 8; n++) {
    const m = /^\\(?:boxed|fbox)\s*\{/.exec(c);
    if (!m || closeBrace(c, m[0].length - 1, c.length) !== c.length) break;
    c = c.slice(m[0].length, -1).trim();
  }
  return c;
}

const PHRASE = /(?:final|correct|the)\s+answer\s+is|answer\s*:/gi;
/** A multiple-choice letter right after the phrase: "(B)", "**(B)**", "B)", "option (B)". */
const CHOICE_LETTER =
  /^(?:[Oo]ption\s+|[Cc]hoice\s+)?(?:\\textbf\{|\*\*)?\s*\(([A-Z])\)|^(?:[Oo]ption\s+|[Cc]hoice\s+)?([A-Z])\)(?=\s|$)/;
/** A list continuing after the first formula: `, $-5$`, ` or $-5$`, ` and \(x = 2\)`. */
const MORE_VALUES = /^\s*(?:,|;|\bor\b|\band\b)\s*(?:\$|\\\(|\\\[|-?\d)/;
const DELIMITERS: [string, string][] = [
  ["$$", "$$"],
  ["$", "$"],
  ["\\[", "\\]"],
  ["\\(", "\\)"],
];

/** Index of `close` from `from`, skipping escaped ones (`$\$12.50$` is one span), or -1. */
function closingDelimiter(text: string, close: string, from: number): number {
  for (let at = text.indexOf(close, from); at >= 0; at = text.indexOf(close, at + 1)) {
    if (close !== "$" && close !== "$$") return at;
    if (text[at - 1] !== "\\") return at;
  }
  return -1;
}

/** The answer following the last explicit answer phrase, e.g. "The final answer is $\frac12$." */
function answerAfterPhrase(text: string): string | undefined {
  let last: RegExpExecArray | undefined;
  for (const m of text.matchAll(PHRASE)) last = m as RegExpExecArray;
  if (!last) return undefined;
  let rest = text
    .slice(last.index + last[0].length, last.index + last[0].length + MAX_PHRASE_ANSWER)
    .replace(/^[\s:*}]+/, "");
  const letter = CHOICE_LETTER.exec(rest);
  if (letter) return `(${letter[1] ?? letter[2]})`;
  for (const [open, close] of DELIMITERS) {
    if (rest.startsWith(open)) {
      const end = closingDelimiter(rest, close, open.length);
      if (end < 0) return undefined;
      // "Answer: $5$ and $-5$" answers both values: keep the whole line then, not only the first formula.
      if (!MORE_VALUES.test(rest.slice(end + close.length)))
        return rest.slice(open.length, end).trim() || undefined;
      break;
    }
  }
  rest = rest.split("\n")[0]!;
  // The answer ends with its sentence or where an explanation starts: "9, because ...".
  const end = /\.(?:\s|$)|,\s+[a-z]{3,}/.exec(rest);
  if (end) rest = rest.slice(0, end.index);
  const answer = rest.replace(/\*+/g, "").trim();
  return answer || undefined;
}

/** `"answer": "12"`, `"final_answer": 12` in JSON-style output: the last such key's string or number. */
const JSON_ANSWER =
  /(["'])(?:final[_ ]?answer|finalAnswer|answer)\1\s*:\s*("(?:[^"\\\n]|\\.){0,1000}"|'(?:[^'\\\n]|\\.){0,1000}'|-?\d+(?:\.\d+)?)/gi;

function answerFromJson(text: string): string | undefined {
  if (!/answer["']/i.test(text)) return undefined;
  let last: RegExpExecArray | undefined;
  for (const m of text.matchAll(JSON_ANSWER)) last = m as RegExpExecArray;
  if (!last) return undefined;
  let value: unknown;
  const literal = last[2]!;
  try {
    // A Python-style dict (`{'answer': '12'}`) is read like JSON.
    value = literal.startsWith("'")
      ? JSON.parse(`"${literal.slice(1, -1).replace(/\\'/g, "'").replace(/"/g, '\\"')}"`)
      : JSON.parse(literal);
  } catch {
    return undefined;
  }
  const answer = String(value).trim();
  if (!answer) return undefined;
  // The value may itself be a sentence with an answer phrase ("The answer is 12").
  return answerAfterPhrase(answer) ?? answer;
}

export function extractAnswer(response: string): Extraction {
  const box = lastBox(response);
  if (box === "truncated") return { extracted: null, found: false, path: "truncated_box" };
  if (box) {
    const content = unwrapBoxes(box.content);
    return content
      ? { extracted: content, found: true, path: box.kind }
      : { extracted: null, found: false, path: box.kind };
  }
  const json = answerFromJson(response);
  if (json) return { extracted: json, found: true, path: "answer_phrase" };
  const phrase = answerAfterPhrase(response);
  if (phrase) return { extracted: phrase, found: true, path: "answer_phrase" };
  return { extracted: null, found: false, path: "none" };
}
