/** Pure metric functions: no I/O, no imports from other rooms. Statistical choices are documented in docs/metrics.md. */

export * from "./agreement.js";
export * from "./bootstrap.js";
export { mean, median, populationStd, quantile } from "./descriptive.js";
export * from "./expected-max.js";
export * from "./flip.js";
export * from "./holm.js";
export * from "./paired.js";
export * from "./paired-runs.js";
export * from "./pass-at-k.js";
export * from "./persona-summary.js";
export * from "./personagym.js";
export * from "./proportions.js";
export * from "./random.js";
export * from "./sign-flip.js";
export * from "./stability.js";
export { type ProblemScore, VERDICT_RULE } from "./verdict.js";
