import { canonicalJson } from "../core/canonical.js";

/**
 * Sentences naming what differs between two runs' sections of one task, shared by the kinds' gate parts (see
 * section-gate.ts): each returns one sentence per difference, none when the two may be paired.
 */

/** Persona ids on either side only, and personas whose texts differ. */
export function comparePersonas(
  b: readonly { id: string; text: string }[],
  c: readonly { id: string; text: string }[],
): string[] {
  const out: string[] = [];
  const cById = new Map(c.map((p) => [p.id, p]));
  const bIds = new Set(b.map((p) => p.id));
  const onlyB = b.filter((p) => !cById.has(p.id)).map((p) => p.id);
  const onlyC = c.filter((p) => !bIds.has(p.id)).map((p) => p.id);
  if (onlyB.length > 0) out.push(`personas only in the baseline: ${onlyB.join(", ")}`);
  if (onlyC.length > 0) out.push(`personas only in the candidate: ${onlyC.join(", ")}`);
  const changed = b.filter((p) => cById.has(p.id) && cById.get(p.id)!.text !== p.text).map((p) => p.id);
  if (changed.length > 0) out.push(`persona texts differ: ${changed.join(", ")}`);
  return out;
}

/** Decoding settings that differ, the seed apart: different seeds are the noise the gate accounts for. */
export function compareDecoding(
  what: string,
  b: Record<string, unknown>,
  c: Record<string, unknown>,
): string[] {
  const keys = [...new Set([...Object.keys(b), ...Object.keys(c)])].filter((k) => k !== "seed").sort();
  const differing = keys.filter((k) => canonicalJson(b[k] ?? null) !== canonicalJson(c[k] ?? null));
  return differing.map(
    (k) => `${what} ${k} ${JSON.stringify(b[k] ?? null)} vs ${JSON.stringify(c[k] ?? null)}`,
  );
}

/** Up to three ids as " (a, b, c, ...)" after a count; nothing for none. */
export function examples(ids: readonly string[]): string {
  return ids.length === 0 ? "" : ` (${ids.slice(0, 3).join(", ")}${ids.length > 3 ? ", ..." : ""})`;
}

/** A hash short enough for a sentence. */
export function short(hash: string): string {
  return hash.length > 12 ? hash.slice(0, 12) : hash;
}
