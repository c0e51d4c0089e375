/**
 * What an output stream can show: redrawn lines, colour, how wide a line may be. Decided here once, from the stream
 * and the environment the command was given (not this process's globals, so in-process runs answer for their own
 * streams).
 */

/** The part of a writable stream that says whether a terminal is behind it (Node sets both on a TTY). */
export interface TerminalStream {
  isTTY?: boolean;
  columns?: number;
}

/** A terminal gets lines redrawn in place; a pipe or a CI log gets plain lines it can keep. */
export function isInteractive(stream: TerminalStream): boolean {
  return stream.isTTY === true;
}

/**
 * Colour on a terminal unless NO_COLOR is set (no-color.org: the user's word wins) or TERM is "dumb";
 * FORCE_COLOR turns it on for a pipe too ("0" or "false" turn it off).
 */
export function colorEnabled(stream: TerminalStream, env: Record<string, string | undefined>): boolean {
  if (env.NO_COLOR !== undefined) return false;
  const force = env.FORCE_COLOR;
  if (force !== undefined) return force !== "0" && force !== "false";
  return isInteractive(stream) && env.TERM !== "dumb";
}

/** The terminal's width in characters, or undefined for a pipe or a terminal that does not say. */
export function terminalWidth(stream: TerminalStream): number | undefined {
  const columns = stream.columns;
  return isInteractive(stream) && typeof columns === "number" && Number.isInteger(columns) && columns > 0
    ? columns
    : undefined;
}
