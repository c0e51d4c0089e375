/** A small parser from (normalized) LaTeX math to an expression tree. Throws ParseError on anything it does not know. */
import { CURRENCY } from "./normalize.js";
import { parseDecimal, type Rational } from "./rational.js";

export type Node =
  | { t: "num"; v: Rational; literal: "int" | "dec" }
  | { t: "var"; name: string }
  | { t: "const"; name: "pi" | "e" | "i" | "infty" }
  | { t: "add"; a: Node; b: Node }
  | { t: "sub"; a: Node; b: Node }
  | { t: "pm"; a: Node; b: Node }
  | { t: "neg"; x: Node }
  | { t: "mul"; a: Node; b: Node }
  | { t: "div"; a: Node; b: Node; intFrac?: boolean }
  | { t: "pow"; a: Node; b: Node }
  | { t: "root"; x: Node; index: Node }
  | { t: "fact"; x: Node }
  | { t: "percent"; x: Node }
  | { t: "abs"; x: Node }
  | { t: "binom"; a: Node; b: Node }
  | { t: "fn"; name: string; x: Node; base?: Node }
  | { t: "bigop"; op: "sum" | "prod"; index: string; lo?: Node; hi?: Node; body: Node };

export class ParseError extends Error {}

const MAX_DEPTH = 60;
const MAX_LENGTH = 2000;
const MAX_TOKENS = 400;

const FUNCTIONS = new Set([
  "sin",
  "cos",
  "tan",
  "cot",
  "sec",
  "csc",
  "arcsin",
  "arccos",
  "arctan",
  "sinh",
  "cosh",
  "tanh",
  "ln",
  "log",
  "exp",
]);
const IGNORED_COMMANDS = new Set(["operatorname"]);
/** Greek letters are variables like single Latin letters (`\pi` is the constant); case matters. */
export const GREEK_VARIABLES = new Set(
  "alpha beta gamma delta epsilon varepsilon zeta eta theta vartheta iota kappa lambda mu nu xi rho sigma tau upsilon phi varphi chi psi omega Gamma Delta Theta Lambda Xi Sigma Phi Psi Omega".split(
    " ",
  ),
);

type Token =
  | { k: "num"; s: string }
  | { k: "id"; s: string }
  | { k: "cmd"; s: string }
  | { k: "sym"; s: string };

function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const ch = src[i]!;
    // The currency mark (normalize.ts) names a unit and carries no value.
    if (ch === " " || ch === "\t" || ch === "\n" || ch === CURRENCY) {
      i++;
    } else if (/[0-9.]/.test(ch)) {
      const m = /^(?:\d+\.?\d*|\.\d+)/.exec(src.slice(i, i + 5000));
      if (!m) throw new ParseError(`bad number at ${i}`);
      out.push({ k: "num", s: m[0] });
      i += m[0].length;
    } else if (/[a-zA-Z]/.test(ch)) {
      out.push({ k: "id", s: ch });
      i++;
    } else if (ch === "\\") {
      const m = /^\\([a-zA-Z]+|.)/.exec(src.slice(i, i + 40));
      if (!m) throw new ParseError("dangling backslash");
      out.push(
        m[1]!.length === 1 && !/[a-zA-Z]/.test(m[1]!) ? { k: "sym", s: `\\${m[1]}` } : { k: "cmd", s: m[1]! },
      );
      i += m[0].length;
    } else {
      out.push({ k: "sym", s: ch });
      i++;
    }
  }
  return out;
}

class Parser {
  private pos = 0;
  private depth = 0;
  /** Indices of the sums and products being parsed: variables in their bodies even when named `i` or `e`. */
  private readonly boundIndices: string[] = [];
  private absDepth = 0;
  constructor(private readonly toks: Token[]) {}

  parseAll(): Node {
    const node = this.expr();
    if (this.pos < this.toks.length) throw new ParseError(`unexpected ${this.peek()?.s}`);
    return node;
  }

  private peek(offset = 0): Token | undefined {
    return this.toks[this.pos + offset];
  }
  private isSym(s: string, offset = 0): boolean {
    const t = this.peek(offset);
    return t !== undefined && t.k === "sym" && t.s === s;
  }
  private isCmd(s: string): boolean {
    const t = this.peek();
    return t !== undefined && t.k === "cmd" && t.s === s;
  }
  private expect(s: string): void {
    if (!this.isSym(s)) throw new ParseError(`expected ${s}`);
    this.pos++;
  }

  private enter(): void {
    if (++this.depth > MAX_DEPTH) throw new ParseError("nesting too deep");
  }

  expr(): Node {
    this.enter();
    let left = this.isSym("+") || this.isSym("-") || this.isCmd("pm") ? this.signedTerm() : this.term();
    for (;;) {
      if (this.isSym("+")) {
        this.pos++;
        left = { t: "add", a: left, b: this.term() };
      } else if (this.isSym("-")) {
        this.pos++;
        left = { t: "sub", a: left, b: this.term() };
      } else if (this.isCmd("pm") || this.isCmd("mp")) {
        const mp = this.isCmd("mp");
        this.pos++;
        const b = this.term();
        left = { t: "pm", a: left, b: mp ? { t: "neg", x: b } : b };
      } else break;
    }
    this.depth--;
    return left;
  }

  private signedTerm(): Node {
    const tok = this.peek()!;
    this.pos++;
    const x = this.term();
    if (tok.s === "+") return x;
    if (tok.s === "-") return { t: "neg", x };
    return { t: "pm", a: { t: "num", v: parseDecimal("0"), literal: "int" }, b: x };
  }

  private term(): Node {
    let left = this.unary();
    for (;;) {
      if (this.isCmd("cdot") || this.isSym("*")) {
        this.pos++;
        left = { t: "mul", a: left, b: this.unary() };
      } else if (this.isSym("/") || this.isCmd("div")) {
        this.pos++;
        left = { t: "div", a: left, b: this.unary() };
      } else if (this.startsAtom()) {
        // `3 2/7` is a mixed number (a whole number and a proper fraction side by side); `2 3` is never a product.
        if (isNumberLiteral(left) && this.peek()?.k === "num") {
          const mixed = this.plainMixedFraction(left);
          if (!mixed) throw new ParseError("two numbers side by side");
          left = mixed;
          continue;
        }
        const right = this.power();
        const mixed = left.t === "num" && left.literal === "int" && right.t === "div" && right.intFrac;
        left = mixed ? { t: "add", a: left, b: right } : { t: "mul", a: left, b: right };
      } else break;
    }
    return left;
  }

  /** `3 2/7`: an integer, then `n/d` with integers 0 < n < d and nothing binding tighter after it, is 3 + 2/7. */
  private plainMixedFraction(whole: Node): Node | undefined {
    const [n, slash, d, after] = [this.peek(), this.peek(1), this.peek(2), this.peek(3)];
    if (whole.t !== "num" || whole.literal !== "int") return undefined;
    if (n?.k !== "num" || d?.k !== "num" || slash?.k !== "sym" || slash.s !== "/") return undefined;
    if (!/^\d+$/.test(n.s) || !/^\d+$/.test(d.s)) return undefined;
    if (after && (after.k === "num" || (after.k === "sym" && /^[\^!_.]$/.test(after.s)))) return undefined;
    const [num, den] = [BigInt(n.s), BigInt(d.s)];
    if (num <= 0n || num >= den) return undefined;
    this.pos += 3;
    return { t: "add", a: whole, b: { t: "div", a: this.number(n.s), b: this.number(d.s), intFrac: true } };
  }

  private unary(): Node {
    if (this.isSym("-")) {
      this.pos++;
      return { t: "neg", x: this.unary() };
    }
    if (this.isSym("+")) {
      this.pos++;
      return this.unary();
    }
    return this.power();
  }

  private startsAtom(): boolean {
    const t = this.peek();
    if (!t) return false;
    if (t.k === "num" || t.k === "id") return true;
    if (t.k === "cmd")
      return !["cdot", "div", "pm", "mp", "le", "ge", "ne", "cup", "cap", "in", "to"].includes(t.s);
    if (t.s === "|") return this.absDepth === 0;
    return t.s === "(" || t.s === "[" || t.s === "{";
  }

  private power(): Node {
    const base = this.postfix();
    if (!this.isSym("^")) return base;
    this.pos++;
    const exp = this.exponent();
    return this.postfixOps({ t: "pow", a: base, b: exp });
  }

  private exponent(): Node {
    if (this.isSym("-")) {
      this.pos++;
      return { t: "neg", x: this.exponent() };
    }
    const t = this.peek();
    if (t?.k === "num") {
      // `2^10` means 2^{10}, but `x^23` in LaTeX is x^2 * 3: a bare exponent is one digit.
      this.pos++;
      if (t.s.length > 1) {
        this.toks.splice(this.pos, 0, { k: "num", s: t.s.slice(1) });
        return this.number(t.s[0]!);
      }
      return this.number(t.s);
    }
    return this.atom();
  }

  private postfix(): Node {
    return this.postfixOps(this.atom());
  }

  private postfixOps(node: Node): Node {
    let x = node;
    for (;;) {
      if (this.isSym("!")) {
        this.pos++;
        x = { t: "fact", x };
      } else if (this.isSym("%")) {
        this.pos++;
        x = { t: "percent", x };
      } else return x;
    }
  }

  private number(s: string): Node {
    return { t: "num", v: parseDecimal(s), literal: s.includes(".") ? "dec" : "int" };
  }

  private group(): Node {
    if (this.isSym("{")) {
      this.pos++;
      const x = this.expr();
      this.expect("}");
      return x;
    }
    const t = this.peek();
    if (t?.k === "num") {
      // `\frac34`: an argument without braces is a single character.
      this.pos++;
      if (t.s.length > 1) this.toks.splice(this.pos, 0, { k: "num", s: t.s.slice(1) });
      return this.number(t.s[0]!);
    }
    return this.atom();
  }

  private atom(): Node {
    const t = this.peek();
    if (!t) throw new ParseError("unexpected end");
    this.pos++;
    if (t.k === "num") return this.number(t.s);
    if (t.k === "id") return this.identifier(t.s);
    if (t.k === "sym") return this.bracketed(t.s);
    return this.command(t.s);
  }

  private identifier(name: string): Node {
    // `e_i` and `i_1` are variables, and so is the index of a sum inside its body (`\sum_{i=1}^{n} i`).
    if (!this.isSym("_") && !this.boundIndices.includes(name)) {
      if (name === "e") return { t: "const", name: "e" };
      if (name === "i") return { t: "const", name: "i" };
    }
    if (this.isSym("_")) {
      this.pos++;
      const sub = this.peek();
      if (!sub || sub.k === "cmd") throw new ParseError("bad subscript");
      this.pos++;
      if (sub.s === "{") {
        let label = "";
        while (this.peek() && !this.isSym("}")) label += this.toks[this.pos++]!.s;
        this.expect("}");
        return { t: "var", name: `${name}_${label}` };
      }
      return { t: "var", name: `${name}_${sub.s}` };
    }
    return { t: "var", name };
  }

  private bracketed(s: string): Node {
    const close = s === "(" ? ")" : s === "[" ? "]" : s === "{" ? "}" : s === "|" ? "|" : undefined;
    if (!close) throw new ParseError(`unexpected ${s}`);
    if (close === "|") this.absDepth++;
    const x = this.expr();
    this.expect(close);
    if (close === "|") {
      this.absDepth--;
      return { t: "abs", x };
    }
    return x;
  }

  private command(name: string): Node {
    if (name === "pi") return { t: "const", name: "pi" };
    if (name === "infty") return { t: "const", name: "infty" };
    if (name === "frac") {
      const a = this.group();
      const b = this.group();
      const intFrac = a.t === "num" && a.literal === "int" && b.t === "num" && b.literal === "int";
      return { t: "div", a, b, intFrac };
    }
    if (name === "binom") return { t: "binom", a: this.group(), b: this.group() };
    if (name === "sqrt") {
      let index: Node = this.number("2");
      if (this.isSym("[")) {
        this.pos++;
        index = this.expr();
        this.expect("]");
      }
      return { t: "root", x: this.group(), index };
    }
    if (name === "text" || IGNORED_COMMANDS.has(name)) {
      this.expect("{");
      const x = this.expr();
      this.expect("}");
      return x;
    }
    if (FUNCTIONS.has(name)) return this.func(name);
    if (name === "sum" || name === "prod") return this.bigOperator(name);
    if (GREEK_VARIABLES.has(name)) return this.identifier(`\\${name}`);
    throw new ParseError(`unknown command \\${name}`);
  }

  private func(name: string): Node {
    let base: Node | undefined;
    let power: Node | undefined;
    if (this.isSym("_")) {
      this.pos++;
      base = this.group();
    }
    if (this.isSym("^")) {
      this.pos++;
      power = this.exponent();
    }
    let fname = name;
    if (power?.t === "neg" && power.x.t === "num" && power.x.v.n === 1n && power.x.v.d === 1n) {
      fname = `arc${name}`;
      power = undefined;
    }
    const x = this.isSym("(") ? this.postfix() : this.functionArgument();
    const call: Node = base ? { t: "fn", name: fname, x, base } : { t: "fn", name: fname, x };
    return power ? { t: "pow", a: call, b: power } : call;
  }

  /**
   * `\sum_{i=0}^{n} a_i b_{n-i}`, `\prod_{k=1}^n x_k`: the index, its bounds, and the body (the product of the atoms
   * that follow, `\cdot` included; a `+` ends it). Such an answer is compared only with the same operator, index and
   * bounds, its body as an expression in the index (taking integer values) and the other variables.
   */
  private bigOperator(op: "sum" | "prod"): Node {
    let index = "";
    let lo: Node | undefined;
    let hi: Node | undefined;
    if (this.isSym("_")) {
      this.pos++;
      const braced = this.isSym("{");
      if (braced) this.pos++;
      const t = this.peek();
      if (t?.k !== "id") throw new ParseError("bad index");
      this.pos++;
      index = t.s;
      if (braced) {
        if (this.isSym("=")) {
          this.pos++;
          lo = this.expr();
        }
        this.expect("}");
      }
    }
    if (this.isSym("^")) {
      this.pos++;
      hi = this.exponent();
    }
    this.boundIndices.push(index);
    let body = this.power();
    for (;;) {
      if (this.isCmd("cdot") || this.isSym("*")) this.pos++;
      else if (!this.startsAtom()) break;
      body = { t: "mul", a: body, b: this.power() };
    }
    this.boundIndices.pop();
    const node: Node = { t: "bigop", op, index, body };
    if (lo) node.lo = lo;
    if (hi) node.hi = hi;
    return node;
  }

  /** `\sin 2x` is sin(2x), `\sin x \cos x` is sin(x) cos(x). */
  private functionArgument(): Node {
    let x = this.power();
    while (this.startsAtom() && !(this.peek()?.k === "cmd" && FUNCTIONS.has(this.peek()!.s))) {
      if (this.isSym("(") || this.isSym("[") || this.isSym("|")) break;
      x = { t: "mul", a: x, b: this.power() };
    }
    return x;
  }
}

function isNumberLiteral(node: Node): boolean {
  return node.t === "num" || (node.t === "neg" && node.x.t === "num");
}

export function parseMath(src: string): Node {
  if (src.length > MAX_LENGTH) throw new ParseError("expression too long");
  const toks = tokenize(src);
  if (toks.length === 0) throw new ParseError("empty expression");
  if (toks.length > MAX_TOKENS) throw new ParseError("expression too long");
  return new Parser(toks).parseAll();
}
