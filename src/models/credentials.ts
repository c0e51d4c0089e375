/**
 * Hides credentials in text that may hold a URL before it is printed, stored or reported. Specs with credentials
 * are refused (spec.ts), but the refusal itself, and any message quoting a URL, must not repeat the secret.
 */

export const REDACTED = "[redacted]";

/** A URL anywhere in a text: scheme, "://", then everything up to whitespace or a quote-like delimiter. */
const URL_IN_TEXT = /\b[a-z][a-z0-9+.-]*:\/\/[^\s"'<>`]*/gi;
/**
 * The userinfo (`user:password@`). Everything up to the URL's last "@" goes: a password with an unescaped "/" or
 * "@" would otherwise leave part of it showing, and hiding too much of a URL is the safe mistake.
 */
const USERINFO = /^([a-z][a-z0-9+.-]*:\/\/).*@/i;
/** A query or fragment parameter: its separator, name and value. */
const PARAMETER = /([?&#;])([^=&#\s]*)=([^&#\s]*)/g;
/** Words of a parameter name that say its value is a secret (api_key, access_token, X-Amz-Signature, apiKey). */
const SECRET_WORDS = new Set([
  "key",
  "apikey",
  "token",
  "secret",
  "password",
  "passwd",
  "pwd",
  "auth",
  "authorization",
  "credential",
  "credentials",
  "signature",
  "sig",
]);

/** `text` with the userinfo and secret-looking query parameters of every URL in it replaced by [redacted]. */
export function redactCredentials(text: string): string {
  return text.replace(URL_IN_TEXT, (url) =>
    url
      .replace(USERINFO, `$1${REDACTED}@`)
      .replace(PARAMETER, (whole, separator: string, name: string) =>
        isSecretName(name) ? `${separator}${name}=${REDACTED}` : whole,
      ),
  );
}

/** Splits on separators and camelCase, so "monkey" is not a key but "apiKey" and "api-key" are. */
function isSecretName(name: string): boolean {
  const words = name
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .toLowerCase()
    .split(/[^a-z0-9]+/);
  return words.some((word) => SECRET_WORDS.has(word));
}
