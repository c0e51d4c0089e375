/**
 * `run` on the terminal: evaluate()'s events become notes, a download bar and the progress bar on stderr; Ctrl-C
 * becomes an abort; a dry run's preview becomes the plan's lines.
 */
import { terminalText } from "../core/untrusted-text.js";
import type { ModelIdentity } from "../models/types.js";
import type { EvaluateEvent, EvaluationPreview } from "../pipeline/evaluate.js";
import { EXIT } from "./exit-codes.js";
import type { CliIo } from "./io.js";
import { downloadReporter } from "./local-model.js";
import { createProgressReporter, type ProgressReporter } from "./progress.js";

export class RunDisplay {
  private readonly controller = new AbortController();
  private readonly download;
  /** Exists once generation has begun; notes then go above the bar. */
  private progress: ProgressReporter | undefined;
  private readonly stopOnSignal = () => {
    if (this.controller.signal.aborted) {
      this.io.stderr.write("\nforced stop\n");
      process.exit(EXIT.interrupted);
    }
    this.io.stderr.write("\nstopping: keeping finished work (Ctrl-C again to force)\n");
    this.controller.abort(new Error("interrupted"));
  };

  constructor(private readonly io: CliIo) {
    this.download = downloadReporter(io.stderr);
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  show(event: EvaluateEvent): void {
    switch (event.type) {
      case "notice":
        if (this.progress) this.progress.note(event.message);
        else this.io.stderr.write(`note: ${terminalText(event.message)}\n`);
        return;
      case "download":
        this.download(event.progress);
        return;
      case "started":
        // Ctrl-C before this point (loading a model, a download) ends the process as usual: nothing to keep yet.
        this.io.onSignal(this.stopOnSignal);
        this.progress = createProgressReporter(this.io.stderr, Date.now, this.io.env);
        return;
      case "progress":
        this.progress?.update(event.stage, event.counts);
        return;
      case "failure":
        this.progress?.note(`failed ${event.item.personaId}/${event.item.itemId}: ${event.error.message}`);
        return;
      case "retry":
        return;
    }
  }

  /** The bar's last figures stay on screen; what follows prints below them. */
  finishProgress(): void {
    this.progress?.finish();
  }

  /** After the reports are written: Ctrl-C is the shell's again. */
  close(): void {
    this.finishProgress();
    this.io.offSignal(this.stopOnSignal);
  }
}

/** `run --dry-run`: the benchmark, its tasks, the models and the requests per stage, cached and still to do. */
export function previewText(preview: EvaluationPreview): string {
  // Names, paths, digests and the server's error come from files and servers: shown, never obeyed.
  const t = terminalText;
  const digest = (id: ModelIdentity | undefined) => (id?.digest ? ` (digest ${t(id.digest)})` : "");
  const reachable = preview.subject.identity !== undefined;
  const requests = preview.stages.reduce((sum, stage) => sum + stage.requests, 0);
  const cached = preview.stages.reduce((sum, stage) => sum + (stage.cached ?? 0), 0);
  const lines = [
    `benchmark ${t(preview.benchmark.id)} (${t(preview.benchmark.file)})`,
    ...preview.tasks.map((task) => `  ${t(task)}`),
    `model ${t(preview.subject.spec)}${digest(preview.subject.identity)}`,
    ...preview.judges.map((judge) => `judge ${t(judge.spec)}${digest(judge.identity)}`),
    ...preview.stages.map(
      (stage) =>
        `  ${t(stage.stage)}: ${stage.requests} requests${reachable ? `, ${stage.cached ?? "?"} cached` : ""}`,
    ),
    `requests: ${requests}`,
    reachable
      ? `already cached: ${cached}\nto do: ${requests - cached}`
      : `already cached: unknown (${t(preview.unreachable ?? "")})`,
  ];
  return `${lines.join("\n")}\n`;
}
