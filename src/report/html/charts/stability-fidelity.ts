import type { ChartSpec } from "../../../core/html/chart.js";
import type { Interval } from "../../../results/types.js";
import { sectionKindFor } from "../../../task-kinds/registry.js";
import type { PersonaFigure } from "../../../task-kinds/renderer.js";

/** One model: its stability figure and its fidelity figure, each with its interval. */
export interface TradeOffPoint {
  model: string;
  stability: number;
  stabilityCi95: Interval | null;
  fidelity: number;
  fidelityCi95: Interval | null;
}

/** The two figures a stability-against-fidelity chart pairs, each from the kind of section that declares it. */
export interface TradeOffAxes {
  stability: PersonaFigure & { kind: string };
  fidelity: PersonaFigure & { kind: string };
}

/**
 * The first stability figure and the first fidelity figure that the given section kinds declare (their renderers'
 * `personaFigure`), or null when the kinds do not cover both aspects.
 */
export function tradeOffAxes(kinds: readonly string[]): TradeOffAxes | null {
  const found: Partial<TradeOffAxes> = {};
  for (const kind of kinds) {
    const figure = sectionKindFor(kind)?.report?.personaFigure;
    if (figure && !found[figure.aspect]) found[figure.aspect] = { ...figure, kind };
  }
  return found.stability && found.fidelity ? { stability: found.stability, fidelity: found.fidelity } : null;
}

/**
 * Stability against fidelity, one point per model with both intervals: the stability figure up, the fidelity
 * figure across. Up and right is a model that keeps its skills and plays its persona.
 */
export function stabilityFidelitySpec(points: TradeOffPoint[], axes: TradeOffAxes): ChartSpec | null {
  if (points.length === 0) return null;
  // The data fields keep the names of this chart's first version (PSS* against PersonaScore): Vega writes them
  // into the SVG's aria-labels, so renaming them would move the page's bytes.
  const values = points.map((p) => ({
    model: p.model,
    pss: p.stability,
    pssLo: p.stabilityCi95?.[0] ?? p.stability,
    pssHi: p.stabilityCi95?.[1] ?? p.stability,
    ps: p.fidelity,
    psLo: p.fidelityCi95?.[0] ?? p.fidelity,
    psHi: p.fidelityCi95?.[1] ?? p.fidelity,
  }));
  const color = { field: "model", type: "nominal", title: "Model", legend: null };
  const x = { field: "ps", type: "quantitative", ...axis(axes.fidelity) };
  const y = { field: "pss", type: "quantitative", ...axis(axes.stability) };
  return {
    width: 360,
    height: 300,
    data: { values },
    layer: [
      {
        mark: { type: "rule", strokeWidth: 1.5, opacity: 0.6 },
        encoding: { x: { ...x, field: "psLo" }, x2: { field: "psHi" }, y, color },
      },
      {
        mark: { type: "rule", strokeWidth: 1.5, opacity: 0.6 },
        encoding: { x, y: { ...y, field: "pssLo" }, y2: { field: "pssHi" }, color },
      },
      { mark: { type: "point", filled: true, size: 90, opacity: 1 }, encoding: { x, y, color } },
      {
        mark: { type: "text", align: "left", dx: 7, dy: -7, fontSize: 11, color: "#111827" },
        encoding: { x, y, text: { field: "model" } },
      },
    ],
  };
}

/** An axis's title, its tick format (a share prints as %), and a scale fitted to the points. */
function axis(figure: PersonaFigure): Record<string, unknown> {
  return {
    title: figure.axisTitle,
    ...(figure.unit === "proportion" ? { axis: { format: ".0%" } } : {}),
    scale: { zero: false, nice: true },
  };
}
