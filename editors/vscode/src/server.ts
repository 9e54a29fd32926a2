// Which `chatlint` binary runs the language server, and whether it can run.
// No `vscode` import: plain Node, so it can be tested on its own.
//
// Order: the `chatlint.serverPath` setting; the binary bundled in the
// platform-specific package (bundled/chatlint); `chatlint` on PATH. In an
// untrusted workspace only the bundled binary is used: a workspace's settings
// or PATH must not choose a program to run before the user trusts it.

import * as cp from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

const WINDOWS = process.platform === "win32";
export const EXE = WINDOWS ? "chatlint.exe" : "chatlint";
const INSTALL = "`pipx install chatlint-cli` (or `cargo install --path .` in chatlint's repository)";

/** A binary to run, where it came from (shown to the user) and what to do if it fails. */
export interface Server {
  command: string;
  origin: string;
  remedy: string;
}

/** Why no server can run, in a sentence that says which binary, why, and what to do. */
export interface ServerProblem {
  message: string;
}

export type Found = { server: Server } | { problem: ServerProblem };

export interface Where {
  /** The `chatlint.serverPath` setting ("" when unset). */
  setting: string;
  /** `vscode.workspace.isTrusted`. */
  trusted: boolean;
  /** The extension's folder (holds bundled/ in a platform-specific package). */
  extensionPath: string;
  /** The first workspace folder: a relative `chatlint.serverPath` is relative to it. */
  workspaceFolder?: string;
  /** PATH to search (default: process.env.PATH). */
  pathEnv?: string;
}

export function bundledPath(extensionPath: string): string {
  return path.join(extensionPath, "bundled", EXE);
}

function isFile(p: string): boolean {
  try {
    return fs.statSync(p).isFile();
  } catch {
    return false;
  }
}

function isExecutableFile(p: string): boolean {
  if (!isFile(p)) return false;
  if (WINDOWS) return true;
  try {
    fs.accessSync(p, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The first executable `name` in the folders of `pathEnv`, as a shell would find it. */
export function onPath(name: string, pathEnv: string = process.env.PATH ?? ""): string | undefined {
  const exts = WINDOWS && !path.extname(name) ? (process.env.PATHEXT ?? ".EXE;.CMD;.BAT").split(";") : [""];
  for (const dir of pathEnv.split(path.delimiter)) {
    if (!dir) continue;
    for (const ext of exts) {
      const candidate = path.join(dir, name + ext);
      if (isExecutableFile(candidate)) return candidate;
    }
  }
  return undefined;
}

function expand(setting: string, workspaceFolder?: string): string {
  let p = setting;
  if (p === "~" || p.startsWith("~/")) p = path.join(os.homedir(), p.slice(1));
  if (workspaceFolder) p = p.replace(/\$\{workspaceFolder\}/g, workspaceFolder);
  if (p.includes("/") || p.includes(path.sep)) {
    return path.isAbsolute(p) || !workspaceFolder ? path.resolve(p) : path.resolve(workspaceFolder, p);
  }
  return p; // a bare name: looked up on PATH
}

export function findServer(w: Where): Found {
  const bundled = bundledPath(w.extensionPath);
  const hasBundled = isFile(bundled);
  const reinstall = "Reinstall the extension (its package for your platform bundles chatlint), or set `chatlint.serverPath` to a working chatlint.";

  if (!w.trusted) {
    if (hasBundled) {
      return { server: { command: bundled, origin: "bundled with the extension; in an untrusted workspace no other binary is used", remedy: reinstall } };
    }
    return {
      problem: {
        message:
          "this workspace is not trusted, and in an untrusted workspace chatlint runs only the binary bundled with the extension, " +
          "which this package of the extension does not have (it is the universal package). " +
          "Trust the workspace to use `chatlint.serverPath` or `chatlint` on PATH, or install the extension's package for your platform.",
      },
    };
  }

  const setting = w.setting.trim();
  if (setting) {
    const remedy = "Correct `chatlint.serverPath`, or clear it to use the binary bundled with the extension (or `chatlint` on PATH).";
    const expanded = expand(setting, w.workspaceFolder);
    if (!expanded.includes("/") && !expanded.includes(path.sep)) {
      const found = onPath(expanded, w.pathEnv);
      if (!found) {
        return { problem: { message: `\`${setting}\`, the \`chatlint.serverPath\` setting, is not on PATH. ${remedy}` } };
      }
      return { server: { command: found, origin: "the `chatlint.serverPath` setting, found on PATH", remedy } };
    }
    return { server: { command: expanded, origin: "the `chatlint.serverPath` setting", remedy } };
  }

  if (hasBundled) {
    return { server: { command: bundled, origin: "bundled with the extension", remedy: reinstall } };
  }
  const found = onPath(EXE, w.pathEnv);
  if (found) {
    return {
      server: {
        command: found,
        origin: "found on PATH",
        remedy: `Reinstall chatlint with ${INSTALL}, or set \`chatlint.serverPath\` to a working chatlint.`,
      },
    };
  }
  return {
    problem: {
      message:
        "no chatlint binary to run: this package of the extension bundles none (it is the universal package), " +
        "`chatlint.serverPath` is not set, and `chatlint` is not on PATH. " +
        `Install chatlint with ${INSTALL} and run "chatlint: Restart the language server", ` +
        "or set `chatlint.serverPath` to the binary, or install the extension's package for your platform, which bundles it.",
    },
  };
}

export function describeExit(code: number | null, signal: NodeJS.Signals | string | null): string {
  if (code !== null) return `exit code ${code}`;
  if (signal) return `killed by ${signal}`;
  return "no exit status";
}

/** The last lines of a process's standard error, short enough for a notification. */
export function tail(stderr: string, lines = 3, chars = 400): string {
  const kept = stderr
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean)
    .slice(-lines)
    .join(" / ");
  return kept.length > chars ? `…${kept.slice(-chars)}` : kept;
}

/**
 * Checks that `server` exists, is executable and answers `--version` like
 * chatlint does (PyPI has an unrelated program called chatlint). Returns its
 * version line, or the problem in a sentence.
 */
export function preflight(server: Server, timeoutMs = 10_000): Promise<{ version?: string; problem?: ServerProblem }> {
  const { command, origin, remedy } = server;
  const problem = (why: string) => ({ problem: { message: `cannot start the language server \`${command}\` (${origin}): ${why}. ${remedy}` } });
  let st: fs.Stats;
  try {
    st = fs.statSync(command);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? "error";
    return Promise.resolve(problem(code === "ENOENT" ? "no such file (ENOENT)" : `cannot read it (${code})`));
  }
  if (!st.isFile()) return Promise.resolve(problem("it is not a file"));
  if (!WINDOWS) {
    try {
      fs.accessSync(command, fs.constants.X_OK);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code ?? "error";
      return Promise.resolve(problem(`it is not executable (${code}; \`chmod +x ${command}\` fixes that)`));
    }
  }
  return new Promise((resolve) => {
    cp.execFile(command, ["--version"], { timeout: timeoutMs, encoding: "utf8", windowsHide: true }, (err, stdout, stderr) => {
      if (err) {
        const e = err as cp.ExecFileException;
        if (typeof e.code === "string") {
          resolve(problem(`it cannot be executed (${e.code}: ${e.message.replace(/^spawn \S+ /, "")})`));
        } else if (e.killed) {
          resolve(problem(`\`${path.basename(command)} --version\` did not answer within ${timeoutMs / 1000} s`));
        } else {
          const why = tail(stderr);
          resolve(problem(`\`--version\` exited at once (${describeExit(typeof e.code === "number" ? e.code : null, e.signal ?? null)})${why ? `: ${why}` : ""}`));
        }
        return;
      }
      const version = stdout.trim().split(/\r?\n/)[0] ?? "";
      if (!/^chatlint \d+\.\d+/.test(version)) {
        resolve(problem(`it is not chatlint's language server: \`--version\` printed ${JSON.stringify(version.slice(0, 80))}`));
        return;
      }
      resolve({ version });
    });
  });
}
