import type { LoggerInterface } from "vega";
import type { TopLevelSpec } from "vega-lite";

/** A Vega-Lite spec as the chart modules build it (data inline as values, never a URL). */
export type ChartSpec = Record<string, unknown>;

export const CHART_FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif";

/** One look for every chart: the page's font, quiet axes, titles left-aligned. */
const CONFIG = {
  font: CHART_FONT,
  background: "#ffffff",
  padding: 8,
  view: { stroke: null },
  axis: {
    labelFontSize: 11,
    titleFontSize: 12,
    titleFontWeight: 600,
    titleColor: "#374151",
    labelColor: "#4b5563",
    gridColor: "#e5e7eb",
    domainColor: "#9ca3af",
    tickColor: "#9ca3af",
    labelLimit: 220,
  },
  legend: { labelFontSize: 11, titleFontSize: 12, titleFontWeight: 600, labelLimit: 260, orient: "bottom" },
  title: { fontSize: 14, fontWeight: 600, anchor: "start", color: "#111827", subtitleColor: "#6b7280" },
  range: {
    category: [
      "#2563eb",
      "#ea580c",
      "#059669",
      "#9333ea",
      "#dc2626",
      "#0891b2",
      "#ca8a04",
      "#db2777",
      "#4b5563",
      "#65a30d",
    ],
  },
};

/** Warnings from Vega-Lite or Vega mean a chart is not what its spec says: collected so tests can fail on them. */
export const chartWarnings: string[] = [];

const logger: LoggerInterface = {
  level(_?: number) {
    return logger as never;
  },
  error: (...args: readonly unknown[]) => {
    chartWarnings.push(args.map(String).join(" "));
    return logger;
  },
  warn: (...args: readonly unknown[]) => {
    chartWarnings.push(args.map(String).join(" "));
    return logger;
  },
  info: () => logger,
  debug: () => logger,
} as LoggerInterface;

/**
 * A Vega-Lite spec rendered to a static SVG string at build time, headless (no canvas, no browser, no network):
 * Vega-Lite compiles it to Vega, Vega's View renders it with the "none" renderer and serialises the scene graph.
 * Text in the SVG is escaped by Vega's SVG serialiser. Vega and Vega-Lite are loaded on the first chart (about a third
 * of a second): everything that imports the kinds (the benchmark loader, the gate, most tests) need not pay for it.
 */
export async function renderChart(spec: ChartSpec): Promise<string> {
  const [{ parse, View, Warn }, { compile }] = await Promise.all([import("vega"), import("vega-lite")]);
  const vegaSpec = compile({ ...spec, config: CONFIG } as unknown as TopLevelSpec, { logger }).spec;
  const view = new View(parse(vegaSpec), { renderer: "none", logger, logLevel: Warn });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** A chart's SVG, or null when its builder had nothing to draw (figure() then leaves the chart out). */
export async function chartSvg(spec: ChartSpec | null): Promise<string | null> {
  return spec === null ? null : renderChart(spec);
}
