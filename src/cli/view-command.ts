import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { isIPv6 } from "node:net";
import { resolve } from "node:path";
import { DEFAULT_REPORTS_DIR, DEFAULT_STORE_PATH } from "../core/paths.js";
import { isInteractive } from "../core/terminal.js";
import { terminalText } from "../core/untrusted-text.js";
import { loadResults } from "../results/load.js";
import { ViewerData } from "../viewer/data.js";
import { startViewerServer, type ViewerServer } from "../viewer/server.js";
import { CliError, EXIT, type ExitCode } from "./exit-codes.js";
import type { CliIo } from "./io.js";
import { integerOption, parseCommandArgs } from "./options.js";

/** The port tried first; when it is taken (and no --port was given) the system picks a free one. */
export const DEFAULT_VIEW_PORT = 4848;

export const VIEW_HELP = `Usage: persona-bench view [options]

Browses the store in a local web page: every run, every generation filtered by persona, problem and verdict,
each transcript, and one problem under the control and any persona side by side. The store is opened
read-only; the page loads nothing from the network. Stop it with Ctrl-C.

Options:
  --store <path>   SQLite store (default ${DEFAULT_STORE_PATH})
  --reports <dir>  where runs' results.json live, for headline figures and report pages (default ${DEFAULT_REPORTS_DIR})
  --port <n>       port to listen on (default ${DEFAULT_VIEW_PORT}, or a free one when it is taken; 0 = any free port)
  --host <addr>    interface to listen on (default 127.0.0.1). Any other address makes every transcript
                   visible to the network.
  --allow-host <name>
                   a host name the page may be reached by besides localhost and the --host address, e.g.
                   box.lan when --host 0.0.0.0 (repeatable; exact names, no port, no pattern). Requests
                   naming any other host are refused (403), which stops DNS rebinding.
  --open           open the page in the browser (default when a desktop is available)
  --no-open        do not open a browser
`;

export async function viewCommand(argv: string[], io: CliIo): Promise<ExitCode> {
  const { values, positionals } = parseCommandArgs("view", argv, {
    store: { type: "string" },
    reports: { type: "string" },
    port: { type: "string" },
    host: { type: "string" },
    "allow-host": { type: "string", multiple: true },
    open: { type: "boolean" },
    "no-open": { type: "boolean" },
    help: { type: "boolean", short: "h" },
  });
  if (values.help) {
    io.stdout.write(VIEW_HELP);
    return EXIT.success;
  }
  if (positionals.length > 0) {
    throw new CliError(
      `view: unexpected argument "${positionals[0]}" (see persona-bench view --help)`,
      EXIT.badInput,
    );
  }
  const allowedHosts = (values["allow-host"] ?? []).map(hostNameOption);
  const storePath = resolve(io.cwd, values.store ?? DEFAULT_STORE_PATH);
  if (!existsSync(storePath)) {
    throw new CliError(
      `view: no store at ${storePath} (run a benchmark first, or pass --store)`,
      EXIT.badInput,
    );
  }
  const reportsDir = resolve(io.cwd, values.reports ?? DEFAULT_REPORTS_DIR);
  const port = integerOption("port", values.port, { min: 0, max: 65_535 });
  const host = values.host ?? "127.0.0.1";
  const local = host === "127.0.0.1" || host === "localhost" || host === "::1";
  if (!local) {
    io.stderr.write(
      `warning: listening on ${terminalText(host)}: every transcript, persona and judge text in ${terminalText(storePath)} is visible to the network\n`,
    );
  }
  const data = new ViewerData(storePath, reportsDir, loadResults);
  let server: ViewerServer;
  try {
    server = await listen({ data, host, allowedHosts }, port);
  } catch (error) {
    data.close();
    throw new CliError(`view: cannot listen on ${host}: ${(error as Error).message}`, EXIT.badInput);
  }
  io.stdout.write(
    `persona-bench view: ${terminalText(server.url)}  (store ${terminalText(storePath)}, read-only; Ctrl-C to stop)\n`,
  );
  for (const name of allowedHosts)
    io.stdout.write(`  also as http://${terminalText(name)}:${server.port}/\n`);
  const open = values["no-open"] ? false : (values.open ?? desktopAvailable(io));
  if (open) openBrowser(server.url);
  await new Promise<void>((done) => {
    const stop = () => {
      io.offSignal(stop);
      done();
    };
    io.onSignal(stop);
  });
  await server.close();
  data.close();
  return EXIT.success;
}

async function listen(
  options: { data: ViewerData; host: string; allowedHosts: string[] },
  port: number | undefined,
): Promise<ViewerServer> {
  if (port !== undefined) return startViewerServer({ ...options, port });
  try {
    return await startViewerServer({ ...options, port: DEFAULT_VIEW_PORT });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EADDRINUSE") throw error;
    return startViewerServer({ ...options, port: 0 });
  }
}

const DNS_NAME =
  /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/i;

/** An --allow-host value: a host name or IP address as a Host header names it (IPv6 in brackets), lower-cased. */
function hostNameOption(raw: string): string {
  const name = raw.trim().toLowerCase();
  const ipv6 = /^\[(.*)\]$/.exec(name);
  if (ipv6 ? isIPv6(ipv6[1]!) : DNS_NAME.test(name)) return name;
  throw new CliError(
    `--allow-host: ${JSON.stringify(raw)} is not a host name (give the name alone, without scheme, port or pattern, e.g. box.lan; an IPv6 address in brackets)`,
    EXIT.badInput,
  );
}

function desktopAvailable(io: CliIo): boolean {
  if (io.env.CI === "true" || !isInteractive(io.stdout)) return false;
  if (process.platform === "darwin" || process.platform === "win32") return true;
  return Boolean(io.env.DISPLAY || io.env.WAYLAND_DISPLAY);
}

/** Best effort: a missing opener leaves the printed URL, which is all a user needs. */
function openBrowser(url: string): void {
  const [command, args] =
    process.platform === "darwin"
      ? ["open", [url]]
      : process.platform === "win32"
        ? ["cmd", ["/c", "start", "", url]]
        : ["xdg-open", [url]];
  try {
    const child = spawn(command, args, { stdio: "ignore", detached: true });
    child.on("error", () => {});
    child.unref();
  } catch {
    // The URL is printed.
  }
}
