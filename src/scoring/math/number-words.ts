/** English number words as integers: "seven", "twenty-one", "one hundred five", "two thousand and twelve". */

const UNITS = [
  "zero",
  "one",
  "two",
  "three",
  "four",
  "five",
  "six",
  "seven",
  "eight",
  "nine",
  "ten",
  "eleven",
  "twelve",
  "thirteen",
  "fourteen",
  "fifteen",
  "sixteen",
  "seventeen",
  "eighteen",
  "nineteen",
];
const TENS = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"];
const SCALES: Record<string, bigint> = { thousand: 10n ** 3n, million: 10n ** 6n, billion: 10n ** 9n };

/** [value, index after it] of a number below 100 starting at word `i`. */
function belowHundred(words: readonly string[], i: number): [number, number] | undefined {
  const small = UNITS.indexOf(words[i] ?? "");
  if (small >= 0) return [small, i + 1];
  const tens = TENS.indexOf(words[i] ?? "");
  if (tens < 2) return undefined;
  const unit = UNITS.indexOf(words[i + 1] ?? "");
  return unit >= 1 && unit <= 9 ? [tens * 10 + unit, i + 2] : [tens * 10, i + 1];
}

/** [value, index after it] of a number below 10,000 ("twelve hundred") starting at word `i`. */
function group(words: readonly string[], i: number): [number, number] | undefined {
  const first = belowHundred(words, i);
  if (!first || words[first[1]] !== "hundred" || first[0] === 0) return first;
  const rest = belowHundred(words, first[1] + 1);
  return rest && rest[0] > 0 ? [first[0] * 100 + rest[0], rest[1]] : [first[0] * 100, first[1] + 1];
}

/** The integer the whole text spells, or undefined unless every word is part of one number. */
export function numberFromWords(text: string): bigint | undefined {
  const words = text
    .toLowerCase()
    .split(/[\s-]+/)
    .filter((w) => w.length > 0 && w !== "and");
  if (words.length === 0) return undefined;
  let total = 0n;
  let lastScale: bigint | undefined;
  let i = 0;
  while (i < words.length) {
    const g = group(words, i);
    if (!g) return undefined;
    i = g[1];
    const scale = SCALES[words[i] ?? ""];
    if (scale === undefined) {
      if (i !== words.length) return undefined;
      return total + BigInt(g[0]);
    }
    // "two thousand one million" is not a number: scales must decrease.
    if ((lastScale !== undefined && scale >= lastScale) || g[0] === 0) return undefined;
    total += BigInt(g[0]) * scale;
    lastScale = scale;
    i++;
  }
  return total;
}
