/**
 * Strict answer extraction from a full model response: a box, else an answer stated in words (an answer phrase, a
 * `Final Answer` heading, GSM8K's `####`, a concluding bold value or formula), else nothing. Only the part of the
 * response after a reasoning model's thinking and before an invented next turn is read (response-scope.ts).
 */
import { lastBox, unwrapBoxes } from "./boxes.js";
import { isEquivalent } from "./compare.js";
import { answerUnderHeading, closingStatement, gsm8kMarker, type Stated } from "./final-statement.js";
import { answerAfterPhrase, answerFromJson } from "./phrases.js";
import { answerRegion } from "./response-scope.js";

export type ExtractionPath = "boxed" | "fbox" | "answer_phrase" | "truncated_box" | "none";

export interface Extraction {
  extracted: string | null;
  found: boolean;
  path: ExtractionPath;
}

const NONE: Extraction = { extracted: null, found: false, path: "none" };

/**
 * The answer stated in words: the latest explicit statement (answer phrase, heading, `####`), or the concluding
 * sentence. When a concluding sentence after the explicit answer gives another value ("The answer is 5. ... so the
 * total is **6**."), the response states two answers and has no final one.
 */
function statedAnswer(text: string): string | undefined {
  let explicit: Stated | undefined;
  for (const rule of [answerAfterPhrase, answerUnderHeading, gsm8kMarker]) {
    const stated = rule(text);
    if (stated && (!explicit || stated.at > explicit.at)) explicit = stated;
  }
  const closing = closingStatement(text);
  if (!closing) return explicit?.answer;
  if (!explicit) return closing.answer;
  if (closing.at <= explicit.at || isEquivalent(explicit.answer, closing.answer)) return explicit.answer;
  return undefined;
}

export function extractAnswer(response: string): Extraction {
  const text = answerRegion(response);
  if (text === undefined) return NONE;
  const box = lastBox(text);
  if (box === "truncated") return { extracted: null, found: false, path: "truncated_box" };
  if (box) {
    const content = unwrapBoxes(box.content);
    return content
      ? { extracted: content, found: true, path: box.kind }
      : { extracted: null, found: false, path: box.kind };
  }
  const stated = answerFromJson(text) ?? statedAnswer(text);
  return stated ? { extracted: stated, found: true, path: "answer_phrase" } : NONE;
}
