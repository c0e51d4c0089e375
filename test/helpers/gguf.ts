/**
 * Writes a tiny random-weight llama-architecture GGUF (v3, all F32, about 476 KB) that node-llama-cpp loads and
 * generates from in well under a second. Its output is noise by design; tests assert behaviour, not text.
 * Layout and keys: "Synthetic GGUF for tests" in ../shared/docs/wire-protocols.md. Deterministic: the same options
 * give a byte-identical file.
 */
import { writeFileSync } from "node:fs";

export interface SyntheticGgufOptions {
  /** PRNG seed for the weights; default 1. */
  seed?: number;
  /** `general.name`; default `synthetic-tiny-random-llama`. */
  name?: string;
  /** Jinja chat template; default ChatML with a system role. */
  chatTemplate?: string;
  /** `llama.context_length`; default 512. */
  contextLength?: number;
  /**
   * A model that (practically) never ends its turn: one constant embedding dimension dominates the residual
   * stream, and the output rows of the control tokens (end of turn included) are strongly negative on it. For
   * deadline and abort tests, which need a generation that runs until it is stopped.
   */
  endless?: boolean;
}

export const CHATML_TEMPLATE =
  "{% for message in messages %}{{ '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n' }}{% endfor %}" +
  "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";

/** A template that refuses a system role, as Gemma's does; the adapter must fold the system prompt into the user turn. */
export const NO_SYSTEM_TEMPLATE =
  "{% for message in messages %}{% if message['role'] == 'system' %}{{ raise_exception('System role not supported') }}{% endif %}" +
  "{{ '<|im_start|>' + message['role'] + ': ' + message['content'] + '<|im_end|>' }}{% endfor %}" +
  "{% if add_generation_prompt %}{{ '<|im_start|>assistant: ' }}{% endif %}";

const EMBD = 64;
const FF = 128;
const LAYERS = 2;
const ALIGN = 32;

/** GGUF value type codes. */
const T = { U32: 4, I32: 5, F32: 6, BOOL: 7, STR: 8, ARR: 9 } as const;

class Writer {
  private chunks: Buffer[] = [];
  length = 0;
  push(buf: Buffer): void {
    this.chunks.push(buf);
    this.length += buf.length;
  }
  u32(v: number): void {
    const b = Buffer.alloc(4);
    b.writeUInt32LE(v);
    this.push(b);
  }
  i32(v: number): void {
    const b = Buffer.alloc(4);
    b.writeInt32LE(v);
    this.push(b);
  }
  u64(v: number): void {
    const b = Buffer.alloc(8);
    b.writeBigUInt64LE(BigInt(v));
    this.push(b);
  }
  f32(v: number): void {
    const b = Buffer.alloc(4);
    b.writeFloatLE(v);
    this.push(b);
  }
  str(s: string): void {
    const bytes = Buffer.from(s, "utf8");
    this.u64(bytes.length);
    this.push(bytes);
  }
  pad(): void {
    const rem = this.length % ALIGN;
    if (rem !== 0) this.push(Buffer.alloc(ALIGN - rem));
  }
  bytes(): Buffer {
    return Buffer.concat(this.chunks);
  }
}

function vocabulary(): { tokens: string[]; types: number[]; scores: number[] } {
  const tokens = ["<unk>", "<s>", "</s>", "<|im_start|>", "<|im_end|>"];
  const types = [2, 3, 3, 3, 3];
  for (let b = 0; b < 256; b++) {
    tokens.push(`<0x${b.toString(16).toUpperCase().padStart(2, "0")}>`);
    types.push(6);
  }
  for (const piece of [
    "\u2581",
    "\u2581the",
    "\u2581a",
    "e",
    "t",
    "o",
    "\u2581hello",
    "\u2581world",
    "ing",
    ".",
  ]) {
    tokens.push(piece);
    types.push(1);
  }
  const scores = tokens.map((_, id) => (types[id] === 1 ? -id : 0));
  return { tokens, types, scores };
}

/** The bytes of the synthetic model. */
export function syntheticGguf(options: SyntheticGgufOptions = {}): Buffer {
  const { tokens, types, scores } = vocabulary();
  const vocab = tokens.length;
  let state = (options.seed ?? 1) >>> 0 || 1;
  const random = (): number => {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state / 2 ** 32 - 0.5;
  };

  const kv: [string, (w: Writer) => void][] = [];
  const u32 = (key: string, v: number) =>
    kv.push([
      key,
      (w) => {
        w.u32(T.U32);
        w.u32(v);
      },
    ]);
  const f32 = (key: string, v: number) =>
    kv.push([
      key,
      (w) => {
        w.u32(T.F32);
        w.f32(v);
      },
    ]);
  const str = (key: string, v: string) =>
    kv.push([
      key,
      (w) => {
        w.u32(T.STR);
        w.str(v);
      },
    ]);
  str("general.architecture", "llama");
  str("general.name", options.name ?? "synthetic-tiny-random-llama");
  u32("general.file_type", 0);
  u32("general.alignment", ALIGN);
  u32("llama.context_length", options.contextLength ?? 512);
  u32("llama.embedding_length", EMBD);
  u32("llama.block_count", LAYERS);
  u32("llama.feed_forward_length", FF);
  u32("llama.attention.head_count", 4);
  u32("llama.attention.head_count_kv", 4);
  u32("llama.rope.dimension_count", EMBD / 4);
  f32("llama.rope.freq_base", 10000);
  f32("llama.attention.layer_norm_rms_epsilon", 1e-5);
  u32("llama.vocab_size", vocab);
  str("tokenizer.ggml.model", "llama");
  kv.push([
    "tokenizer.ggml.tokens",
    (w) => {
      w.u32(T.ARR);
      w.u32(T.STR);
      w.u64(vocab);
      for (const t of tokens) w.str(t);
    },
  ]);
  kv.push([
    "tokenizer.ggml.scores",
    (w) => {
      w.u32(T.ARR);
      w.u32(T.F32);
      w.u64(vocab);
      for (const s of scores) w.f32(s);
    },
  ]);
  kv.push([
    "tokenizer.ggml.token_type",
    (w) => {
      w.u32(T.ARR);
      w.u32(T.I32);
      w.u64(vocab);
      for (const t of types) w.i32(t);
    },
  ]);
  u32("tokenizer.ggml.bos_token_id", 1);
  u32("tokenizer.ggml.eos_token_id", 4);
  u32("tokenizer.ggml.unknown_token_id", 0);
  kv.push([
    "tokenizer.ggml.add_bos_token",
    (w) => {
      w.u32(T.BOOL);
      w.push(Buffer.from([0]));
    },
  ]);
  str("tokenizer.chat_template", options.chatTemplate ?? CHATML_TEMPLATE);

  const tensors: { name: string; shape: number[]; fill: "random" | "ones" }[] = [
    { name: "token_embd.weight", shape: [EMBD, vocab], fill: "random" },
    { name: "output_norm.weight", shape: [EMBD], fill: "ones" },
    { name: "output.weight", shape: [EMBD, vocab], fill: "random" },
  ];
  for (let l = 0; l < LAYERS; l++) {
    tensors.push(
      { name: `blk.${l}.attn_norm.weight`, shape: [EMBD], fill: "ones" },
      { name: `blk.${l}.attn_q.weight`, shape: [EMBD, EMBD], fill: "random" },
      { name: `blk.${l}.attn_k.weight`, shape: [EMBD, EMBD], fill: "random" },
      { name: `blk.${l}.attn_v.weight`, shape: [EMBD, EMBD], fill: "random" },
      { name: `blk.${l}.attn_output.weight`, shape: [EMBD, EMBD], fill: "random" },
      { name: `blk.${l}.ffn_norm.weight`, shape: [EMBD], fill: "ones" },
      { name: `blk.${l}.ffn_gate.weight`, shape: [EMBD, FF], fill: "random" },
      { name: `blk.${l}.ffn_up.weight`, shape: [EMBD, FF], fill: "random" },
      { name: `blk.${l}.ffn_down.weight`, shape: [FF, EMBD], fill: "random" },
    );
  }

  const w = new Writer();
  w.push(Buffer.from("GGUF", "ascii"));
  w.u32(3);
  w.u64(tensors.length);
  w.u64(kv.length);
  for (const [key, write] of kv) {
    w.str(key);
    write(w);
  }
  const sizes = tensors.map((t) => {
    const bytes = t.shape.reduce((a, b) => a * b, 1) * 4;
    return Math.ceil(bytes / ALIGN) * ALIGN;
  });
  let offset = 0;
  tensors.forEach((t, i) => {
    w.str(t.name);
    w.u32(t.shape.length);
    for (const d of t.shape) w.u64(d);
    w.u32(0);
    w.u64(offset);
    offset += sizes[i] ?? 0;
  });
  w.pad();
  tensors.forEach((t, i) => {
    const count = t.shape.reduce((a, b) => a * b, 1);
    const data = Buffer.alloc(sizes[i] ?? 0);
    for (let j = 0; j < count; j++) {
      let value = t.fill === "ones" ? 1 : random();
      // Element j of a [64, vocab] matrix is dimension j % 64 of token floor(j / 64).
      if (options.endless && j % EMBD === 0) {
        if (t.name === "token_embd.weight") value = 20;
        if (t.name === "output.weight" && j / EMBD < 5) value = -1;
      }
      data.writeFloatLE(value, j * 4);
    }
    w.push(data);
  });
  return w.bytes();
}

/** Writes the synthetic model to `path` and returns the path. */
export function writeSyntheticGguf(path: string, options: SyntheticGgufOptions = {}): string {
  writeFileSync(path, syntheticGguf(options));
  return path;
}
