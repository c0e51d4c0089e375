import type { TaskSection } from "../results/types.js";
import type { SectionRenderer } from "./renderer.js";
import type { SectionGate } from "./section-gate.js";
import type { SectionLeaderboard } from "./section-leaderboard.js";
import type { SectionViewer } from "./section-viewer.js";

/**
 * What a kind of results section (the `kind` of a section in results.json) brings to everything that reads results:
 * the reports, the gate, the leaderboard and the viewer find it through `sectionKindFor` and never test a kind's
 * name. Several task kinds may share one (every math dataset writes a "math" section). A part left out means the
 * consumer shows the section through its headline metrics alone.
 */
export interface SectionKind<S extends TaskSection = TaskSection> {
  /** The `kind` written in results sections. */
  readonly kind: string;
  /** Terminal, Markdown, CSV and HTML views of a section. */
  readonly report?: SectionRenderer<S>;
  /** The metrics a release gate compares between two runs, and how they are estimated. */
  readonly gate?: SectionGate<S>;
  /** The columns a section adds to the leaderboard. */
  readonly leaderboard?: SectionLeaderboard<S>;
  /** What the viewer shows of this kind's generations. */
  readonly viewer?: SectionViewer;
}

/** Erases a kind's own section type so kinds can sit in one table; the registry checks `kind` before handing it out. */
export function anySectionKind<S extends TaskSection>(kind: SectionKind<S>): SectionKind {
  return kind as unknown as SectionKind;
}
