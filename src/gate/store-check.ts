import type { Side } from "./compare.js";
import { gateOf } from "./kinds.js";
import type { GateStoreReader } from "./store-reader.js";

/**
 * Checks a side's per-item verdicts against what the store holds for its run, section by section, through each
 * kind's own check (SectionGate.checkStore), which refuses the first difference with its JSON path. Returns notes on
 * what could not be checked.
 */
export function checkAgainstStore(side: Side, store: GateStoreReader): string[] {
  const { results } = side;
  const run = { runId: results.runId, file: side.file ?? side.source, label: side.label };
  return Object.values(results.tasks).flatMap((section) => {
    const check = gateOf(section.kind)?.checkStore;
    return check
      ? check(section, run, store)
      : [
          `task ${section.id} of run ${results.runId}: its verdicts are checked against its own figures, not against the store`,
        ];
  });
}
