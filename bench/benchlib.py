#!/usr/bin/env python3
"""Helpers for bench/run.sh (python3, stdlib only).

    benchlib.py time OUT.json NAME RUNS CMD [shell|none]
                                                time CMD without hyperfine (bash -c, or split
                                                into words and run directly with `none`)
    benchlib.py codes OUT.json OK...            fail unless every timed run exited with one of OK
    benchlib.py readbytes CMD                   bytes that CMD (bash -c) and its children read()
    benchlib.py check-output FILE N [FACTS KEY] sanity-check chatlint's --format json output
                                                (and append "KEY<tab>files with errors" to FACTS)
    benchlib.py maxrss FILE                     peak RSS in KiB from `/usr/bin/time -v` output
    benchlib.py table OUT_DIR                   print the results, write OUT_DIR/results.md

`time` is the fallback for machines without hyperfine: one warm-up run, then
RUNS timed runs (time.perf_counter around subprocess.run), written in the
shape of hyperfine's --export-json so that `table` reads both alike. The
table then quotes the best (minimum) of the runs; with hyperfine it quotes
the mean ± standard deviation.

`table` reads what run.sh left in OUT_DIR/raw/: env.tsv (key, value: the
machine, versions, notes), runs.tsv (one timed row a line) with each row's
hyperfine JSON, mem.tsv (peak memory), facts.tsv (counts from the sanity
runs) and lsp.json (bench/lsp/latency.py). It writes the block to paste
into README.md's Speed section, the goals of issue 13 with met / missed,
and the full tables.
"""

import json
import os
import re
import resource
import shlex
import statistics
import subprocess
import sys
import time


def cmd_time(out, name, runs, command, shell="shell"):
    runs = int(runs)
    argv = shlex.split(command) if shell == "none" else ["bash", "-c", command]
    quiet = dict(stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) if shell == "none" else dict(stdin=subprocess.DEVNULL)
    subprocess.run(argv, **quiet)  # warm-up
    times, codes, users, systems = [], [], [], []
    for _ in range(runs):
        r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.perf_counter()
        p = subprocess.run(argv, **quiet)
        times.append(time.perf_counter() - t0)
        r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
        users.append(r1.ru_utime - r0.ru_utime)
        systems.append(r1.ru_stime - r0.ru_stime)
        codes.append(p.returncode)
    result = {
        "command": name,
        "mean": statistics.mean(times),
        "stddev": statistics.stdev(times) if len(times) > 1 else 0.0,
        "median": statistics.median(times),
        "min": min(times),
        "max": max(times),
        "user": statistics.mean(users),
        "system": statistics.mean(systems),
        "times": times,
        "exit_codes": codes,
        "measured_with": f"python3 time.perf_counter, best of {runs}",
    }
    with open(out, "w") as f:
        json.dump({"results": [result]}, f, indent=2)
    print(f"  {name}: best {fmt_time(min(times))} of {runs} (mean {fmt_time(result['mean'])})")


def cmd_codes(path, *ok):
    with open(path) as f:
        r = json.load(f)["results"][0]
    bad = sorted({c for c in r.get("exit_codes", []) if str(c) not in ok})
    if bad:
        sys.exit(f"bench/run.sh: {r['command']}: a timed run exited with {', '.join(map(str, bad))} "
                 f"(expected {' or '.join(ok)}), so its time is not the time of the work; run the command by hand to see why")


def proc_io():
    with open("/proc/self/io") as f:
        return {k: int(v) for k, v in (line.split(":") for line in f)}


def cmd_readbytes(command):
    # A reaped child's I/O counts are added to its parent's, so the change in
    # this process's rchar is what the command and everything it started read
    # with read() (page-cache hits included; mmap'ed bytes are not counted).
    before = proc_io()
    subprocess.run(["bash", "-c", command], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL)
    print(proc_io()["rchar"] - before["rchar"])


def cmd_check_output(path, expected, facts=None, key=None):
    try:
        with open(path, encoding="utf-8") as f:
            doc = json.load(f)
    except (OSError, ValueError) as e:
        sys.exit(f"bench/run.sh: {path} is not chatlint's JSON report ({e}); see the file")
    s = doc["summary"]
    rules = {}
    with_findings = with_errors = 0
    for file in doc["files"]:
        if file["diagnostics"]:
            with_findings += 1
        if any(d["severity"] == "error" for d in file["diagnostics"]):
            with_errors += 1
        for d in file["diagnostics"]:
            rules[d["rule"]] = rules.get(d["rule"], 0) + 1
    top = ", ".join(f"{r} {n}" for r, n in sorted(rules.items(), key=lambda x: -x[1])[:5])
    print(f"  {s['files']} files checked, {with_findings} with findings, {with_errors} with errors: "
          f"{s['errors']} errors, {s['warnings']} warnings, {s['hints']} hints, {s['failed']} failed")
    print(f"  most frequent rules: {top}")
    if s["files"] != int(expected) or s["failed"]:
        sys.exit(f"bench/run.sh: chatlint checked {s['files']} files ({s['failed']} failed) in {path}, expected {expected} and none failed")
    if facts:
        with open(facts, "a") as f:
            f.write(f"{key}\t{with_errors}\n")


def cmd_maxrss(path):
    with open(path) as f:
        m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", f.read())
    print(m.group(1) if m else "")


# --------------------------------------------------------------------------
# The results.

def fmt_time(t):
    if t < 1:
        return f"{t * 1000:.0f} ms" if t >= 0.1 else f"{t * 1000:.1f} ms"
    return f"{t:.2f} s"


def fmt_pm(mean, sd):
    if mean < 1:
        p = 0 if mean >= 0.1 else 1
        return f"{mean * 1000:.{p}f} ms ± {sd * 1000:.{p}f}"
    return f"{mean:.2f} s ± {sd:.2f}"


def fmt_count(x):
    return f"{x:,.0f}"


def fmt_mib(kib):
    return f"{kib / 1024:.0f} MiB" if kib >= 10 * 1024 else f"{kib / 1024:.1f} MiB"


def read_tsv(path):
    rows = []
    if os.path.exists(path):
        with open(path, encoding="utf-8") as f:
            for line in f:
                if line.strip():
                    rows.append(line.rstrip("\n").split("\t"))
    return rows


# The rows of the README's table, in order: (run id, what, bold).
README_ROWS = [
    ("cat-10k", "`cat` of every file (walk + read, one thread)", False),
    ("rg-10k", "`rg -j2` over every file (walk + read every byte, two threads)", False),
    ("chatlint-10k", "chatlint", True),
    ("chatlint-10k-1t", "chatlint on one thread", False),
    ("cat-100k", "`cat` of every file", False),
    ("rg-100k", "`rg -j2` over every file", False),
    ("chatlint-100k", "chatlint", True),
    ("chatlint-big", "chatlint, one {big_mb} MB request ({big_members} memberships)", True),
    ("chatlint-one", "chatlint, one small request (start-up: what pre-commit runs)", True),
    ("chatlint-setup-10k", "chatlint, the strict-JSON setup files", False),
    ("check-jsonschema-10k", "{check_jsonschema}, same files and schema", False),
    ("ajv-10k", "{ajv}, same files and schema", False),
    ("chatlint-setup-100k", "chatlint, the strict-JSON setup files", False),
    ("check-jsonschema-100k", "{check_jsonschema}, same files and schema", False),
    ("ajv-100k", "{ajv}, same files and schema", False),
]

STARTUP_GOAL_S = 0.005  # "a few milliseconds", read as at most 5 ms


def miss(measured, goal, unit, higher_is_better=False):
    """The verdict column: met, or by how much the goal is missed."""
    if (measured >= goal) if higher_is_better else (measured <= goal):
        return "met"
    factor = goal / measured if higher_is_better else measured / goal
    if unit == "s":
        return f"missed by {fmt_time(measured - goal)} ({factor:.1f}× the goal)"
    if unit == "KiB":
        return f"missed by {fmt_mib(measured - goal)} ({factor:.1f}× the goal)"
    return f"missed by {factor:.1f}×"


def cmd_table(out_dir):
    raw = os.path.join(out_dir, "raw")
    env, notes = {}, []
    for k, v in read_tsv(os.path.join(raw, "env.tsv")):
        if k == "note":
            notes.append(v)
        else:
            env[k] = v
    facts = dict(read_tsv(os.path.join(raw, "facts.tsv")))
    runs = {}
    for rid, tool, corpus, files, nbytes, ref, note in read_tsv(os.path.join(raw, "runs.tsv")):
        with open(os.path.join(raw, rid + ".json")) as f:
            r = json.load(f)["results"][0]
        hyper = "measured_with" not in r
        runs[rid] = dict(tool=tool, corpus=corpus, files=int(files), bytes=int(nbytes), ref=ref, note=note,
                         t=r["mean"] if hyper else r["min"], sd=r["stddev"] or 0.0, n=len(r["times"]),
                         hyper=hyper, cpu=r["user"] + r["system"], min=r["min"])
    mem = [dict(zip(("id", "tool", "corpus", "files", "bytes", "format", "kib"), row))
           for row in read_tsv(os.path.join(raw, "mem.tsv"))]
    mem = [m | {"files": int(m["files"]), "bytes": int(m["bytes"]), "kib": int(m["kib"]) if m["kib"] else None} for m in mem]
    lsp = None
    if os.path.exists(os.path.join(raw, "lsp.json")):
        with open(os.path.join(raw, "lsp.json")) as f:
            lsp = json.load(f)

    hyper = all(r["hyper"] for r in runs.values()) if runs else True
    counts = sorted({r["n"] for r in runs.values()})
    stat = "hyperfine mean" if hyper else "best (python3 fallback)"
    subst = {
        "big_mb": f"{runs['chatlint-big']['bytes'] / 1e6:.1f}" if "chatlint-big" in runs else "1",
        "big_members": fmt_count(int(facts["big-members"])) if facts.get("big-members") else "?",
        "check_jsonschema": env.get("check-jsonschema-short", "check-jsonschema"),
        "ajv": env.get("ajv-short", "ajv-cli"),
    }

    def t_of(rid):
        return runs[rid]["t"] if rid in runs else None

    # -- goals -----------------------------------------------------------
    goals = []
    c, rg = t_of("chatlint-10k"), t_of("rg-10k")
    if c and rg:
        ratio = c / rg
        goals.append(("10,000 files within 1.5× of reading them with two threads (`rg -j2`)",
                      f"{ratio:.2f}× (chatlint {fmt_time(c)}, rg {fmt_time(rg)})",
                      "met" if ratio <= 1.5 else f"missed by {fmt_time(c - 1.5 * rg)} ({ratio / 1.5:.1f}× the goal)"))
    else:
        goals.append(("10,000 files within 1.5× of reading them with two threads (`rg -j2`)", "not measured", "–"))
    for size in ("10k", "100k"):
        c, a = t_of(f"chatlint-setup-{size}"), t_of(f"ajv-{size}")
        what = f"≥ 10× faster than ajv-cli, same files and schema"
        if c and a:
            n = runs[f"ajv-{size}"]["files"]
            goals.append((f"{what} ({fmt_count(n)} files)", f"{a / c:.1f}× (chatlint {fmt_time(c)}, ajv-cli {fmt_time(a)})",
                          "met" if a / c >= 10 else f"missed by {fmt_time(c - a / 10)} ({10 / (a / c):.1f}× the goal)"))
        else:
            goals.append((f"{what} ({size} setup files)", "not measured", "–"))
    for files in (10000, 100000):
        ms = [m for m in mem if m["tool"] == "chatlint" and m["files"] == files and m["format"] and m["kib"]]
        what = f"peak memory ≤ 64 MiB, {fmt_count(files)} files, any format"
        if ms:
            worst = max(ms, key=lambda m: m["kib"])
            goals.append((what, f"{fmt_mib(worst['kib'])} (worst of {len(ms)} formats: {worst['format']})",
                          miss(worst["kib"], 64 * 1024, "KiB")))
        else:
            goals.append((what, "not measured", "–"))
    c = t_of("chatlint-big")
    goals.append(("1 MB request ≤ 10 ms from the CLI", fmt_time(c) if c else "not measured",
                  miss(c, 0.010, "s") if c else "–"))
    if lsp:
        med = lsp["1 MB"]["median_ms"] / 1e3
        goals.append(("1 MB request ≤ 10 ms median from an edit to its diagnostics (language server)",
                      f"{fmt_time(med)} (median of {lsp['1 MB']['runs']} edits)", miss(med, 0.010, "s")))
    else:
        goals.append(("1 MB request ≤ 10 ms median from an edit to its diagnostics (language server)", "not measured", "–"))
    c = t_of("chatlint-one")
    goals.append(("one-file run in a few milliseconds (≤ 5 ms here)", fmt_time(c) if c else "not measured",
                  miss(c, STARTUP_GOAL_S, "s") if c else "–"))

    # -- the README block ------------------------------------------------
    L = []
    if notes:
        L += ["**Partial or unusual run, not for README.md:**", ""] + [f"- {n}" for n in notes] + [""]
    L += [
        "## For README.md",
        "",
        "Paste between `<!-- bench:start -->` and `<!-- bench:end -->` in README.md's Speed section.",
        "",
        "```markdown",
        "`bash bench/run.sh` generates corpora of realistic requests (about 70 %",
        "valid, the rest with typical mistakes) and times `chatlint check` against",
        "just reading the files (`cat`, and `rg` on two threads) and against two JSON",
        "Schema validators given chatlint's own schema; it also measures peak memory",
        "in every output format, the 1 MB request from the CLI and in the language",
        "server, and a one-file run ([bench/README.md](bench/README.md) says exactly",
        "what runs). Measured " + env.get("date", "?") + " on " + env.get("machine", "?") + " (load average "
        + env.get("load-before", "?").split()[0] + " before the run, " + env.get("load-after", "?").split()[0] + " after), "
        + env.get("version", "chatlint") + " at commit " + env.get("commit", "?") + ", release build, " + stat + " of "
        + "–".join(map(str, [counts[0], counts[-1]] if len(counts) > 1 else counts)) + " runs, warm page cache:",
        "",
        "| what | files | time | vs chatlint |",
        "|---|---:|---:|---:|",
    ]
    for rid, what, bold in README_ROWS:
        if rid not in runs:
            continue
        r = runs[rid]
        ref = runs.get(r["ref"])
        ratio = f"{r['t'] / ref['t']:.2f}×" if ref else "–"
        t = fmt_time(r["t"])
        L.append(f"| {'**' + what.format(**subst) + '**' if bold else what.format(**subst)} | {fmt_count(r['files'])} "
                 f"| {'**' + t + '**' if bold else t} | {ratio} |")
    if lsp:
        L.append(f"| language server: an edit to the {subst['big_mb']} MB request until its diagnostics (median of "
                 f"{lsp['1 MB']['runs']} edits) | 1 | {fmt_time(lsp['1 MB']['median_ms'] / 1e3)} | – |")
        L.append(f"| language server: an edit to a 12-line request until its diagnostics (median of "
                 f"{lsp['typical']['runs']} edits) | 1 | {fmt_time(lsp['typical']['median_ms'] / 1e3)} | – |")
    fmts = []
    for m in mem:
        if m["tool"] == "chatlint" and m["format"] and m["format"] not in fmts:
            fmts.append(m["format"])
    if fmts:
        L += ["", "Peak memory (maximum resident set size, `/usr/bin/time -v`, one run each):", "",
              "| files | " + " | ".join(f"`--format {f}`" for f in fmts) + " |",
              "|---:|" + "---:|" * len(fmts)]
        for files in sorted({m["files"] for m in mem if m["tool"] == "chatlint" and m["format"]}):
            cells = []
            for f in fmts:
                k = [m["kib"] for m in mem if m["tool"] == "chatlint" and m["format"] == f and m["files"] == files and m["corpus"] in ("10k", "100k")]
                cells.append(fmt_mib(k[0]) if k and k[0] else "–")
            if any(c != "–" for c in cells):
                L.append(f"| {fmt_count(files)} | " + " | ".join(cells) + " |")
        others = [m for m in mem if not (m["tool"] == "chatlint" and m["corpus"] in ("10k", "100k")) and m["kib"]]
        if others:
            def where(m):
                if m["corpus"] == "1 MB file":
                    return f"the {subst['big_mb']} MB request"
                if m["corpus"] == "one file":
                    return "one small request"
                return f"the {fmt_count(m['files'])} strict-JSON setup files"
            L += ["", "Also: " + "; ".join(f"{m['tool']}, {where(m)}: {fmt_mib(m['kib'])}" for m in others) + "."]
    L += ["", "Goals (issue 13):", "", "| goal | measured | met / missed by |", "|---|---|---|"]
    L += [f"| {g} | {m} | {v} |" for g, m, v in goals]
    flagged = [f"{facts[k]} of the {fmt_count(runs[r]['files'])} files" for k, r in
               (("check-jsonschema-flagged-10k", "check-jsonschema-10k"),) if k in facts and r in runs]
    if flagged and "chatlint-errors-10k-setup" in facts:
        L += ["", f"The schema validators check structure only (check-jsonschema flags {flagged[0]}; "
                  f"chatlint finds errors in {fmt_count(int(facts['chatlint-errors-10k-setup']))}, "
                  "since most documented rules are cross-field)."]
    L += ["```", ""]

    # -- details ---------------------------------------------------------
    L += ["## The run", ""]
    for key, label in (("date", "date"), ("chatlint", "chatlint"), ("machine", "machine"), ("loads", "load average"),
                       ("timing", "timing"), ("rg", "ripgrep"), ("check-jsonschema", "check-jsonschema"),
                       ("ajv", "ajv-cli"), ("corpora", "corpora"), ("setup-sets", "validator file sets")):
        if key in env:
            L.append(f"- {label}: {env[key]}")
    if "rg-read-10k" in facts:
        L.append(f"- bytes read (`/proc/self/io` rchar): " + "; ".join(
            f"{k.split('-', 1)[0]} on {k.rsplit('-', 1)[1]} read {fmt_count(int(v))} of {fmt_count(int(facts['bytes-' + k.rsplit('-', 1)[1]]))}"
            for k, v in facts.items() if re.match(r"(cat|rg)-read-", k)))
    if runs:
        L += [
            "",
            f"Time is the {'mean ± σ (hyperfine)' if hyper else 'best of the runs (python3 time.perf_counter)'} of "
            f"{' or '.join(map(str, counts))} runs, wall clock, warm page cache, after 1 warm-up run "
            "(check-jsonschema on 100k: its sanity run just before is the warm-up); Min is the fastest run. "
            "Files/s and MB/s are from Time. "
            "\"vs chatlint\" is the time divided by chatlint's time on the same files "
            "(above 1: slower than chatlint). CPU is user + system time, the mean over the runs, "
            "summed over all threads and child processes.",
            "",
            "| Tool | Corpus | Files | MB | Time | Min | Files/s | MB/s | vs chatlint | CPU |",
            "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
        ]
        for rid, r in runs.items():
            time_s = fmt_pm(r["t"], r["sd"]) if r["hyper"] else fmt_time(r["t"])
            ref = runs.get(r["ref"])
            ratio = f"{r['t'] / ref['t']:.2f}×" if ref else "–"
            tool = r["tool"] + (f" ({r['note']})" if r["note"] else "")
            L.append(
                f"| {tool} | {r['corpus']} | {fmt_count(r['files'])} | {r['bytes'] / 1e6:.1f} | {time_s} | {fmt_time(r['min'])} "
                f"| {fmt_count(r['files'] / r['t'])} | {r['bytes'] / 1e6 / r['t']:.1f} | {ratio} | {fmt_time(r['cpu'])} |"
            )
    if mem:
        L += ["", "Peak memory: maximum resident set size from `/usr/bin/time -v`, one run "
              "(the validators': their sanity run).", "",
              "| Tool | Corpus | Files | MB | Format | Peak RSS |", "| --- | --- | ---: | ---: | --- | ---: |"]
        for m in mem:
            L.append(f"| {m['tool']} | {m['corpus']} | {fmt_count(m['files'])} | {m['bytes'] / 1e6:.1f} "
                     f"| {m['format'] or '–'} | {fmt_mib(m['kib']) if m['kib'] else '?'} |")
    if lsp:
        ping = lsp["ping"]["median_ms"]
        L += ["", "Language server (`bench/lsp/latency.py`): from writing a didChange to reading its publishDiagnostics, "
              "over stdio; ping is a request the server answers at once (the pipe and framing cost).", "",
              "| Document | Bytes | Findings | Edits | Median | p95 | Min | Median − ping |",
              "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
        for name in ("typical", "1 MB"):
            d = lsp[name]
            L.append(f"| {name} | {fmt_count(d['bytes'])} | {d['findings']} | {d['runs']} | {d['median_ms']:.2f} ms "
                     f"| {d['p95_ms']:.2f} ms | {d['min_ms']:.2f} ms | {d['median_ms'] - ping:.2f} ms |")
        L.append(f"| ping | | | {lsp['ping']['runs']} | {ping:.3f} ms | {lsp['ping']['p95_ms']:.3f} ms | {lsp['ping']['min_ms']:.3f} ms | |")
    text = "\n".join(L) + "\n"
    with open(os.path.join(out_dir, "results.md"), "w", encoding="utf-8") as f:
        f.write(text)
    sys.stdout.write(text)


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    cmd, args = sys.argv[1], sys.argv[2:]
    {"time": cmd_time, "codes": cmd_codes, "readbytes": cmd_readbytes, "check-output": cmd_check_output,
     "maxrss": cmd_maxrss, "table": cmd_table}[cmd](*args)


if __name__ == "__main__":
    main()
