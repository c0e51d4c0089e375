/**
 * Hides what may be a secret in a URL before it is printed, stored or reported. Specs holding such parts are
 * refused (spec.ts), but the refusal itself, and any message quoting a URL, must not repeat them.
 */

export const REDACTED = "[redacted]";

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

/**
 * One URL (its scheme optional) with every part that can carry a secret replaced by [redacted]: the userinfo
 * (`user:password@`, everything up to the last "@": a password with an unescaped "/" or "@" would otherwise leave
 * part of it showing), a port that is not a number (a password whose "@" was lost), path parameters (`;key=...`),
 * the whole query and fragment (`?k=...`, a bare `?secret`, `#token`), and anything after whitespace. Hiding too
 * much of a URL is the safe mistake.
 */
export function redactUrl(url: string): string {
  const scheme = /^[a-z][a-z0-9+.-]*:\/\//i.exec(url)?.[0] ?? "";
  let rest = url.slice(scheme.length);
  const space = rest.search(/\s/);
  if (space !== -1) rest = `${rest.slice(0, space)} ${REDACTED}`;
  const at = rest.lastIndexOf("@");
  if (at !== -1) rest = `${REDACTED}@${rest.slice(at + 1)}`;
  const authorityEnd = rest.search(/[/?#;\s]|$/);
  const port = /:([^:\]]*)$/.exec(rest.slice(0, authorityEnd));
  if (port && !/^\d*$/.test(port[1]!) && at === -1) {
    rest = `${rest.slice(0, port.index + 1)}${REDACTED}${rest.slice(authorityEnd)}`;
  }
  rest = rest.replace(/[?#]\S+/, (part) => `${part[0]}${REDACTED}`).replace(/;[^/?#\s]*/g, `;${REDACTED}`);
  return scheme + rest;
}
