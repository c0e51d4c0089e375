/**
 * `gguf:<path | http(s) URL | hf:<owner>/<repo>/<file> | default>`: where an in-process model's weights come from.
 * A path is resolved against the working directory when the adapter is built; URLs and hub names are downloaded
 * once into the cache (see download.ts).
 */

export type GgufSource =
  | { kind: "file"; path: string }
  | { kind: "url"; url: string }
  | { kind: "hf"; owner: string; repo: string; file: string; revision: string };

/** A source that is downloaded. */
export type RemoteSource = Exclude<GgufSource, { kind: "file" }>;

export interface GgufSpec {
  provider: "gguf";
  /** What the user wrote after `gguf:`, e.g. `./model.gguf`, `default`. */
  model: string;
  source: GgufSource;
  /** True for `gguf:default`, the embedded default model. */
  isDefault: boolean;
  spec: string;
}

export const GGUF_GRAMMAR = "gguf:<path | https://.../file.gguf | hf:<owner>/<repo>/<file.gguf> | default>";

/**
 * The embedded default model (`gguf:default`): a small instruct model that runs on any CPU.
 * Recorded from public knowledge, not fetched while writing this (no network to the hub at build time):
 * the repository, file and approximate size are those listed on the model page. No sha256 is pinned here; the
 * download is checked against the sha256 the hub publishes for the file (`X-Linked-Etag`), and refused without it.
 * Pin `sha256` (and a commit `revision`) once they have been read from the hub.
 */
export const DEFAULT_GGUF = {
  owner: "Qwen",
  repo: "Qwen2.5-0.5B-Instruct-GGUF",
  file: "qwen2.5-0.5b-instruct-q4_k_m.gguf",
  revision: "main",
  description: "Qwen2.5 0.5B Instruct, Q4_K_M (Apache-2.0)",
  /** Approximate size on the hub, for the message before downloading; the hub's own size is what is checked. */
  approxBytes: 491_000_000,
  sha256: undefined as string | undefined,
} as const;

/** Parses what follows `gguf:`; `fail` throws the spec error with the problem. */
export function parseGgufSpec(text: string, rest: string, fail: (problem: string) => never): GgufSpec {
  const model = rest.trim();
  if (model === "") fail("the model file is empty");
  if (model === "default") {
    const { owner, repo, file, revision } = DEFAULT_GGUF;
    return {
      provider: "gguf",
      model,
      source: { kind: "hf", owner, repo, file, revision },
      isDefault: true,
      spec: text,
    };
  }
  if (model.startsWith("hf:")) {
    const parts = model.slice(3).split("/");
    const [owner, repo, ...fileParts] = parts;
    const file = fileParts.join("/");
    if (
      !owner ||
      !repo ||
      fileParts.length === 0 ||
      fileParts.some((p) => p === "" || p === "." || p === "..")
    ) {
      fail(`"${model}" must be hf:<owner>/<repo>/<file.gguf>`);
    }
    if (/[\s?#]/.test(model)) fail(`"${model}" contains whitespace, "?" or "#"`);
    return {
      provider: "gguf",
      model,
      source: { kind: "hf", owner, repo, file, revision: "main" },
      isDefault: false,
      spec: text,
    };
  }
  if (/^https?:\/\//i.test(model)) {
    let url: URL;
    try {
      url = new URL(model);
    } catch {
      return fail(`"${model}" is not a valid URL`);
    }
    if (url.username !== "" || url.password !== "") fail("the URL must not contain credentials");
    if (url.pathname.endsWith("/")) fail(`the URL "${model}" must name a file`);
    return { provider: "gguf", model, source: { kind: "url", url: url.href }, isDefault: false, spec: text };
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(model)) fail(`"${model}": only http(s) URLs can be downloaded`);
  return { provider: "gguf", model, source: { kind: "file", path: model }, isDefault: false, spec: text };
}
