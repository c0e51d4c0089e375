import type { ChatMessage } from "../models/types.js";
import { PERSONA_PLACEHOLDER, type Persona, type PersonaCatalog } from "./catalog.js";

export type PersonaPlacement = "system" | "user";

/** The persona's template (or the catalog default) with every `{persona}` replaced by the persona text. */
export function personaSystemText(
  persona: Persona,
  catalog: Pick<PersonaCatalog, "defaultTemplate">,
): string {
  const template = persona.template ?? catalog.defaultTemplate;
  // split/join rather than String.replace: replacement strings give `$&`, `$1`, ... special meanings.
  return template.split(PERSONA_PLACEHOLDER).join(persona.text);
}

/**
 * The chat messages for one request. The control (`persona: null`) sends the user text alone. Placement "user"
 * is for chat templates without a system role: the persona text goes before the user text, after a blank line.
 */
export function renderMessages(opts: {
  persona: Persona | null;
  catalog: Pick<PersonaCatalog, "defaultTemplate">;
  userText: string;
  placement: PersonaPlacement;
}): ChatMessage[] {
  const { persona, catalog, userText, placement } = opts;
  if (persona === null) return [{ role: "user", content: userText }];
  const personaText = personaSystemText(persona, catalog);
  if (placement === "user") return [{ role: "user", content: `${personaText}\n\n${userText}` }];
  return [
    { role: "system", content: personaText },
    { role: "user", content: userText },
  ];
}
