import { describe, expect, it } from "vitest";
import { redactCredentials } from "../../src/models/credentials.js";

describe("redactCredentials", () => {
  it.each([
    ["http://user:sk-secret@127.0.0.1:9/v1", "http://[redacted]@127.0.0.1:9/v1"],
    ["https://sk-secret@h/v1", "https://[redacted]@h/v1"],
    ["http://user:p@ss/w@rd@h:1/v1", "http://[redacted]@h:1/v1"],
    ["http://h/v1?api_key=sk-secret&model=m", "http://h/v1?api_key=[redacted]&model=m"],
    ["http://h/v1?model=m&access_token=sk-secret", "http://h/v1?model=m&access_token=[redacted]"],
    ["http://h/v1?apiKey=sk-secret&api-key=sk-secret", "http://h/v1?apiKey=[redacted]&api-key=[redacted]"],
    [
      "http://h/v1?accessToken=sk-secret&clientSecret=sk-secret",
      "http://h/v1?accessToken=[redacted]&clientSecret=[redacted]",
    ],
    [
      "http://h/v1?X-Amz-Signature=sk-secret#token=sk-secret",
      "http://h/v1?X-Amz-Signature=[redacted]#token=[redacted]",
    ],
    [
      'invalid model spec "openai:m@http://u:sk-secret@h/v1": no',
      'invalid model spec "openai:m@http://[redacted]@h/v1": no',
    ],
    [
      "two: http://a:sk-secret@h and HTTPS://b:sk-secret@k?key=sk-secret",
      "two: http://[redacted]@h and HTTPS://[redacted]@k?key=[redacted]",
    ],
  ])("%s", (text, expected) => {
    expect(redactCredentials(text)).toBe(expected);
  });

  it("leaves URLs without credentials, and text without URLs, as they are", () => {
    for (const text of [
      "openai:qwen2.5:7b@http://127.0.0.1:8080/v1",
      "ollama:hf.co/org/model:Q4_K_M@http://[::1]:11434",
      "http://h/v1?model=m&monkey=1&keyboard=us&tokens=5",
      "model name with key=value but no URL",
    ]) {
      expect(redactCredentials(text)).toBe(text);
    }
  });
});
