/**
 * Hides what may be a secret in a URL before it is printed, stored or reported. Specs holding such parts are
 * refused (spec.ts), but the refusal itself, and any message quoting a URL, must not repeat them.
 */

import { redactUrl } from "../core/redact-url.js";

export { REDACTED, redactUrl } from "../core/redact-url.js";

/** A URL anywhere in a text: scheme, "://", then everything up to whitespace (quotes included: see below). */
const URL_IN_TEXT = /\b[a-z][a-z0-9+.-]*:\/\/\S*/gi;
/** Punctuation that closes the sentence or the quotes around a URL rather than belonging to it. */
const TRAILING_PUNCTUATION = /["'`)\]}>,.:!]+$/;

/** `text` with the secret-bearing parts of every URL in it replaced by [redacted] (see redactUrl). */
export function redactCredentials(text: string): string {
  return text.replace(URL_IN_TEXT, (match) => {
    const tail = TRAILING_PUNCTUATION.exec(match)?.[0] ?? "";
    return redactUrl(match.slice(0, match.length - tail.length)) + tail;
  });
}
