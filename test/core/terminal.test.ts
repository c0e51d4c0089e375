import { describe, expect, it } from "vitest";
import { colorEnabled, isInteractive, terminalWidth } from "../../src/core/terminal.js";

const tty = { isTTY: true, columns: 100 };
const pipe = {};

describe("what an output stream can show", () => {
  it("redraws only on a terminal", () => {
    expect(isInteractive(tty)).toBe(true);
    expect(isInteractive(pipe)).toBe(false);
    expect(isInteractive({ isTTY: false })).toBe(false);
  });

  it("colours a terminal unless NO_COLOR or TERM=dumb, and a pipe only when FORCE_COLOR asks", () => {
    expect(colorEnabled(tty, {})).toBe(true);
    expect(colorEnabled(pipe, {})).toBe(false);
    expect(colorEnabled(tty, { NO_COLOR: "1" })).toBe(false);
    // no-color.org: present means off, whatever its value; it wins over FORCE_COLOR.
    expect(colorEnabled(tty, { NO_COLOR: "" })).toBe(false);
    expect(colorEnabled(pipe, { NO_COLOR: "1", FORCE_COLOR: "1" })).toBe(false);
    expect(colorEnabled(tty, { TERM: "dumb" })).toBe(false);
    expect(colorEnabled(pipe, { FORCE_COLOR: "1" })).toBe(true);
    expect(colorEnabled(pipe, { FORCE_COLOR: "" })).toBe(true);
    expect(colorEnabled(tty, { FORCE_COLOR: "0" })).toBe(false);
    expect(colorEnabled(tty, { FORCE_COLOR: "false" })).toBe(false);
  });

  it("knows a terminal's width, and none for a pipe or a terminal that does not say", () => {
    expect(terminalWidth(tty)).toBe(100);
    expect(terminalWidth({ columns: 100 })).toBeUndefined();
    expect(terminalWidth({ isTTY: true })).toBeUndefined();
    expect(terminalWidth({ isTTY: true, columns: 0 })).toBeUndefined();
  });
});
