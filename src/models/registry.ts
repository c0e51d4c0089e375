/** Builds adapters from spec strings; the one place that reads provider credentials from the environment. */
import { GgufAdapter, type GgufAdapterOptions } from "./gguf/adapter.js";
import { OllamaAdapter } from "./ollama.js";
import { OpenAIAdapter } from "./openai.js";
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
      grammar: "ollama:<model>[@http://host:port]",
      description: "Ollama native API; host from the spec, OLLAMA_HOST, or http://127.0.0.1:11434",
    },
    {
      name: "openai",
      grammar: "openai:<model>[@<base-url>/v1]",
      description:
        "OpenAI-compatible chat completions (OpenAI, vLLM, SGLang, LM Studio, llama-server); base URL from the " +
        "spec, OPENAI_BASE_URL, or https://api.openai.com/v1; key from OPENAI_API_KEY",
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

/** Settings for in-process models (gguf:); servers ignore them. */
export type LocalModelOptions = Omit<GgufAdapterOptions, "spec" | "env">;

/** Throws ModelSpecError for a malformed spec. */
export function createAdapter(
  spec: string,
  env: NodeJS.ProcessEnv = process.env,
  local: LocalModelOptions = {},
): ModelAdapter {
  const parsed = parseModelSpec(spec, env);
  if (parsed.provider === "ollama") return new OllamaAdapter(parsed);
  if (parsed.provider === "gguf") return new GgufAdapter({ ...local, spec: parsed, env });
  const apiKey = env.OPENAI_API_KEY?.trim();
  return new OpenAIAdapter({ ...parsed, ...(apiKey ? { apiKey } : {}) });
}
