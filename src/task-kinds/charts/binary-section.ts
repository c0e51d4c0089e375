import type { Interval } from "../../results/types.js";

/**
 * What the per-persona charts read of a section whose items are judged right or wrong (math today, code next):
 * each persona's accuracy and its paired difference from the control (id "none"), with intervals and the
 * Holm-adjusted test, and the alpha those tests were read at. A math section has exactly these fields.
 */
export interface BinaryPersonaFigures {
  id: string;
  category: string;
  accuracy: number | null;
  ci95: Interval | null;
  deltaVsControl: number;
  deltaCi95: Interval | null;
  pValueHolm: number | null;
}

export interface BinaryVerdictSection {
  personas: readonly BinaryPersonaFigures[];
  statistics: { alpha: number };
}
