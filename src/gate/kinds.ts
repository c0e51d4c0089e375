import { registeredTaskKinds, sectionKindFor } from "../task-kinds/registry.js";
import type { KindEstimates, SectionGate } from "../task-kinds/section-gate.js";

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
  const seen = new Set<string>();
  const out: { kind: string; gate: SectionGate }[] = [];
  for (const { sections } of registeredTaskKinds()) {
    if (seen.has(sections.kind) || !sections.gate) continue;
    seen.add(sections.kind);
    out.push({ kind: sections.kind, gate: sections.gate });
  }
  return out;
}
