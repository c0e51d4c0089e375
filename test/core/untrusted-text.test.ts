import { describe, expect, it } from "vitest";
import {
  escapeHtml,
  jsonText,
  markdownCell,
  terminalLines,
  terminalText,
  xmlText,
} from "../../src/core/untrusted-text.js";
import { OBEYED_EXCEPT_NEWLINE } from "../helpers/inert.js";

describe("terminalText", () => {
  it.each([
    ["\u001b]0;owned\u0007", "\\x1b]0;owned\\x07"],
    ["\u001b[2J\u001b[H", "\\x1b[2J\\x1b[H"],
    ["a\nb\r\nc\td", "a\\nb\\r\\nc\\td"],
    ["\u0000\u007f\u0085\u009b31m", "\\x00\\x7f\\x85\\x9b31m"],
    ["admin\u202e\u2066txt.exe\u2069", "admin\\u{202E}\\u{2066}txt.exe\\u{2069}"],
    ["line\u2028sep\u2029par", "line\\u{2028}sep\\u{2029}par"],
    ["x\n::error::forged", "x\\n::error::forged"],
    ["x\ngate: PASS", "x\\ngate: PASS"],
  ])("%j is shown as %j", (input, shown) => {
    expect(terminalText(input)).toBe(shown);
  });

  it("breaks GitHub and Azure workflow commands, at the start of the text and inside it", () => {
    expect(terminalText("::error::x")).toBe("\\x3a:error::x");
    expect(terminalText("  \u00a0::add-mask::x")).toBe("  \u00a0\\x3a:add-mask::x");
    expect(terminalText("a ##[error]b ##vso[task.setvariable]c ##VSO[x]")).toBe(
      "a #\\x23[error]b #\\x23vso[task.setvariable]c #\\x23VSO[x]",
    );
    for (const text of ["a::b", ":x", "# heading", "## not a command", "qwen2.5:7b", "http://[::1]:11434"]) {
      expect(terminalText(text)).toBe(text);
    }
  });

  it("leaves printable text, accents, CJK, emoji and backslashes alone", () => {
    const text = "Ω café 数学 🎲 C:\\models\\x.gguf «quoted» ÿ";
    expect(terminalText(text)).toBe(text);
  });

  it("terminalLines keeps a stack's lines, each neutralised and indented after the first", () => {
    expect(terminalLines("Error: bad \u001b[2J\n    at f (x.js:1)\n::error::y\r\ngate: PASS")).toBe(
      "Error: bad \\x1b[2J\n      at f (x.js:1)\n  \\x3a:error::y\n  gate: PASS",
    );
  });
});

describe("markdownCell", () => {
  it("keeps a cell in its row and column, inert, with control characters shown", () => {
    const cell = markdownCell(
      "a | b\n| c |\r<script>&amp;`code` *em* _u_ [l](javascript:x) \u001b[31m\u202e",
    );
    expect(cell).toBe(
      "a \\| b\\n\\| c \\|\\r&lt;script&gt;&amp;amp;\\`code\\` \\*em\\* \\_u\\_ \\[l\\](javascript:x) \\x1b\\[31m\\u{202E}",
    );
    expect(cell).not.toMatch(OBEYED_EXCEPT_NEWLINE);
    expect(cell).not.toContain("\n");
  });

  it.each([
    ["# heading", "\\# heading"],
    ["## heading", "\\## heading"],
    ["::error::x", "\\::error::x"],
    ["- item", "\\- item"],
    ["+ item", "\\+ item"],
    ["---", "\\---"],
    ["===", "\\==="],
    ["=1+1", "\\=1+1"],
    ["~~~", "\\~~~"],
    ["1. item", "1\\. item"],
    ["12) item", "12\\) item"],
    ["> quote", "&gt; quote"],
    ["##[error]x", "\\##\\[error\\]x"],
  ])("%j cannot start a block or a workflow command: %j", (input, escaped) => {
    expect(markdownCell(input)).toBe(escaped);
  });

  it("leaves numbers, signs and ordinary text as they are", () => {
    for (const text of ["-12.5 pts", "+3", "1.5", "80.0%", "a - b", "qwen2.5:7b", "x # y"]) {
      expect(markdownCell(text)).toBe(text);
    }
  });
});

describe("xmlText and escapeHtml", () => {
  it("escapes markup and shows what a terminal would obey (CI tools print JUnit messages)", () => {
    expect(xmlText('<a href="x">&\'\u001b[2J\n::error::y')).toBe(
      "&lt;a href=&quot;x&quot;&gt;&amp;&#39;\\x1b[2J\\n::error::y",
    );
    expect(xmlText("::error::y")).toBe("\\x3a:error::y");
    expect(escapeHtml("<b>\"&'")).toBe("&lt;b&gt;&quot;&amp;&#39;");
  });
});

describe("jsonText", () => {
  it("is the same JSON document, with nothing in it a terminal would obey", () => {
    const value = {
      text: "\u001b[2J\u009b\u007f\u202e\u2066\u2028 ok Ω ##[error]x ##vso[y]",
      n: [1, -2.5],
      nested: { a: null },
    };
    const text = jsonText(value, 2);
    expect(text).not.toMatch(OBEYED_EXCEPT_NEWLINE);
    expect(text).not.toMatch(/##\[|##vso\[/);
    expect(text.split("\n")[0]).toBe("{");
    expect(JSON.parse(text)).toEqual(value);
    expect(jsonText(value)).not.toContain("\n");
  });
});
