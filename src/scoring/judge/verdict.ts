/**
 * Reads a judge's score from its reply. Strict on purpose: a verdict that cannot be read unambiguously is reported
 * as unparsed (and counted) rather than guessed, because a silently wrong score is worse than a missing one.
 */

export type JudgeScoreValue = 1 | 2 | 3 | 4 | 5;

export type Verdict = { score: JudgeScoreValue } | { unparsed: string };

/**
 * "final score" then optional "is", ":" or "=", optional markdown and quotes, the number, and an optional
 * "/ 5" or "out of 5". Case-insensitive; any whitespace (including newlines) between the parts.
 */
const SCORE_PHRASE =
  /(?<![a-z])final[\s*_]*score[\s*_]*(?:is\b|:|=)?[\s*_:=`"'[(]*([+-]?\d+(?:[.,]\d+)?)(?:[\s*_`"')\]]*(?:\/|out\s+of)\s*(\d+(?:[.,]\d+)?))?/gi;

/** A fenced block at the very end of the reply, optionally tagged json. */
const FINAL_FENCED_BLOCK = /```[ \t]*(?:json)?[ \t]*\r?\n?([\s\S]*?)\r?\n?[ \t]*```\s*$/i;

const REFUSAL =
  /\b(?:I(?:'m|\u2019m| am)\s+(?:sorry|unable|not able)|I\s+can(?:'|\u2019|no)t|I\s+won(?:'|\u2019)t|I\s+will\s+not|as\s+an\s+AI\b)/i;

type Candidate = { value: number } | { problem: string };

export function parseVerdict(text: string): Verdict {
  if (text.trim() === "") return { unparsed: "empty reply" };
  const candidates: Candidate[] = [];
  for (const match of text.matchAll(SCORE_PHRASE)) {
    candidates.push(checkScore(match[1] ?? "", match[2]));
  }
  const json = jsonScore(text);
  if (json !== undefined) candidates.push(json);

  if (candidates.length === 0) {
    return { unparsed: REFUSAL.test(text) ? "refused (no final score)" : "no final score phrase" };
  }
  const problem = candidates.find((candidate) => "problem" in candidate);
  if (problem && "problem" in problem) return { unparsed: problem.problem };
  const values = [...new Set(candidates.map((candidate) => (candidate as { value: number }).value))];
  if (values.length > 1) return { unparsed: `ambiguous: final scores disagree (${values.join(", ")})` };
  return { score: values[0] as JudgeScoreValue };
}

function checkScore(raw: string, scale: string | undefined): Candidate {
  if (scale !== undefined && Number(scale.replace(",", ".")) !== 5) {
    return { problem: `score given out of ${scale}, expected out of 5` };
  }
  const value = Number(raw.replace(",", "."));
  if (!Number.isInteger(value)) return { problem: `score ${raw} is not an integer` };
  if (value < 1 || value > 5) return { problem: `score ${raw} is outside 1-5` };
  return { value };
}

/** `{"score": N}` as the whole reply or in a fenced block that ends it; undefined when there is none. */
function jsonScore(text: string): Candidate | undefined {
  const trimmed = text.trim();
  const body = trimmed.startsWith("{") ? trimmed : FINAL_FENCED_BLOCK.exec(trimmed)?.[1];
  if (body === undefined) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    return undefined;
  }
  if (typeof value !== "object" || value === null || !("score" in value)) return undefined;
  const score = (value as { score: unknown }).score;
  if (typeof score !== "number") return { problem: `JSON score ${JSON.stringify(score)} is not a number` };
  return checkScore(String(score), undefined);
}
