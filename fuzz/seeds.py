#!/usr/bin/env python3
"""Writes the seed corpus of every fuzz target into fuzz/corpus/<target>/.

The seeds are the requests the repository already has: the body of every
`[[examples]]` of `rules/*.toml` and every `examples/**/*.json`. Each target
gets them in its own input format (fuzz/README.md). Seeds are named by
their content's hash, so running this again adds nothing twice. The corpus
is not committed (.gitignore): libFuzzer grows it as it runs.

Usage: python3 fuzz/seeds.py [CORPUS_DIR]   (default: fuzz/corpus)
"""

import hashlib
import json
import pathlib
import sys
import tomllib

ROOT = pathlib.Path(__file__).resolve().parent.parent
# Method::all()'s order (crates/engine/src/method.rs).
METHODS = ["spaces.setup", "spaces.create", "spaces.patch", "spaces.members.create"]
SUFFIXES = {".setup.json": 0, ".create.json": 1, ".patch.json": 2, ".member.json": 3}


def requests():
    """(method index, text) of every example request in the repository."""
    for path in sorted((ROOT / "rules").glob("*.toml")):
        doc = tomllib.loads(path.read_text(encoding="utf-8"))
        for example in doc.get("examples", []):
            if "body" in example:
                method = example.get("method", METHODS[0])
                yield METHODS.index(method) if method in METHODS else 0, example["body"]
    for path in sorted((ROOT / "examples").rglob("*.json")):
        method = next((i for s, i in SUFFIXES.items() if path.name.endswith(s)), 0)
        yield method, path.read_text(encoding="utf-8")


def editor(method, text):
    """The editor target's inputs: a header byte (method, encoding, snippets,
    Markdown) and a cursor (u32 LE), then the text; cursors inside the first
    key, at a value and in the middle."""
    data = text.encode()
    cursors = {data.find(b'"') + 2, data.find(b": ") + 3, len(data) // 2}
    for n, cursor in enumerate(sorted(cursors)):
        flags = [0x00, 0xE0, 0x40][n % 3]
        yield bytes([method | flags]) + max(cursor, 0).to_bytes(4, "little") + data


def frame(body, length=None):
    return b"Content-Length: %d\r\n\r\n" % (len(body) if length is None else length) + body


def transport(n, text):
    """The transport target's inputs: two bytes that seed how the stream is
    cut, then a client's bytes: a didOpen of the text, framed rightly and
    wrongly."""
    body = json.dumps(
        {
            "jsonrpc": "2.0",
            "method": "textDocument/didOpen",
            "params": {"textDocument": {"uri": "file:///a.setup.json", "languageId": "json", "version": 1, "text": text}},
        }
    ).encode()
    seed = n.to_bytes(2, "little")
    yield seed + frame(body)
    yield seed + frame(body, len(body) + 1) + frame(b'{"jsonrpc":"2.0","id":1,"result":null}')
    yield seed + frame(body, len(body) - 1) + b"Content-Type: application/vscode-jsonrpc\r\n" + frame(body)


def main():
    corpus = pathlib.Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "fuzz" / "corpus"
    seeds = {"engine": [], "fixes": [], "editor": [], "lsp_transport": []}
    for n, (method, text) in enumerate(requests()):
        seeds["engine"].append(text.encode())
        seeds["fixes"].append(text.encode())
        seeds["editor"].extend(editor(method, text))
        if n % 8 == 0:
            seeds["lsp_transport"].extend(transport(n, text))
    for target, inputs in seeds.items():
        folder = corpus / target
        folder.mkdir(parents=True, exist_ok=True)
        for data in inputs:
            (folder / ("seed-" + hashlib.sha1(data).hexdigest())).write_bytes(data)
        print(f"{target}: {len(set(inputs))} seeds in {folder}")


if __name__ == "__main__":
    main()
