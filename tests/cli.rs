//! The command line as a user meets it: output (human and JSON), exit
//! codes, method selection, folder walking, stdin and config files.

use assert_cmd::Command;
use predicates::prelude::*;
use std::fs;
use std::path::Path;

fn chatlint() -> Command {
    let mut c = Command::cargo_bin("chatlint").unwrap();
    c.env("NO_COLOR", "1").current_dir(env!("CARGO_MANIFEST_DIR"));
    c
}

fn stdout_of(c: &mut Command) -> String {
    String::from_utf8(c.output().unwrap().stdout).unwrap()
}

/// Replaces a temporary folder's path with `[TMP]` so snapshots are stable.
fn redact(text: &str, dir: &Path) -> String {
    text.replace(&dir.display().to_string(), "[TMP]")
}

#[test]
fn invalid_examples_show_snippets_and_exit_1() {
    let out = chatlint().args(["check", "examples/invalid"]).assert().code(1);
    let text = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    insta::assert_snapshot!("human_invalid_examples", text);
}

#[test]
fn invalid_examples_as_json() {
    let out = stdout_of(chatlint().args(["check", "examples/invalid", "--format", "json"]));
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    insta::assert_json_snapshot!("json_invalid_examples", v);
}

#[test]
fn valid_examples_pass_with_no_error() {
    chatlint()
        .args(["check", "examples/valid"])
        .assert()
        .success()
        .stdout(predicate::str::contains("0 errors"))
        .stdout(predicate::str::contains("× ").not());
}

#[test]
fn the_guides_own_example_has_no_error() {
    let out = stdout_of(chatlint().args(["check", "examples/valid/guide-api-setup.setup.json", "--format", "json"]));
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let diags = v["files"][0]["diagnostics"].as_array().unwrap();
    assert!(diags.iter().all(|d| d["severity"] != "error" && d["severity"] != "warning"), "{diags:#?}");
}

#[test]
fn json_output_has_the_documented_shape() {
    let out = stdout_of(chatlint().args(["check", "examples/invalid/typos.setup.json", "--format", "json"]));
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["version"], 1);
    let file = &v["files"][0];
    assert_eq!(file["path"], "examples/invalid/typos.setup.json");
    assert_eq!(file["method"], "spaces.setup");
    for d in file["diagnostics"].as_array().unwrap() {
        for key in
            ["rule", "severity", "message", "help", "pointer", "line", "column", "end_line", "end_column", "fixes"]
        {
            assert!(d.get(key).is_some(), "diagnostic lacks `{key}`: {d}");
        }
    }
    // "displayname" is on line 5, column 5, and ends after its closing quote.
    let unknown = file["diagnostics"].as_array().unwrap().iter().find(|d| d["rule"] == "unknown-field").unwrap();
    assert_eq!((&unknown["line"], &unknown["column"], &unknown["end_column"]), (&5.into(), &5.into(), &18.into()));
    assert_eq!(unknown["pointer"], "/space/displayname");
    assert_eq!(v["summary"]["files"], 1);
}

#[test]
fn fail_on_controls_the_exit_code() {
    // The guide's example only gets a hint (no requestId).
    let guide = "examples/valid/guide-api-setup.setup.json";
    chatlint().args(["check", guide]).assert().code(0);
    chatlint().args(["check", guide, "--fail-on", "hint"]).assert().code(1);
    chatlint().args(["check", "examples/invalid", "--fail-on", "never"]).assert().code(0);
}

#[test]
fn stdin_is_checked_under_its_given_name() {
    let body = r#"{"space": {"spaceType": "GROUP_CHAT", "displayName": "x"}, "memberships": []}"#;
    chatlint()
        .args(["check", "-", "--stdin-filename", "team.setup.json"])
        .write_stdin(body)
        .assert()
        .code(1)
        .stdout(predicate::str::contains("team.setup.json"))
        .stdout(predicate::str::contains("display-name-forbidden"));
}

#[test]
fn method_flag_overrides_file_name_and_shape() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("body.json");
    fs::write(&f, r#"{"spaceType": "SPACE", "displayName": "Roadmap"}"#).unwrap();
    // By shape it is a create body: fine.
    chatlint().arg("check").arg(&f).assert().code(0);
    // As setup, `spaceType` at the top level is an unknown field.
    chatlint()
        .arg("check")
        .arg(&f)
        .args(["--method", "setup"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("belongs inside `space`"));
}

#[test]
fn folder_walk_skips_json_that_is_not_a_request() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("package.json"), r#"{"name": "x", "version": "1.0.0", "description": "y"}"#).unwrap();
    fs::write(dir.path().join("tsconfig.json"), "{ // comments\n}").unwrap();
    fs::create_dir(dir.path().join("requests")).unwrap();
    fs::write(dir.path().join("requests/team.json"), r#"{"space": {"spaceType": "SPACE"}}"#).unwrap();
    let out = stdout_of(chatlint().arg("check").arg(dir.path()).args(["--format", "json"]));
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let paths: Vec<String> =
        v["files"].as_array().unwrap().iter().map(|f| redact(f["path"].as_str().unwrap(), dir.path())).collect();
    assert_eq!(paths, ["[TMP]/requests/team.json"]);
}

#[test]
fn config_sets_profile_rule_levels_methods_and_excludes() {
    let dir = tempfile::tempdir().unwrap();
    let long = "d".repeat(200);
    fs::write(
        dir.path().join("chatlint.toml"),
        r#"profile = "legacy"
exclude = ["drafts/**"]
[rules]
request-id-not-uuid = "off"
[methods]
"spaces.create" = ["create/**/*.json"]
"#,
    )
    .unwrap();
    fs::create_dir_all(dir.path().join("create")).unwrap();
    fs::create_dir_all(dir.path().join("drafts")).unwrap();
    let body =
        format!(r#"{{"spaceType": "SPACE", "displayName": "Roadmap", "spaceDetails": {{"description": "{long}"}}}}"#);
    fs::write(dir.path().join("create/roadmap.json"), &body).unwrap();
    fs::write(dir.path().join("drafts/broken.setup.json"), "{").unwrap();
    let out = stdout_of(chatlint().arg("check").arg(dir.path()).args(["--format", "json"]));
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let files = v["files"].as_array().unwrap();
    assert_eq!(files.len(), 1, "drafts/ is excluded: {v:#}");
    assert_eq!(files[0]["method"], "spaces.create");
    let rules: Vec<&str> =
        files[0]["diagnostics"].as_array().unwrap().iter().map(|d| d["rule"].as_str().unwrap()).collect();
    assert_eq!(rules, ["description-too-long"], "legacy profile allows 150 characters");
    // The command line's profile wins over the config's.
    let out = stdout_of(chatlint().arg("check").arg(dir.path()).args(["--format", "json", "--profile", "current"]));
    assert!(!out.contains("description-too-long"));
}

#[test]
fn a_bad_config_is_a_usage_error_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("chatlint.toml"), "[rules]\ndisplay-name-forbiden = \"off\"\n").unwrap();
    fs::write(dir.path().join("a.setup.json"), "{}").unwrap();
    chatlint()
        .arg("check")
        .arg(dir.path())
        .assert()
        .code(2)
        .stdout(predicate::str::contains("chatlint.toml"))
        .stdout(predicate::str::contains("did you mean `display-name-forbidden`"));
}

#[test]
fn unknown_profile_and_method_are_usage_errors() {
    chatlint()
        .args(["check", "examples", "--profile", "nope"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("unknown profile"));
    let unknown = chatlint().args(["check", "examples", "--method", "spaces.get"]).assert().code(2);
    let said = String::from_utf8_lossy(&unknown.get_output().stderr).into_owned();
    for method in chatlint_engine::Method::all() {
        assert!(said.contains(method.name()), "the usage error lists {method}: {said}");
    }
}

#[test]
fn rule_lists_every_rule_and_explains_one() {
    let list = stdout_of(chatlint().arg("rule"));
    for rule in chatlint_engine::catalogue::all() {
        assert!(list.contains(rule.id), "`chatlint rule` does not list {}", rule.id);
    }
    let one = stdout_of(chatlint().args(["rule", "display-name-forbidden"]));
    assert!(one.contains("Don't set `Space.displayName`"), "{one}");
    assert!(one.contains("## Invalid (spaces.setup)") && one.contains("## Valid (spaces.setup)"));
    chatlint()
        .args(["rule", "display-name-forbiden"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("did you mean"));
}

#[test]
fn skip_non_requests_treats_named_files_like_walked_ones() {
    let dir = tempfile::tempdir().unwrap();
    let pkg = dir.path().join("package.json");
    let req = dir.path().join("team.json");
    fs::write(&pkg, r#"{"name": "x", "version": "1.0.0"}"#).unwrap();
    fs::write(&req, r#"{"space": {"spaceType": "GROUP_CHAT", "displayName": "x"}}"#).unwrap();
    // Named plainly, package.json is checked (as spaces.setup) and fails.
    chatlint().arg("check").arg(&pkg).assert().code(1);
    let out = stdout_of(chatlint().arg("check").arg(&pkg).arg(&req).args(["--skip-non-requests", "--format", "json"]));
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let paths: Vec<&str> = v["files"].as_array().unwrap().iter().map(|f| f["path"].as_str().unwrap()).collect();
    assert_eq!(paths, [req.to_str().unwrap()]);
}

#[test]
fn the_readme_config_example_is_a_valid_config() {
    let readme = fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let section = &readme[readme.find("## Configuration: `chatlint.toml`").unwrap()..];
    let start = section.find("```toml\n").unwrap() + "```toml\n".len();
    let example = &section[start..start + section[start..].find("```").unwrap()];
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("chatlint.toml"), example).unwrap();
    let config = chatlint_workspace::config::Config::load(&dir.path().join("chatlint.toml"), &Default::default());
    assert!(config.is_ok(), "{:?}", config.err());
}

/// `chatlint --help` describes every command with its own text.
#[test]
fn help_describes_every_command() {
    let out = stdout_of(chatlint().arg("--help"));
    let line = |cmd: &str| out.lines().find(|l| l.trim_start().starts_with(cmd)).unwrap_or_default().to_string();
    assert!(line("check").contains("Check request files"), "{out}");
    assert!(line("rule").contains("List the rules, or explain one"), "{out}");
    let rule = stdout_of(chatlint().args(["rule", "--help"]));
    assert!(rule.starts_with("List the rules, or explain one"), "{rule}");
    if cfg!(feature = "lsp") {
        assert!(line("lsp").contains("language server"), "{out}");
        let lsp = stdout_of(chatlint().args(["lsp", "--help"]));
        assert!(lsp.starts_with("Run the language server"), "{lsp}");
    }
}

/// One folder with all eight kinds of request, each in every form a team
/// keeps them in: named by suffix, found by shape alone, and bare bodies
/// whose method and parameters the config gives. Each is checked as its
/// method, the valid ones clean, and the JSON that is not a request
/// (package.json) is left alone, even by --fix.
#[test]
fn a_folder_of_all_eight_methods_checks_each_as_its_method() {
    let dir = tempfile::tempdir().unwrap();
    let files: &[(&str, &str)] = &[
        (
            "team.setup.json",
            r#"{"space": {"spaceType": "SPACE", "displayName": "Team"}, "requestId": "0f8b2c1e-9d4a-4c3b-8e2f-6a7b5c4d3e21"}"#,
        ),
        ("news.create.json", r#"{"spaceType": "SPACE", "displayName": "News"}"#),
        (
            "rename.patch.json",
            r#"{"space": {"name": "spaces/AAA", "displayName": "New"}, "updateMask": "display_name"}"#,
        ),
        (
            "ana.member.json",
            r#"{"parent": "spaces/AAA", "membership": {"member": {"name": "users/ana@example.com", "type": "HUMAN"}}}"#,
        ),
        (
            "ana.role.json",
            r#"{"membership": {"name": "spaces/AAA/members/1084612", "role": "ROLE_ASSISTANT_MANAGER"}, "updateMask": "role"}"#,
        ),
        ("ana.remove.json", r#"{"name": "spaces/AAA/members/ana@example.com"}"#),
        ("old.delete.json", r#"{"name": "spaces/OLD", "useAdminAccess": true}"#),
        ("migrated.complete-import.json", r#"{"name": "spaces/IMP"}"#),
        // No suffix: the shape says which request it is.
        (
            "carol.json",
            r#"{"membership": {"name": "spaces/AAA/members/2093", "role": "ROLE_MANAGER"}, "updateMask": "*"}"#,
        ),
        (
            "history.json",
            r#"{"space": {"name": "spaces/AAA", "spaceHistoryState": "HISTORY_OFF"}, "updateMask": "space_history_state"}"#,
        ),
        (
            "bob.json",
            r#"{"parent": "spaces/AAA", "membership": {"member": {"name": "users/bob@example.com", "type": "HUMAN"}}}"#,
        ),
        // Bare bodies: the config names the method and the URL's parameters.
        ("bare/details.json", r#"{"spaceDetails": {"description": "d", "guidelines": "g"}}"#),
        ("bare/app.json", r#"{"member": {"name": "users/app", "type": "BOT"}}"#),
        ("bare/dan.json", r#"{"role": "ROLE_MEMBER"}"#),
        ("bare/gone.json", r#"{"name": "spaces/AAA/members/app"}"#),
        // A folder the config's [methods] names, by short name.
        ("retired/old.json", r#"{"name": "spaces/OLDER"}"#),
        ("package.json", r#"{"name": "tools", "version": "1.0.0", "private": true}"#),
    ];
    std::fs::create_dir(dir.path().join("bare")).unwrap();
    std::fs::create_dir(dir.path().join("retired")).unwrap();
    for (name, text) in files {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    std::fs::write(
        dir.path().join("chatlint.toml"),
        r#"
[methods]
delete = ["retired/*.json"]

[[requests]]
path = "bare/details.json"
method = "spaces.patch"
name = "spaces/AAA"
update_mask = "space_details"

[[requests]]
path = "bare/app.json"
method = "spaces.members.create"
parent = "spaces/AAA"

[[requests]]
path = "bare/dan.json"
method = "role"
name = "spaces/AAA/members/3120"
update_mask = "role"

[[requests]]
path = "bare/gone.json"
method = "spaces.members.delete"
"#,
    )
    .unwrap();
    let out = stdout_of(chatlint().current_dir(dir.path()).args(["check", ".", "--format", "json", "--fix"]));
    let v: serde_json::Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}"));
    let mut methods: Vec<(String, String)> = v["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let diags = f["diagnostics"].as_array().unwrap();
            assert!(diags.is_empty(), "{} is valid: {diags:?}", f["path"]);
            (f["path"].as_str().unwrap().replace('\\', "/"), f["method"].as_str().unwrap_or("").to_string())
        })
        .collect();
    methods.sort();
    let want = [
        ("ana.member.json", "spaces.members.create"),
        ("ana.remove.json", "spaces.members.delete"),
        ("ana.role.json", "spaces.members.patch"),
        ("bare/app.json", "spaces.members.create"),
        ("bare/dan.json", "spaces.members.patch"),
        ("bare/details.json", "spaces.patch"),
        ("bare/gone.json", "spaces.members.delete"),
        ("bob.json", "spaces.members.create"),
        ("carol.json", "spaces.members.patch"),
        ("history.json", "spaces.patch"),
        ("migrated.complete-import.json", "spaces.completeImport"),
        ("news.create.json", "spaces.create"),
        ("old.delete.json", "spaces.delete"),
        ("rename.patch.json", "spaces.patch"),
        ("retired/old.json", "spaces.delete"),
        ("team.setup.json", "spaces.setup"),
    ];
    let want: Vec<(String, String)> = want.iter().map(|(p, m)| (p.to_string(), m.to_string())).collect();
    assert_eq!(methods, want, "package.json is not a request and is not listed");
    for (name, text) in files {
        assert_eq!(&std::fs::read_to_string(dir.path().join(name)).unwrap(), text, "{name} was rewritten");
    }
}

const GROUP_CHAT_NAMED: &str = r#"{"requestId": "6f1c2d3e-4a5b-4c6d-8e7f-901a2b3c4d5e", "space": {"spaceType": "GROUP_CHAT", "displayName": "x"}, "memberships": [{"member": {"name": "users/1", "type": "HUMAN"}}, {"member": {"name": "users/2", "type": "HUMAN"}}]}"#;

/// Runs `chatlint ARGS` in `dir`; returns (exit code, stdout, stderr).
fn run_in(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out = Command::cargo_bin("chatlint")
        .unwrap()
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .args(args)
        .timeout(std::time::Duration::from_secs(60))
        .output()
        .unwrap();
    let text = |b: Vec<u8>| String::from_utf8(b).unwrap();
    (out.status.code().expect("exited"), text(out.stdout), text(out.stderr))
}

/// Issue 12 item 22: a file name with a newline or an escape sequence is
/// shown quoted and escaped in human and concise output (it cannot split a
/// line or reach the terminal); GitHub, JUnit and SARIF escape it their way.
#[test]
fn control_characters_in_file_names_are_escaped() {
    let dir = tempfile::tempdir().unwrap();
    let name = "evil\n\u{1b}[31mred,x:y.setup.json";
    fs::write(dir.path().join(name), GROUP_CHAT_NAMED).unwrap();
    let shown = r#""evil\n\x1b[31mred,x:y.setup.json""#;
    for format in ["human", "concise"] {
        let (code, out, _) = run_in(dir.path(), &["check", ".", "--format", format]);
        assert_eq!(code, 1, "{out}");
        assert!(!out.contains('\u{1b}'), "{format}: an escape character reached the output:\n{out}");
        assert!(!out.lines().any(|l| l.starts_with("[31mred")), "{format}: the name split a line:\n{out}");
        assert!(out.contains(shown), "{format}: the name is not shown escaped:\n{out}");
    }
    let (_, out, _) = run_in(dir.path(), &["check", ".", "--format", "concise"]);
    assert!(out.contains(&format!("{shown}:1:92: error[display-name-forbidden]")), "{out}");
    // A name given on the command line that does not exist: the error line too.
    let (code, out, _) = run_in(dir.path(), &["check", "no\u{1b}]0;title\u{7}such.setup.json"]);
    assert_eq!(code, 2);
    assert!(
        !out.contains('\u{1b}') && !out.contains('\u{7}') && out.contains(r#""no\x1b]0;title\x07such.setup.json""#),
        "{out}"
    );

    // Control characters inside the file are shown as symbols in snippets.
    let raw = dir.path().join("raw.setup.json");
    fs::write(&raw, "{\"space\": {\"spaceType\": \"SPACE\", \"displayName\": \"a\u{1b}[2Jb\"}}").unwrap();
    let (_, out, _) = run_in(dir.path(), &["check", "raw.setup.json"]);
    assert!(!out.contains('\u{1b}') && out.contains("a␛[2Jb"), "{out}");
    fs::remove_file(raw).unwrap();

    // GitHub: one workflow command per line, the name shown escaped (issue
    // 17 item 18: no raw ESC, no `%0A` the runner would turn back into a
    // line break), then property-escaped as the runner unescapes it.
    let (_, out, _) = run_in(dir.path(), &["check", ".", "--format", "github"]);
    assert_eq!(out.lines().count(), 1, "{out}");
    assert!(out.starts_with(r#"::error file="evil\n\x1b[31mred%2Cx%3Ay.setup.json",line=1,"#), "{out}");
    // JUnit: well-formed XML whose attribute keeps the newline (as a character reference).
    let (_, out, _) = run_in(dir.path(), &["check", ".", "--format", "junit"]);
    assert!(!out.contains('\u{1b}'), "{out}");
    assert!(out.contains(r#"<testcase name="&quot;evil\n\x1b[31mred,x:y.setup.json&quot;""#), "{out}");
    // SARIF: a percent-encoded URI.
    let (_, out, _) = run_in(dir.path(), &["check", ".", "--format", "sarif"]);
    assert!(out.contains(r#""uri": "evil%0A%1B%5B31mred%2Cx%3Ay.setup.json""#), "{out}");
}

/// The `[name:line:column]` of every snippet header in human output.
fn snippet_headers(human: &str) -> Vec<(String, u64, u64)> {
    human
        .lines()
        .filter_map(|l| l.trim_start().strip_prefix("╭─[")?.strip_suffix(']').map(str::to_string))
        .map(|h| {
            let mut parts = h.rsplitn(3, ':');
            let column = parts.next().unwrap().parse().unwrap();
            let line = parts.next().unwrap().parse().unwrap();
            (parts.next().unwrap().to_string(), line, column)
        })
        .collect()
}

/// Every finding's (path, line, column) in JSON output, in order.
fn json_positions(json: &str) -> Vec<(String, u64, u64)> {
    let v: serde_json::Value = serde_json::from_str(json).unwrap();
    let mut out = Vec::new();
    for f in v["files"].as_array().unwrap() {
        for d in f["diagnostics"].as_array().unwrap() {
            out.push((f["path"].as_str().unwrap().into(), d["line"].as_u64().unwrap(), d["column"].as_u64().unwrap()));
        }
    }
    out
}

/// Issue 12 item 23: the human snippet header says the same line and
/// column as JSON, also after a byte order mark or other characters of
/// several bytes on the line (columns count Unicode scalar values).
#[test]
fn snippet_headers_agree_with_json_columns() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("bom.setup.json"), format!("\u{feff}{GROUP_CHAT_NAMED}")).unwrap();
    fs::write(
        dir.path().join("accents.setup.json"),
        GROUP_CHAT_NAMED.replace("\"displayName\": \"x\"", "\"displayName\": \"Équipe 開発 🚀\", \"colour\": 1"),
    )
    .unwrap();
    // Short lines, shown whole.
    fs::write(
        dir.path().join("short.setup.json"),
        "{\n  \"space\": {\n    \"spaceType\": \"SPACE\",\n    \"displayName\": \"Équipe 開発 🚀\", \"colour\": 1\n  }\n}\n",
    )
    .unwrap();
    let (_, human, _) = run_in(dir.path(), &["check", "."]);
    let (_, json, _) = run_in(dir.path(), &["check", ".", "--format", "json"]);
    let headers = snippet_headers(&human);
    assert!(headers.contains(&("short.setup.json".into(), 4, 35)), "{headers:?}");
    assert_eq!(headers, json_positions(&json), "{human}");
    assert!(headers.contains(&("bom.setup.json".into(), 1, 93)), "{headers:?}");
    assert!(headers.iter().any(|(f, _, c)| f == "accents.setup.json" && *c == 122), "{headers:?}");
    // The same on the bundled examples.
    let human = stdout_of(chatlint().args(["check", "examples/"]));
    let json = stdout_of(chatlint().args(["check", "examples/", "--format", "json"]));
    assert_eq!(snippet_headers(&human), json_positions(&json));
}

/// Issue 12 item 25: a very long line is cut around the finding (with an
/// ellipsis) instead of printed whole, and only what is shown is
/// underlined; the header keeps the true line and column.
#[test]
fn long_lines_are_cut_around_the_finding() {
    let dir = tempfile::tempdir().unwrap();
    let guidelines = "g".repeat(5_500);
    let body = GROUP_CHAT_NAMED.replace(
        "\"displayName\": \"x\"",
        &format!("\"spaceDetails\": {{\"guidelines\": \"{guidelines}\"}}, \"displayName\": \"x\""),
    );
    fs::write(dir.path().join("long.setup.json"), body).unwrap();
    let (code, human, _) = run_in(dir.path(), &["check", "."]);
    assert_eq!(code, 1, "{human}");
    let (_, json, _) = run_in(dir.path(), &["check", ".", "--format", "json"]);
    assert!(json.contains("guidelines-too-long") && json.contains("display-name-forbidden"), "{json}");
    for line in human.lines() {
        assert!(line.chars().count() <= 120, "a line of {} characters:\n{line}", line.chars().count());
    }
    assert!(human.contains('…'), "{human}");
    assert!(human.contains("\"displayName\": \"x\""), "the finding is not shown:\n{human}");
    assert_eq!(snippet_headers(&human), json_positions(&json), "{human}");
}

/// Issue 12 item 26: options that would silently do nothing are usage
/// errors that say why.
#[test]
fn options_that_would_do_nothing_are_usage_errors() {
    let (code, out, err) =
        run_in(Path::new(env!("CARGO_MANIFEST_DIR")), &["check", "examples/valid", "--unsafe-fixes"]);
    assert_eq!(code, 2, "{out}");
    assert!(err.contains("--unsafe-fixes needs --fix or --diff"), "{err}");
    assert!(out.is_empty(), "nothing is checked: {out}");
    if cfg!(feature = "send") {
        let (code, _, err) =
            run_in(Path::new(env!("CARGO_MANIFEST_DIR")), &["check", "examples/valid", "--send-passing"]);
        assert_eq!(code, 2);
        assert!(err.contains("--send-passing needs --send or --dry-run"), "{err}");
    }
}

/// Issue 12 item 26: what `--dry-run` (and `--send`) did with each file is
/// in the concise and GitHub output too, not only in human and JSON.
#[cfg(feature = "send")]
#[test]
fn send_outcomes_show_in_concise_and_github_output() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let file = "examples/valid/guide-api-setup.setup.json";
    let (code, out, _) = run_in(root, &["check", file, "--dry-run", "--format", "concise"]);
    assert_eq!(code, 0, "{out}");
    let line = format!(
        "{file}: dry run: would send POST https://chat.googleapis.com/v1/spaces:setup [requestId e8beeadc-5666-524b-b6da-b523da813372, derived]"
    );
    assert!(out.lines().any(|l| l == line), "{out}");
    let (_, out, _) = run_in(root, &["check", file, "--dry-run", "--format", "github"]);
    let notice = format!(
        "::notice file={file},title=chatlint send::dry run: would send POST https://chat.googleapis.com/v1/spaces:setup [requestId e8beeadc-5666-524b-b6da-b523da813372, derived]"
    );
    assert!(out.lines().any(|l| l == notice), "{out}");
    // Blocked by the gate: said so in both.
    let (code, out, _) =
        run_in(root, &["check", "examples/invalid/group-chat.setup.json", file, "--dry-run", "--format", "concise"]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains(&format!("{file}: not sent: ")), "{out}");
    let (_, out, _) =
        run_in(root, &["check", "examples/invalid/group-chat.setup.json", file, "--dry-run", "--format", "github"]);
    assert!(out.contains(&format!("::warning file={file},title=chatlint send::not sent: ")), "{out}");
}

/// Issue 12 item 27: a folder walk that finds nothing to check is an error
/// (exit 2: a CI job pointed at the wrong folder must not pass), saying
/// what it found and skipped, by name, in a bounded list.
#[test]
fn a_walk_that_finds_nothing_to_check_says_what_it_skipped() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    fs::create_dir_all(d.join("tools")).unwrap();
    fs::write(d.join("tools/package.json"), r#"{"name": "x", "version": "1.0.0"}"#).unwrap();
    fs::write(d.join("tools/tsconfig.json"), "{}").unwrap();
    fs::write(d.join("tools/notes.txt"), "hello").unwrap();
    let (code, out, _) = run_in(d, &["check", "tools"]);
    assert_eq!(code, 2, "{out}");
    assert!(
        out.contains(
            "no Chat request files found under tools; skipped: tools/package.json (not a request), tools/tsconfig.json (not a request)"
        ),
        "{out}"
    );
    // In JSON, the folder is reported with its error.
    let (code, out, _) = run_in(d, &["check", "tools", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!((code, &v["files"][0]["path"]), (2, &"tools".into()), "{v:#}");
    assert!(v["files"][0]["error"].as_str().unwrap().starts_with("no Chat request files found under tools"));

    // An empty folder, and a folder named like a request file.
    fs::create_dir(d.join("empty")).unwrap();
    fs::create_dir(d.join("x.setup.json")).unwrap();
    fs::write(d.join("x.setup.json/readme.md"), "# nothing").unwrap();
    for folder in ["empty", "x.setup.json"] {
        let (code, out, _) = run_in(d, &["check", folder]);
        assert_eq!(code, 2, "{out}");
        assert!(out.contains(&format!("no Chat request files found under {folder}: it has no .json files")), "{out}");
    }

    // Everything excluded by the config.
    fs::create_dir(d.join("drafts")).unwrap();
    fs::write(d.join("drafts/a.setup.json"), GROUP_CHAT_NAMED).unwrap();
    fs::write(d.join("chatlint.toml"), "exclude = [\"drafts/**\"]\n").unwrap();
    let (code, out, _) = run_in(d, &["check", "drafts"]);
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("skipped: drafts/a.setup.json (excluded by chatlint.toml)"), "{out}");

    // A long list is cut.
    fs::create_dir(d.join("many")).unwrap();
    for i in 0..25 {
        fs::write(d.join(format!("many/n{i:02}.json")), "{}").unwrap();
    }
    let (code, out, _) = run_in(d, &["check", "many"]);
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("many/n09.json (not a request), and 15 more"), "{out}");
    assert!(!out.contains("n10.json"), "{out}");

    // A folder with a request among other files is checked as before.
    fs::write(d.join("tools/team.setup.json"), GROUP_CHAT_NAMED.replace("GROUP_CHAT", "SPACE")).unwrap();
    let (code, out, _) = run_in(d, &["check", "tools"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("Checked 1 file"), "{out}");
}

const MEMBER_OF_AAA: &str =
    r#"{"parent": "spaces/AAA", "membership": {"member": {"name": "users/ana@example.com", "type": "HUMAN"}}}"#;
const PATCH_OF_AAA: &str =
    r#"{"space": {"name": "spaces/AAA", "displayName": "Platform"}, "updateMask": "displayName"}"#;

/// Issue 17 item 12: a parameter flag that disagrees with what the file
/// itself says is an error for that file naming both values (chatlint
/// never picks one without a word), and one the file's method does not
/// take is an error naming the method. A flag that agrees (in either
/// spelling of a mask) is fine.
#[test]
fn parameter_flags_that_disagree_with_the_file_or_do_not_apply_are_errors() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    fs::write(d.join("ana.member.json"), MEMBER_OF_AAA).unwrap();
    fs::write(d.join("rename.patch.json"), PATCH_OF_AAA).unwrap();
    fs::write(d.join("team.setup.json"), GROUP_CHAT_NAMED.replace("GROUP_CHAT", "SPACE")).unwrap();

    let (code, out, _) = run_in(d, &["check", "ana.member.json", "--parent", "spaces/BBB"]);
    assert_eq!(code, 2, "{out}");
    assert!(
        out.contains("ana.member.json: --parent gives \"spaces/BBB\", but the file says `parent` is \"spaces/AAA\""),
        "{out}"
    );
    let (code, out, _) = run_in(d, &["check", "rename.patch.json", "--update-mask", "description"]);
    assert_eq!(code, 2, "{out}");
    assert!(
        out.contains("--update-mask gives \"description\", but the file says `updateMask` is \"displayName\""),
        "{out}"
    );
    let (code, out, _) = run_in(d, &["check", "rename.patch.json", "--name", "spaces/BBB"]);
    assert!(code == 2 && out.contains("--name gives \"spaces/BBB\", but the file says `name`"), "{out}");
    let (code, out, _) = run_in(d, &["check", "team.setup.json", "--parent", "spaces/AAA", "--update-mask", "x"]);
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("--parent does not apply: spaces.setup takes no `parent`"), "{out}");
    assert!(out.contains("--update-mask does not apply: spaces.setup takes no `updateMask`"), "{out}");
    let (code, out, _) = run_in(d, &["check", "team.setup.json", "--use-admin-access"]);
    assert!(code == 2 && out.contains("spaces.setup takes no `useAdminAccess`"), "{out}");

    // Flags that agree with the file are no error.
    let (code, out, _) = run_in(d, &["check", "ana.member.json", "--parent", "spaces/AAA"]);
    assert_eq!(code, 0, "{out}");
    let (code, out, _) = run_in(d, &["check", "rename.patch.json", "--update-mask", "display_name"]);
    assert_eq!(code, 0, "{out}");

    // The same for chatlint.toml's [[requests]] parameters, which name the config.
    fs::write(d.join("chatlint.toml"), "[[requests]]\npath = \"*.json\"\nparent = \"spaces/BBB\"\n").unwrap();
    let (code, out, _) = run_in(d, &["check", "ana.member.json", "team.setup.json"]);
    assert_eq!(code, 2, "{out}");
    assert!(
        out.contains(
            "ana.member.json: `parent` of [[requests]] in chatlint.toml gives \"spaces/BBB\", but the file says `parent` is \"spaces/AAA\""
        ),
        "{out}"
    );
    assert!(
        out.contains(
            "team.setup.json: `parent` of [[requests]] in chatlint.toml does not apply: spaces.setup takes no `parent`"
        ),
        "{out}"
    );
}

/// Issue 17 item B5: a bare body checked with `--method` (standard input,
/// say) is told about the flags that give its parameters, not only about
/// chatlint.toml.
#[test]
fn parameter_not_given_names_the_flags() {
    let out = chatlint()
        .args(["check", "-", "--method", "patch", "--format", "json"])
        .write_stdin(r#"{"displayName": "Platform"}"#)
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let helps: Vec<&str> = v["files"][0]["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["rule"] == "parameter-not-given")
        .map(|d| d["help"].as_str().unwrap())
        .collect();
    assert_eq!(helps.len(), 2, "{v:#}");
    assert!(helps.iter().any(|h| h.contains("`--name spaces/…`")), "{helps:#?}");
    assert!(helps.iter().any(|h| h.contains("`--update-mask PATHS`")), "{helps:#?}");
    let out = chatlint()
        .args(["check", "-", "--method", "member", "--format", "json"])
        .write_stdin(r#"{"member": {"name": "users/1", "type": "HUMAN"}}"#)
        .output()
        .unwrap();
    assert!(String::from_utf8(out.stdout).unwrap().contains("`--parent spaces/…`"));
}

/// Issue 17 item B3: human output marks what `--fix` would fix (`[*]`, and
/// `[* --unsafe-fixes]` for what only that flag would), and the summary
/// counts fixable findings, those `[[ignore]]` accepted, and the files a
/// walk skipped as not Chat requests.
#[test]
fn human_output_marks_fixable_findings_and_counts_fixable_ignored_and_skipped() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // display-name-forbidden (a safe fix) and user-name-format (`people/1`: safe) ...
    let team = GROUP_CHAT_NAMED.replace("users/1", "people/1");
    fs::write(d.join("team.setup.json"), &team).unwrap();
    // ... and no requestId (an unsafe fix adds one).
    let no_id = GROUP_CHAT_NAMED.replace(r#""requestId": "6f1c2d3e-4a5b-4c6d-8e7f-901a2b3c4d5e", "#, "");
    fs::write(d.join("no-id.setup.json"), no_id).unwrap();
    fs::write(d.join("package.json"), r#"{"name": "x", "version": "1.0.0"}"#).unwrap();
    fs::write(
        d.join("chatlint.toml"),
        "[[ignore]]\npath = \"team.setup.json\"\nrule = \"user-name-format\"\nreason = \"migrated later\"\n",
    )
    .unwrap();
    let (code, out, _) = run_in(d, &["check", "."]);
    assert_eq!(code, 1, "{out}");
    let headers: Vec<&str> = out.lines().filter(|l| !l.is_empty() && !l.starts_with(' ')).collect();
    assert!(headers.contains(&"display-name-forbidden [*]"), "{headers:#?}");
    assert!(headers.contains(&"request-id-not-uuid [* --unsafe-fixes]"), "{headers:#?}");
    let summary = out.lines().last().unwrap();
    assert_eq!(
        summary,
        "Checked 2 files: 2 errors, 0 warnings, 1 hint; 2 fixable with --fix (1 more with --unsafe-fixes); 1 ignored; 1 skipped: not Chat requests",
        "{out}"
    );
}

/// Issue 17 item B5: a walk of a folder with no Chat request says so in
/// the summary, not "1 file could not be checked" (it is still exit 2).
#[test]
fn an_empty_folder_is_no_file_that_could_not_be_checked() {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir(dir.path().join("empty")).unwrap();
    let (code, out, _) = run_in(dir.path(), &["check", "empty"]);
    assert_eq!(code, 2, "{out}");
    assert!(!out.contains("could not be checked"), "{out}");
    assert!(
        out.ends_with("Checked 0 files: 0 errors, 0 warnings, 0 hints; 1 folder held no Chat request to check\n"),
        "{out}"
    );
}

/// A wrong value in an update's body is where the finding is; the mask
/// path that asks for it comes with it as `related`.
/// A spaces.patch that turns a space into a GROUP_CHAT under a mask naming
/// `space_type`, and the report of it in `format`.
fn group_chat_patch_as(format: &str) -> serde_json::Value {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("to-space.patch.json");
    let text = "{\n  \"space\": { \"name\": \"spaces/AAAAAAAAAAA\", \"spaceType\": \"GROUP_CHAT\" },\n  \"updateMask\": \"space_type\"\n}\n";
    std::fs::write(&file, text).unwrap();
    let out = chatlint().args(["check", "--format", format]).arg(&file).output().unwrap();
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn json_output_carries_the_mask_path_as_related() {
    let v = group_chat_patch_as("json");
    let finding = v["files"][0]["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["rule"] == "space-type-update")
        .expect("space-type-update")
        .clone();
    assert_eq!(finding["pointer"], "/space/spaceType");
    assert_eq!((finding["line"].as_u64(), finding["column"].as_u64()), (Some(2), Some(57)));
    let related = &finding["related"][0];
    assert_eq!(related["pointer"], "/updateMask");
    assert_eq!((related["line"].as_u64(), related["column"].as_u64()), (Some(3), Some(18)));
    assert_eq!(related["message"], "`space_type` in the update mask");
}

#[test]
fn sarif_output_carries_the_mask_path_as_a_related_location() {
    let v = group_chat_patch_as("sarif");
    let result = v["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["ruleId"] == "space-type-update")
        .expect("space-type-update")
        .clone();
    let region = &result["locations"][0]["physicalLocation"]["region"];
    assert_eq!((region["startLine"].as_u64(), region["startColumn"].as_u64()), (Some(2), Some(57)));
    let related = &result["relatedLocations"][0];
    assert_eq!(related["id"], 0);
    assert_eq!(related["message"]["text"], "`space_type` in the update mask");
    let region = &related["physicalLocation"]["region"];
    assert_eq!((region["startLine"].as_u64(), region["startColumn"].as_u64()), (Some(3), Some(18)));
    assert_eq!(related["logicalLocations"][0]["fullyQualifiedName"], "/updateMask");
}
