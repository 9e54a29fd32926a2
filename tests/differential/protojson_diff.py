#!/usr/bin/env python3
"""Differential test: chatlint's parser-level verdicts against Google's ProtoJSON parser.

Google's side is `google.protobuf.json_format.Parse` with the descriptors of
google-apps-chat: each method's request message (SetUpSpaceRequest,
UpdateSpaceRequest, CreateMembershipRequest, UpdateMembershipRequest,
DeleteMembershipRequest, DeleteSpaceRequest, CompleteImportSpaceRequest)
and, for a method whose file may also be its bare REST body, that body's
message (Space for spaces.create and spaces.patch, Membership for the
members methods), told apart by the top-level keys as chatlint tells them.
chatlint's side is the binary, run once per method over a folder of
generated bodies with `--format json`.

    python protojson_diff.py --chatlint target/debug/chatlint

Exit codes: 0 no unexplained disagreement, 1 disagreements (the report says
which), 2 the harness itself could not run. See README.md beside this file.
"""

from __future__ import annotations

import argparse
import fnmatch
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
import tomllib
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, str(HERE))

# The oracle is json_format on protobuf's pure-Python backend, the reference
# implementation. The default upb backend runs the same json_format.py but its
# enum setter wraps numbers beyond 32 bits instead of rejecting them
# ({"spaceType": 4294967297} parses as SPACE; the Python backend and protobuf's
# C++ parsers say "Value out of range" / "invalid value"). Set
# PROTOCOL_BUFFERS_PYTHON_IMPLEMENTATION=upb to compare against upb instead.
os.environ.setdefault("PROTOCOL_BUFFERS_PYTHON_IMPLEMENTATION", "python")

try:
    from google.apps.chat_v1 import types as chat_types
    from google.protobuf import __version__ as protobuf_version
    from google.protobuf import json_format
    from google.protobuf.internal import api_implementation
except ImportError as e:  # pragma: no cover - the Rust test prints this
    print(
        f"protojson_diff: cannot import protobuf / google-apps-chat ({e}).\n"
        "Create the venv: python3 -m venv target/ci-tools/protojson-venv && "
        "target/ci-tools/protojson-venv/bin/pip install -r tests/differential/requirements.txt",
        file=sys.stderr,
    )
    sys.exit(2)

import jsontree  # noqa: E402
import mutations  # noqa: E402

# method -> (request message, bare body or None). spaces.create's file is its
# body, the Space; spaces.setup's body is its whole request message; the
# methods without an HTTP body have only the message.
FORMS = {
    "spaces.setup": (chat_types.SetUpSpaceRequest, None),
    "spaces.create": (chat_types.Space, None),
    "spaces.patch": (chat_types.UpdateSpaceRequest, chat_types.Space),
    "spaces.members.create": (chat_types.CreateMembershipRequest, chat_types.Membership),
    "spaces.members.patch": (chat_types.UpdateMembershipRequest, chat_types.Membership),
    "spaces.members.delete": (chat_types.DeleteMembershipRequest, None),
    "spaces.delete": (chat_types.DeleteSpaceRequest, None),
    "spaces.completeImport": (chat_types.CompleteImportSpaceRequest, None),
}
METHODS = {method: message for method, (message, _) in FORMS.items()}
SUFFIX = {
    "spaces.setup": "setup",
    "spaces.create": "create",
    "spaces.patch": "patch",
    "spaces.members.create": "member",
    "spaces.members.patch": "role",
    "spaces.members.delete": "remove",
    "spaces.delete": "delete",
    "spaces.completeImport": "complete-import",
}


def message_class(method: str, data: bytes):
    """The message a file of `method` is, as chatlint tells it: the request
    message when a top-level key (in either spelling) is a field only the
    message has, else the bare body."""
    message, body = FORMS[method]
    if body is None:
        return message
    try:
        top = json.loads(data)
    except (ValueError, UnicodeDecodeError):
        return message
    if not isinstance(top, dict):
        return message

    def names(cls):
        fields = cls.pb().DESCRIPTOR.fields
        return {f.name for f in fields} | {f.json_name for f in fields}

    only_message = names(message) - names(body)
    return message if any(k in only_message for k in top) else body

# Rules that judge what a ProtoJSON parser sees (constraints.md §1). A body is
# "rejected" by chatlint when one of them fires at severity error; the ones
# that are warnings or hints by default (duplicate-field, quoted-bool,
# unknown-enum-number, enum-as-number, snake-case-field, null-value) then mean
# "accepted, but worth a look". Semantic rules (display-name-required, ...)
# are not part of this comparison.
PARSER_RULES = {
    "invalid-json",
    "unknown-field",
    "wrong-type",
    "invalid-enum-value",
    "invalid-timestamp",
    "null-in-array",
    "oneof-conflict",
    "duplicate-field",
    "quoted-bool",
    "unknown-enum-number",
    "enum-as-number",
    "snake-case-field",
    "null-value",
}

MINIMAL_SEEDS = [
    ("minimal:setup", "spaces.setup", '{\n  "space": {\n    "spaceType": "SPACE",\n    "displayName": "x"\n  }\n}\n'),
    (
        "minimal:setup-members",
        "spaces.setup",
        "{\n"
        '  "space": {"spaceType": "SPACE", "displayName": "x"},\n'
        '  "memberships": [{"member": {"name": "users/1", "type": "HUMAN"}}]\n'
        "}\n",
    ),
    ("minimal:create", "spaces.create", '{\n  "spaceType": "SPACE",\n  "displayName": "x"\n}\n'),
    (
        "minimal:role",
        "spaces.members.patch",
        '{\n  "membership": {"name": "spaces/A/members/1", "role": "ROLE_MANAGER"},\n  "updateMask": "role"\n}\n',
    ),
    ("minimal:remove", "spaces.members.delete", '{\n  "name": "spaces/A/members/1",\n  "useAdminAccess": true\n}\n'),
    ("minimal:delete", "spaces.delete", '{\n  "name": "spaces/A",\n  "useAdminAccess": false\n}\n'),
    ("minimal:complete-import", "spaces.completeImport", '{\n  "name": "spaces/A"\n}\n'),
]


@dataclass
class Body:
    id: int
    kind: str
    method: str
    seed: str
    text: str
    google: str = ""  # "accept" | "reject"
    google_msg: str = ""
    chatlint: str = ""
    findings: list = field(default_factory=list)
    lc: str = ""  # protobuf 3.21 C++ verdict, with --lc-probe
    lc_msg: str = ""

    @property
    def data(self) -> bytes:
        return self.text.encode("utf-8", "surrogateescape")


# ------------------------------------------------------------------ seeds


def load_seeds(repo: Path):
    seeds = list(MINIMAL_SEEDS)
    for sub in ("valid", "invalid"):
        for p in sorted((repo / "examples" / sub).glob("*.json")):
            method = next((m for m, suffix in SUFFIX.items() if p.name.endswith(f".{suffix}.json")), None)
            if method is None:
                continue
            seeds.append((f"examples/{sub}/{p.name}", method, p.read_text(encoding="utf-8")))
    for p in sorted((repo / "rules").glob("*.toml")):
        doc = tomllib.loads(p.read_text(encoding="utf-8"))
        for i, ex in enumerate(doc.get("examples", [])):
            method = ex.get("method")
            if method in METHODS and isinstance(ex.get("body"), str):
                seeds.append((f"rules/{p.name}#{i}", method, ex["body"]))
    return seeds


# ------------------------------------------------------------- generation


def generate(seeds, per_kind: int, rng_seed: int):
    """Seeds as they are, then up to per_kind mutated bodies of every kind."""
    bodies: list[Body] = []
    seen = set()

    def add(kind, method, seed, text):
        key = (method, text)
        if key in seen:
            return
        seen.add(key)
        bodies.append(Body(len(bodies), kind, method, seed, text))

    for name, method, text in seeds:
        add("seed", method, name, text)

    buckets = defaultdict(list)  # kind -> [(priority, seed, method, thunk)]
    for name, method, text in seeds:
        # Mutate only seeds Google accepts, so that each mutated body differs from
        # an accepted one by exactly the change its kind names.
        if google_verdict(method, text.encode("utf-8"))[0] != "accept":
            continue
        tree = jsontree.loads(text)
        desc = message_class(method, text.encode("utf-8", "surrogateescape")).pb().DESCRIPTOR
        prio = 0 if name.startswith("minimal:") else 1
        for kind, thunk in mutations.mutate(tree, desc, method):
            buckets[kind].append((prio, name, method, thunk))

    rng = random.Random(rng_seed)
    for kind in sorted(buckets):
        items = buckets[kind]
        minimal = [x for x in items if x[0] == 0][: max(1, per_kind // 4)]
        rest = [x for x in items if x[0] != 0]
        take = min(len(rest), max(0, per_kind - len(minimal)))
        chosen = minimal + rng.sample(rest, take)
        for _, name, method, thunk in chosen:
            add(kind, method, name, thunk())
    return bodies


# ----------------------------------------------------------------- oracle


def google_verdict(method: str, data: bytes):
    cls = message_class(method, data).pb()
    try:
        json_format.Parse(data, cls())
        return "accept", ""
    except Exception as e:  # ParseError, and UnicodeDecodeError for bytes that are not UTF-8
        msg = str(e) if isinstance(e, json_format.ParseError) else f"{type(e).__name__}: {e}"
        return "reject", " ".join(msg.split())


# --------------------------------------------------------------- chatlint


def run_chatlint(binary: str, folder: Path, method: str, config: Path, fix: bool = False):
    cmd = [binary, "check", str(folder), "--method", method, "--format", "json", "--config", str(config), "--fail-on", "never"]
    if fix:
        cmd.append("--fix")
    proc = subprocess.run(cmd, capture_output=True, timeout=600)
    if proc.returncode not in (0, 1):
        raise HarnessError(
            f"`{' '.join(cmd)}` exited {proc.returncode}\n{proc.stderr.decode(errors='replace')[-3000:]}"
        )
    try:
        report = json.loads(proc.stdout)
    except ValueError as e:
        raise HarnessError(f"chatlint printed no JSON report ({e}): {proc.stdout[:500]!r}") from e
    out = {}
    for f in report["files"]:
        if f.get("error"):
            raise HarnessError(f"chatlint could not check {f['path']}: {f['error']}")
        out[Path(f["path"]).name] = f["diagnostics"]
    return out


def chatlint_verdict(diags):
    for d in diags:
        if d["rule"] in PARSER_RULES and d["severity"] == "error":
            return "reject"
    return "accept"


def write_descriptor_set(path: Path):
    """The Chat types and their imports as a FileDescriptorSet, for the C++ probe."""
    from google.protobuf import descriptor_pb2

    out = descriptor_pb2.FileDescriptorSet()
    seen = set()

    def add(fd):
        if fd.name in seen:
            return
        for dep in fd.dependencies:
            add(dep)
        seen.add(fd.name)
        proto = descriptor_pb2.FileDescriptorProto()
        fd.CopyToProto(proto)
        out.file.append(proto)

    for forms in FORMS.values():
        for cls in filter(None, forms):
            add(cls.pb().DESCRIPTOR.file)
    path.write_bytes(out.SerializeToString())


def judge_with_lc(probe, bodies, work: Path):
    """Evidence only: protobuf 3.21's C++ JsonStringToMessage on the same files (lc_probe/)."""
    desc = work / "chat.desc"
    write_descriptor_set(desc)
    for method, cls in [(m, c) for m, forms in FORMS.items() for c in forms if c is not None]:
        mine = {
            str(work / SUFFIX[method] / file_name(b)): b
            for b in bodies
            if b.method == method and message_class(method, b.data) is cls
        }
        if not mine:
            continue
        proc = subprocess.run(
            [probe, str(desc), cls.pb().DESCRIPTOR.full_name],
            input="\n".join(mine).encode(),
            capture_output=True,
            timeout=600,
        )
        if proc.returncode != 0:
            raise HarnessError(f"lc probe failed: {proc.stderr.decode(errors='replace')[-2000:]}")
        for line in proc.stdout.decode("utf-8", "replace").splitlines():
            path, verdict, msg = line.split("\t", 2)
            b = mine[path]
            b.lc = "accept" if verdict == "OK" else "reject"
            b.lc_msg = "" if verdict == "OK" else msg


class HarnessError(Exception):
    pass


def file_name(b: Body) -> str:
    return f"{b.id:05d}.{SUFFIX[b.method]}.json"


def judge_with_chatlint(binary, bodies, work: Path, config: Path):
    for method in METHODS:
        folder = work / SUFFIX[method]
        folder.mkdir(parents=True, exist_ok=True)
        mine = [b for b in bodies if b.method == method]
        for b in mine:
            (folder / file_name(b)).write_bytes(b.data)
        results = run_chatlint(binary, folder, method, config)
        for b in mine:
            name = file_name(b)
            if name not in results:
                raise HarnessError(f"chatlint did not report {name} (kind {b.kind})")
            b.findings = results[name]
            b.chatlint = chatlint_verdict(b.findings)


def has_duplicate_key(data: bytes) -> bool:
    """True when some object of a JSON text repeats a key exactly."""
    found = False

    def hook(pairs):
        nonlocal found
        keys = [k for k, _ in pairs]
        if len(keys) != len(set(keys)):
            found = True
        return dict(pairs)

    try:
        json.loads(data.decode("utf-8"), object_pairs_hook=hook)
    except ValueError:
        return False
    return found


def fix_round_trip(binary, bodies, work: Path, config: Path, python_only):
    """Run `chatlint check --fix` (safe fixes) on every body that has a safe fix.

    Two checks on each body the fixes changed:
    - a body Google accepts must still be accepted (skipping those only Python
      accepts, by a documented leniency: chatlint rightly rejects them);
    - a fix must not create an exact duplicate key the body did not have.
    """
    failures = []
    for method in METHODS:
        folder = work / ("fix-" + SUFFIX[method])
        folder.mkdir(parents=True, exist_ok=True)
        mine = [
            b
            for b in bodies
            if b.method == method
            and any(fx["applicability"] == "safe" for d in b.findings for fx in d.get("fixes", []))
        ]
        for b in mine:
            (folder / file_name(b)).write_bytes(b.data)
        if not mine:
            continue
        run_chatlint(binary, folder, method, config, fix=True)
        for b in mine:
            fixed = (folder / file_name(b)).read_bytes()
            if fixed == b.data:
                continue
            verdict, msg = google_verdict(method, fixed)
            if b.google == "accept" and b.id not in python_only and verdict != "accept":
                failures.append(("Google accepted the body, but not after the fixes", b, fixed, msg))
            elif has_duplicate_key(fixed) and not has_duplicate_key(b.data):
                failures.append(("the fixes created a duplicate key", b, fixed, msg))
    return failures


# -------------------------------------------------------------- leniencies


def load_leniencies(path: Path):
    doc = tomllib.loads(path.read_text(encoding="utf-8"))
    entries = doc.get("leniency", [])
    for e in entries:
        for key in ("id", "kinds", "accepted_by", "reason"):
            if key not in e:
                raise HarnessError(f"{path.name}: an entry lacks `{key}`: {e}")
        if e["accepted_by"] not in ("python", "chatlint"):
            raise HarnessError(f"{path.name}: {e['id']}: accepted_by must be python or chatlint")
        e["_used"] = 0
    return entries


def explain(b: Body, leniencies):
    accepted_by = "python" if b.google == "accept" else "chatlint"
    for e in leniencies:
        if e["accepted_by"] != accepted_by:
            continue
        if "methods" in e and b.method not in e["methods"]:
            continue
        if not any(fnmatch.fnmatchcase(b.kind, k) for k in e["kinds"]):
            continue
        if "python_message" in e and not re.search(e["python_message"], b.google_msg):
            continue
        if "chatlint_message" in e:
            rejecting = [d for d in b.findings if d["rule"] in PARSER_RULES and d["severity"] == "error"]
            if not rejecting or not all(re.search(e["chatlint_message"], d["message"]) for d in rejecting):
                continue
        e["_used"] += 1
        return e
    return None


# ------------------------------------------------------------------ report


def show_findings(diags, only_parser=False):
    lines = []
    for d in diags:
        if only_parser and d["rule"] not in PARSER_RULES:
            continue
        mark = "*" if d["rule"] in PARSER_RULES else " "
        lines.append(f"      {mark} {d['rule']} ({d['severity']}) at {d['pointer'] or '/'}: {d['message']}")
    return lines or ["      (no findings)"]


def indent(text, pad="      | "):
    shown = text if len(text) <= 1500 else text[:1500] + "\n...(cut)"
    return "\n".join(pad + line for line in shown.splitlines() or [""])


def describe(b: Body):
    return "\n".join(
        [
            f"    method:   {b.method}   (seed {b.seed}; {b.kind})",
            f"    Google:   {b.google}" + (f" -- {b.google_msg}" if b.google_msg else ""),
            *([f"    C++ 3.21: {b.lc}" + (f" -- {b.lc_msg}" if b.lc_msg else "")] if b.lc else []),
            f"    chatlint: {b.chatlint}; findings (* = parser-level):",
            *show_findings(b.findings),
            "    body:",
            indent(b.text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")),
        ]
    )


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--chatlint", required=True, help="path of the chatlint binary")
    ap.add_argument("--repo", default=str(HERE.parent.parent), help="the chatlint checkout (seeds come from it)")
    ap.add_argument("--per-kind", type=int, default=16, help="bodies per mutation kind (default 16)")
    ap.add_argument("--seed", type=int, default=20261112, help="RNG seed of the sampling")
    ap.add_argument("--leniencies", default=str(HERE / "leniencies.toml"))
    ap.add_argument("--report-json", help="also write every body and both verdicts here")
    ap.add_argument("--keep", help="write the generated bodies into this folder (kept)")
    ap.add_argument("--lc-probe", help="also show protobuf 3.21's C++ verdict (evidence; see lc_probe/build.sh)")
    args = ap.parse_args(argv)

    t0 = time.monotonic()
    repo = Path(args.repo)
    if not os.access(args.chatlint, os.X_OK):
        raise HarnessError(f"chatlint binary not found or not executable: {args.chatlint}")
    leniencies = load_leniencies(Path(args.leniencies))
    seeds = load_seeds(repo)
    bodies = generate(seeds, args.per_kind, args.seed)
    kinds = {b.kind for b in bodies}
    print(
        f"protojson_diff: protobuf {protobuf_version} ({api_implementation.Type()} backend), "
        f"{len(seeds)} seeds, {len(bodies)} bodies of {len(kinds)} kinds"
    )

    for b in bodies:
        b.google, b.google_msg = google_verdict(b.method, b.data)

    tmp = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="chatlint-protojson-"))
    if args.keep and tmp.exists():
        shutil.rmtree(tmp)
    tmp.mkdir(parents=True, exist_ok=True)
    try:
        config = tmp / "chatlint.toml"
        config.write_text("# empty: default severities\n")
        judge_with_chatlint(args.chatlint, bodies, tmp, config)
        if args.lc_probe:
            judge_with_lc(args.lc_probe, bodies, tmp)

        # group disagreements
        unexplained = defaultdict(list)
        explained = defaultdict(list)
        agree = 0
        for b in bodies:
            if b.google == b.chatlint:
                agree += 1
                continue
            e = explain(b, leniencies)
            side = "Google accepts, chatlint rejects" if b.google == "accept" else "Google rejects, chatlint accepts"
            key = (b.kind, side)
            (explained if e else unexplained)[key].append((b, e))
        python_only = {b.id for items in explained.values() for b, e in items if e["accepted_by"] == "python"}
        fix_failures = fix_round_trip(args.chatlint, bodies, tmp, config, python_only)
    finally:
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)

    n_unexpl = sum(len(v) for v in unexplained.values())
    n_expl = sum(len(v) for v in explained.values())
    print(f"agree: {agree}; documented leniencies: {n_expl} bodies in {len(explained)} groups; "
          f"UNEXPLAINED: {n_unexpl} bodies in {len(unexplained)} groups; fix round-trip failures: {len(fix_failures)}")

    if unexplained:
        print("\n=== Unexplained disagreements (each group: mutation kind, direction, count, the shortest body) ===")
        for (kind, side), items in sorted(unexplained.items()):
            items.sort(key=lambda x: (len(x[0].text), x[0].id))
            b = items[0][0]
            methods = sorted({x[0].method for x in items})
            print(f"\n--- [{kind}] {side}: {len(items)} bodies ({', '.join(methods)})")
            print(describe(b))

    if fix_failures:
        print("\n=== Fix round-trip: `chatlint check --fix` (safe fixes only) broke a body ===")
        groups = defaultdict(list)
        for what, b, fixed, msg in fix_failures:
            groups[(what, b.kind)].append((b, fixed, msg))
        for (what, kind), items in sorted(groups.items()):
            items.sort(key=lambda x: (len(x[0].text), x[0].id))
            b, fixed, msg = items[0]
            fixes = sorted(
                {f"{d['rule']}: {fx['title']}" for d in b.findings for fx in d.get("fixes", []) if fx["applicability"] == "safe"}
            )
            print(f"\n--- [fix.round-trip after {kind}] {what}: {len(items)} bodies ({b.method})")
            print(f"    body before (Google: {b.google}" + (f" -- {b.google_msg}" if b.google_msg else "") + "):")
            print(indent(b.text))
            print("    safe fixes offered: " + "; ".join(fixes))
            print("    body after --fix:")
            print(indent(fixed.decode("utf-8", "backslashreplace")))
            print(f"    Google after the fix: {'reject -- ' + msg if msg else 'accept'}")

    if explained:
        print("\n=== Documented leniencies seen (leniencies.toml) ===")
        per_entry = defaultdict(lambda: [0, set()])
        for (kind, side), items in explained.items():
            for b, e in items:
                per_entry[e["id"]][0] += 1
                per_entry[e["id"]][1].add(kind)
        lc_side = defaultdict(lambda: [0, 0])  # entry -> [LC agrees with chatlint, with Python]
        for (kind, side), items in explained.items():
            for b, e in items:
                if b.lc:
                    lc_side[e["id"]][0 if b.lc == b.chatlint else 1] += 1
        for eid, (count, ks) in sorted(per_entry.items()):
            lc = ""
            if eid in lc_side:
                lc = f"; C++ 3.21 sides with chatlint on {lc_side[eid][0]}, with Python on {lc_side[eid][1]}"
            print(f"  {eid}: {count} bodies ({', '.join(sorted(ks))}){lc}")
    unused = [e["id"] for e in leniencies if not e["_used"]]
    if unused:
        print("\nnote: leniencies not needed by this run (chatlint agrees with Google there now): " + ", ".join(unused))

    if args.report_json:
        Path(args.report_json).write_text(
            json.dumps(
                [
                    {
                        "id": b.id,
                        "kind": b.kind,
                        "method": b.method,
                        "seed": b.seed,
                        "text": b.text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace"),
                        "google": b.google,
                        "google_message": b.google_msg,
                        "chatlint": b.chatlint,
                        "lc": b.lc,
                        "lc_message": b.lc_msg,
                        "findings": [
                            {k: d[k] for k in ("rule", "severity", "pointer", "message")} for d in b.findings
                        ],
                    }
                    for b in bodies
                ],
                indent=1,
                ensure_ascii=False,
            )
        )
    print(f"\nprotojson_diff: {time.monotonic() - t0:.1f}s")
    if unexplained or fix_failures:
        print(
            "\nFAILED: chatlint's parser-level verdict differs from Google's ProtoJSON parser outside the documented "
            "leniencies (tests/differential/leniencies.toml). Fix the engine, or, only with a documented reason "
            "that Google's front end differs from the Python parser, add a leniency."
        )
        return 1
    print("OK: no disagreement outside the documented leniencies")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except HarnessError as e:
        print(f"protojson_diff: {e}", file=sys.stderr)
        sys.exit(2)
