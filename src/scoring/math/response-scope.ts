/**
 * The part of a response that holds its final answer: what a reasoning model writes after its thinking, up to where
 * a base model starts inventing the next turn of the conversation.
 */

const THINK_CLOSE = /<\/think(?:ing)?>/gi;
const THINK_OPEN = /<think(?:ing)?>/i;

/**
 * A line where an invented next turn starts: `Human:`, `User:`, `### Instruction`, a new `Problem:` or `Question:`
 * (with a colon, or alone on a Markdown heading line).
 */
const NEXT_TURN =
  /\n[ \t]*(?:#{1,4}[ \t]*)?(?:\*\*)?(?:(human|user|instruction)|(problem|question))\b(?:\*\*)?[ \t]*(?::|\*\*:|(?=\r?\n))/gi;
/** Chat-template tokens a model should never write: whatever follows one is not its answer. */
const SPECIAL_TOKEN = /<\|(?:im_start|im_end|endoftext|eot_id|end_of_text|user|assistant|start_header_id)\|>/;
/**
 * Text before a `Problem:` line that only introduces it ("Sure! Let's solve it step by step."): the problem is
 * being restated, not invented. Anything with mathematics in it is work on the problem.
 */
const MAX_PREAMBLE = 200;
const isPreamble = (s: string): boolean => s.length <= MAX_PREAMBLE && !/[\d$\\=]/.test(s);

/** A cheap test for the words NEXT_TURN looks for (the full pattern runs only on responses that have one). */
const TURN_WORD = /human|user|instruction|problem|question/i;

function cutAtNextTurn(text: string): string {
  let end = text.length;
  const token = text.includes("<|") ? SPECIAL_TOKEN.exec(text) : null;
  if (token && token.index > 0) end = token.index;
  const searched = end === text.length ? text : text.slice(0, end);
  if (!TURN_WORD.test(searched)) return searched;
  for (const m of searched.matchAll(NEXT_TURN)) {
    // A new problem right after a short introduction is the problem restated.
    if (m[2] !== undefined && isPreamble(text.slice(0, m.index))) continue;
    if (!m[0].includes(":") && !m[0].includes("#")) continue;
    end = m.index;
    break;
  }
  return text.slice(0, end);
}

/**
 * The text to extract the final answer from, or undefined when the response was cut off inside its thinking (it
 * opened `<think>` and never closed it): such a response has no final answer. After the last `</think>` only.
 */
export function answerRegion(response: string): string | undefined {
  let text = response;
  if (!/think/i.test(text)) return cutAtNextTurn(text);
  let close = -1;
  let closeLength = 0;
  for (const m of text.matchAll(THINK_CLOSE)) [close, closeLength] = [m.index, m[0].length];
  if (close >= 0) text = text.slice(close + closeLength);
  const open = text.search(THINK_OPEN);
  if (open >= 0) {
    if (close < 0) return undefined;
    // A second thinking after the answer, cut off: the answer before it stands.
    text = text.slice(0, open);
  }
  return cutAtNextTurn(text);
}
