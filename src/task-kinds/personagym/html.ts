import { chartSvg } from "../../core/html/chart.js";
import { code, figure, table } from "../../core/html/page.js";
import { scoreText } from "../../core/number-format.js";
import { escapeHtml } from "../../core/untrusted-text.js";
import { headlineCards } from "../headline-view.js";
import { judgeAgreementSpec } from "./charts/judge-agreement.js";
import { personaGymTasksSpec } from "./charts/task-scores.js";
import type { PersonaGymSection } from "./section-types.js";

const e = escapeHtml;

/** report.html's section of a PersonaGym task: headline cards, task scores, judge agreement and the judges. */
export async function personaGymHtml(g: PersonaGymSection): Promise<string> {
  const [tasks, agreement] = await Promise.all([
    chartSvg(personaGymTasksSpec([{ model: "this model", tasks: g.tasks }])),
    chartSvg(judgeAgreementSpec(g)),
  ]);
  const judges = table(
    [
      { label: "Judge" },
      { label: "PersonaScore", title: "This judge's own PersonaScore (1-5).", numeric: true },
      { label: "Judged", numeric: true },
      { label: "Unparsed", title: "Verdicts still unparseable after one retry (excluded).", numeric: true },
      {
        label: "Same family",
        title: "The judge comes from the subject's model family: its scores may favour the subject.",
      },
    ],
    g.judges.map((j) => [
      { html: `${e(j.name)}<span class="ci">${e(j.spec)}</span>` },
      { html: e(scoreText(j.personaScore)), numeric: true },
      { html: String(j.judged), numeric: true },
      { html: String(j.unparsed), numeric: true },
      { html: j.sameFamilyAsSubject ? "<strong>yes</strong>" : "no" },
    ]),
  );
  const agreementNote = g.agreement
    ? ""
    : '<p class="note">One judge: no inter-judge agreement to report.</p>';
  return `<section id="task-${e(g.id)}">
<h2>${e(g.id)}: persona fidelity</h2>
<p class="note">${g.personasEvaluated} personas, ${g.questions} questions, ${g.judges.length} judge(s); ${g.unanswered} question(s) unanswered, ${g.unparsed.total} judgement(s) unparsed.</p>
${headlineCards(g)}
<div class="charts">
${figure("Score per task", "Mean judge score over personas for each PersonaGym task (1-5).", tasks)}
${figure("Judge agreement", "Agreement between judges per task; the dashed line marks alpha 0.667, a common floor for tentative conclusions.", agreement)}
</div>
${agreementNote}
<h3>Judges</h3>
${judges}
</section>`;
}

/** The manifest's lines of a PersonaGym section: subject and judge decoding, rubrics and judge prompt. */
export function personaGymManifest(g: PersonaGymSection): [string, string][] {
  return [
    [`${g.id}: decoding`, code(JSON.stringify(g.settings.decoding))],
    [`${g.id}: judge decoding`, code(JSON.stringify(g.settings.judgeDecoding))],
    [`${g.id}: rubrics`, `${e(g.settings.rubrics)}, judge prompt ${e(g.settings.judgePromptVersion)}`],
  ];
}
