import type { ChartSpec } from "../../core/html/chart.js";
import type { BinaryVerdictSection } from "./binary-section.js";

/** Accuracy by persona with 95% intervals, best first; the control drawn as a dashed line across. */
export function personaAccuracySpec(section: BinaryVerdictSection): ChartSpec | null {
  const control = section.personas.find((p) => p.id === "none");
  const values = section.personas
    .filter((p) => p.id !== "none" && p.accuracy !== null)
    .map((p) => ({
      persona: p.id,
      category: p.category,
      accuracy: p.accuracy,
      lo: p.ci95?.[0] ?? p.accuracy,
      hi: p.ci95?.[1] ?? p.accuracy,
    }));
  if (values.length === 0) return null;
  const y = {
    field: "persona",
    type: "nominal",
    sort: { field: "accuracy", order: "descending" },
    title: null,
  };
  const layers: unknown[] = [
    {
      mark: { type: "rule", strokeWidth: 3, opacity: 0.45 },
      encoding: {
        y,
        x: { field: "lo", type: "quantitative" },
        x2: { field: "hi" },
        color: { field: "category", type: "nominal", title: "Persona category", legend: { columns: 3 } },
      },
    },
    {
      mark: { type: "point", filled: true, size: 80, opacity: 1 },
      encoding: {
        y,
        x: {
          field: "accuracy",
          type: "quantitative",
          title: "Accuracy (95% interval)",
          axis: { format: ".0%" },
          scale: { domain: [0, 1] },
        },
        color: { field: "category", type: "nominal", title: "Persona category" },
      },
    },
  ];
  if (control?.accuracy != null) {
    layers.push(
      {
        data: { values: [{ control: control.accuracy }] },
        mark: { type: "rule", strokeDash: [5, 4], color: "#111827", strokeWidth: 1.5 },
        encoding: { x: { field: "control", type: "quantitative" } },
      },
      {
        data: {
          values: [{ control: control.accuracy, label: `control ${(control.accuracy * 100).toFixed(1)}%` }],
        },
        mark: {
          type: "text",
          align: "left",
          dx: 4,
          dy: -4,
          baseline: "bottom",
          fontSize: 11,
          color: "#111827",
        },
        encoding: {
          x: { field: "control", type: "quantitative" },
          y: { value: 0 },
          text: { field: "label" },
        },
      },
    );
  }
  return {
    width: 360,
    height: { step: 24 },
    data: { values },
    layer: layers,
  };
}
