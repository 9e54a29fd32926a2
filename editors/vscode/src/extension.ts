// The chatlint extension: starts `chatlint lsp` for JSON files and lets
// vscode-languageclient do the rest (diagnostics, quick fixes, hover,
// completion). Which JSON files are Chat requests is the server's call,
// exactly as for `chatlint check`; other JSON gets nothing from it.
//
// Which binary (src/server.ts): the `chatlint.serverPath` setting, else the
// binary bundled in the platform-specific package (bundled/chatlint), else
// `chatlint` on PATH; in an untrusted workspace only the bundled one. When it
// is missing, cannot start, or exits at once, the user is told which binary,
// why, and what to do, instead of the client's generic error.

import * as cp from "node:child_process";
import * as vscode from "vscode";
import {
  CloseAction,
  CloseHandlerResult,
  ErrorAction,
  ErrorHandlerResult,
  LanguageClient,
  LanguageClientOptions,
  ServerOptions,
} from "vscode-languageclient/node";
import { describeExit, findServer, preflight, Server, ServerProblem, tail } from "./server";

/** A server that ends within this long after it started "exited at once": not restarted. */
const AT_ONCE_MS = 10_000;
/** A server that keeps crashing later is restarted at most this many times. */
const MAX_RESTARTS = 4;

let client: LanguageClient | undefined;
let output: vscode.OutputChannel;
let extensionPath = "";

/** The `chatlint lsp` process of the current client, as spawned by us. */
interface Run {
  child: cp.ChildProcess;
  startedAt: number;
  stderr: string;
  exit?: { code: number | null; signal: NodeJS.Signals | null };
  reported: boolean;
}
let run: Run | undefined;
let restarts = 0;

/** Shows (and logs) what went wrong with which binary, and offers what to do. */
function report(problem: ServerProblem): void {
  const text = `chatlint: ${problem.message}`;
  output.appendLine(`[error] ${text}`);
  const actions = ["Open Settings", "Show Output"];
  void vscode.window.showErrorMessage(text, ...actions).then((picked) => {
    if (picked === "Open Settings") {
      void vscode.commands.executeCommand("workbench.action.openSettings", "chatlint.serverPath");
    } else if (picked === "Show Output") {
      output.show(true);
    }
  });
}

/** The message for a server process that ended on its own. */
function exitProblem(server: Server, r: Run): ServerProblem {
  const after = Date.now() - r.startedAt;
  const when = after < AT_ONCE_MS ? "exited at once" : `exited after ${Math.round(after / 1000)} s`;
  const why = `${when} (${describeExit(r.exit?.code ?? null, r.exit?.signal ?? null)})`;
  const stderr = tail(r.stderr);
  return {
    message:
      `the language server \`${server.command} lsp\` (${server.origin}) ${why}` +
      (stderr ? `: ${stderr}` : "") +
      `. ${server.remedy}`,
  };
}

/** Whether the server process has ended (or its pipes have: it is ending). */
function gone(r: Run | undefined): boolean {
  if (!r) return false;
  const c = r.child;
  return !!r.exit || c.exitCode !== null || c.signalCode !== null || !!c.stdin?.destroyed || !!c.stdout?.readableEnded;
}

/**
 * The client, except that its own notifications about a server that has
 * ended ("couldn't create connection", "connection is erroring", …) only go
 * to the output channel: the extension says instead which binary ended, why
 * and what to do.
 */
class ChatlintClient extends LanguageClient {
  override error(message: string, data?: unknown, showNotification?: boolean | "force"): void {
    super.error(message, data, gone(run) ? false : showNotification);
  }
}

/** Waits briefly for the exit status of a process whose pipes have closed. */
async function exited(r: Run): Promise<void> {
  for (let i = 0; i < 20 && !r.exit; i++) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function serverOptions(server: Server): ServerOptions {
  return async () => {
    const child = cp.spawn(server.command, ["lsp"], { stdio: "pipe", env: process.env });
    const r: Run = { child, startedAt: Date.now(), stderr: "", reported: false };
    run = r;
    child.stderr?.on("data", (d: Buffer) => {
      r.stderr = (r.stderr + d.toString("utf8")).slice(-8000);
    });
    child.on("exit", (code, signal) => {
      r.exit = { code, signal };
    });
    await new Promise<void>((resolve, reject) => {
      child.once("spawn", () => resolve());
      child.once("error", (err: NodeJS.ErrnoException) => {
        r.reported = true;
        const problem = {
          message: `cannot start the language server \`${server.command}\` (${server.origin}): ${err.code ?? err.message}. ${server.remedy}`,
        };
        report(problem);
        reject(new Error(problem.message));
      });
    });
    output.appendLine(`[info] started \`${server.command} lsp\` (${server.origin}), pid ${child.pid}`);
    return child;
  };
}

async function start(): Promise<void> {
  const found = findServer({
    setting: vscode.workspace.getConfiguration("chatlint").get<string>("serverPath", ""),
    trusted: vscode.workspace.isTrusted,
    extensionPath,
    workspaceFolder: vscode.workspace.workspaceFolders?.[0]?.uri.fsPath,
  });
  if ("problem" in found) {
    report(found.problem);
    return;
  }
  const server = found.server;
  const checked = await preflight(server);
  if (checked.problem) {
    report(checked.problem);
    return;
  }
  output.appendLine(`[info] using ${checked.version} at ${server.command} (${server.origin})`);

  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: "file", language: "json" },
      { scheme: "untitled", language: "json" },
    ],
    outputChannel: output,
    // A server that ends during initialize: stop quietly, start() reports it.
    initializationFailedHandler: () => false,
    errorHandler: {
      error: (_error, _message, count): ErrorHandlerResult => ({
        action: gone(run) || (count ?? 0) > 3 ? ErrorAction.Shutdown : ErrorAction.Continue,
        handled: gone(run),
      }),
      closed: async (): Promise<CloseHandlerResult> => {
        const r = run;
        if (!r) return { action: CloseAction.DoNotRestart };
        await exited(r);
        const atOnce = Date.now() - r.startedAt < AT_ONCE_MS;
        if (atOnce || restarts >= MAX_RESTARTS) {
          if (!r.reported) {
            r.reported = true;
            report(exitProblem(server, r));
          }
          return { action: CloseAction.DoNotRestart, handled: true };
        }
        restarts++;
        output.appendLine(`[warn] ${exitProblem(server, r).message} Restarting (${restarts} of ${MAX_RESTARTS}).`);
        return { action: CloseAction.Restart, handled: true };
      },
    },
  };
  // The id "chatlint" makes the client read the `chatlint.trace.server` setting.
  const c = new ChatlintClient("chatlint", "chatlint", serverOptions(server), clientOptions);
  client = c;
  try {
    await c.start();
  } catch (err) {
    if (client === c) client = undefined;
    const r = run;
    if (r && !r.reported) {
      await exited(r);
      r.reported = true;
      if (r.exit) {
        report(exitProblem(server, r));
      } else {
        const why = err instanceof Error ? err.message : String(err);
        report({ message: `the language server \`${server.command} lsp\` (${server.origin}) failed to start: ${why}. ${server.remedy}` });
      }
    }
  }
}

async function stop(): Promise<void> {
  const running = client;
  const r = run;
  client = undefined;
  if (running) {
    await running.stop().catch(() => undefined);
  }
  // The server exits on the client's `exit`; make sure of it.
  if (r && !r.exit) {
    await exited(r);
    if (!r.exit) r.child.kill();
  }
}

// Restarts run one after the other (settings can change twice in a row).
let restarting: Promise<void> = Promise.resolve();
function restart(): Promise<void> {
  const next = async () => {
    await stop();
    restarts = 0;
    await start();
  };
  restarting = restarting.then(next, next);
  return restarting;
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  extensionPath = context.extensionPath;
  output = vscode.window.createOutputChannel("chatlint");
  context.subscriptions.push(
    output,
    vscode.commands.registerCommand("chatlint.restartServer", restart),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration("chatlint.serverPath")) {
        void restart();
      }
    }),
    // Trusting the workspace may allow `chatlint.serverPath` or PATH.
    vscode.workspace.onDidGrantWorkspaceTrust(() => void restart()),
  );
  await restart();
}

export function deactivate(): Promise<void> | undefined {
  return client ? stop() : undefined;
}
