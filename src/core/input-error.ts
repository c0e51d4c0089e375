/** Where in an outside input a problem sits. `field` is a dotted path such as `tasks[0].samples`. */
export interface InputLocation {
  file?: string;
  line?: number;
  field?: string;
}

/**
 * Any problem with input that comes from outside the program (files, flags, datasets). The CLI maps it to the
 * bad-input exit code. The message is one line and already names the place: `file:line: field: reason`.
 */
export class InputError extends Error {
  override readonly name: string = "InputError";
  readonly file: string | undefined;
  readonly line: number | undefined;
  readonly field: string | undefined;
  /** The reason without the location prefix. */
  readonly reason: string;

  constructor(message: string, where: InputLocation = {}) {
    super(formatInputMessage(message, where));
    this.file = where.file;
    this.line = where.line;
    this.field = where.field;
    this.reason = oneLine(message);
  }
}

function formatInputMessage(message: string, where: InputLocation): string {
  let place = where.file ?? "";
  if (where.file !== undefined && where.line !== undefined) place += `:${where.line}`;
  const parts = [place, where.field, oneLine(message)].filter((part) => part !== undefined && part !== "");
  return parts.join(": ");
}

/** Error text from parsers and the network can span lines; ours must not. */
export function oneLine(text: string): string {
  return text.replace(/\s*\r?\n\s*/g, " ").trim();
}
