import { escapeHtml, markdownCell, terminalText } from "../../../src/core/untrusted-text.js";
import type { SectionRenderer } from "../../../src/task-kinds/renderer.js";
import type { EchoSection } from "./section-types.js";

const rate = (section: EchoSection) => section.headline[0]?.value ?? null;
const echoed = (section: EchoSection) => section.words.filter((_, i) => section.outcomes[i] === "1");

/** The echo kind's own views: which words came back, in every output a run writes. */
export const echoRenderer: SectionRenderer<EchoSection> = {
  markdown: (section) => [
    `## ${markdownCell(section.id)}: words echoed`,
    "",
    `Echoed ${echoed(section).length} of ${section.words.length}: ${echoed(section).map(markdownCell).join(", ")}`,
    "",
  ],
  csv: (section) => [
    {
      base: "echo",
      content: `word,echoed\n${section.words.map((w, i) => `${w},${section.outcomes[i] === "1"}`).join("\n")}\n`,
    },
  ],
  terminal: (section) => [
    `${terminalText(section.id)}  echoed ${echoed(section).length}/${section.words.length}`,
  ],
  html: async (section) =>
    `<section id="task-${escapeHtml(section.id)}" class="echo-words"><h2>Words echoed</h2><ul>${section.words
      .map((w, i) => `<li class="${section.outcomes[i] === "1" ? "echoed" : "missed"}">${escapeHtml(w)}</li>`)
      .join("")}</ul><p>rate ${rate(section)}</p></section>`,
  manifest: (section) => [["words", String(section.words.length)]],
};
