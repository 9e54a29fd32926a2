#!/usr/bin/env python3
"""Runs the composite GitHub Action of action.yml the way the runner does, here.

Each `run:` step runs as `bash --noprofile --norc -eo pipefail FILE` (GitHub's
`shell: bash`) in GITHUB_WORKSPACE, with the environment GitHub sets
(GITHUB_ACTIONS, GITHUB_WORKSPACE, GITHUB_ACTION_PATH, RUNNER_TEMP, RUNNER_OS,
GITHUB_OUTPUT, GITHUB_ENV, GITHUB_PATH, GITHUB_STEP_SUMMARY, CI) plus the
step's `env:` with `${{ inputs.* }}` filled in; lines a step appends to
GITHUB_PATH go on PATH for the steps after it, and a failing step ends the
action. The install step gets the wheel from dist/ (PIP_FIND_LINKS, no index):
build it first with `bash packaging/build.sh`.

Checks: a bad request gives `::error file=…` annotations, exit 1 and a SARIF
report with its findings; good requests (and a package.json) give exit 0 and
no error; the action's output names the SARIF file; the step summary lists
the findings; the chatlint that ran is the wheel's, installed by the action.

    python3 .ci/action-test.py        (needs PyYAML)
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import traceback
from pathlib import Path

try:
    import yaml
except ImportError:
    sys.exit("action-test: PyYAML is missing (pip install pyyaml; .ci/run uses target/ci-tools/py)")

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = REPO / "examples"


def cargo_version() -> str:
    meta = json.loads(
        subprocess.run(
            ["cargo", "metadata", "--no-deps", "--format-version", "1"],
            cwd=REPO, check=True, capture_output=True, text=True,
        ).stdout
    )
    return next(p["version"] for p in meta["packages"] if p["name"] == "chatlint")


EXPR = re.compile(r"\$\{\{\s*([^}]*?)\s*\}\}")


def fill(text: str, ctx: dict[str, str]) -> str:
    """Replaces `${{ expr }}` with its value; only the expressions the test knows."""

    def one(m: re.Match) -> str:
        if m.group(1) not in ctx:
            raise AssertionError(f"action.yml uses `${{{{ {m.group(1)} }}}}`, which this test does not emulate")
        return ctx[m.group(1)]

    return EXPR.sub(one, text)


def read_kv_file(path: Path) -> dict[str, str]:
    """GITHUB_OUTPUT / GITHUB_ENV: `name=value` lines and `name<<EOF` blocks."""
    out: dict[str, str] = {}
    lines = path.read_text().splitlines() if path.exists() else []
    i = 0
    while i < len(lines):
        line = lines[i]
        if "<<" in line and ("=" not in line or line.index("<<") < line.index("=")):
            name, delim = line.split("<<", 1)
            j = lines.index(delim, i + 1)
            out[name] = "\n".join(lines[i + 1 : j])
            i = j + 1
        elif "=" in line:
            name, value = line.split("=", 1)
            out[name] = value
            i += 1
        else:
            i += 1
    return out


class Result:
    def __init__(self) -> None:
        self.steps: list[dict] = []  # name, status, stdout, stderr
        self.outputs: dict[str, str] = {}
        self.failed = False
        self.summary = ""
        self.path_added: list[str] = []


def run_action(workspace: Path, inputs: dict[str, str], env_base: dict[str, str], temp: Path) -> Result:
    action = yaml.safe_load((REPO / "action.yml").read_text())
    assert action["runs"]["using"] == "composite", "action.yml must be a composite action"
    values = {k: str(v.get("default", "")) for k, v in action.get("inputs", {}).items()}
    unknown = set(inputs) - set(values)
    assert not unknown, f"inputs not declared in action.yml: {unknown}"
    values.update(inputs)

    runner_temp = temp / "runner-temp"
    runner_temp.mkdir()
    files = {name: temp / name.lower() for name in ("GITHUB_PATH", "GITHUB_ENV", "GITHUB_STEP_SUMMARY")}
    for f in files.values():
        f.touch()
    env = dict(env_base)
    env.update(
        CI="true",
        GITHUB_ACTIONS="true",
        GITHUB_WORKSPACE=str(workspace),
        GITHUB_ACTION_PATH=str(REPO),
        GITHUB_REPOSITORY="example/requests",
        GITHUB_EVENT_NAME="pull_request",
        RUNNER_TEMP=str(runner_temp),
        RUNNER_OS="Linux",
        RUNNER_ARCH="X64",
        **{k: str(v) for k, v in files.items()},
    )
    ctx = {f"inputs.{k}": v for k, v in values.items()}
    ctx.update({"github.action_path": str(REPO), "runner.temp": str(runner_temp), "github.workspace": str(workspace)})

    res = Result()
    path_added: list[str] = []
    for n, step in enumerate(action["runs"]["steps"]):
        assert "run" in step, f"step {n} is not a `run:` step; this test runs only those"
        assert step.get("shell") == "bash", f"step {n} must say `shell: bash`"
        assert "if" not in step, f"step {n} has `if:`, which this test does not emulate"
        output_file = temp / f"output-{n}"
        output_file.touch()
        script = temp / f"step-{n}.sh"
        script.write_text(fill(step["run"], ctx))
        step_env = dict(env)
        step_env["PATH"] = os.pathsep.join(path_added + [env["PATH"]])
        step_env.update(read_kv_file(files["GITHUB_ENV"]))
        step_env["GITHUB_OUTPUT"] = str(output_file)
        step_env.update({k: fill(str(v), ctx) for k, v in (step.get("env") or {}).items()})
        proc = subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)],
            cwd=workspace, env=step_env, capture_output=True, text=True, timeout=300,
        )
        res.steps.append({"name": step.get("name", f"step {n}"), "status": proc.returncode, "stdout": proc.stdout, "stderr": proc.stderr})
        outputs = read_kv_file(output_file)
        if "id" in step:
            ctx.update({f"steps.{step['id']}.outputs.{k}": v for k, v in outputs.items()})
        path_added = [p for p in reversed(files["GITHUB_PATH"].read_text().splitlines()) if p]
        if proc.returncode != 0:
            res.failed = True
            break
    for name, out in (action.get("outputs") or {}).items():
        try:
            res.outputs[name] = fill(str(out["value"]), ctx)
        except AssertionError:
            res.outputs[name] = ""  # a step it names did not run
    res.summary = files["GITHUB_STEP_SUMMARY"].read_text()
    res.path_added = path_added
    return res


def show(res: Result) -> str:
    out = []
    for s in res.steps:
        out.append(f"--- step {s['name']!r}: exit {s['status']}")
        out += [f"    out| {l}" for l in s["stdout"].splitlines()[-25:]]
        out += [f"    err| {l}" for l in s["stderr"].splitlines()[-25:]]
    return "\n".join(out)


def base_env(dist: Path) -> dict[str, str]:
    """The machine's environment, minus any chatlint on PATH; pip finds the wheel in dist/ only."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "RUNNER_", "INPUT_", "PIP_"))}
    env["PATH"] = os.pathsep.join(d for d in env.get("PATH", "").split(os.pathsep) if d and not (Path(d) / "chatlint").exists())
    env.update(PIP_FIND_LINKS=str(dist), PIP_NO_INDEX="1", PIP_DISABLE_PIP_VERSION_CHECK="1")
    return env


def copy(src: Path, dst: Path) -> None:
    dst.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(src, dst)


def sarif_results(path: Path) -> list[dict]:
    assert path.is_file(), f"no SARIF report at {path}"
    doc = json.loads(path.read_text())
    assert doc.get("version") == "2.1.0", f"SARIF version {doc.get('version')}"
    return [r for run in doc["runs"] for r in run.get("results", [])]


def test_bad_request(tmp: Path, env: dict[str, str], version: str) -> None:
    ws = tmp / "workspace"
    copy(EXAMPLES / "invalid/group-chat.setup.json", ws / "requests/team/bad.setup.json")
    copy(EXAMPLES / "valid/guide-api-setup.setup.json", ws / "requests/good.setup.json")
    res = run_action(ws, {"paths": "requests"}, env, tmp)
    detail = show(res)
    install, check = res.steps[0], res.steps[-1]
    assert install["status"] == 0, f"the install step failed\n{detail}"
    assert install["stdout"].strip().splitlines()[-1] == f"chatlint {version}", f"installed chatlint is not {version}\n{detail}"
    assert res.path_added == [], f"the action must leave PATH alone; GITHUB_PATH: {res.path_added}"
    installed = Path(res.outputs.get("chatlint", ""))
    assert installed.is_relative_to(tmp / "runner-temp") and installed.name == "chatlint", f"output chatlint: {installed}"
    assert len(res.steps) == 2 and res.failed and check["status"] == 1, f"expected the check step to exit 1\n{detail}"
    errors = [l for l in check["stdout"].splitlines() if l.startswith("::error ")]
    assert errors, f"no ::error annotation\n{detail}"
    for rule, line, col in (("display-name-forbidden", 5, 5), ("group-chat-membership-count", 7, 3), ("user-name-format", 8, 27)):
        want = f"::error file=requests/team/bad.setup.json,line={line},col={col},"
        assert any(l.startswith(want) and f"title=chatlint {rule}::" in l for l in errors), f"no annotation {want}…{rule}\n{detail}"
    assert not any("good.setup.json" in l for l in errors), f"an error annotation on the good request\n{detail}"
    assert res.outputs.get("sarif-file") == "chatlint.sarif", f"action output sarif-file = {res.outputs}"
    results = sarif_results(ws / "chatlint.sarif")
    rules = {r["ruleId"] for r in results if r.get("level") == "error"}
    assert {"display-name-forbidden", "group-chat-membership-count", "user-name-format"} <= rules, f"SARIF error rules: {rules}"
    uris = {loc["physicalLocation"]["artifactLocation"]["uri"] for r in results for loc in r["locations"]}
    assert "requests/team/bad.setup.json" in uris, f"SARIF locations: {uris}"
    assert "### chatlint" in res.summary and "exited 1" in res.summary, f"step summary: {res.summary!r}"
    assert "requests/team/bad.setup.json:5:5: error[display-name-forbidden]" in res.summary, f"step summary: {res.summary!r}"
    print(f"    {len(errors)} ::error annotations, {len(results)} SARIF results, exit 1")


def test_good_requests(tmp: Path, env: dict[str, str], version: str) -> None:
    ws = tmp / "workspace"
    for f in sorted((EXAMPLES / "valid").glob("*.json")):
        copy(f, ws / "requests" / f.name)
    (ws / "requests/package.json").write_text('{"name": "not-a-request", "version": "1.0.0"}\n')
    # A folder walk (which leaves package.json alone), options, another SARIF path.
    res = run_action(ws, {"paths": "requests", "args": "--fail-on error --profile current", "sarif-file": "out.sarif"}, env, tmp)
    detail = show(res)
    assert not res.failed and [s["status"] for s in res.steps] == [0, 0], f"expected every step to pass\n{detail}"
    check = res.steps[-1]
    assert not [l for l in check["stdout"].splitlines() if l.startswith(("::error", "::warning"))], f"annotations on good requests\n{detail}"
    assert res.outputs.get("sarif-file") == "out.sarif", f"action output sarif-file = {res.outputs}"
    results = sarif_results(ws / "out.sarif")
    assert not [r for r in results if r.get("level") in ("error", "warning")], f"SARIF: {results}"
    assert "No finding fails the check." in res.summary, f"step summary: {res.summary!r}"
    assert "package.json" not in res.summary, f"package.json was checked: {res.summary!r}"
    print(f"    {len(list((ws / 'requests').glob('*.json')))} files, exit 0, {len(results)} SARIF results (hints)")


def test_several_paths(tmp: Path, env: dict[str, str], version: str) -> None:
    ws = tmp / "workspace"
    copy(EXAMPLES / "valid/guide-api-setup.setup.json", ws / "a/one.setup.json")
    copy(EXAMPLES / "invalid/group-chat.setup.json", ws / "b/two.setup.json")
    copy(EXAMPLES / "invalid/group-chat.setup.json", ws / "c/not-checked.setup.json")
    # Paths on separate lines, as a YAML block gives them; --fail-on never lets it pass.
    res = run_action(ws, {"paths": "a\n  b/two.setup.json\n", "args": "--fail-on never"}, env, tmp)
    detail = show(res)
    assert not res.failed, f"expected exit 0 with --fail-on never\n{detail}"
    out = res.steps[-1]["stdout"]
    assert "::error file=b/two.setup.json,line=5,col=5," in out, f"no annotation for b/two.setup.json\n{detail}"
    assert "c/not-checked" not in out, f"a path that was not given was checked\n{detail}"
    print("    two paths on two lines, --fail-on never: annotations, exit 0")


def main() -> int:
    dist = REPO / "dist"
    version = cargo_version()
    wheels = sorted(dist.glob(f"chatlint_cli-{version}-*.whl"))
    if not wheels:
        print(f"action-test: no dist/chatlint_cli-{version}-*.whl: run bash packaging/build.sh first", file=sys.stderr)
        return 1
    print(f"action-test: action.yml with {wheels[0].name} (PIP_FIND_LINKS=dist, no index)")
    env = base_env(dist)
    passed = failed = 0
    for test in (test_bad_request, test_good_requests, test_several_paths):
        with tempfile.TemporaryDirectory(prefix="chatlint-action-") as d:
            print(f"  {test.__name__}")
            try:
                test(Path(d), env, version)
                passed += 1
                print(f"  ok {test.__name__}")
            except Exception:
                failed += 1
                print(f"  FAILED {test.__name__}:\n{traceback.format_exc()}", file=sys.stderr)
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
