/**
 * The unit an answer names after its number (`15 \text{ cm}^2`, `864 square inches`, `\$36`), in one spelling per
 * unit, so that two answers naming different units can be told apart. No conversion is ever made.
 */

/** Spellings of one unit -> its canonical name. A word not listed here is its own name (plural `s` dropped). */
const SPELLINGS: Record<string, string> = {};
for (const [name, spellings] of Object.entries({
  mm: "mm millimeter millimeters millimetre millimetres",
  cm: "cm centimeter centimeters centimetre centimetres",
  m: "m meter meters metre metres",
  km: "km kilometer kilometers kilometre kilometres",
  in: "in inch inches",
  ft: "ft foot feet",
  yd: "yd yds yard yards",
  mi: "mi mile miles",
  mg: "mg milligram milligrams",
  g: "g gram grams",
  kg: "kg kilogram kilograms",
  lb: "lb lbs pound pounds",
  oz: "oz ounce ounces",
  ml: "ml milliliter milliliters millilitre millilitres",
  l: "l liter liters litre litres",
  s: "s sec secs second seconds",
  min: "min mins minute minutes",
  h: "h hr hrs hour hours",
  day: "day days",
  week: "wk wks week weeks",
  month: "month months",
  year: "yr yrs year years",
  cent: "cent cents",
  dollar: "dollar dollars usd",
  unit: "unit units",
})) {
  for (const spelling of spellings.split(" ")) SPELLINGS[spelling] = name;
}

/** Words that carry no unit of their own. */
const GENERIC = new Set(["unit"]);
/** Scale words are multiplied into the value (scalar.ts), not part of the unit. */
const SCALES = new Set(["dozen", "hundred", "thousand", "million", "billion", "trillion"]);

/** A word that names a unit (`hours`, `cm`, `square`, `units`); one-letter abbreviations are left out (`m` is a variable too). */
export function isUnitWord(word: string): boolean {
  const w = word.toLowerCase();
  return (w.length > 1 && SPELLINGS[w] !== undefined) || ["square", "cubic", "sq"].includes(w);
}

function unitName(word: string): string {
  return SPELLINGS[word] ?? (word.length > 3 ? word.replace(/s$/, "") : word);
}

/**
 * `\text{ square inches}`, ` \text{ in}^2`, ` sq ft`, ` cm^{2}` -> `in^2`, `in^2`, `ft^2`, `cm^2`; `currency` (an
 * escaped dollar before the number) names dollars. Undefined when nothing names a unit (`units`, `square units`).
 */
export function canonicalUnit(tail: string, currency: boolean): string | undefined {
  const words = tail
    .replace(/\\text\{([^{}]*)\}/g, " $1 ")
    .replace(/\//g, " per ")
    .replace(/\bmph\b/gi, "miles per hour")
    .replace(/\^\s*\{?\s*([23])\s*\}?/g, " ^$1 ")
    .toLowerCase()
    .split(/[\s.]+/)
    .filter((w) => w.length > 0);
  const names: string[] = [];
  let power = "";
  for (const word of words) {
    if (word === "square" || word === "sq") power = "^2";
    else if (word === "cubic" || word === "cu") power = "^3";
    else if (word === "^2" || word === "squared" || word === "^3" || word === "cubed") {
      const last = names.length - 1;
      if (last >= 0 && !/\^/.test(names[last]!))
        names[last] += word.startsWith("^") ? word : word === "squared" ? "^2" : "^3";
    } else if (!SCALES.has(word)) {
      const name = unitName(word);
      if (!GENERIC.has(name)) names.push(name + power);
      power = "";
    }
  }
  if (currency && !names.includes("dollar")) names.unshift("dollar");
  return names.length > 0 ? names.join(" ") : undefined;
}
