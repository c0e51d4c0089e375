import { describe, expect, it, vi } from "vitest";
import { DEFAULT_GGUF } from "../../src/models/gguf/spec.js";
import { ModelSpecError, parseModelSpec } from "../../src/models/spec.js";

describe("gguf: specs", () => {
  it.each([
    ["gguf:./qwen2.5-7b-instruct-q4_k_m.gguf", { kind: "file", path: "./qwen2.5-7b-instruct-q4_k_m.gguf" }],
    ["gguf:/models/a@b.gguf", { kind: "file", path: "/models/a@b.gguf" }],
    ["gguf:https://example.org/m/tiny.gguf", { kind: "url", url: "https://example.org/m/tiny.gguf" }],
    [
      "gguf:hf:Qwen/Qwen2.5-0.5B-Instruct-GGUF/qwen2.5-0.5b-instruct-q4_k_m.gguf",
      {
        kind: "hf",
        owner: "Qwen",
        repo: "Qwen2.5-0.5B-Instruct-GGUF",
        file: "qwen2.5-0.5b-instruct-q4_k_m.gguf",
        revision: "main",
      },
    ],
    ["gguf:hf:org/repo/sub/dir/m.gguf", { kind: "hf", owner: "org", repo: "repo", file: "sub/dir/m.gguf" }],
  ])("%s", (spec, source) => {
    const parsed = parseModelSpec(spec, {});
    expect(parsed).toMatchObject({ provider: "gguf", spec, isDefault: false, source });
  });

  it("gguf:default names the embedded default model on the hub", () => {
    expect(parseModelSpec("gguf:default", {})).toMatchObject({
      isDefault: true,
      source: { kind: "hf", owner: DEFAULT_GGUF.owner, repo: DEFAULT_GGUF.repo, file: DEFAULT_GGUF.file },
    });
    expect(DEFAULT_GGUF.approxBytes).toBeLessThan(500_000_000);
  });

  it.each([
    ["gguf:", /model file is empty/],
    ["gguf:hf:owner/repo", /hf:<owner>\/<repo>\/<file.gguf>/],
    ["gguf:hf:owner/repo/../x.gguf", /hf:<owner>\/<repo>\/<file.gguf>/],
    ["gguf:https://user:pw@example.org/m.gguf", /credentials/],
    ["gguf:ftp://example.org/m.gguf", /only http\(s\) URLs/],
    ["gguf:https://example.org/dir/", /must name a file/],
  ])("rejects %s", (spec, message) => {
    expect(() => parseModelSpec(spec, {})).toThrow(ModelSpecError);
    expect(() => parseModelSpec(spec, {})).toThrow(message);
  });
});

describe("gguf: without the optional node-llama-cpp", () => {
  it("fails with one line saying how to install it", async () => {
    vi.resetModules();
    vi.doMock("node-llama-cpp", () => {
      const error = new Error("Cannot find package 'node-llama-cpp'") as Error & { code: string };
      error.code = "ERR_MODULE_NOT_FOUND";
      throw error;
    });
    try {
      const { createAdapter } = await import("../../src/models/registry.js");
      const { AdapterError } = await import("../../src/models/types.js");
      const adapter = createAdapter("gguf:/nowhere/model.gguf", {});
      const error = await adapter.identify().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(AdapterError);
      const message = (error as Error).message;
      expect(message).not.toContain("\n");
      expect(message).toMatch(
        /^gguf: models need the optional package node-llama-cpp@3\.21\.1, which is not installed .*npm install --save-optional --save-exact node-llama-cpp@3\.21\.1/,
      );
      // The other providers do not need it.
      expect(createAdapter("ollama:qwen2.5:7b", {}).provider).toBe("ollama");
    } finally {
      vi.doUnmock("node-llama-cpp");
      vi.resetModules();
    }
  });
});
