#!/usr/bin/env python3
"""Helpers for bench/run.sh (python3, stdlib only).

    benchlib.py time OUT.json NAME RUNS CMD     time CMD (bash -c) without hyperfine
    benchlib.py check-output FILE N             sanity-check chatlint's --format json output
    benchlib.py maxrss FILE                     peak RSS in KiB from `/usr/bin/time -v` output
    benchlib.py table OUT_DIR                   print the results table, write OUT_DIR/results.md

`time` is the fallback for machines without hyperfine: one warm-up run, then
RUNS timed runs (time.perf_counter around subprocess.run), written in the
shape of hyperfine's --export-json so that `table` reads both alike. The
table then quotes the best (minimum) of the runs; with hyperfine it quotes
the mean ± standard deviation.
"""

import json
import os
import re
import resource
import statistics
import subprocess
import sys
import time


def cmd_time(out, name, runs, command):
    runs = int(runs)
    subprocess.run(["bash", "-c", command], stdin=subprocess.DEVNULL)  # warm-up
    times, codes, users, systems = [], [], [], []
    for _ in range(runs):
        r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.perf_counter()
        p = subprocess.run(["bash", "-c", command], stdin=subprocess.DEVNULL)
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


def cmd_check_output(path, expected):
    with open(path, encoding="utf-8") as f:
        doc = json.load(f)
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
        sys.exit(f"chatlint checked {s['files']} files ({s['failed']} failed), expected {expected} and none failed")


def cmd_maxrss(path):
    with open(path) as f:
        m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", f.read())
    print(m.group(1) if m else "")


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


def read_tsv(path):
    rows = []
    if os.path.exists(path):
        with open(path, encoding="utf-8") as f:
            for line in f:
                if line.strip():
                    rows.append(line.rstrip("\n").split("\t"))
    return rows


def cmd_table(out_dir):
    raw = os.path.join(out_dir, "raw")
    runs = {}
    for rid, tool, corpus, files, nbytes, ref, note in read_tsv(os.path.join(raw, "runs.tsv")):
        with open(os.path.join(raw, rid + ".json")) as f:
            r = json.load(f)["results"][0]
        hyper = "measured_with" not in r
        t = r["mean"] if hyper else r["min"]
        runs[rid] = dict(tool=tool, corpus=corpus, files=int(files), bytes=int(nbytes), ref=ref, note=note,
                         t=t, sd=r["stddev"] or 0.0, n=len(r["times"]), hyper=hyper, cpu=r["user"] + r["system"],
                         min=r["min"])
    lines = []
    env = os.path.join(raw, "env.txt")
    if os.path.exists(env):
        with open(env) as f:
            lines += [f.read().rstrip(), ""]
    if runs:
        hyper = all(r["hyper"] for r in runs.values())
        stat = "mean ± σ (hyperfine)" if hyper else "best of the runs (python3 time.perf_counter)"
        counts = sorted({r["n"] for r in runs.values()})
        lines += [
            f"Time is the {stat} of {' or '.join(map(str, counts))} runs, wall clock, warm page cache, "
            "after 1 warm-up run; Min is the fastest run. Files/s and MB/s are from Time. "
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
            lines.append(
                f"| {tool} | {r['corpus']} | {fmt_count(r['files'])} | {r['bytes'] / 1e6:.1f} | {time_s} | {fmt_time(r['min'])} "
                f"| {fmt_count(r['files'] / r['t'])} | {r['bytes'] / 1e6 / r['t']:.1f} | {ratio} | {fmt_time(r['cpu'])} |"
            )
    mem = read_tsv(os.path.join(raw, "mem.tsv"))
    if mem:
        lines += [
            "",
            "Peak memory: maximum resident set size from `/usr/bin/time -v`, one run.",
            "",
            "| Tool | Corpus | Files | MB | Peak RSS (MiB) |",
            "| --- | --- | ---: | ---: | ---: |",
        ]
        for tool, corpus, files, nbytes, kib in mem:
            rss = f"{int(kib) / 1024:.0f}" if kib else "?"
            lines.append(f"| {tool} | {corpus} | {fmt_count(int(files))} | {int(nbytes) / 1e6:.1f} | {rss} |")
    text = "\n".join(lines) + "\n"
    with open(os.path.join(out_dir, "results.md"), "w", encoding="utf-8") as f:
        f.write(text)
    sys.stdout.write(text)


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    cmd, args = sys.argv[1], sys.argv[2:]
    {"time": cmd_time, "check-output": cmd_check_output, "maxrss": cmd_maxrss, "table": cmd_table}[cmd](*args)


if __name__ == "__main__":
    main()
