import { resolve } from "node:path";
import { loadValidated } from "../config/load.js";
import { InputError, type InputLocation } from "../core/input-error.js";

export interface Persona {
  id: string;
  text: string;
  category: string;
  /** Overrides the catalog's default template; contains `{persona}`. */
  template?: string;
  /** Part of the small sample shown in the persona lottery figure. */
  lottery?: boolean;
  /** A hypothesis used to group personas (e.g. for harmful_drop); never used for scoring. */
  expectedEffect?: "helpful" | "neutral" | "harmful";
}

export interface PersonaCatalog {
  id: string;
  version: string;
  /** Absolute path of the catalog file. */
  file: string;
  /** sha256 of the catalog file's bytes. */
  sha256: string;
  defaultTemplate: string;
  personas: Persona[];
}

/**
 * Which personas to run: the union of the listed ids, categories and (if true) the lottery sample; `all: true`
 * (or no selector at all) means every persona.
 */
export interface PersonaSelector {
  all?: boolean;
  ids?: string[];
  categories?: string[];
  lottery?: boolean;
}

/** The no-persona control. It is always run and can never be a catalog persona. */
export const CONTROL_PERSONA_ID = "none";
export const PERSONA_PLACEHOLDER = "{persona}";
export const DEFAULT_PERSONA_TEMPLATE = "You are {persona}.";
/** Words the `--personas` flag gives a meaning of their own. */
const RESERVED_IDS = new Set([CONTROL_PERSONA_ID, "all", "lottery"]);
/** Same rule as the catalog schema's ids and categories. */
const SLUG = /^[a-z0-9][a-z0-9-]*$/;

interface CatalogFile {
  id: string;
  version: string;
  description?: string;
  default_template?: string;
  personas: {
    id: string;
    text: string;
    category: string;
    template?: string;
    lottery?: boolean;
    expected_effect?: Persona["expectedEffect"];
  }[];
}

export function loadCatalog(file: string): PersonaCatalog {
  const { value, sha256, locate } = loadValidated<CatalogFile>(file, "persona-catalog");
  const defaultTemplate = value.default_template ?? DEFAULT_PERSONA_TEMPLATE;
  if (!defaultTemplate.includes(PERSONA_PLACEHOLDER)) {
    throw new InputError(`must contain the ${PERSONA_PLACEHOLDER} placeholder`, locate(["default_template"]));
  }
  const firstIndexOfId = new Map<string, number>();
  const personas = value.personas.map((entry, index): Persona => {
    if (RESERVED_IDS.has(entry.id)) {
      throw new InputError(
        `"${entry.id}" is reserved (the control "${CONTROL_PERSONA_ID}" is always run; "all" and "lottery" are selector words)`,
        locate(["personas", index, "id"]),
      );
    }
    const earlier = firstIndexOfId.get(entry.id);
    if (earlier !== undefined) {
      const earlierLine = locate(["personas", earlier, "id"]).line;
      throw new InputError(
        `duplicate persona id "${entry.id}" (first used at line ${earlierLine})`,
        locate(["personas", index, "id"]),
      );
    }
    firstIndexOfId.set(entry.id, index);
    if (entry.template !== undefined && !entry.template.includes(PERSONA_PLACEHOLDER)) {
      throw new InputError(
        `must contain the ${PERSONA_PLACEHOLDER} placeholder`,
        locate(["personas", index, "template"]),
      );
    }
    const persona: Persona = { id: entry.id, text: entry.text, category: entry.category };
    if (entry.template !== undefined) persona.template = entry.template;
    if (entry.lottery !== undefined) persona.lottery = entry.lottery;
    if (entry.expected_effect !== undefined) persona.expectedEffect = entry.expected_effect;
    return persona;
  });
  return { id: value.id, version: value.version, file: resolve(file), sha256, defaultTemplate, personas };
}

/**
 * The selected personas in catalog order, without duplicates. `undefined` selects every persona. Unknown ids or
 * categories, listing the control, and a selection that matches nothing are InputErrors (reported at `where`).
 */
export function selectPersonas(
  catalog: PersonaCatalog,
  selector: PersonaSelector | undefined,
  where: InputLocation = { field: "personas" },
): Persona[] {
  if (selector === undefined || selector.all === true) return [...catalog.personas];
  const ids = selector.ids ?? [];
  const categories = selector.categories ?? [];
  if (ids.includes(CONTROL_PERSONA_ID)) {
    throw new InputError(
      `"${CONTROL_PERSONA_ID}" is the no-persona control, which is always run; remove it`,
      where,
    );
  }
  const knownIds = catalog.personas.map((persona) => persona.id);
  const unknownIds = ids.filter((id) => !knownIds.includes(id));
  if (unknownIds.length > 0) {
    throw new InputError(
      `unknown persona id ${quoteList(unknownIds)} in catalog ${catalog.id} (valid: ${knownIds.join(", ")})`,
      where,
    );
  }
  const knownCategories = [...new Set(catalog.personas.map((persona) => persona.category))];
  const unknownCategories = categories.filter((category) => !knownCategories.includes(category));
  if (unknownCategories.length > 0) {
    throw new InputError(
      `unknown persona category ${quoteList(unknownCategories)} in catalog ${catalog.id} (valid: ${knownCategories.join(", ")})`,
      where,
    );
  }
  const selected = catalog.personas.filter(
    (persona) =>
      ids.includes(persona.id) ||
      categories.includes(persona.category) ||
      (selector.lottery === true && persona.lottery === true),
  );
  if (selected.length === 0) throw new InputError(`selects no personas from catalog ${catalog.id}`, where);
  return selected;
}

/**
 * Parses the `--personas` flag: comma-separated persona ids, `category:<name>`, `lottery`, or just `all`.
 */
export function parsePersonaSelector(cliValue: string): PersonaSelector {
  const where = { field: "--personas" };
  const tokens = cliValue.split(",").map((token) => token.trim());
  if (tokens.some((token) => token === "")) {
    throw new InputError(
      `empty entry in "${cliValue}" (expected ids, category:<name>, lottery or all)`,
      where,
    );
  }
  if (tokens.includes("all")) {
    if (tokens.length > 1) throw new InputError(`"all" cannot be combined with other entries`, where);
    return { all: true };
  }
  const ids: string[] = [];
  const categories: string[] = [];
  let lottery = false;
  for (const token of tokens) {
    if (token === "lottery") {
      lottery = true;
    } else if (token.startsWith("category:")) {
      const category = token.slice("category:".length);
      if (!SLUG.test(category)) {
        throw new InputError(`"${token}" is not a valid category (expected category:<name>)`, where);
      }
      categories.push(category);
    } else if (SLUG.test(token)) {
      ids.push(token);
    } else {
      throw new InputError(`"${token}" is not a persona id (lower-case letters, digits and dashes)`, where);
    }
  }
  const selector: PersonaSelector = {};
  if (ids.length > 0) selector.ids = ids;
  if (categories.length > 0) selector.categories = categories;
  if (lottery) selector.lottery = true;
  return selector;
}

function quoteList(values: string[]): string {
  return values.map((value) => `"${value}"`).join(", ");
}
