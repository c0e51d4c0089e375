import type { TaskSection } from "../results/types.js";

/** The gate's view of one kind of section. Filled in by the gate's move onto the registry. */
// biome-ignore lint/correctness/noUnusedVariables: the section type is used once the gate's members land
export type SectionGate<S extends TaskSection = TaskSection> = {};
