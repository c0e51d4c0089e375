import { expect } from "vitest";

/** What a terminal, a log viewer or a bidi-aware renderer obeys instead of showing; `\n` is allowed (ours). */
export const OBEYED_EXCEPT_NEWLINE =
  /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

/**
 * `text` (a command's stdout or stderr, a Markdown or JUnit file) holds nothing a terminal or CI runner would obey:
 * no control character but the newlines of its own lines, no bidi override, no GitHub or Azure workflow command,
 * and no line beginning with one of `forgeable` (such as "gate:") beyond the `allowed` count of lines the tool writes.
 */
export function expectInert(
  text: string,
  where: string,
  forgeable: Record<string, number> = { "gate:": 0 },
): void {
  const found = OBEYED_EXCEPT_NEWLINE.exec(text);
  expect(
    found,
    `${where}: ${JSON.stringify(text.slice(Math.max(0, (found?.index ?? 0) - 40), (found?.index ?? 0) + 40))}`,
  ).toBeNull();
  const lines = text.split("\n");
  for (const line of lines) {
    expect(line, where).not.toMatch(/^\s*::/);
    expect(line, where).not.toMatch(/##\[|##vso\[/i);
  }
  for (const [start, allowed] of Object.entries(forgeable)) {
    expect(
      lines.filter((line) => line.startsWith(start)),
      `${where}: lines starting with "${start}"`,
    ).toHaveLength(allowed);
  }
}
