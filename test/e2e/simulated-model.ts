import { createHash } from "node:crypto";
import { join } from "node:path";
import { loadMath500, type MathProblem } from "../../src/task-kinds/math/problems.js";
import type { RespondContext, RespondResult } from "../fakes/index.js";
import { sharedDataDir } from "../helpers/paths.js";

export type Outcome = "correct" | "wrong" | "no-answer" | "truncated";

/** Per system prompt: the share of answers that are right, that give no answer, and that hit the token limit. */
export interface OutcomeShares {
  correct: number;
  noAnswer: number;
  /** Cut by the token limit before any answer (finish reason "length"); default 0. */
  truncated?: number;
}

/** A wrong answer no MATH500 gold equals (checked by the tests that use it). */
export const WRONG_ANSWER = "987654321";
const INSTRUCTION = "\n\nPlease reason step by step";

/**
 * A model with a known accuracy per persona, behind a fake server: whether it answers a (persona, problem) pair
 * correctly is a pure function of the system prompt and the problem, and every answer it gives is recorded so
 * tests can compute each expected figure themselves.
 */
export class SimulatedModel {
  readonly problems: MathProblem[];
  private readonly byText: Map<string, MathProblem>;
  /** "<system text or ''>\u0000<problem id>[\u0000<seed>]" -> what the model answered (last time). */
  readonly answered = new Map<string, Outcome>();

  /** With `bySeed`, the outcome also depends on the request's seed, so samples of one problem can differ. */
  constructor(
    limit: number,
    private readonly accuracyOf: (systemText: string) => OutcomeShares,
    private readonly bySeed = false,
  ) {
    this.problems = loadMath500(join(sharedDataDir, "math500/test.jsonl")).slice(0, limit);
    this.byText = new Map(this.problems.map((p) => [p.problem, p]));
  }

  /** What the model answers; `seed` only matters for a model built `bySeed`. */
  outcome(systemText: string, problemId: string, seed?: number): Outcome {
    const { correct, noAnswer, truncated = 0 } = this.accuracyOf(systemText);
    const u =
      createHash("sha256")
        .update(this.keyOf(systemText, problemId, seed))
        .digest()
        .readUInt32BE(0) /
      2 ** 32;
    if (u < correct) return "correct";
    if (u < correct + noAnswer) return "no-answer";
    return u < correct + noAnswer + truncated ? "truncated" : "wrong";
  }

  keyOf(systemText: string, problemId: string, seed?: number): string {
    return `${systemText}\u0000${problemId}${this.bySeed ? `\u0000${seed}` : ""}`;
  }

  respond = (ctx: RespondContext): RespondResult => {
    const system = ctx.messages.find((m) => m.role === "system")?.content ?? "";
    const user = ctx.messages.find((m) => m.role === "user")?.content ?? "";
    const problem = this.byText.get(user.split(INSTRUCTION)[0]!);
    if (!problem) throw new Error(`simulated model got an unknown problem: ${user.slice(0, 80)}`);
    const outcome = this.outcome(system, problem.id, ctx.sampling.seed);
    this.answered.set(this.keyOf(system, problem.id, ctx.sampling.seed), outcome);
    if (outcome === "correct")
      return `Working through it carefully.\n\nThe answer is $\\boxed{${problem.answer}}$.`;
    if (outcome === "wrong") return `I think it is $\\boxed{${WRONG_ANSWER}}$.`;
    if (outcome === "truncated")
      return { text: "Let me set this up carefully. First", finishReason: "length" };
    return "I would rather not do mathematics today.";
  };
}
