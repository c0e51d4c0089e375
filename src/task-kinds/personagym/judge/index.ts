/**
 * PersonaGym judging: our rubrics, the judge and score-example prompts, and the parsers for their replies.
 * Bump JUDGE_PROMPT_VERSION whenever a prompt or parser changes meaning; it is recorded in results (the prompt text
 * itself is already part of every cache key).
 */
export const JUDGE_PROMPT_VERSION = "personagym-judge-1";

export { fence, fenceNonce, neutralizeUntrusted, SCORE_PHRASE } from "../../../scoring/judge/untrusted.js";
export { type JudgeScoreValue, parseVerdict, type Verdict } from "../../../scoring/judge/verdict.js";
export {
  buildExampleMessages,
  EXAMPLES_SYSTEM_PROMPT,
  type ExamplesInput,
  parseExamples,
} from "./examples.js";
export { buildJudgeMessages, JUDGE_SYSTEM_PROMPT, type JudgeInput } from "./prompt.js";
export {
  type JudgeRubric,
  OUR_RUBRICS,
  type PersonaGymRubrics,
  type RubricMode,
  renderRubric,
  rubricTextsFor,
  upstreamRubricSection,
} from "./rubrics.js";
