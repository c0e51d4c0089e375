import { registeredTaskKinds } from "./registry.js";
import type { SectionKind } from "./section-kind.js";

/** Every results kind a registered task writes, once each (several tasks may share one), in registry order. */
export function registeredSectionKinds(): SectionKind[] {
  return [...new Set(registeredTaskKinds().map((task) => task.sections))];
}
