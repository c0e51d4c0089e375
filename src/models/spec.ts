/**
 * Model spec strings: `ollama:<model>[@http://host:port[,http://host2:port...]]` and
 * `openai:<model>[@<base-url>/v1[,<base-url2>/v1...]]`; several URLs are replicas of one model.
 * Model names may contain `:` (e.g. `qwen2.5:7b-instruct`), so the endpoint is split off at the last `@`
 * that is followed by `http://` or `https://`. Credentials never travel in a spec: an endpoint with a user or
 * password, a query, a fragment or path parameters is refused, and so is one that is ambiguous (whitespace, a
 * comma or a second URL inside it), and the OpenAI key comes only from OPENAI_API_KEY. Neither the refusal nor the
 * parsed spec repeats what the user typed in those places (shownSpec). `gguf:` specs are parsed in gguf/spec.ts.
 */
import { redactCredentials, redactUrl } from "./credentials.js";
import { type GgufSpec, parseGgufSpec } from "./gguf/spec.js";

export const SPEC_GRAMMAR =
  "ollama:<model>[@http://host:port[,...]], openai:<model>[@http(s)://host[:port]/.../v1[,...]] or gguf:<file | URL | hf:owner/repo/file | default>";

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
  /** Every replica's endpoint, normalised; `endpoint` is the first. */
  endpoints: string[];
  /** The spec as given (trimmed), safe to print, store and report. */
  spec: string;
}

export interface OpenAISpec {
  provider: "openai";
  model: string;
  /** Base URL including the API version path, no trailing slash, e.g. `http://127.0.0.1:8080/v1`. */
  endpoint: string;
  /** Every replica's base URL, normalised; `endpoint` is the first. */
  endpoints: string[];
  /** The spec as given (trimmed), safe to print, store and report. */
  spec: string;
}

export type ModelSpec = OllamaSpec | OpenAISpec | GgufSpec;

/**
 * A spec as it may be printed or stored. Before its first "@" (a model name holds none) any URL goes through
 * redactCredentials; after it, each comma-separated endpoint goes through redactUrl, which also recognises one
 * typed without its scheme (`user:pw@host`) and one glued to the next after a space.
 */
export function shownSpec(spec: string): string {
  const at = spec.indexOf("@");
  if (at === -1) return redactCredentials(spec);
  return `${redactCredentials(spec.slice(0, at))}@${spec
    .slice(at + 1)
    .split(",")
    .map(redactUrl)
    .join(",")}`;
}

function fail(spec: string, problem: string): never {
  // The spec and the problem may quote a URL holding a password or a key: the message is printed.
  throw new ModelSpecError(
    `invalid model spec "${shownSpec(spec)}": ${redactCredentials(problem)}; expected ${SPEC_GRAMMAR}`,
  );
}

/**
 * Parses an http(s) URL and rejects the parts that have no place in an endpoint, and anything that makes it
 * ambiguous where the endpoint ends (a second URL glued on after a space or a comma would otherwise be read as
 * part of its path, password included).
 */
function parseEndpoint(raw: string, where: string, reject: (problem: string) => never): URL {
  if (/\s/.test(raw)) reject(`${where} contains whitespace (separate replica URLs with commas)`);
  if (raw.includes(",")) reject(`${where} holds a comma: one URL only (replicas go after the spec's "@")`);
  if (raw.indexOf("://") !== raw.lastIndexOf("://")) reject(`${where} holds more than one URL`);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return reject(`${where} "${redactUrl(raw)}" is not a valid URL`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:")
    reject(`${where} must start with http:// or https://`);
  if (url.username !== "" || url.password !== "") {
    reject(`${where} must not contain credentials (use the OPENAI_API_KEY environment variable for keys)`);
  }
  if (url.search !== "" || url.hash !== "" || raw.includes("?") || raw.includes("#")) {
    reject(`${where} must not contain a query or fragment`);
  }
  if (url.pathname.includes(";")) reject(`${where} must not contain path parameters (";...")`);
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
      `model name "${shownSpec(model)}" contains whitespace or "@" (an endpoint must start with http:// or https://)`,
    );
  }
}

/** `url1,url2,...`: every part must be a URL of its own. */
function splitReplicas(list: string, spec: string): string[] {
  const parts = list.split(",").map((part) => part.trim());
  for (const part of parts) {
    if (!/^https?:\/\//i.test(part)) {
      fail(spec, `replica "${redactUrl(part)}" must start with http:// or https://`);
    }
  }
  return parts;
}

function distinct(endpoints: string[], spec: string): string[] {
  const seen = new Set<string>();
  for (const endpoint of endpoints) {
    if (seen.has(endpoint)) fail(spec, `replica ${endpoint} is listed twice`);
    seen.add(endpoint);
  }
  return endpoints;
}

/**
 * The spec with more replicas: `--replica <url>` (repeatable) adds to the spec's own URLs, or stands in for the
 * default endpoint when the spec names none.
 */
export function withReplicas(spec: string, replicas: readonly string[]): string {
  if (replicas.length === 0) return spec;
  const text = spec.trim();
  const colon = text.indexOf(":");
  const { endpoint } = splitEndpoint(colon <= 0 ? text : text.slice(colon + 1));
  return endpoint === undefined ? `${text}@${replicas.join(",")}` : `${text},${replicas.join(",")}`;
}

/** Parses a spec; `env` supplies OLLAMA_HOST and OPENAI_BASE_URL defaults. Throws ModelSpecError. */
export function parseModelSpec(spec: string, env: NodeJS.ProcessEnv = process.env): ModelSpec {
  const text = spec.trim();
  const colon = text.indexOf(":");
  if (colon <= 0) fail(text, "missing provider prefix");
  const provider = text.slice(0, colon);
  if (provider === "gguf") {
    const rest = text.slice(colon + 1);
    // A path may hold spaces; a URL may not (a second URL after a space would be read as part of its path).
    if (/^\s*https?:\/\/\S*\s/i.test(rest)) fail(text, "the URL contains whitespace");
    const gguf = parseGgufSpec(text, rest, (problem) => fail(text, problem));
    return { ...gguf, spec: shownSpec(text) };
  }
  const { model, endpoint } = splitEndpoint(text.slice(colon + 1));
  const urls = endpoint === undefined ? undefined : splitReplicas(endpoint, text);
  if (provider === "ollama") {
    checkModel(text, model);
    const hosts =
      urls !== undefined
        ? urls.map((url) =>
            ollamaEndpoint(parseEndpoint(url, "Ollama host", (problem) => fail(text, problem))),
          )
        : [ollamaEndpoint(new URL(ollamaHostFromEnv(env.OLLAMA_HOST || OLLAMA_DEFAULT_HOST, text)))];
    return serverSpec(provider, model, hosts, text);
  }
  if (provider === "openai") {
    checkModel(text, model);
    const bases =
      urls !== undefined
        ? urls.map((url) => openaiBaseUrl(url, "base URL", text))
        : env.OPENAI_BASE_URL
          ? [openaiBaseUrl(env.OPENAI_BASE_URL, "OPENAI_BASE_URL", text)]
          : [OPENAI_DEFAULT_BASE_URL];
    return serverSpec(provider, model, bases, text);
  }
  return fail(text, `unknown provider "${provider}"`);
}

/** A server model's spec: the first URL is its endpoint, all of them (distinct) its replicas. */
function serverSpec<P extends "ollama" | "openai">(provider: P, model: string, urls: string[], text: string) {
  return {
    provider,
    model,
    endpoint: urls[0]!,
    endpoints: distinct(urls, text),
    spec: shownSpec(text),
  };
}
