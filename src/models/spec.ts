/**
 * Model spec strings: `ollama:<model>[@http://host:port]` and `openai:<model>[@<base-url>/v1]`.
 * Model names may contain `:` (e.g. `qwen2.5:7b-instruct`), so the endpoint is split off at the last `@`
 * that is followed by `http://` or `https://`. Credentials never travel in a spec: URLs with a user or
 * password are rejected, and the OpenAI key comes only from OPENAI_API_KEY. Neither the refusal nor the parsed
 * spec repeats a credential the user typed (redactCredentials). `gguf:` specs are parsed in gguf/spec.ts.
 */
import { redactCredentials } from "./credentials.js";
import { type GgufSpec, parseGgufSpec } from "./gguf/spec.js";

export const SPEC_GRAMMAR =
  "ollama:<model>[@http://host:port], openai:<model>[@http(s)://host[:port]/.../v1] or gguf:<file | URL | hf:owner/repo/file | default>";

export const OLLAMA_DEFAULT_HOST = "http://127.0.0.1:11434";
export const OPENAI_DEFAULT_BASE_URL = "https://api.openai.com/v1";

export class ModelSpecError extends Error {
  override readonly name = "ModelSpecError";
}

export interface OllamaSpec {
  provider: "ollama";
  model: string;
  /** Normalised endpoint with explicit port and no trailing slash, e.g. `http://127.0.0.1:11434`. */
  endpoint: string;
  /** The spec as given (trimmed), safe to print, store and report. */
  spec: string;
}

export interface OpenAISpec {
  provider: "openai";
  model: string;
  /** Base URL including the API version path, no trailing slash, e.g. `http://127.0.0.1:8080/v1`. */
  endpoint: string;
  /** The spec as given (trimmed), safe to print, store and report. */
  spec: string;
}

export type ModelSpec = OllamaSpec | OpenAISpec | GgufSpec;

function fail(spec: string, problem: string): never {
  // The spec and the problem may quote a URL holding a password or a key: the message is printed.
  throw new ModelSpecError(
    redactCredentials(`invalid model spec "${spec}": ${problem}; expected ${SPEC_GRAMMAR}`),
  );
}

/** Parses an http(s) URL and rejects the parts that have no place in an endpoint. */
function parseEndpoint(raw: string, where: string, reject: (problem: string) => never): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return reject(`${where} "${raw}" is not a valid URL`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:")
    reject(`${where} must start with http:// or https://`);
  if (url.username !== "" || url.password !== "") {
    reject(`${where} must not contain credentials (use the OPENAI_API_KEY environment variable for keys)`);
  }
  if (url.search !== "" || url.hash !== "") reject(`${where} must not contain a query or fragment`);
  return url;
}

function withoutTrailingSlash(url: URL): string {
  const path = url.pathname.replace(/\/+$/, "");
  return `${url.protocol}//${url.host}${path}`;
}

/** Ollama's own OLLAMA_HOST rules: scheme optional (http), default port 11434 without a scheme. */
function ollamaHostFromEnv(value: string, spec: string): string {
  const trimmed = value.trim();
  const hasScheme = trimmed.includes("://");
  const withScheme = hasScheme
    ? trimmed
    : `http://${trimmed.startsWith(":") ? `127.0.0.1${trimmed}` : trimmed}`;
  const url = parseEndpoint(withScheme, "OLLAMA_HOST", (problem) => fail(spec, problem));
  if (!hasScheme && url.port === "") url.port = "11434";
  return withoutTrailingSlash(url);
}

/** Explicit port, as the ollama client would otherwise rewrite the host (`http://h` means port 80). */
function ollamaEndpoint(url: URL): string {
  const port = url.port || (url.protocol === "https:" ? "443" : "80");
  const path = url.pathname.replace(/\/+$/, "");
  return `${url.protocol}//${url.hostname}:${port}${path}`;
}

function openaiBaseUrl(raw: string, where: string, spec: string): string {
  const url = parseEndpoint(raw, where, (problem) => fail(spec, problem));
  const segments = url.pathname.split("/").filter((s) => s !== "");
  if (!segments.some((s) => /^v\d+/.test(s))) {
    fail(
      spec,
      `${where} "${withoutTrailingSlash(url)}" must include the API version path, e.g. http://host:8000/v1`,
    );
  }
  return withoutTrailingSlash(url);
}

function splitEndpoint(rest: string): { model: string; endpoint?: string } {
  const match = /@(?=https?:\/\/)/gi;
  let at = -1;
  for (let m = match.exec(rest); m !== null; m = match.exec(rest)) at = m.index;
  return at === -1 ? { model: rest } : { model: rest.slice(0, at), endpoint: rest.slice(at + 1) };
}

function checkModel(spec: string, model: string): void {
  if (model === "") fail(spec, "the model name is empty");
  if (/[\s@]/.test(model)) {
    fail(
      spec,
      `model name "${model}" contains whitespace or "@" (an endpoint must start with http:// or https://)`,
    );
  }
}

/** Parses a spec; `env` supplies OLLAMA_HOST and OPENAI_BASE_URL defaults. Throws ModelSpecError. */
export function parseModelSpec(spec: string, env: NodeJS.ProcessEnv = process.env): ModelSpec {
  const text = spec.trim();
  const colon = text.indexOf(":");
  if (colon <= 0) fail(text, "missing provider prefix");
  const provider = text.slice(0, colon);
  if (provider === "gguf")
    return parseGgufSpec(text, text.slice(colon + 1), (problem) => fail(text, problem));
  const { model, endpoint } = splitEndpoint(text.slice(colon + 1));
  if (provider === "ollama") {
    checkModel(text, model);
    const host =
      endpoint !== undefined
        ? ollamaEndpoint(parseEndpoint(endpoint, "Ollama host", (problem) => fail(text, problem)))
        : ollamaEndpoint(new URL(ollamaHostFromEnv(env.OLLAMA_HOST || OLLAMA_DEFAULT_HOST, text)));
    return { provider, model, endpoint: host, spec: redactCredentials(text) };
  }
  if (provider === "openai") {
    checkModel(text, model);
    const base =
      endpoint !== undefined
        ? openaiBaseUrl(endpoint, "base URL", text)
        : env.OPENAI_BASE_URL
          ? openaiBaseUrl(env.OPENAI_BASE_URL, "OPENAI_BASE_URL", text)
          : OPENAI_DEFAULT_BASE_URL;
    return { provider, model, endpoint: base, spec: redactCredentials(text) };
  }
  return fail(text, `unknown provider "${provider}"`);
}
