/** results.json would not match its schema: a bug in persona-bench, never the user's input. */
export class ResultsValidationError extends Error {
  override readonly name = "ResultsValidationError";
}
