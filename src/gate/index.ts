/** The release gate: policies and verdicts over two results. */

export { compareRuns, requirePairable, type Side } from "./compare.js";
export { estimateTasks, type TaskEstimates } from "./estimate.js";
export { evaluatePolicy, gate, requireTwoRuns } from "./gate.js";
export { loadPolicy, POLICY_DEFAULTS } from "./policy.js";
export { renderJunit, renderMarkdown, renderTerminal } from "./render.js";
export { evaluateRule } from "./rules.js";
export { loadSide, loadSides, type SourceOptions } from "./sources.js";
export * from "./types.js";
export { combineVerdict } from "./verdict.js";
