/** Names an answer can give its value: variables, function values, geometric objects, and tuples or ratios of them. */
import { splitTopLevel } from "./normalize.js";
import { GREEK_VARIABLES } from "./parse.js";

const GREEK = [...GREEK_VARIABLES].join("|");
/** `x`, `x_1`, `x_{12}`, `x'`, `\theta`, `\mu_0`. */
const VARIABLE = `(?:[a-zA-Z]|\\\\(?:${GREEK}))(?![a-zA-Z])(?:_\\{?\\w+\\}?)?'*`;
/** `f(x)`, `g(t)`, `f^{-1}(x)`, `f'(x)`. */
const FUNCTION_VALUE = `[a-zA-Z](?:\\^\\{?-1\\}?)?'*\\([a-zA-Z]\\)`;
/** `AC`, `\overline{AC}`, `\angle ABC`, `m\angle A`, `\triangle ABC`: points, segments, angles, figures. */
const GEOMETRIC = `(?:[A-Z]{2,4}|\\\\overline\\{[A-Z]{2}\\}|(?:m\\s*)?\\\\angle\\s*[A-Z]{1,3}|\\\\triangle\\s*[A-Z]{3})`;

const VARIABLE_RE = new RegExp(`^${VARIABLE}$`);
const FUNCTION_VALUE_RE = new RegExp(`^${FUNCTION_VALUE}$`);
const NAME_RE = new RegExp(`^(?:${VARIABLE}|${FUNCTION_VALUE}|${GEOMETRIC})$`);

const compact = (s: string): string => s.replace(/\s+/g, "");

/** A single variable (`x`, `\mu`, `a_1`): the unknown of an inequality or an interval. */
export function isVariable(s: string): boolean {
  return VARIABLE_RE.test(compact(s));
}

/** A variable or a function value (`g(t)`): what an inequality or a membership `\in` constrains. */
export function isUnknown(s: string): boolean {
  const c = compact(s);
  return VARIABLE_RE.test(c) || FUNCTION_VALUE_RE.test(c);
}

/** A name of one value (`x`, `f(x)`, `AC`, `m\angle A`), or a tuple `(a, b)` or ratio `A_1:A_2` of such names. */
export function isNameTarget(s: string): boolean {
  const c = compact(s);
  if (NAME_RE.test(c)) return true;
  const items =
    c.startsWith("(") && c.endsWith(")") ? splitTopLevel(c.slice(1, -1), [","]) : splitTopLevel(c, [":"]);
  return items.length >= 2 && items.length <= 16 && items.every((x) => NAME_RE.test(x));
}

/** Names compared without spaces: `(a, b)` is `(a,b)`. */
export function sameName(a: string, b: string): boolean {
  return compact(a) === compact(b);
}

/** `t \in [0, 5)` -> { name: "t", body: "[0, 5)" }; no name when there is no membership prefix. */
export function splitMembership(s: string): { name?: string; body: string } {
  const at = s.search(/\\in(?![a-zA-Z])/);
  if (at <= 0 || at > 40) return { body: s };
  const name = s.slice(0, at).trim();
  return isUnknown(name) ? { name, body: s.slice(at + 3).trim() } : { body: s };
}
