/** Strict answer extraction from a full model response: a box, else an explicit answer phrase, else nothing. */

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
  // `\boxed 5`: the argument is the next token.
  const m = /^[^\s$]+/.exec(text.slice(i, i + 200));
  if (!m || i === start + kind.length + 1) return undefined;
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

function lastBox(text: string): Box | "truncated" | undefined {
  let best: Box | undefined;
  let limit = text.length;
  let sawTruncated = false;
  for (const { index, kind } of lastBoxStarts(text)) {
    const box = readBox(text, index, kind, limit);
    if (box === "truncated") {
      // A box opened before an unclosed one cannot close after it: later scans stop there.
      sawTruncated = true;
      limit = index;
    }
    // Scanning backwards, a box that ends at or after the best one encloses it: the outer box is the answer.
    else if (box && (!best || box.end >= best.end)) best = box;
  }
  return best ?? (sawTruncated ? "truncated" : undefined);
}

const PHRASE = /final answer is|the answer is|answer\s*:/gi;
/** A list continuing after the first formula: `, $-5$`, ` or $-5$`, ` and \(x = 2\)`. */
const MORE_VALUES = /^\s*(?:,|;|\bor\b|\band\b)\s*(?:\$|\\\(|\\\[|-?\d)/;
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

export function extractAnswer(response: string): Extraction {
  const box = lastBox(response);
  if (box === "truncated") return { extracted: null, found: false, path: "truncated_box" };
  if (box)
    return box.content
      ? { extracted: box.content, found: true, path: box.kind }
      : { extracted: null, found: false, path: box.kind };
  const phrase = answerAfterPhrase(response);
  if (phrase) return { extracted: phrase, found: true, path: "answer_phrase" };
  return { extracted: null, found: false, path: "none" };
}
