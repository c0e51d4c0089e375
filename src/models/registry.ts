/** Builds adapters from spec strings; the one place that reads provider credentials from the environment. */
import { GgufAdapter, type GgufAdapterOptions } from "./gguf/adapter.js";
import { hidingSecrets } from "./hide-secrets.js";
import { OllamaAdapter } from "./ollama.js";
import { OpenAIAdapter } from "./openai.js";
import { ReplicaSetAdapter } from "./replicas.js";
import { parseModelSpec } from "./spec.js";
import type { ModelAdapter } from "./types.js";

export interface ProviderInfo {
  name: string;
  grammar: string;
  description: string;
}

export function listProviders(): ProviderInfo[] {
  return [
    {
      name: "ollama",
      grammar: "ollama:<model>[@http://host:port[,http://host2:port...]]",
      description:
        "Ollama native API; host from the spec, OLLAMA_HOST, or http://127.0.0.1:11434; several hosts are replicas",
    },
    {
      name: "openai",
      grammar: "openai:<model>[@<base-url>/v1[,<base-url2>/v1...]]",
      description:
        "OpenAI-compatible chat completions (OpenAI, vLLM, SGLang, LM Studio, llama-server); base URL from the " +
        "spec, OPENAI_BASE_URL, or https://api.openai.com/v1; key from OPENAI_API_KEY; several base URLs are replicas",
    },
    {
      name: "gguf",
      grammar: "gguf:<path | https URL | hf:<owner>/<repo>/<file> | default>",
      description:
        "a GGUF file run in this process by llama.cpp (node-llama-cpp, optional dependency); URLs and hub files are " +
        "downloaded once into the cache and checked against their sha256",
    },
  ];
}

/**
 * Settings for in-process models (gguf:; servers ignore them) and the notices of replica sets and model downloads
 * (`onNotice`).
 */
export type AdapterOptions = Omit<GgufAdapterOptions, "spec" | "env">;

/** Throws ModelSpecError for a malformed spec. A spec with several URLs gives a replica set. */
export function createAdapter(
  spec: string,
  env: NodeJS.ProcessEnv = process.env,
  options: AdapterOptions = {},
): ModelAdapter {
  const parsed = parseModelSpec(spec, env);
  if (parsed.provider === "gguf") return new GgufAdapter({ ...options, spec: parsed, env });
  const single = (endpoint: string, replicaSpec: string): ModelAdapter => {
    if (parsed.provider === "ollama")
      return new OllamaAdapter({ model: parsed.model, endpoint, spec: replicaSpec });
    const apiKey = env.OPENAI_API_KEY?.trim();
    const adapter = new OpenAIAdapter({
      model: parsed.model,
      endpoint,
      spec: replicaSpec,
      ...(apiKey ? { apiKey } : {}),
    });
    // A server that echoes the key in an answer cannot get it stored or shown.
    return apiKey ? hidingSecrets(adapter, [apiKey]) : adapter;
  };
  if (parsed.endpoints.length === 1) return single(parsed.endpoint, parsed.spec);
  return new ReplicaSetAdapter({
    provider: parsed.provider,
    spec: parsed.spec,
    name: parsed.model,
    replicas: parsed.endpoints.map((endpoint) => ({
      endpoint,
      adapter: single(endpoint, `${parsed.provider}:${parsed.model}@${endpoint}`),
    })),
    ...(options.onNotice ? { onNotice: options.onNotice } : {}),
  });
}
