import type { ChartSpec } from "../../core/html/chart.js";

export interface LotteryCurve {
  model: string;
  expectedMaxAtK: number[];
  control?: number | null;
}

/** The persona lottery: expected best accuracy over k personas drawn at random, one line per model. */
export function lotterySpec(curves: LotteryCurve[], subtitle: string): ChartSpec | null {
  const values = curves.flatMap((c) =>
    c.expectedMaxAtK.map((value, i) => ({ model: c.model, k: i + 1, value })),
  );
  if (values.length === 0) return null;
  const single = curves.length === 1;
  const color = single
    ? { value: "#2563eb" }
    : { field: "model", type: "nominal", title: "Model", legend: { orient: "bottom", columns: 1 } };
  const layers: unknown[] = [
    {
      mark: { type: "line", strokeWidth: 2 },
      encoding: {
        x: {
          field: "k",
          type: "quantitative",
          title: "k personas tried",
          axis: { tickMinStep: 1, format: "d" },
        },
        y: {
          field: "value",
          type: "quantitative",
          title: "Expected best accuracy",
          axis: { format: ".0%" },
          scale: { zero: false },
        },
        color,
      },
    },
    {
      mark: { type: "point", filled: true, size: 40 },
      encoding: {
        x: { field: "k", type: "quantitative" },
        y: { field: "value", type: "quantitative" },
        color,
      },
    },
  ];
  const control = curves[0]?.control;
  if (single && control != null) {
    layers.push(
      {
        data: { values: [{ control }] },
        mark: { type: "rule", strokeDash: [5, 4], color: "#111827" },
        encoding: { y: { field: "control", type: "quantitative" } },
      },
      {
        data: { values: [{ control, label: `control ${(control * 100).toFixed(1)}%` }] },
        mark: { type: "text", align: "right", dy: -6, fontSize: 11, color: "#111827" },
        encoding: {
          y: { field: "control", type: "quantitative" },
          x: { value: 480 },
          text: { field: "label" },
        },
      },
    );
  }
  return { width: 360, height: 260, title: { text: "", subtitle }, data: { values }, layer: layers };
}
