/**
 * The command line's side of in-process models (gguf:): which model runs when none is named, the consent before
 * the default model's first download, the download progress bar, and the --gpu/--threads settings.
 */
import type { Writable } from "node:stream";
import { defaultCacheDir } from "../core/paths.js";
import { isInteractive, type TerminalStream } from "../core/terminal.js";
import { terminalText } from "../core/untrusted-text.js";
import type { DownloadProgress } from "../models/gguf/download.js";
import { cachedModelPath, needsDownload, sourceUrl } from "../models/gguf/download.js";
import { DEFAULT_GGUF, parseGgufSpec } from "../models/gguf/spec.js";
import type { AdapterOptions } from "../models/registry.js";
import { CliError, EXIT } from "./exit-codes.js";
import { integerOption } from "./options.js";
import { formatDuration } from "./progress.js";

export const DEFAULT_MODEL_SPEC = "gguf:default";

export function formatBytes(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  const units = ["kB", "MB", "GB", "TB"];
  let value = bytes / 1000;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${value.toFixed(value < 10 ? 2 : 1)} ${units[unit]}`;
}

/**
 * The model to run: --model, else PERSONA_BENCH_MODEL, else the embedded default. The default is downloaded only
 * with --yes (no surprise downloads); once it is in the cache it runs without asking.
 */
export function chooseModel(
  given: string | undefined,
  env: NodeJS.ProcessEnv,
  consent: { yes: boolean; allowDownload: boolean },
): string {
  const named = given ?? env.PERSONA_BENCH_MODEL;
  if (named) return named;
  const spec = parseGgufSpec(DEFAULT_MODEL_SPEC, "default", (problem) => {
    throw new Error(problem);
  });
  if (spec.source.kind === "file" || !needsDownload(spec.source, { env }) || consent.yes)
    return DEFAULT_MODEL_SPEC;
  const cache = cachedModelPath(spec.source, defaultCacheDir(env));
  const parts = [
    `no model named (--model or PERSONA_BENCH_MODEL): the default model, ${DEFAULT_GGUF.description},`,
    `about ${formatBytes(DEFAULT_GGUF.approxBytes)}, would be downloaded once from ${sourceUrl(spec.source, env)}`,
    `into ${cache} (checked against its sha256) and run in this process, no server needed;`,
    consent.allowDownload
      ? "run again with --yes to download it, or name a model:"
      : "downloads are disabled (--no-download); name a model:",
    "--model gguf:<file.gguf>, gguf:hf:<owner>/<repo>/<file.gguf>, ollama:<model> or openai:<model>@http://host:port/v1",
  ];
  throw new CliError(parts.join(" "), EXIT.badInput);
}

/** --gpu auto|off and --threads n. */
export function localModelSettings(values: {
  gpu?: string;
  threads?: string;
}): Pick<AdapterOptions, "gpu" | "threads"> {
  const gpu = values.gpu ?? "auto";
  if (gpu !== "auto" && gpu !== "off") {
    throw new CliError(`--gpu: expected auto or off, got "${gpu}"`, EXIT.badInput);
  }
  const threads = integerOption("threads", values.threads, { min: 1, max: 1024 });
  return { gpu, ...(threads !== undefined ? { threads } : {}) };
}

const REDRAW_MS = 200;
const LOG_MS = 10_000;
const BAR = 24;

/** A redrawn bar on a terminal (bytes, rate, ETA); on a pipe, one line every 10 s and one at the end. */
export function downloadReporter(stream: Writable & TerminalStream): (progress: DownloadProgress) => void {
  const interactive = isInteractive(stream);
  let last = Number.NEGATIVE_INFINITY;
  return (p) => {
    const now = Date.now();
    if (!p.done && now - last < (interactive ? REDRAW_MS : LOG_MS)) return;
    last = now;
    const share = p.total ? p.received / p.total : undefined;
    const rate = p.bytesPerSecond > 0 ? `${formatBytes(p.bytesPerSecond)}/s` : "--/s";
    const eta =
      p.total !== undefined && p.bytesPerSecond > 0
        ? formatDuration((p.total - p.received) / p.bytesPerSecond)
        : "--";
    const parts = [
      `downloading ${terminalText(p.file)}`,
      share === undefined
        ? formatBytes(p.received)
        : `${formatBytes(p.received)} / ${formatBytes(p.total ?? 0)}`,
      share === undefined ? "" : `${(share * 100).toFixed(1)}%`,
      rate,
      `ETA ${p.done ? "0s" : eta}`,
      p.resumedFrom > 0 ? `(resumed at ${formatBytes(p.resumedFrom)})` : "",
    ].filter((part) => part !== "");
    if (!interactive) {
      stream.write(`${parts.join("  ")}\n`);
      return;
    }
    const filled = share === undefined ? 0 : Math.round(share * BAR);
    stream.write(
      `\r\u001b[2K${"█".repeat(filled)}${"░".repeat(BAR - filled)} ${parts.join("  ")}${p.done ? "\n" : ""}`,
    );
  };
}
