import type { RuleOutcome, RuleResult } from "./types.js";

/** fail if any rule fails, pass if every rule passes, inconclusive otherwise. */
export function combineVerdict(results: readonly Pick<RuleResult, "result">[]): RuleOutcome {
  if (results.some((r) => r.result === "fail")) return "fail";
  if (results.every((r) => r.result === "pass")) return "pass";
  return "inconclusive";
}
