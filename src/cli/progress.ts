import { Chalk } from "chalk";
import { colorEnabled, isInteractive, type TerminalStream, terminalWidth } from "../core/terminal.js";
import { terminalText } from "../core/untrusted-text.js";
import type { RunnerCounts } from "../runner/execute.js";

/** How often a non-interactive log gets a progress line. */
const LOG_INTERVAL_MS = 15_000;
/** How often the terminal bar is redrawn at most. */
const REDRAW_INTERVAL_MS = 100;
const BAR_WIDTH = 24;

export interface ProgressReporter {
  update(label: string, counts: RunnerCounts): void;
  /** Prints a message above the bar (retries, failures) without breaking it; control characters are shown, not obeyed. */
  note(message: string): void;
  finish(): void;
}

/**
 * A redrawn bar on a terminal; on a pipe or CI log, one plain line every 15 s and at the end, so logs stay small.
 * `env` decides colour (NO_COLOR, FORCE_COLOR) with the stream.
 */
export function createProgressReporter(
  stream: NodeJS.WritableStream & TerminalStream,
  now: () => number = Date.now,
  env: Record<string, string | undefined> = process.env,
): ProgressReporter {
  const interactive = isInteractive(stream);
  const chalk = new Chalk({ level: colorEnabled(stream, env) ? 1 : 0 });
  let startedAt = now();
  let lastDraw = Number.NEGATIVE_INFINITY;
  let lastLine = "";
  let pending: { label: string; counts: RunnerCounts; drawn: boolean } | undefined;

  const render = (label: string, counts: RunnerCounts): string => {
    const done = counts.cached + counts.completed + counts.failed;
    // Under a second the rate is noise; say nothing rather than a silly number.
    const elapsedS = (now() - startedAt) / 1000;
    const rate = elapsedS >= 1 ? counts.completed / elapsedS : 0;
    const remaining = counts.total - done;
    const eta = rate > 0 ? formatDuration(remaining / rate) : "--";
    const share = counts.total === 0 ? 1 : done / counts.total;
    const parts = [
      `${label} ${done}/${counts.total}`,
      `${(share * 100).toFixed(1)}%`,
      `cached ${counts.cached}`,
      rate > 0 ? `${rate.toFixed(2)}/s` : "--/s",
      `ETA ${eta}`,
      `in flight ${counts.inFlight}`,
    ];
    if (counts.retries > 0) parts.push(`retries ${counts.retries}`);
    if (counts.failed > 0) parts.push(`errors ${counts.failed}`);
    if (!interactive) return parts.join("  ");
    // A line wider than the terminal wraps, and redrawing it would leave its first half behind: drop the tail.
    const width = terminalWidth(stream);
    while (width !== undefined && parts.length > 1 && BAR_WIDTH + 1 + parts.join("  ").length >= width)
      parts.pop();
    const filled = Math.round(share * BAR_WIDTH);
    const bar = chalk.green("█".repeat(filled)) + chalk.gray("░".repeat(BAR_WIDTH - filled));
    const line = `${bar} ${parts.join("  ")}`;
    return counts.failed > 0
      ? line.replace(`errors ${counts.failed}`, chalk.red(`errors ${counts.failed}`))
      : line;
  };

  const draw = (force: boolean) => {
    if (!pending || (force && pending.drawn)) return;
    const t = now();
    if (interactive) {
      if (!force && t - lastDraw < REDRAW_INTERVAL_MS) return;
      lastLine = render(pending.label, pending.counts);
      stream.write(`\r\u001b[2K${lastLine}`);
    } else {
      if (!force && t - lastDraw < LOG_INTERVAL_MS) return;
      stream.write(`${render(pending.label, pending.counts)}\n`);
    }
    pending.drawn = true;
    lastDraw = t;
  };

  return {
    update(label, counts) {
      if (counts.total === 0) return;
      // A new stage: close the previous one with its final figures, so every stage leaves one last line.
      if (pending && pending.label !== label) {
        draw(true);
        if (interactive && lastLine) stream.write("\n");
        lastLine = "";
        lastDraw = Number.NEGATIVE_INFINITY;
        startedAt = now();
      }
      pending = { label, counts, drawn: false };
      draw(false);
    },
    note(text) {
      const message = terminalText(text);
      if (interactive && lastLine) stream.write(`\r\u001b[2K${message}\n${lastLine}`);
      else stream.write(`${message}\n`);
    },
    finish() {
      draw(true);
      if (interactive && lastLine) stream.write("\n");
      pending = undefined;
      lastLine = "";
    },
  };
}

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return "--";
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}m`;
}
