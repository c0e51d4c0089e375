/** Boxed answers: the last complete `\\boxed{...}` / `\\fbox{...}`, and boxes side by side that are one answer. */
import { isEquivalent } from "./compare.js";

/** Only this many boxes from the end are examined, so a response full of boxes costs linear time. */
const MAX_BOXES_EXAMINED = 32;

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

export interface Box {
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

export function lastBox(text: string): Box | "truncated" | undefined {
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
export function unwrapBoxes(content: string): string {
  let c = content;
  for (let n = 0; n < 8; n++) {
    const m = /^\\(?:boxed|fbox)\s*\{/.exec(c);
    if (!m || closeBrace(c, m[0].length - 1, c.length) !== c.length) break;
    c = c.slice(m[0].length, -1).trim();
  }
  return c;
}
