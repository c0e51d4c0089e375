import { describe, expect, test } from "vitest";
import { parseJsonPrefix } from "../../src/models/json-prefix.js";

describe("parseJsonPrefix: the beginning of a JSON document cut at a size bound", () => {
  test("a complete document reads as JSON.parse reads it", () => {
    const doc = { a: [1, 2.5e3, -3, true, false, null], b: { c: 'quote " slash \\ é 🙂 \n' }, d: [] };
    expect(parseJsonPrefix(JSON.stringify(doc))).toEqual(doc);
    expect(parseJsonPrefix(` ${JSON.stringify(doc, null, 2)} `)).toEqual(doc);
  });

  test("a string cut off keeps what arrived, without a cut escape", () => {
    const doc =
      '{"choices":[{"index":0,"finish_reason":"stop","message":{"role":"assistant","content":"So x = 4';
    expect(parseJsonPrefix(doc)).toEqual({
      choices: [{ index: 0, finish_reason: "stop", message: { role: "assistant", content: "So x = 4" } }],
    });
    expect(parseJsonPrefix('{"content":"a\\nb\\')).toEqual({ content: "a\nb" });
    expect(parseJsonPrefix('{"content":"a\\u00e9\\u00')).toEqual({ content: "aé" });
    expect(parseJsonPrefix('{"content":"')).toEqual({ content: "" });
  });

  test("a member cut in its key, before its value or in a number or literal is dropped", () => {
    expect(parseJsonPrefix('{"a":1,"con')).toEqual({ a: 1 });
    expect(parseJsonPrefix('{"a":1,"content"')).toEqual({ a: 1 });
    expect(parseJsonPrefix('{"a":1,"content":')).toEqual({ a: 1 });
    expect(parseJsonPrefix('{"a":"x","n":12')).toEqual({ a: "x" });
    expect(parseJsonPrefix('{"a":"x","done":tr')).toEqual({ a: "x" });
    expect(parseJsonPrefix('{"a":[1,2,')).toEqual({ a: [1, 2] });
    expect(parseJsonPrefix('{"a":[{"b":"c"},{"b":"d')).toEqual({ a: [{ b: "c" }, { b: "d" }] });
    expect(parseJsonPrefix("")).toBeUndefined();
    expect(parseJsonPrefix("   ")).toBeUndefined();
  });

  test("invalid JSON before the cut, or nesting deeper than 64, reads as nothing", () => {
    expect(parseJsonPrefix('{"a":1 "b":2')).toBeUndefined();
    expect(parseJsonPrefix("{not json")).toBeUndefined();
    expect(parseJsonPrefix('{"a":"raw\u0001control"}')).toBeUndefined();
    expect(parseJsonPrefix(`{"a":${"[".repeat(100_000)}`)).toBeUndefined();
    expect(parseJsonPrefix(`{"a":${"[".repeat(60)}`)).toEqual({ a: expect.any(Array) });
  });
});
