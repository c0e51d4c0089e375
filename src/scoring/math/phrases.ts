/** Answers given by an explicit phrase ("The final answer is", "Answer:", "答案是", "The correct option is") or a JSON key. */
import {
  answerBelowHeading,
  doubtful,
  hedgedAfter,
  type Stated,
  sentenceEnd,
  spansOf,
  stripPunctuation,
} from "./final-statement.js";

const MAX_PHRASE_ANSWER = 1000;

/**
 * The phrases, any case and spacing. The option phrases ("the correct option is", "corresponds to option") give
 * a multiple-choice letter or nothing.
 */
const PHRASE =
  /(?<option>(?:correct|right|best)\s+(?:option|choice)\s+is|corresponds\s+to\s+(?:option|choice))|(?:final|correct|the)\s+answer\s+is|answer(?:\s|\*\*|__)*:|(?:最终)?答案\s*(?:是|为|為|：|:)/gi;
/** Words between the phrase and the answer that say nothing: "the answer is actually 7". */
const FILLER =
  /^(?:(?:actually|indeed|really|just|simply|clearly|therefore|thus|hence|then|now|definitely|certainly|obviously|still|of\s+course|in\s+fact)\b[\s,:]*)+/i;
/** A multiple-choice letter right after the phrase: "(B)", "**(B)**", "B)", "option (B)", "**B**", `$\text{(B)}$`. */
const CHOICE_LETTER =
  /^(?:[Oo]ption\s+|[Cc]hoice\s+)?(?:(?:\\textbf\{|\*\*)?\s*\(([A-Z])\)|([A-Z])\)(?=\s|$)|(?:\*\*|\\textbf\{)\s*([A-Z])\s*(?:\*\*|\})|\$?\\text(?:bf)?\{\s*\(?([A-Z])\)?\s*\}\$?)(?![a-zA-Z])/;
/** After an option phrase, a bare letter too: "the correct option is E." */
const BARE_LETTER = /^(?:[Oo]ption\s+|[Cc]hoice\s+)?([A-Z])(?![a-zA-Z0-9])/;
/** A second letter joined to the first ("(A) and (C)", "(B) or (C)", "B, D"): the answer is the whole line. */
const MORE_LETTERS =
  /^[\s*}$]*(?:,|;|\/|\bor\b|\band\b)\s*(?:[Oo]ption\s+|[Cc]hoice\s+)?(?:\*\*|\\textbf\{)?\s*\(?[A-Z]\)?(?![a-zA-Z])/;
/** A list continuing after the first formula: `, $-5$`, ` or $-5$`, ` and \(x = 2\)`, ` or **-5**`. */
const MORE_VALUES = /^\s*(?:,|;|\bor\b|\band\b)\s*(?:\$|\\\(|\\\[|-?\d|\*\*|\\textbf)/;
/**
 * Where a plain answer ends: its sentence (". ", Chinese full stop or comma), or an explanation (", because ..."),
 * but not a hedge that follows a comma (", or maybe 6", ", probably").
 */
const ANSWER_END =
  /\.(?:\s|$)|[。！；，]|,\s+(?!or\b|either\b|maybe\b|perhaps\b|possibly\b|probably\b|likely\b|approximately\b|roughly\b|about\b|around\b)[a-z]{3,}/;
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

function choiceLetter(rest: string, option: boolean): string | "joined" | undefined {
  const m = CHOICE_LETTER.exec(rest) ?? (option ? BARE_LETTER.exec(rest) : null);
  if (!m) return undefined;
  const after = rest.slice(m[0].length);
  if (MORE_LETTERS.test(after) || hedgedAfter(after)) return "joined";
  return `(${m.slice(1).find((x) => x !== undefined)})`;
}

/** The answer written after the phrase that ends at `from`. */
function answerAfter(text: string, from: number, option: boolean): string | undefined {
  const window = text.slice(from, from + MAX_PHRASE_ANSWER);
  // "Final Answer:" at the end of its line is a heading: the answer is below it.
  const line = window.split("\n")[0]!;
  if (/^[\s:：*}_]*$/.test(line)) return option ? undefined : answerBelowHeading(window.slice(line.length));
  let rest = window.replace(/^[\s:：*}]+/, "").replace(FILLER, "");
  const letter = choiceLetter(rest, option);
  if (letter !== undefined && letter !== "joined") return letter;
  if (option && letter === undefined) return undefined;
  // A `$` before a number with no closing `$` on its line is a dollar sign: "The answer is $18."
  if (/^\$\d/.test(rest) && closingDelimiter(rest.split("\n")[0]!, "$", 1) < 0) rest = `\\${rest}`;
  for (const [open, close] of DELIMITERS) {
    if (letter === undefined && rest.startsWith(open)) {
      const end = closingDelimiter(rest, close, open.length);
      if (end < 0) return undefined;
      // "Answer: $5$ and $-5$" answers both values, "$5$, or maybe $6$" hedges: keep the whole line then.
      const after = rest.slice(end + close.length);
      if (!MORE_VALUES.test(after) && !hedgedAfter(after))
        return rest.slice(open.length, end).trim() || undefined;
      break;
    }
  }
  rest = rest.split("\n")[0]!;
  // "Answer: The total number of ways is **210**.": one value in a sentence of words is that value.
  const sentence = rest.slice(0, sentenceEnd(rest));
  const spans = spansOf(sentence);
  const [only] = spans;
  if (
    letter === undefined &&
    spans.length === 1 &&
    /[a-zA-Z]{3,}/.test(sentence.slice(0, only!.start)) &&
    !doubtful(sentence.slice(0, only!.start), sentence.slice(only!.end))
  ) {
    return stripPunctuation(only!.content).trim() || undefined;
  }
  const end = ANSWER_END.exec(rest);
  if (end) rest = rest.slice(0, end.index);
  const answer = rest.replace(/\*+/g, "").trim();
  return answer || undefined;
}

/** The answer following the last explicit answer phrase, e.g. "The final answer is $\frac12$." */
export function answerAfterPhrase(text: string): Stated | undefined {
  let last: RegExpExecArray | undefined;
  for (const m of text.matchAll(PHRASE)) last = m as RegExpExecArray;
  if (!last) return undefined;
  const answer = answerAfter(text, last.index + last[0].length, last.groups?.option !== undefined);
  return answer === undefined ? undefined : { answer, at: last.index };
}

/** `"answer": "12"`, `"final_answer": 12` in JSON-style output: the last such key's string or number. */
const JSON_ANSWER =
  /(["'])(?:final[_ ]?answer|finalAnswer|answer)\1\s*:\s*("(?:[^"\\\n]|\\.){0,1000}"|'(?:[^'\\\n]|\\.){0,1000}'|-?\d+(?:\.\d+)?)/gi;

export function answerFromJson(text: string): string | undefined {
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
  return answerAfterPhrase(answer)?.answer ?? answer;
}
