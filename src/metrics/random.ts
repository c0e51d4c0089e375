/**
 * A small deterministic PRNG so that bootstrap intervals and seeded subsets are reproducible bit for bit across
 * machines and Node versions (Math.random is neither seedable nor specified).
 *
 * Generator: xoshiro128** 1.1 (Blackman & Vigna), 32-bit state words, seeded from one uint32 through splitmix32.
 */

import { fail, requireInteger } from "./validate.js";

export interface Rng {
  /** Next raw output, an integer in [0, 2^32). */
  nextUint32(): number;
  /** Uniform in [0, 1) with 32 bits of resolution. */
  nextFloat(): number;
  /** Uniform integer in [0, n) for 1 <= n <= 2^32, without modulo bias (rejection sampling). */
  nextInt(n: number): number;
}

const TWO_POW_32 = 2 ** 32;

/** xoshiro128** from an explicit 4-word state (each an integer in [0, 2^32), not all zero). */
export function xoshiro128StarStar(state: readonly [number, number, number, number]): Rng {
  const where = "xoshiro128StarStar";
  state.forEach((word, index) => {
    if (!Number.isInteger(word) || word < 0 || word >= TWO_POW_32) {
      fail(where, `state[${index}] must be an integer in [0, 2^32) (got ${word})`);
    }
  });
  if (state.every((word) => word === 0)) fail(where, "state must not be all zero");
  // The state words are kept as int32 (`| 0`) and only the output is made unsigned: the same bits as uint32
  // arithmetic, but small integers the engine keeps in registers instead of boxed doubles (about 3x faster).
  let s0 = state[0] | 0;
  let s1 = state[1] | 0;
  let s2 = state[2] | 0;
  let s3 = state[3] | 0;

  const nextUint32 = (): number => {
    const x = Math.imul(s1, 5);
    const result = Math.imul((x << 7) | (x >>> 25), 9) >>> 0;
    const t = s1 << 9;
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= t;
    s3 = (s3 << 11) | (s3 >>> 21);
    return result;
  };

  return {
    nextUint32,
    nextFloat: () => nextUint32() / TWO_POW_32,
    nextInt: (n: number): number => {
      if (!Number.isInteger(n) || n < 1 || n > TWO_POW_32)
        fail("Rng.nextInt", `n must be an integer in [1, 2^32] (got ${n})`);
      // Accept only the largest multiple of n below 2^32 so every residue is equally likely.
      const limit = TWO_POW_32 - (TWO_POW_32 % n);
      for (;;) {
        const x = nextUint32();
        if (x < limit) return x % n;
      }
    },
  };
}

/** splitmix32 (the 32-bit variant of Vigna's splitmix64 finaliser), used only to spread one seed over 4 words. */
function splitmix32(seed: number): () => number {
  let counter = seed >>> 0;
  return () => {
    counter = (counter + 0x9e3779b9) >>> 0;
    let z = counter;
    z = Math.imul(z ^ (z >>> 16), 0x21f0aaad) >>> 0;
    z = Math.imul(z ^ (z >>> 15), 0x735a2d97) >>> 0;
    return (z ^ (z >>> 15)) >>> 0;
  };
}

/**
 * The suite's seeded generator: xoshiro128** whose state is the first 4 outputs of splitmix32(seed).
 * The 4 words can never all be zero: splitmix32's mixing step is a bijection on distinct counters.
 */
export function createRng(seed: number): Rng {
  if (!Number.isInteger(seed) || seed < 0 || seed >= TWO_POW_32) {
    fail("createRng", `seed must be an integer in [0, 2^32) (got ${seed})`);
  }
  const next = splitmix32(seed);
  return xoshiro128StarStar([next(), next(), next(), next()]);
}

/**
 * k distinct indices from [0, n), uniformly among all ordered k-subsets (partial Fisher-Yates), in draw order.
 * Consumes exactly k calls of rng.nextInt.
 */
export function sampleWithoutReplacement(rng: Rng, n: number, k: number): number[] {
  const where = "sampleWithoutReplacement";
  requireInteger(where, "n", n, 0);
  requireInteger(where, "k", k, 0);
  if (k > n) fail(where, `k must be <= n (got k=${k}, n=${n})`);
  const pool = Array.from({ length: n }, (_, index) => index);
  for (let i = 0; i < k; i++) {
    const j = i + rng.nextInt(n - i);
    const picked = pool[j]!;
    pool[j] = pool[i]!;
    pool[i] = picked;
  }
  return pool.slice(0, k);
}
