import { markdownCell } from "../core/untrusted-text.js";
import type { Results } from "../results/types.js";
import { rendererFor } from "./renderers.js";

/** summary.md: what a person reads first. Every outside string goes through markdownCell. */
export function summaryMarkdown(results: Results): string {
  const lines: string[] = [];
  const { model } = results;
  lines.push(`# persona-bench: ${markdownCell(results.benchmark.id)} on ${markdownCell(model.name)}`, "");
  lines.push(
    `- Run \`${markdownCell(results.runId)}\`, status **${results.status}**, finished ${results.finishedAt}`,
    `- Model \`${markdownCell(model.spec)}\`${model.digest ? `, digest \`${markdownCell(model.digest)}\`` : ""}${
      model.serverVersion ? `, server ${markdownCell(model.serverVersion)}` : ""
    }`,
    `- persona-bench ${results.harness.version} on Node ${results.harness.node}; benchmark hash \`${results.benchmark.hash.slice(0, 12)}\``,
    `- Model calls this invocation: ${results.usage.modelCalls}, from cache: ${results.usage.cachedCalls}; tokens in ${results.usage.promptTokens}, out ${results.usage.completionTokens}`,
    "",
  );
  if (results.errors.total > 0) {
    const kinds = Object.entries(results.errors.byKind)
      .map(([kind, n]) => `${kind} ${n}`)
      .join(", ");
    lines.push(
      `> **${results.errors.total} request(s) failed permanently** (${kinds}); they are excluded from every figure below. Run the same command again to retry them.`,
      "",
      "| kind | example reason |",
      "|---|---|",
      ...results.errors.examples.map((e) => `| ${markdownCell(e.kind)} | ${markdownCell(e.message)} |`),
      "",
    );
  }
  for (const skipped of results.skipped) {
    lines.push(`> **${markdownCell(skipped.task)} was not run**: ${markdownCell(skipped.reason)}`, "");
  }
  for (const section of Object.values(results.tasks)) lines.push(...rendererFor(section).markdown(section));
  lines.push("## Suite choices", "");
  for (const [name, choice] of Object.entries(results.suiteChoices)) {
    lines.push(`- **${markdownCell(name)}**: ${markdownCell(choice)}`);
  }
  lines.push("");
  return lines.join("\n");
}
