import type { Interval } from "../../../results/types.js";
import type { ChartSpec } from "./render.js";

export interface TradeOffPoint {
  model: string;
  pss: number;
  pssCi95: Interval | null;
  personaScore: number;
  personaScoreCi95: Interval | null;
}

/**
 * Stability against fidelity, one point per model with both intervals: PSS* (persona stability on math) up,
 * PersonaScore (persona fidelity) across. Up and right is a model that keeps its skills and plays its persona.
 */
export function stabilityFidelitySpec(points: TradeOffPoint[]): ChartSpec | null {
  if (points.length === 0) return null;
  const values = points.map((p) => ({
    model: p.model,
    pss: p.pss,
    pssLo: p.pssCi95?.[0] ?? p.pss,
    pssHi: p.pssCi95?.[1] ?? p.pss,
    ps: p.personaScore,
    psLo: p.personaScoreCi95?.[0] ?? p.personaScore,
    psHi: p.personaScoreCi95?.[1] ?? p.personaScore,
  }));
  const color = { field: "model", type: "nominal", title: "Model", legend: null };
  const x = {
    field: "ps",
    type: "quantitative",
    title: "PersonaScore, fidelity (1-5, 95% interval)",
    scale: { zero: false, nice: true },
  };
  const y = {
    field: "pss",
    type: "quantitative",
    title: "PSS*, stability (95% interval)",
    axis: { format: ".0%" },
    scale: { zero: false, nice: true },
  };
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
