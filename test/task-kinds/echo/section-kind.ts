import { anySectionKind } from "../../../src/task-kinds/section-kind.js";
import { echoGate } from "./gate.js";
import { echoRenderer } from "./report.js";
import type { EchoSection } from "./section-types.js";

/** How an echo section is reported and gated: the kind's own parts, found through the registry. */
export const echoSectionKind = anySectionKind<EchoSection>({
  kind: "echo",
  report: echoRenderer,
  gate: echoGate,
});
