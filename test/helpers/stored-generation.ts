import type { StoredGeneration } from "../../src/store/types.js";

/** A finished generation as the store keeps it, for store tests: a one-line request and `text` as the answer. */
export function storedGeneration(key: string, text = `answer ${key}`): StoredGeneration {
  return {
    key,
    modelKey: "mk",
    request: {
      messages: [{ role: "user", content: `q ${key}` }],
      sampling: { temperature: 0, maxTokens: 10 },
    },
    text,
    finishReason: "stop",
    usage: { promptTokens: 3, completionTokens: 2 },
    timing: { startedAt: "2026-01-01T00:00:00.000Z", totalMs: 5 },
    served: { model: "m" },
    attempts: 1,
    createdAt: "2026-01-01T00:00:00.000Z",
  };
}
