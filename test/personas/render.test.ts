import { describe, expect, it } from "vitest";
import type { Persona } from "../../src/personas/catalog.js";
import { personaSystemText, renderMessages } from "../../src/personas/render.js";

const catalog = { defaultTemplate: "You are {persona}." };
const expert: Persona = { id: "arithmetic-expert", text: "an expert in arithmetic", category: "expert" };
const color: Persona = {
  id: "likes-red",
  text: "favorite color is red",
  category: "irrelevant",
  template: "Your {persona}.",
};

describe("personaSystemText", () => {
  it("fills the catalog default or the persona's own template", () => {
    expect(personaSystemText(expert, catalog)).toBe("You are an expert in arithmetic.");
    expect(personaSystemText(color, catalog)).toBe("Your favorite color is red.");
  });

  it("inserts text containing $ patterns literally and fills every placeholder", () => {
    const dollar: Persona = {
      id: "d",
      text: "a $& $1 $$ fan",
      category: "x",
      template: "{persona}; again {persona}",
    };
    expect(personaSystemText(dollar, catalog)).toBe("a $& $1 $$ fan; again a $& $1 $$ fan");
  });
});

describe("renderMessages", () => {
  it("sends only the user text for the control", () => {
    expect(renderMessages({ persona: null, catalog, userText: "What is 2+3?", placement: "system" })).toEqual(
      [{ role: "user", content: "What is 2+3?" }],
    );
    expect(renderMessages({ persona: null, catalog, userText: "What is 2+3?", placement: "user" })).toEqual([
      { role: "user", content: "What is 2+3?" },
    ]);
  });

  it("puts the persona in a system message", () => {
    expect(
      renderMessages({ persona: expert, catalog, userText: "What is 2+3?", placement: "system" }),
    ).toEqual([
      { role: "system", content: "You are an expert in arithmetic." },
      { role: "user", content: "What is 2+3?" },
    ]);
  });

  it("folds the persona into the user turn after a blank line", () => {
    expect(renderMessages({ persona: color, catalog, userText: "What is 2+3?", placement: "user" })).toEqual([
      { role: "user", content: "Your favorite color is red.\n\nWhat is 2+3?" },
    ]);
  });
});
