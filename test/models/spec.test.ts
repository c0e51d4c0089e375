import { describe, expect, test } from "vitest";
import { createAdapter, listProviders } from "../../src/models/registry.js";
import { ModelSpecError, parseModelSpec, SPEC_GRAMMAR, withReplicas } from "../../src/models/spec.js";

describe("replica lists", () => {
  test("several URLs after @ are replicas of one model, normalised one by one", () => {
    expect(parseModelSpec("openai:qwen@http://a:8000/v1/,http://b:8000/v1", {})).toMatchObject({
      endpoint: "http://a:8000/v1",
      endpoints: ["http://a:8000/v1", "http://b:8000/v1"],
    });
    expect(parseModelSpec("ollama:qwen2.5:7b@http://gpu1:11434, http://gpu2", {})).toMatchObject({
      endpoints: ["http://gpu1:11434", "http://gpu2:80"],
    });
  });

  test.each([
    ["openai:m@http://a/v1,b:8000/v1", /replica "b:8000\/v1" must start with http/],
    ["openai:m@http://a/v1,http://a/v1", /replica http:\/\/a\/v1 is listed twice/],
    ["openai:m@http://a/v1,http://b", /must include the API version path/],
  ])("%s is rejected", (spec, message) => {
    expect(() => parseModelSpec(spec, {})).toThrow(message);
  });

  test("--replica adds to the spec's URLs, or stands in for the default endpoint", () => {
    expect(withReplicas("openai:m@http://a/v1", ["http://b/v1"])).toBe("openai:m@http://a/v1,http://b/v1");
    expect(withReplicas("ollama:qwen2.5:7b", ["http://g1:11434", "http://g2:11434"])).toBe(
      "ollama:qwen2.5:7b@http://g1:11434,http://g2:11434",
    );
    expect(withReplicas("openai:m", [])).toBe("openai:m");
  });
});

describe("parseModelSpec", () => {
  test.each([
    ["ollama:qwen2.5:7b-instruct", {}, "qwen2.5:7b-instruct", "http://127.0.0.1:11434"],
    ["ollama:qwen2.5:7b-instruct@http://gpu-box:11434", {}, "qwen2.5:7b-instruct", "http://gpu-box:11434"],
    ["ollama:llama3.2@http://10.0.0.5:8000/", {}, "llama3.2", "http://10.0.0.5:8000"],
    ["ollama:llama3.2@http://proxy/ollama", {}, "llama3.2", "http://proxy:80/ollama"],
    ["ollama:llama3.2@https://secure.example", {}, "llama3.2", "https://secure.example:443"],
    [
      "ollama:hf.co/org/model:Q4_K_M",
      { OLLAMA_HOST: "0.0.0.0" },
      "hf.co/org/model:Q4_K_M",
      "http://0.0.0.0:11434",
    ],
    ["ollama:m", { OLLAMA_HOST: "gpu:1234" }, "m", "http://gpu:1234"],
    ["ollama:m", { OLLAMA_HOST: ":5555" }, "m", "http://127.0.0.1:5555"],
    ["ollama:m", { OLLAMA_HOST: "http://gpu" }, "m", "http://gpu:80"],
    ["ollama:m@http://[::1]:11434", { OLLAMA_HOST: "elsewhere" }, "m", "http://[::1]:11434"],
  ])("%s with %o", (spec, env, model, endpoint) => {
    expect(parseModelSpec(spec, env)).toEqual({
      provider: "ollama",
      model,
      endpoint,
      endpoints: [endpoint],
      spec,
    });
  });

  test.each([
    ["openai:gpt-4o-mini", {}, "gpt-4o-mini", "https://api.openai.com/v1"],
    [
      "openai:gpt-4o-mini",
      { OPENAI_BASE_URL: "http://127.0.0.1:8080/v1/" },
      "gpt-4o-mini",
      "http://127.0.0.1:8080/v1",
    ],
    [
      "openai:Qwen/Qwen2.5-7B-Instruct@http://127.0.0.1:8000/v1",
      {},
      "Qwen/Qwen2.5-7B-Instruct",
      "http://127.0.0.1:8000/v1",
    ],
    [
      "openai:meta-llama/llama-3.1-8b-instruct@https://openrouter.ai/api/v1",
      {},
      "meta-llama/llama-3.1-8b-instruct",
      "https://openrouter.ai/api/v1",
    ],
    ["openai:qwen2.5:7b@http://127.0.0.1:11434/v1", {}, "qwen2.5:7b", "http://127.0.0.1:11434/v1"],
  ])("%s with %o", (spec, env, model, endpoint) => {
    expect(parseModelSpec(spec, env)).toEqual({
      provider: "openai",
      model,
      endpoint,
      endpoints: [endpoint],
      spec,
    });
  });

  test.each([
    ["qwen2.5:7b", "unknown provider"],
    ["llama3", "missing provider prefix"],
    ["ollama:", "model name is empty"],
    ["openai:@http://h/v1", "model name is empty"],
    ["ollama:m@localhost:11434", 'contains whitespace or "@"'],
    ["ollama:m@ftp://h:1", 'contains whitespace or "@"'],
    ["openai:m@http://127.0.0.1:8000", "must include the API version path"],
    ["openai:m@http://user:sk-secret@host/v1", "must not contain credentials"],
    ["openai:m@http://host/v1?key=abc", "must not contain a query"],
    ["openai:m@http://host/v1?", "must not contain a query"],
    ["openai:m@http://host/v1#", "must not contain a query"],
    ["openai:m@http://host/v1;key=abc", "must not contain path parameters"],
    ["openai:m@http://bad host/v1", "contains whitespace"],
    ["openai:m@http://a/v1 http://b/v1", "contains whitespace"],
    ["openai:m@http://a:99999/v1", "not a valid URL"],
    ["vllm:m", 'unknown provider "vllm"'],
  ])("%s is rejected: %s", (spec, problem) => {
    let error: unknown;
    try {
      parseModelSpec(spec, {});
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ModelSpecError);
    const message = (error as Error).message;
    expect(message).toContain(problem);
    expect(message).toContain(SPEC_GRAMMAR);
    expect(message).not.toContain("\n");
  });

  test.each([
    ["openai:m@http://user:sk-secret123@127.0.0.1:9/v1", {}],
    ["ollama:m@http://sk-secret123@127.0.0.1:9", {}],
    ["openai:m@http://127.0.0.1:9/v1?api_key=sk-secret123", {}],
    ["openai:m@http://127.0.0.1:9/v1?k=sk-secret123", {}],
    ["openai:m@http://127.0.0.1:9/v1?sk-secret123", {}],
    ["openai:m@http://127.0.0.1:9/v1#sk-secret123", {}],
    ["openai:m@http://127.0.0.1:9/v1;key=sk-secret123", {}],
    ["openai:m@http://127.0.0.1:9/v1 http://u:sk-secret123@127.0.0.1:8/v1", {}],
    ["openai:m@http://127.0.0.1:9/v1,u:sk-secret123@127.0.0.1:8/v1", {}],
    ["openai:m@u:sk-secret123@http://127.0.0.1:9/v1", {}],
    ["openai:m@http://user:sk-secret123@bad host/v1", {}],
    ['openai:m@http://user:"sk-secret123"@127.0.0.1:9/v1', {}],
    ["gguf:https://u:sk-secret123@h/x.gguf", {}],
    ["gguf:https://h/x.gguf https://u:sk-secret123@h/y.gguf", {}],
    ["openai:m", { OPENAI_BASE_URL: "http://user:sk-secret123@127.0.0.1:9/v1" }],
    ["openai:m", { OPENAI_BASE_URL: "http://127.0.0.1:9/v1,http://u:sk-secret123@127.0.0.1:8/v1" }],
    ["openai:m", { OPENAI_BASE_URL: "http://127.0.0.1:9/v1;sk-secret123" }],
    ["ollama:m", { OLLAMA_HOST: "http://user:sk-secret123@bad host" }],
    ["ollama:m", { OLLAMA_HOST: "127.0.0.1:9,http://u:sk-secret123@h" }],
    ["ollama:m", { OLLAMA_HOST: "h:9#sk-secret123" }],
  ])("what may be a secret in %s %o is refused and never reaches the error message", (spec, env) => {
    let error: unknown;
    try {
      parseModelSpec(spec, env);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ModelSpecError);
    const message = (error as Error).message;
    expect(message).toMatch(
      /must not contain credentials|must not contain a query|must not contain path parameters|contains whitespace|holds a comma|more than one URL|is not a valid URL|must start with http|contains whitespace or "@"/,
    );
    expect(message).not.toContain("sk-secret123");
  });

  test("a presigned gguf URL is accepted, and shown and stored without its query", () => {
    const spec = parseModelSpec("gguf:https://h/x.gguf?X-Amz-Signature=sk-secret123", {});
    expect(spec.spec).toBe("gguf:https://h/x.gguf?[redacted]");
    expect(spec.provider === "gguf" && spec.source).toEqual({
      kind: "url",
      url: "https://h/x.gguf?X-Amz-Signature=sk-secret123",
    });
  });

  test("bad OPENAI_BASE_URL and OLLAMA_HOST are named", () => {
    expect(() => parseModelSpec("openai:m", { OPENAI_BASE_URL: "http://h:8000" })).toThrow(/OPENAI_BASE_URL/);
    expect(() => parseModelSpec("ollama:m", { OLLAMA_HOST: "http://a b" })).toThrow(/OLLAMA_HOST/);
  });
});

describe("registry", () => {
  test("createAdapter returns the adapter for the provider, with the spec and no key in it", () => {
    const key = "sk-canary-registry";
    const openai = createAdapter("openai:gpt-4o-mini", { OPENAI_API_KEY: key });
    expect(openai.provider).toBe("openai");
    expect(openai.spec).toBe("openai:gpt-4o-mini");
    expect(JSON.stringify(openai)).not.toContain(key);
    const ollama = createAdapter(" ollama:qwen2.5:7b-instruct ", {});
    expect(ollama.provider).toBe("ollama");
    expect(ollama.spec).toBe("ollama:qwen2.5:7b-instruct");
  });

  test("listProviders covers every provider createAdapter accepts", () => {
    const names = listProviders().map((p) => p.name);
    expect(names).toEqual(["ollama", "openai", "gguf"]);
    for (const p of listProviders()) expect(() => createAdapter(`${p.name}:some-model`, {})).not.toThrow();
  });
});
