/**
 * The one way persona-bench writes CSV (personas.csv, personagym.csv, leaderboard.csv): every string cell, the
 * header row included, is neutralised against spreadsheet formula injection and quoted, so no writer can forget a
 * cell that came from outside (a task id in a column name, a date from a crafted results.json).
 */
import { stringify } from "csv-stringify/sync";

/** A number stays a number; null and undefined are empty cells. */
export type CsvCell = string | number | null | undefined;

/**
 * What a spreadsheet evaluates as a formula (OWASP's list: "=", "+", "-", "@", tab and carriage return at the
 * start), also behind leading whitespace or any control character, which some spreadsheets skip.
 */
const FORMULA_START = /^[\s\u0000-\u001f]*[=+\-@]|^[\u0000-\u001f]/;
/** A cell that is just a number ("-0.05", "+3", "1e-3") is data even with a sign in front. */
const PLAIN_NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** The cell as text a spreadsheet shows and never runs: a formula-looking cell gets a leading apostrophe. */
export function neutralizeCsvCell(value: string): string {
  return FORMULA_START.test(value) && !PLAIN_NUMBER.test(value) ? `'${value}` : value;
}

/**
 * RFC 4180 text of `header` and `rows`. String cells are neutralised and always quoted: a spreadsheet that splits
 * on ";" or a tab (its locale's separator) then still sees one cell, not a second one starting with "=".
 */
export function csvText(header: readonly string[], rows: readonly (readonly CsvCell[])[]): string {
  const cell = (value: CsvCell) => (typeof value === "string" ? neutralizeCsvCell(value) : (value ?? ""));
  return stringify([header.map(cell), ...rows.map((row) => row.map(cell))], {
    quoted_string: true,
    quoted_empty: false,
  });
}
