import type { ChartSpec } from "../../core/html/chart.js";

export interface HeatmapRow {
  model: string;
  personas: { id: string; accuracy: number | null }[];
}

/** Persona x model accuracy: one cell per pair, the value written in it; the control is the first column. */
export function accuracyHeatmapSpec(rows: HeatmapRow[]): ChartSpec | null {
  const values = rows.flatMap((r) =>
    r.personas.flatMap((p) =>
      p.accuracy === null
        ? []
        : [{ model: r.model, persona: p.id === "none" ? "control" : p.id, accuracy: p.accuracy }],
    ),
  );
  if (values.length === 0) return null;
  const personaOrder = [...new Set(values.map((v) => v.persona))];
  const modelOrder = rows.map((r) => r.model);
  return {
    width: { step: 52 },
    height: { step: 34 },
    data: { values },
    encoding: {
      x: {
        field: "persona",
        type: "nominal",
        sort: personaOrder,
        title: "Persona",
        axis: { labelAngle: -45, labelLimit: 160 },
      },
      y: { field: "model", type: "nominal", sort: modelOrder, title: null, axis: { labelLimit: 280 } },
    },
    layer: [
      {
        mark: { type: "rect", stroke: "#ffffff", strokeWidth: 1 },
        encoding: {
          color: {
            field: "accuracy",
            type: "quantitative",
            title: "Accuracy",
            scale: { scheme: "blues", domain: [0, 1] },
            legend: { format: ".0%", orient: "right", gradientLength: 120 },
          },
        },
      },
      {
        mark: { type: "text", fontSize: 11 },
        encoding: {
          text: { field: "accuracy", type: "quantitative", format: ".0%" },
          color: { condition: { test: "datum.accuracy > 0.6", value: "#ffffff" }, value: "#111827" },
        },
      },
    ],
  };
}
