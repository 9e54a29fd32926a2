// The chatlint extension: starts `chatlint lsp` for JSON files and lets
// vscode-languageclient do the rest (diagnostics, quick fixes, hover,
// completion). Which JSON files are Chat requests is the server's call,
// exactly as for `chatlint check`; other JSON gets nothing from it.

import * as vscode from "vscode";
import { LanguageClient, LanguageClientOptions, ServerOptions } from "vscode-languageclient/node";

let client: LanguageClient | undefined;

function serverCommand(): string {
  const configured = vscode.workspace.getConfiguration("chatlint").get<string>("serverPath", "chatlint");
  return configured.trim() || "chatlint";
}

async function start(): Promise<void> {
  const command = serverCommand();
  const serverOptions: ServerOptions = {
    run: { command, args: ["lsp"] },
    debug: { command, args: ["lsp"] },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: "file", language: "json" },
      { scheme: "untitled", language: "json" },
    ],
    outputChannelName: "chatlint",
  };
  // The id "chatlint" makes the client read the `chatlint.trace.server` setting.
  client = new LanguageClient("chatlint", "chatlint", serverOptions, clientOptions);
  try {
    await client.start();
  } catch (err) {
    client = undefined;
    const message = err instanceof Error ? err.message : String(err);
    void vscode.window.showErrorMessage(
      `chatlint: could not start \`${command} lsp\` (${message}). Install chatlint ` +
        "(`cargo install --path .` in its repository) or set `chatlint.serverPath`.",
    );
  }
}

async function stop(): Promise<void> {
  const running = client;
  client = undefined;
  if (running) {
    await running.stop();
  }
}

async function restart(): Promise<void> {
  await stop();
  await start();
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  context.subscriptions.push(
    vscode.commands.registerCommand("chatlint.restartServer", restart),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration("chatlint.serverPath")) {
        void restart();
      }
    }),
  );
  await start();
}

export function deactivate(): Promise<void> | undefined {
  return client ? stop() : undefined;
}
