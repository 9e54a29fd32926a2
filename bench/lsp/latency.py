#!/usr/bin/env python3
"""Latency of `chatlint lsp`: from a didChange to its publishDiagnostics.

    python3 bench/lsp/latency.py [--bin target/release/chatlint] [--big FILE] [--runs N] [--big-runs N] [--json OUT]

Starts the server over stdio (as an editor does), opens two documents and
edits each one many times, one keystroke-sized incremental change at a time,
waiting for the diagnostics of each version before the next edit:

- typical: examples/invalid/typos.setup.json (a 12-line request with findings);
- 1 MB: the request `bench/gen_corpus.py --big` writes (1 MiB, thousands of
  memberships; it has findings too): FILE when `--big` names it (bench/run.sh
  passes bench/corpus/big/big.setup.json), else generated into a temporary
  folder.

Each sample is the wall-clock time from writing the didChange frame to reading
the publishDiagnostics of that version. It includes the pipe round trip and
this client's own framing, so the script also times a `chatlint/ping` request
(which the server answers at once with "method not found") and reports
`server work ≈ latency − ping`. Edits alternate a character inside a string
value, so the findings stay the same and every change is linted in full.

Stdlib only; needs a built binary (default target/release/chatlint; the
script runs `cargo build --release` when it is missing).
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


class Server:
    def __init__(self, binary):
        self.p = subprocess.Popen([binary, "lsp"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, bufsize=0)
        self.next_id = 0

    def send(self, msg):
        body = json.dumps(msg).encode()
        self.p.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.p.stdin.flush()

    def read(self):
        headers = b""
        while not headers.endswith(b"\r\n\r\n"):
            c = self.p.stdout.read(1)
            if not c:
                raise SystemExit("the server closed its output")
            headers += c
        length = int(headers.split(b"Content-Length:")[1].split(b"\r\n")[0])
        body = b""
        while len(body) < length:
            body += self.p.stdout.read(length - len(body))
        return json.loads(body)

    def request(self, method, params):
        self.next_id += 1
        self.send({"jsonrpc": "2.0", "id": self.next_id, "method": method, "params": params})
        while True:
            m = self.read()
            if m.get("id") == self.next_id and "method" not in m:
                return m

    def notify(self, method, params):
        self.send({"jsonrpc": "2.0", "method": method, "params": params})

    def wait_diagnostics(self, uri, version):
        while True:
            m = self.read()
            if m.get("method") == "textDocument/publishDiagnostics":
                p = m["params"]
                if p["uri"] == uri and p.get("version") == version:
                    return p["diagnostics"]

    def stop(self):
        self.request("shutdown", None)
        self.notify("exit", None)
        self.p.wait(10)


def utf16_position(text, offset):
    before = text[:offset]
    line = before.count("\n")
    col_text = before[before.rfind("\n") + 1 :]
    return line, len(col_text.encode("utf-16-le")) // 2


def measure(server, uri, text, anchor, runs):
    """Times `runs` edits that toggle the character just before `anchor`."""
    server.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "json", "version": 1, "text": text}})
    findings = len(server.wait_diagnostics(uri, 1))
    at = text.index(anchor)
    line, col = utf16_position(text, at)
    samples = []
    for i in range(runs):
        version = i + 2
        change = {"range": {"start": {"line": line, "character": col - 1}, "end": {"line": line, "character": col}},
                  "text": "ab"[i % 2]}
        t0 = time.perf_counter()
        server.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": version}, "contentChanges": [change]})
        server.wait_diagnostics(uri, version)
        samples.append(time.perf_counter() - t0)
    server.notify("textDocument/didClose", {"textDocument": {"uri": uri}})
    return findings, samples


def ping(server, runs):
    samples = []
    for _ in range(runs):
        t0 = time.perf_counter()
        server.request("chatlint/ping", {})
        samples.append(time.perf_counter() - t0)
    return samples


def summary(samples):
    s = sorted(samples)
    return {
        "runs": len(s),
        "min_ms": s[0] * 1e3,
        "median_ms": statistics.median(s) * 1e3,
        "p95_ms": s[min(len(s) - 1, int(len(s) * 0.95))] * 1e3,
        "max_ms": s[-1] * 1e3,
    }


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default=os.path.join(ROOT, "target", "release", "chatlint"))
    ap.add_argument("--big", help="the 1 MB request (default: generate it with bench/gen_corpus.py --big)")
    ap.add_argument("--runs", type=int, default=300)
    ap.add_argument("--big-runs", type=int, default=40)
    ap.add_argument("--json", help="also write the results here")
    args = ap.parse_args()
    if not os.path.exists(args.bin):
        subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=ROOT, check=True)

    typical = open(os.path.join(ROOT, "examples", "invalid", "typos.setup.json"), encoding="utf-8").read()
    if args.big:
        big = open(args.big, encoding="utf-8").read()
    else:
        with tempfile.TemporaryDirectory() as tmp:
            big_path = os.path.join(tmp, "big.setup.json")
            subprocess.run([sys.executable, os.path.join(ROOT, "bench", "gen_corpus.py"), big_path, "--big"],
                           check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            big = open(big_path, encoding="utf-8").read()

    server = Server(args.bin)
    server.request("initialize", {"processId": None, "rootUri": None, "capabilities": {}})
    server.notify("initialized", {})
    ping(server, 50)  # warm-up
    results = {"ping": summary(ping(server, args.runs))}
    # Toggle the character before the closing quote of the first string value
    # (`requestId`), which keeps every finding as it is.
    for name, text, runs in (("typical", typical, args.runs), ("1 MB", big, args.big_runs)):
        anchor = text.index('"', text.index(":") + 3)  # the closing quote of the first value
        findings, samples = measure(server, f"file:///bench/{name.replace(' ', '')}.setup.json", text,
                                    text[anchor:anchor + 8], runs)
        results[name] = summary(samples) | {"bytes": len(text.encode()), "findings": findings}
    server.stop()

    ping_ms = results["ping"]["median_ms"]
    print(f"chatlint lsp latency, didChange → publishDiagnostics ({args.bin})")
    print(f"{'document':<10} {'bytes':>9} {'findings':>8} {'median':>9} {'p95':>9} {'min':>9} {'server work (median − ping)':>28}")
    for name in ("typical", "1 MB"):
        r = results[name]
        work = r["median_ms"] - ping_ms
        print(f"{name:<10} {r['bytes']:>9} {r['findings']:>8} {r['median_ms']:>7.3f}ms {r['p95_ms']:>7.3f}ms "
              f"{r['min_ms']:>7.3f}ms {work:>26.3f}ms")
    print(f"{'ping':<10} {'':>9} {'':>8} {ping_ms:>7.3f}ms {results['ping']['p95_ms']:>7.3f}ms "
          f"{results['ping']['min_ms']:>7.3f}ms")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=2)


if __name__ == "__main__":
    main()
