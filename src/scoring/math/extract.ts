/** Strict answer extraction from a full model response: a box, else an explicit answer phrase, else nothing. */

export type ExtractionPath = "boxed" | "fbox" | "answer_phrase" | "truncated_box" | "none";

export interface Extraction {
  extracted: string | null;
  found: boolean;
  path: ExtractionPath;
}

const BOX = /\\(boxed|fbox)(?![a-zA-Z])/g;
/** Only this many boxes from the end are examined, so a response full of boxes costs linear time. */
const MAX_BOXES_EXAMINED = 32;
const MAX_PHRASE_ANSWER = 1000;

/** Index just past the `}` closing the `{` at `open`, or -1 when the text ends first. */
function closeBrace(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
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
function readBox(text: string, start: number, kind: "boxed" | "fbox"): Box | "truncated" | undefined {
  let i = start + kind.length + 1;
  while (text[i] === " ") i++;
  if (text[i] === "{") {
    const end = closeBrace(text, i);
    return end < 0 ? "truncated" : { start, end, content: text.slice(i + 1, end - 1).trim(), kind };
  }
  // `\boxed 5`: the argument is the next token.
  const m = /^[^\s$]+/.exec(text.slice(i, i + 200));
  if (!m || i === start + kind.length + 1) return undefined;
  const content = m[0].replace(/[.,;]+$/, "").replace(/\\\]$|\\\)$/, "");
  return content ? { start, end: i + m[0].length, content, kind } : undefined;
}

function lastBox(text: string): Box | "truncated" | undefined {
  const starts: { index: number; kind: "boxed" | "fbox" }[] = [];
  for (const m of text.matchAll(BOX)) {
    starts.push({ index: m.index, kind: m[1] as "boxed" | "fbox" });
    if (starts.length > MAX_BOXES_EXAMINED) starts.shift();
  }
  let best: Box | undefined;
  let sawTruncated = false;
  for (const { index, kind } of starts.reverse()) {
    const box = readBox(text, index, kind);
    if (box === "truncated") sawTruncated = true;
    // Scanning backwards, a box that ends at or after the best one encloses it: the outer box is the answer.
    else if (box && (!best || box.end >= best.end)) best = box;
  }
  return best ?? (sawTruncated ? "truncated" : undefined);
}

const PHRASE = /final answer is|the answer is|answer\s*:/gi;
const DELIMITERS: [string, string][] = [
  ["$$", "$$"],
  ["$", "$"],
  ["\\[", "\\]"],
  ["\\(", "\\)"],
];

/** The answer following the last explicit answer phrase, e.g. "The final answer is $\frac12$." */
function answerAfterPhrase(text: string): string | undefined {
  let last: RegExpExecArray | undefined;
  for (const m of text.matchAll(PHRASE)) last = m as RegExpExecArray;
  if (!last) return undefined;
  let rest = text
    .slice(last.index + last[0].length, last.index + last[0].length + MAX_PHRASE_ANSWER)
    .replace(/^[\s:*]+/, "");
  for (const [open, close] of DELIMITERS) {
    if (rest.startsWith(open)) {
      const end = rest.indexOf(close, open.length);
      return end < 0 ? undefined : rest.slice(open.length, end).trim() || undefined;
    }
  }
  rest = rest.split("\n")[0]!;
  const sentenceEnd = /\.(?:\s|$)/.exec(rest);
  if (sentenceEnd) rest = rest.slice(0, sentenceEnd.index);
  const answer = rest.replace(/\*+/g, "").trim();
  return answer || undefined;
}

export function extractAnswer(response: string): Extraction {
  const box = lastBox(response);
  if (box === "truncated") return { extracted: null, found: false, path: "truncated_box" };
  if (box) return { extracted: box.content, found: box.content.length > 0, path: box.kind };
  const phrase = answerAfterPhrase(response);
  if (phrase) return { extracted: phrase, found: true, path: "answer_phrase" };
  return { extracted: null, found: false, path: "none" };
}
