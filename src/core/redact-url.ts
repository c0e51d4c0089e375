/**
 * Hides what may be a secret in a URL before it is printed, stored or reported: every room that names a URL in a
 * message (a download, a model endpoint) goes through here.
 */

export const REDACTED = "[redacted]";

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
