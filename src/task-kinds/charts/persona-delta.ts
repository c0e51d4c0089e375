import type { ChartSpec } from "../../core/html/chart.js";
import type { BinaryVerdictSection } from "./binary-section.js";

/**
 * Paired difference from the control per persona, in points, with its 95% interval; filled red or blue when the
 * Holm-adjusted McNemar test is significant at the section's alpha, hollow grey when not.
 */
export function personaDeltaSpec(section: BinaryVerdictSection): ChartSpec | null {
  const alpha = section.statistics.alpha;
  const values = section.personas
    .filter((p) => p.id !== "none" && p.accuracy !== null)
    .map((p) => {
      const significant = p.pValueHolm !== null && p.pValueHolm < alpha;
      return {
        persona: p.id,
        delta: p.deltaVsControl * 100,
        lo: (p.deltaCi95?.[0] ?? p.deltaVsControl) * 100,
        hi: (p.deltaCi95?.[1] ?? p.deltaVsControl) * 100,
        verdict: significant
          ? p.deltaVsControl < 0
            ? "significantly worse"
            : "significantly better"
          : "not significant",
      };
    });
  if (values.length === 0) return null;
  const y = { field: "persona", type: "nominal", sort: { field: "delta", order: "descending" }, title: null };
  const color = {
    field: "verdict",
    type: "nominal",
    title: `Holm-adjusted test, alpha ${alpha}`,
    legend: { columns: 3, titleLimit: 400 },
    scale: {
      domain: ["significantly worse", "not significant", "significantly better"],
      range: ["#dc2626", "#9ca3af", "#2563eb"],
    },
  };
  return {
    width: 360,
    height: { step: 24 },
    data: { values },
    layer: [
      {
        data: { values: [{ zero: 0 }] },
        mark: { type: "rule", color: "#111827", strokeWidth: 1 },
        encoding: { x: { field: "zero", type: "quantitative" } },
      },
      {
        mark: { type: "rule", strokeWidth: 3, opacity: 0.5 },
        encoding: { y, x: { field: "lo", type: "quantitative" }, x2: { field: "hi" }, color },
      },
      {
        mark: { type: "point", size: 80, strokeWidth: 2 },
        encoding: {
          y,
          x: {
            field: "delta",
            type: "quantitative",
            title: "Difference from control, points (95% interval)",
          },
          color,
          fill: {
            condition: {
              test: "datum.verdict !== 'not significant'",
              field: "verdict",
              type: "nominal",
              scale: color.scale,
              legend: null,
            },
            value: "#ffffff",
          },
        },
      },
    ],
  };
}
