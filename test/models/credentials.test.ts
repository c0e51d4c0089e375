import { describe, expect, it } from "vitest";
import { redactCredentials, redactUrl } from "../../src/models/credentials.js";

describe("redactCredentials", () => {
  it.each([
    ["http://user:sk-secret@127.0.0.1:9/v1", "http://[redacted]@127.0.0.1:9/v1"],
    ["https://sk-secret@h/v1", "https://[redacted]@h/v1"],
    ["http://user:p@ss/w@rd@h:1/v1", "http://[redacted]@h:1/v1"],
    // The whole query and fragment, whatever their names: a key needs no telling name ("k", or none at all).
    ["http://h/v1?api_key=sk-secret&model=m", "http://h/v1?[redacted]"],
    ["http://h/v1?k=sk-secret", "http://h/v1?[redacted]"],
    ["http://h/v1?sk-secret", "http://h/v1?[redacted]"],
    ["http://h/v1#sk-secret", "http://h/v1#[redacted]"],
    ["http://h/v1?X-Amz-Signature=sk-secret#token=sk-secret", "http://h/v1?[redacted]"],
    // Path parameters, in any segment.
    ["http://h/v1;key=sk-secret", "http://h/v1;[redacted]"],
    ["http://h;sk-secret/v1;a=b/chat", "http://h;[redacted]/v1;[redacted]/chat"],
    // A port that is not a number is a password whose "@" did not make it into the URL.
    ["http://user:sk-secret", "http://user:[redacted]"],
    [
      'invalid model spec "openai:m@http://u:sk-secret@h/v1": no',
      'invalid model spec "openai:m@http://[redacted]@h/v1": no',
    ],
    ['base URL "http://h/v1?k=sk-secret": refused', 'base URL "http://h/v1?[redacted]": refused'],
    ['a quote inside: "http://u:"sk-secret"@h/v1"', 'a quote inside: "http://[redacted]@h/v1"'],
    [
      "two: http://a:sk-secret@h and HTTPS://b:sk-secret@k?key=sk-secret",
      "two: http://[redacted]@h and HTTPS://[redacted]@k?[redacted]",
    ],
    ["http://h/v1,http://u:sk-secret@k/v1", "http://[redacted]@k/v1"],
  ])("%s", (text, expected) => {
    expect(redactCredentials(text)).toBe(expected);
  });

  it("leaves URLs without secret-bearing parts, and text without URLs, as they are", () => {
    for (const text of [
      "openai:qwen2.5:7b@http://127.0.0.1:8080/v1",
      "ollama:hf.co/org/model:Q4_K_M@http://[::1]:11434",
      "replicas http://a:8000/v1,http://b/v1 and https://c.example",
      "is the server running at http://127.0.0.1:9/v1?",
      "(see http://h:80/v1).",
      "model name with key=value but no URL",
    ]) {
      expect(redactCredentials(text)).toBe(text);
    }
  });
});

describe("redactUrl", () => {
  it("takes a URL without its scheme, and hides anything after whitespace", () => {
    expect(redactUrl("user:sk-secret@h:1/v1")).toBe("[redacted]@h:1/v1");
    expect(redactUrl("user:sk-secret")).toBe("user:[redacted]");
    expect(redactUrl("http://h/v1 sk-secret")).toBe("http://h/v1 [redacted]");
    expect(redactUrl("h:11434/v1")).toBe("h:11434/v1");
  });
});
