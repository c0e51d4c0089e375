import { sectionKindFor } from "../task-kinds/registry.js";
import type { KindEstimates, SectionGate } from "../task-kinds/section-gate.js";
import { registeredSectionKinds } from "../task-kinds/section-kinds.js";

/** How the gate pairs sections of `kind`; undefined for a kind without a gate part (the gate cannot pair it). */
export function gateOf(kind: string): SectionGate | undefined {
  return sectionKindFor(kind)?.gate;
}

/** The gate part that made these estimates: a kind without one makes none, so its absence is a bug. */
export function gateOfEstimates(estimates: KindEstimates): SectionGate {
  const gate = gateOf(estimates.kind);
  if (!gate) throw new Error(`results kind "${estimates.kind}" has no gate part`);
  return gate;
}

/** Every registered results kind with a gate part, in registry order. */
export function gatedKinds(): { kind: string; gate: SectionGate }[] {
  return registeredSectionKinds().flatMap(({ kind, gate }) => (gate ? [{ kind, gate }] : []));
}
