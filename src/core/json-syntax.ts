/**
 * Offset of the first strict-JSON syntax error in `text`, or undefined if there is none. V8's JSON.parse does not
 * always say where it failed, and the YAML parser accepts JSON mistakes (trailing commas, single quotes), so this
 * small scanner exists only to point error messages at the right line.
 */
export function jsonSyntaxErrorOffset(text: string): number | undefined {
  let at = 0;
  const fail: () => never = () => {
    throw at;
  };
  const skipSpace = () => {
    while (at < text.length && " \t\n\r".includes(text[at] ?? "")) at += 1;
  };
  const expect = (literal: string) => {
    for (const char of literal) {
      if (text[at] !== char) fail();
      at += 1;
    }
  };
  const string = () => {
    expect('"');
    for (;;) {
      const char = text[at];
      if (char === undefined || char < " ") fail();
      at += 1;
      if (char === '"') return;
      if (char === "\\") {
        const escaped = text[at];
        if (escaped === "u") {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(at + 1, at + 5))) fail();
          at += 5;
        } else if (escaped !== undefined && '"\\/bfnrt'.includes(escaped)) {
          at += 1;
        } else {
          fail();
        }
      }
    }
  };
  const number = () => {
    const match = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(at, at + 400));
    if (!match) fail();
    at += match[0].length;
  };
  const list = (close: string, item: () => void) => {
    at += 1;
    skipSpace();
    if (text[at] === close) {
      at += 1;
      return;
    }
    for (;;) {
      skipSpace();
      item();
      skipSpace();
      if (text[at] === ",") {
        at += 1;
      } else if (text[at] === close) {
        at += 1;
        return;
      } else {
        fail();
      }
    }
  };
  const value = (): void => {
    skipSpace();
    const char = text[at];
    if (char === "{") {
      list("}", () => {
        string();
        skipSpace();
        expect(":");
        value();
      });
    } else if (char === "[") {
      list("]", value);
    } else if (char === '"') {
      string();
    } else if (char === "t") {
      expect("true");
    } else if (char === "f") {
      expect("false");
    } else if (char === "n") {
      expect("null");
    } else {
      number();
    }
  };
  try {
    if (text.charCodeAt(0) === 0xfeff) at = 1;
    value();
    skipSpace();
    if (at < text.length) fail();
    return undefined;
  } catch (offset) {
    // Anything else is a stack overflow on absurd nesting: then we simply do not know the line.
    return typeof offset === "number" ? offset : undefined;
  }
}
