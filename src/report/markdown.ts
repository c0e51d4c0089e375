import { markdownCell } from "./escape.js";
import { pct, pValueText as pValue, scoreText as score, signedPoints as signedPts } from "./format.js";
import type { Math500Results, PersonaGymResults, Results } from "./types.js";

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
  if (results.tasks.math500) lines.push(...math500Section(results.tasks.math500));
  if (results.tasks.personagym) lines.push(...personaGymSection(results.tasks.personagym));
  lines.push("## Suite choices", "");
  for (const [name, choice] of Object.entries(results.suiteChoices)) {
    lines.push(`- **${markdownCell(name)}**: ${markdownCell(choice)}`);
  }
  lines.push("");
  return lines.join("\n");
}

function personaGymSection(p: PersonaGymResults): string[] {
  const taskNames = Object.keys(p.tasks);
  const lines = [
    "## PersonaGym persona fidelity",
    "",
    `${p.personasEvaluated} of ${p.dataset.personasAvailable} personas${p.subset.limit === null ? "" : ` (seeded subset, seed ${p.subset.seed})`}, ${p.questions} questions; rubrics: ${p.settings.rubrics}; score examples ${p.settings.scoreExamples ? "on" : "off"}. Dataset digest \`${p.dataset.digest.slice(0, 12)}\`${p.dataset.pinned ? " (pinned)" : " (**not the pinned benchmark**)"}.`,
    "",
    `**PersonaScore ${score(p.personaScore)}** (1-5)${p.ci95 ? `, 95% CI ${score(p.ci95[0])}–${score(p.ci95[1])}` : ""}`,
    "",
    "| task | score |",
    "|---|---|",
    ...taskNames.map((task) => `| ${markdownCell(task)} | ${score(p.tasks[task] ?? null)} |`),
    "",
    "| judge | PersonaScore | judged | unparsed | same family as subject |",
    "|---|---|---|---|---|",
    ...p.judges.map(
      (j) =>
        `| ${markdownCell(j.spec)} | ${score(j.personaScore)} | ${j.judged} | ${j.unparsed} | ${j.sameFamilyAsSubject ? "**yes: may favour the subject**" : "no"} |`,
    ),
    "",
  ];
  if (p.agreement) {
    lines.push(
      "Judge agreement per task (Krippendorff's alpha, interval metric; Spearman's rho with two judges):",
      "",
      "| task | alpha | rho | items |",
      "|---|---|---|---|",
      ...p.agreement.map(
        (a) =>
          `| ${markdownCell(a.task)} | ${a.alpha === null ? "n/a" : a.alpha.toFixed(3)} | ${a.spearman === null ? "n/a" : a.spearman.toFixed(3)} | ${a.pairableItems} |`,
      ),
      "",
    );
  }
  if (p.unparsed.total > 0 || p.unanswered > 0 || (p.examples?.unparsed ?? 0) > 0) {
    lines.push(
      `Excluded and counted: ${p.unparsed.total} unparseable judgement(s) after one retry, ${p.unanswered} question(s) without an answer (failed calls)${p.examples ? `, ${p.examples.unparsed} of ${p.examples.requested} score-example sets unusable (those questions were judged without examples)` : ""}.`,
      "",
    );
  }
  return lines;
}

function math500Section(m: Math500Results): string[] {
  const s = m.summary;
  const lines = [
    "## MATH500 persona stability",
    "",
    `${m.problems} problems x ${m.samples} sample(s) x ${m.personas.length} conditions (control + ${m.personas.length - 1} personas), persona in the ${m.personaPlacement} message. Dataset sha256 \`${m.dataset.sha256.slice(0, 12)}\`${m.dataset.pinned ? " (pinned)" : " (**not the pinned file**)"}.`,
    "",
  ];
  if (s === null) {
    lines.push(
      "> No catalog persona has a graded answer (every persona request failed): no spread to report.",
      "",
    );
  } else {
    lines.push(
      "| metric | value |",
      "|---|---|",
      `| control (no persona) accuracy | ${s.controlAccuracy === null ? "n/a" : pct(s.controlAccuracy)} |`,
      `| mean over ${s.personas} personas | ${pct(s.mean)} |`,
      `| std (population) | ${(s.std * 100).toFixed(2)} pts |`,
      `| **PSS\\*** (mean - std, our reconstruction) | **${pct(s.pss)}** |`,
      `| worst persona | ${pct(s.min)} (${s.worst.map(markdownCell).join(", ")}) |`,
      `| best persona | ${pct(s.max)} (${s.best.map(markdownCell).join(", ")}) |`,
      `| range | ${(s.range * 100).toFixed(1)} pts |`,
      `| worst-case retention (worst / control) | ${s.worstRetention === null ? "n/a" : s.worstRetention.toFixed(3)} |`,
      `| flip rate | ${pct(s.flipRate)} |`,
      `| consistency rate | ${pct(s.consistencyRate)} |`,
      "",
    );
  }
  lines.push(
    "| persona | category | accuracy | 95% CI | Δ vs control (pts) | Δ 95% CI | p (Holm) | no answer | truncated | errors |",
    "|---|---|---|---|---|---|---|---|---|---|",
  );
  for (const p of m.personas) {
    lines.push(
      `| ${markdownCell(p.id)} | ${markdownCell(p.category)} | ${pct(p.accuracy)} | ${p.ci95 ? `${pct(p.ci95[0])}–${pct(p.ci95[1])}` : ""} | ${
        p.id === "none" ? "" : signedPts(p.deltaVsControl)
      } | ${p.deltaCi95 ? `${signedPts(p.deltaCi95[0])}…${signedPts(p.deltaCi95[1])}` : ""} | ${pValue(p.pValueHolm)} | ${
        p.extractionFailures
      } | ${p.truncated} | ${p.errors} |`,
    );
  }
  lines.push("");
  if (s === null) return lines;
  lines.push("### Persona lottery (expected best accuracy over k personas)", "");
  const curve = s.lottery ?? {
    personas: m.personas.slice(1).flatMap((p) => (p.accuracy === null ? [] : [p.id])),
    expectedMaxAtK: s.expectedMaxAtK,
  };
  lines.push(
    `Personas: ${curve.personas.map(markdownCell).join(", ")}`,
    "",
    "| k | E[max accuracy] |",
    "|---|---|",
  );
  curve.expectedMaxAtK.forEach((value, i) => {
    lines.push(`| ${i + 1} | ${pct(value)} |`);
  });
  lines.push("");
  return lines;
}
