/**
 * The API key we send can come back: a server or a proxy that echoes the Authorization header inside an answer,
 * a model list or an error. Whatever an adapter returns passes through here first, so the key reaches neither the
 * store (generation text, error text, the run's identity), nor the reports, the viewer or the terminal.
 */
import { redact } from "./errors.js";
import { AdapterError, type ModelAdapter } from "./types.js";

/**
 * Shorter keys are not hidden in answers: a placeholder such as "EMPTY" or "none" (what local servers are given)
 * protects nothing, and replacing it would change what the model said.
 */
const MIN_SECRET_LENGTH = 8;

/** `value` with every string in it, at any depth of arrays and plain objects, redacted. */
function redactStrings<T>(value: T, secrets: readonly string[]): T {
  if (typeof value === "string") return redact(value, secrets) as T;
  if (Array.isArray(value)) return value.map((item) => redactStrings(item, secrets)) as T;
  if (value !== null && typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, redactStrings(item, secrets)]),
    ) as T;
  }
  return value;
}

function redactError(error: unknown, secrets: readonly string[]): unknown {
  if (!(error instanceof AdapterError)) return error;
  const { cause, ...details } = error.details;
  return new AdapterError(error.kind, redact(error.message, secrets), {
    ...redactStrings(details, secrets),
    ...(cause === undefined ? {} : { cause }),
  });
}

/** `adapter` with `secrets` replaced by [redacted] in every answer, identity and error it gives. */
export function hidingSecrets(adapter: ModelAdapter, secrets: readonly string[]): ModelAdapter {
  const hidden = secrets.filter((secret) => secret.length >= MIN_SECRET_LENGTH);
  if (hidden.length === 0) return adapter;
  const wrapped: ModelAdapter = {
    provider: adapter.provider,
    spec: adapter.spec,
    identify: async (signal) => {
      try {
        return redactStrings(await adapter.identify(signal), hidden);
      } catch (error) {
        throw redactError(error, hidden);
      }
    },
    complete: async (request) => {
      try {
        return redactStrings(await adapter.complete(request), hidden);
      } catch (error) {
        throw redactError(error, hidden);
      }
    },
  };
  if (adapter.concurrency) wrapped.concurrency = (perServer) => adapter.concurrency!(perServer);
  if (adapter.replicaUsage) wrapped.replicaUsage = () => adapter.replicaUsage!();
  if (adapter.close) wrapped.close = () => adapter.close!();
  return wrapped;
}
