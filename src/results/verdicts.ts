import type { GenerationState } from "../metrics/index.js";

/**
 * The per-item verdict encodings of results.json (their formats are documented with the section types in src/task-kinds/<kind>/section-types.ts). One
 * character per generation or judgement keeps a 500-problem x 38-persona run near 20 KB, and lets a file be paired
 * alone (the gate) or browsed (the viewer) without the store.
 */

const GRADED_CODES = { c: [true, true], w: [false, true], n: [false, false] } as const;

export function encodeGeneration(state: GenerationState): string {
  if (state === undefined) return "-";
  if (state === "failed") return "f";
  const code = state.correct ? "c" : state.found ? "w" : "n";
  return state.truncated ? code.toUpperCase() : code;
}

export function encodeMathOutcomes(generations: readonly (readonly GenerationState[])[]): string {
  return generations.map((samples) => samples.map(encodeGeneration).join("")).join("");
}

export class VerdictEncodingError extends Error {
  override readonly name = "VerdictEncodingError";
}

/** [problem][sample] from an outcome string; throws on a wrong length or an unknown character. */
export function decodeMathOutcomes(outcomes: string, problems: number, samples: number): GenerationState[][] {
  if (outcomes.length !== problems * samples) {
    throw new VerdictEncodingError(
      `outcomes has ${outcomes.length} characters, expected ${problems} problems x ${samples} samples = ${problems * samples}`,
    );
  }
  const decoded: GenerationState[][] = [];
  for (let p = 0; p < problems; p++) {
    const row: GenerationState[] = [];
    for (let s = 0; s < samples; s++) row.push(decodeGeneration(outcomes[p * samples + s]!, p * samples + s));
    decoded.push(row);
  }
  return decoded;
}

function decodeGeneration(code: string, position: number): GenerationState {
  if (code === "-") return undefined;
  if (code === "f") return "failed";
  const graded = GRADED_CODES[code.toLowerCase() as keyof typeof GRADED_CODES];
  if (!graded)
    throw new VerdictEncodingError(`outcomes[${position}] is "${code}", not one of c w n C W N f -`);
  return { correct: graded[0], found: graded[1], truncated: code !== code.toLowerCase() };
}

/** A judge's verdict on one question: a score 1-5, null when unparseable, undefined when there is none. */
export type JudgementState = number | null | undefined;

export function encodeJudgements(judgements: readonly JudgementState[]): string {
  return judgements.map((j) => (j === undefined ? "-" : j === null ? "u" : String(j))).join("");
}

export function decodeJudgements(encoded: string): JudgementState[] {
  return [...encoded].map((code, position) => {
    if (code === "-") return undefined;
    if (code === "u") return null;
    if (/^[1-5]$/.test(code)) return Number(code);
    throw new VerdictEncodingError(`judgements[${position}] is "${code}", not one of 1-5 u -`);
  });
}
