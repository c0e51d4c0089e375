/**
 * Where the gate's callers (re-grading, the store check) have long found the figures recomputed from per-item
 * verdicts and the JSON-path helper; each kind now owns its recomputation in its gate part.
 */
export { member } from "../core/json-path.js";
export { mathFiguresFromOutcomes } from "../task-kinds/math/gate-recompute.js";
export { personaGymFiguresFromVerdicts } from "../task-kinds/personagym/gate.js";
