/**
 * results.json would not match its schema: a bug in persona-bench, never the user's input. `figure` is the JSON
 * pointer of the first value the schema refused (`/tasks/math500/summary/expectedMaxAtK/3`), `detail` that pointer
 * with the value and the rule it breaks.
 */
export class ResultsValidationError extends Error {
  override readonly name = "ResultsValidationError";
  constructor(
    message: string,
    readonly figure: string,
    readonly detail: string,
  ) {
    super(message);
  }
}
