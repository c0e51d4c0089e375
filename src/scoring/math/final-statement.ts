/**
 * Final answers stated without a box or an answer phrase: a `Final Answer` heading with the answer below it,
 * GSM8K's `#### 72` as the last line, and a closing sentence that concludes with one bold value or one formula.
 * Each rule reads only what it must (the last lines, the last sentence), and any hedge makes it give nothing.
 */

import { isNameTarget } from "./names.js";
import { splitTopLevel } from "./normalize.js";
import { isUnitWord } from "./units.js";

/** An answer stated in the response, and where its statement starts (the latest statement wins). */
export interface Stated {
  answer: string;
  at: number;
}

/**
 * Words that make a statement a hedge or a condition rather than a final answer. (A hedge right before the value,
 * "is about **12**", "between 3 and **4**", also fails the rule that a giving word such as "is" precede it.)
 */
export const HEDGE =
  /\b(?:or|either|maybe|perhaps|possibly|probably|likely|(?:could|might|may)\s+be|approximately|approx|roughly|nearly|almost|about|estimated?|guess|unless|if|assuming|suppose|not\s+sure|unsure|uncertain)\b|\\approx|≈|或|可能|大约|约/i;

/** A negation just before the value: "is not **12**", "never equals $5$", "不是 5". */
const NEGATED = /\b(?:not|never|no|isn't|aren't|wasn't|cannot|can't)\b(?:\s+\S+){0,2}\s*$|不是?\s*$/i;

/** The words around a value leave it in doubt: a hedge anywhere, or a negation just before it. */
export function doubtful(before: string, after = ""): boolean {
  return HEDGE.test(before) || HEDGE.test(after) || NEGATED.test(before);
}

/** The sentence ends at `. `, `! `, `? ` or a Chinese full stop, or at the end of the line. */
export function sentenceEnd(s: string): number {
  const m = /[.!?](?:\s|$)|[。！？\n]/.exec(s);
  return m ? m.index : s.length;
}

/** The rest of the sentence hedges (`$5$, or maybe $6$`, `(B) or (C)`) or asks (`$5$?`). */
export function hedgedAfter(s: string): boolean {
  return /^[\s*]*\?/.test(s) || HEDGE.test(s.slice(0, sentenceEnd(s)));
}

export interface Span {
  start: number;
  end: number;
  content: string;
  kind: "bold" | "formula";
}

/** The formula and bold spans of a short block, in order; a bold span containing math is one span. */
export function spansOf(block: string): Span[] {
  const spans: Span[] = [];
  const re =
    /\*\*([^*\n]+?)\*\*|\$\$([\s\S]+?)\$\$|(?<!\\)\$((?:[^$\\]|\\[\s\S])+?)\$|\\\(([\s\S]+?)\\\)|\\\[([\s\S]+?)\\\]/g;
  for (const m of block.matchAll(re)) {
    const bold = m[1] !== undefined;
    const content = (m[1] ?? m[2] ?? m[3] ?? m[4] ?? m[5])!.trim();
    spans.push({ start: m.index, end: m.index + m[0].length, content, kind: bold ? "bold" : "formula" });
  }
  return spans;
}

/** A value, not prose: short, with a digit or a LaTeX command in it. */
const looksLikeValue = (s: string): boolean => s.length > 0 && s.length <= 100 && /[\d\\]/.test(s);

const MAX_BLOCK = 600;

/**
 * The answer written below a `Final Answer` heading (or an answer phrase that ends its line): in the first paragraph,
 * its one math or bold span, else the line itself when it is a short value (`42`, `x = 5`). Several spans or a hedge
 * give the whole line (which then matches only a gold that is that list). Undefined when nothing follows.
 */
export function answerBelowHeading(after: string): string | undefined {
  const text = after.slice(0, MAX_BLOCK).replace(/^\s+/, "");
  const paragraph = text.split(/\n[ \t]*\n|\n(?=[ \t]*#)/)[0]!.trim();
  if (!paragraph) return undefined;
  const spans = spansOf(paragraph);
  const firstLine = paragraph.split("\n")[0]!.trim();
  const [only] = spans;
  if (spans.length === 1 && !doubtful(paragraph.slice(0, only!.start), paragraph.slice(only!.end))) {
    return stripPunctuation(only!.content).trim() || undefined;
  }
  if (spans.length === 0) {
    const line = stripPunctuation(firstLine.replace(/\*+/g, "")).trim();
    return looksLikeValue(line) ? line : undefined;
  }
  return stripPunctuation(paragraph.replace(/\*+/g, "").split(/\n/).join(" ")).trim() || undefined;
}

/** Trailing whitespace and sentence punctuation removed (a loop: a regex anchored at the end can be quadratic). */
export function stripPunctuation(s: string): string {
  let end = s.length;
  while (end > 0 && TRAILING.has(s.charCodeAt(end - 1))) end--;
  return s.slice(0, end);
}

/** Whitespace and sentence punctuation: space, tab, line breaks, `.`, `!`, `。`, `！`. */
const TRAILING = new Set([0x20, 0x09, 0x0a, 0x0d, 0x0b, 0x0c, 0xa0, 0x3000, 0x2e, 0x21, 0x3002, 0xff01]);

/** A heading line that is only "Final Answer" (`### Final Answer`, `**Final Answer**`, `**最终答案**`). */
const HEADING =
  /^[ \t]*(?:#{1,6}[ \t]*)?(?:(?:\*\*|__)[ \t]*)?(?:final[ \t]+answer|answer|最终答案|答案)(?:[ \t:：]|\*\*|__)*$/gim;

/** The answer below the last `Final Answer` heading. */
export function answerUnderHeading(text: string): Stated | undefined {
  if (!/answer|答案/i.test(text)) return undefined;
  let last: RegExpExecArray | undefined;
  for (const m of text.matchAll(HEADING)) last = m as RegExpExecArray;
  if (!last) return undefined;
  const answer = answerBelowHeading(text.slice(last.index + last[0].length));
  return answer === undefined ? undefined : { answer, at: last.index };
}

/** `#### 72` (GSM8K's final-answer marker): only as the last line, and only a number (`#### Step 2` is a heading). */
const GSM8K_NUMBER = /^[-+]?(?:\\?\$)?\s*\d[\d,]*(?:\.\d+)?\s*%?$/;
const MAX_MARKER_LINE = 200;

export function gsm8kMarker(text: string): Stated | undefined {
  const body = text.trimEnd();
  const at = body.lastIndexOf("\n") + 1;
  if (body.length - at > MAX_MARKER_LINE) return undefined;
  const m = /^[ \t]*####[ \t]*(.*)$/.exec(body.slice(at));
  if (!m) return undefined;
  let value = stripPunctuation(m[1]!.replace(/\*+/g, "")).trim();
  const math = /^\$([^$]+)\$$/.exec(value);
  if (math) value = math[1]!.trim();
  return GSM8K_NUMBER.test(value) ? { answer: value, at } : undefined;
}

/** The statement concludes: "So", "Thus", "Therefore", "Hence", "In total", ... */
const CONCLUSION_START =
  /^\s*(?:\*\*)?\s*(?:so|thus|therefore|hence|consequently|finally|overall|altogether|in\s+(?:total|conclusion|summary|all)|(?:this|that|which)\s+gives)\b/i;
/** The statement goes on working: it starts "Next", "First", "Now", or asks for more work ("we need to check"). */
const GOES_ON =
  /^\s*(?:\*\*)?\s*(?:next|first(?:ly)?|second(?:ly)?|now|when)\b|\b(?:let(?:'s)?|need|needs|check|compute|find|try|test|verify|consider|suppose|assume|remains?\s+to)\b/i;
/** The words just before the value give it: "is", "are", "was", "=", "equals", "gives", "a total of", ":" (maybe with "therefore"). */
const CONNECTOR_END =
  /(?:\b(?:is|are|was|were|be|equals?|gives?|gets?|get|obtain|becomes?|makes?|totals?|of|to)|=|[:：])(?:[\s,]+(?:therefore|thus|hence|then|exactly|simply|indeed))?[\s,]*$/i;
const MAX_SENTENCE = 400;

/** The span that ends the text (after final punctuation): `**210**`, `$\frac{17}{50}$`, `\(...\)`, `\[...\]`. */
function finalSpan(body: string): Span | undefined {
  const end = body.length;
  if (body.endsWith("**")) {
    const open = body.lastIndexOf("**", end - 3);
    if (open < 0 || end - open > MAX_SENTENCE) return undefined;
    const content = body.slice(open + 2, end - 2);
    if (/[*\n]/.test(content)) return undefined;
    return { start: open, end, content: stripPunctuation(content).trim(), kind: "bold" };
  }
  const closers: [string, string][] = [
    ["$$", "$$"],
    ["\\)", "\\("],
    ["\\]", "\\["],
    ["$", "$"],
  ];
  for (const [close, open] of closers) {
    if (!body.endsWith(close) || (close === "$" && body[end - 2] === "\\")) continue;
    let at = body.lastIndexOf(open, end - close.length - 1);
    // `$` preceded by a backslash is a dollar sign, not a delimiter.
    while (close === "$" && at > 0 && body[at - 1] === "\\") at = body.lastIndexOf(open, at - 1);
    if (at < 0 || end - at > MAX_SENTENCE) return undefined;
    const content = body.slice(at + open.length, end - close.length);
    if (close === "$" && /(?<!\\)\$/.test(content)) return undefined;
    return { start: at, end, content: stripPunctuation(content).trim(), kind: "formula" };
  }
  return undefined;
}

/** Where the sentence holding position `at` starts: after the last `. `, `! `, `? ` or line break before it. */
function sentenceStart(body: string, at: number): number {
  const from = Math.max(0, at - MAX_SENTENCE);
  let start = from;
  for (const m of body.slice(from, at).matchAll(/[.!?](?=\s)|[。！？\n]/g))
    start = from + m.index + m[0].length;
  return start;
}

/**
 * The closing sentence of the response when it concludes with one value: a bold value at the very end
 * (`... the total number of ways is **210**.`) after a word that gives it ("is", "=", "a total of"), or a
 * concluding sentence ("So", "Thus", "Therefore", ...) whose only mathematics is one formula at its end
 * (`Thus the probability is $\frac{3}{8}$.`). A bold value alone on the last line counts too. Any hedge, another
 * bold value in the sentence, or a sentence that goes on working ("Next", "Let") gives nothing.
 */
export function closingStatement(text: string): Stated | undefined {
  const whole = stripPunctuation(text);
  // "So the area is $24$ square units.": unit words after the value belong to it.
  const units = trailingUnitWords(whole);
  const body = units ? whole.slice(0, whole.length - units.length) : whole;
  const span = finalSpan(body);
  if (!span || !looksLikeValue(span.content) || HEDGE.test(span.content.replace(/\\approx|≈/g, ""))) {
    return undefined;
  }
  const answer = units ? `${span.content} \\text{${units}}` : span.content;
  // `x = 5` names the value; `2x + 3 = 11` is a step of the work.
  const sides = splitTopLevel(span.content, ["="]);
  if (sides.length > 1 && !isNameTarget(sides[0]!)) return undefined;
  let start = sentenceStart(body, span.start);
  let sentence = body.slice(start, span.start);
  if (!sentence.trim() && start > 0) {
    // The value on a line of its own: the sentence is the line before it, unless that one is complete.
    const previous = sentenceStart(body, start - 1);
    const line = body.slice(previous, start).trim();
    if (span.kind === "bold" && (line === "" || /[.!?。！？]$/.test(line))) return { answer, at: start };
    start = previous;
    sentence = body.slice(previous, span.start);
  }
  if (doubtful(sentence) || GOES_ON.test(sentence) || sentence.includes("**")) return undefined;
  const gives = CONNECTOR_END.test(sentence);
  const conclusion = CONCLUSION_START.exec(sentence);
  if (span.kind === "bold") {
    return gives || conclusion || sentence.trim() === "" ? { answer, at: start } : undefined;
  }
  if (!conclusion || /[\d$]|\\[([]/.test(sentence)) return undefined;
  const afterMarker = sentence.slice(conclusion[0].length);
  return gives || /^[\s,:]*$/.test(afterMarker) ? { answer, at: start } : undefined;
}

/** ` square units`, ` hours`, ` cm`: up to three unit words ending the text (with their leading space), or "". */
function trailingUnitWords(body: string): string {
  const m = /(?:[ \t]+[a-zA-Z]+){1,3}$/.exec(body.slice(-60));
  if (!m) return "";
  const words = m[0].split(/(?=[ \t]+[a-zA-Z])/);
  // The longest run of unit words that ends the text.
  for (let k = 0; k < words.length; k++) {
    if (words.slice(k).every((w) => isUnitWord(w.trim()))) return words.slice(k).join("");
  }
  return "";
}
