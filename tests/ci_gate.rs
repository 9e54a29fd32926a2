//! What unattended users rely on: report formats (SARIF validated with
//! Microsoft's own validator, GitHub and JUnit snapshotted), several
//! reports from one run, `--fix`/`--diff`, and `[[ignore]]` suppressions.

use assert_cmd::Command;
use chatlint_engine::catalogue::{self, FixOffer};
use chatlint_engine::diagnostic::Applicability;
use chatlint_engine::fix::fix_text;
use chatlint_engine::settings::{RequestContext, Settings};
use chatlint_engine::{Method, Request, analyze};
use predicates::prelude::*;
use std::fs;
use std::path::{Path, PathBuf};

fn chatlint() -> Command {
    let mut c = Command::cargo_bin("chatlint").unwrap();
    c.env("NO_COLOR", "1").current_dir(env!("CARGO_MANIFEST_DIR"));
    c
}

fn stdout_of(c: &mut Command) -> String {
    String::from_utf8(c.output().unwrap().stdout).unwrap()
}

#[test]
fn github_annotations() {
    insta::assert_snapshot!(
        "github_invalid_examples",
        stdout_of(chatlint().args(["check", "examples/invalid", "--format", "github"]))
    );
}

#[test]
fn junit_report() {
    insta::assert_snapshot!(
        "junit_invalid_examples",
        stdout_of(chatlint().args(["check", "examples/invalid", "--format", "junit"]))
    );
}

#[test]
fn concise_lines() {
    let out = stdout_of(chatlint().args(["check", "examples/invalid/typos.setup.json", "--format", "concise"]));
    assert!(
        out.contains(
            "examples/invalid/typos.setup.json:5:5: error[unknown-field] unknown field `displayname` in Space"
        ),
        "{out}"
    );
}

/// The SARIF validator from `@microsoft/sarif-multitool-linux` (npm), found
/// through $SARIF_MULTITOOL; .ci/run installs it and sets the variable.
/// Without it, the test that needs it fails and says how to get it.
fn sarif_multitool() -> PathBuf {
    match std::env::var_os("SARIF_MULTITOOL").map(PathBuf::from) {
        Some(tool) if tool.is_file() => tool,
        found => panic!(
            "this test needs Microsoft's SARIF validator, and SARIF_MULTITOOL is {}: in some folder run \
             `npm install @microsoft/sarif-multitool-linux@5.7.0`, set SARIF_MULTITOOL to \
             <folder>/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool (as .ci/run does), \
             then run `cargo test --test ci_gate -- --ignored`",
            found.map_or("not set".to_string(), |p| format!("{} (not a file)", p.display()))
        ),
    }
}

/// Writes the SARIF report of `examples/` into `dir`, as a side report
/// while the terminal gets the human output, and returns its path.
fn sarif_report_of_examples(dir: &Path) -> PathBuf {
    let sarif = dir.join("chatlint.sarif");
    chatlint()
        .args(["check", "examples/", "--report"])
        .arg(format!("sarif={}", sarif.display()))
        .assert()
        .code(1)
        .stdout(predicate::str::contains("Checked"));
    sarif
}

#[test]
fn sarif_report_has_the_finding_its_rule_and_region() {
    let dir = tempfile::tempdir().unwrap();
    let sarif = sarif_report_of_examples(dir.path());
    let log: serde_json::Value = serde_json::from_str(&fs::read_to_string(&sarif).unwrap()).unwrap();
    let run = &log["runs"][0];
    assert_eq!(log["version"], "2.1.0");
    assert_eq!(run["columnKind"], "unicodeCodePoints");
    let results = run["results"].as_array().unwrap();
    assert!(!results.is_empty());
    let unknown = results
        .iter()
        .find(|r| r["ruleId"] == "unknown-field" && r["message"]["text"].as_str().unwrap().contains("displayname"))
        .unwrap();
    let loc = &unknown["locations"][0];
    assert_eq!(loc["physicalLocation"]["artifactLocation"]["uri"], "examples/invalid/typos.setup.json");
    assert_eq!(loc["physicalLocation"]["region"]["startLine"], 5);
    assert_eq!(loc["physicalLocation"]["region"]["startColumn"], 5);
    assert_eq!(loc["logicalLocations"][0]["fullyQualifiedName"], "/space/displayname");
    let rule = &run["tool"]["driver"]["rules"][unknown["ruleIndex"].as_u64().unwrap() as usize];
    assert_eq!(rule["id"], "unknown-field");
    assert!(rule["help"]["text"].as_str().unwrap().contains("Source ("));
}

#[test]
#[ignore = "needs Microsoft's SARIF validator ($SARIF_MULTITOOL; installed by .ci/run); run with cargo test -- --ignored"]
fn sarif_passes_microsofts_validator_with_no_errors() {
    let dir = tempfile::tempdir().unwrap();
    let examples = sarif_report_of_examples(dir.path());
    let problems = validate_sarif(&examples);
    assert!(problems.is_empty(), "the SARIF validator reported, on the examples: {problems:#?}");
    // Locations given with `.` and `..` (SARIF1002 rejects them unresolved).
    let (sarif, _files, _) = sarif_with_dotted_paths();
    let dotted = dir.path().join("dotted.sarif");
    fs::write(&dotted, sarif).unwrap();
    let problems = validate_sarif(&dotted);
    assert!(problems.is_empty(), "the SARIF validator reported, on dotted paths: {problems:#?}");
}

/// What Microsoft's SARIF validator reports about a file.
fn validate_sarif(sarif: &Path) -> Vec<String> {
    let tool = sarif_multitool();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("validation.sarif");
    let status = std::process::Command::new(tool)
        .arg("validate")
        .arg(sarif)
        .arg("-o")
        .arg(&out)
        .env("DOTNET_SYSTEM_GLOBALIZATION_INVARIANT", "1")
        .status()
        .unwrap();
    assert!(status.success(), "the validator failed to run");
    let report: serde_json::Value = serde_json::from_str(&fs::read_to_string(&out).unwrap()).unwrap();
    report["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| format!("{} {}: {}", r["level"], r["ruleId"], r["message"]))
        .collect()
}

/// Issue 12 item 24: SARIF locations are normalised: `.` and `..` are
/// resolved (the validator rejects `file:///a/b/../c`, SARIF1002), a
/// relative path inside the current folder stays relative to `SRCROOT`, and
/// one that climbs out of it becomes an absolute `file:///` URI.
#[test]
fn sarif_uris_are_normalised() {
    let (sarif, _dir, root) = sarif_with_dotted_paths();
    let repo = root.join("repo");
    let log: serde_json::Value = serde_json::from_str(&sarif).unwrap();
    let mut uris: Vec<(String, Option<String>)> = log["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let a = &r["locations"][0]["physicalLocation"]["artifactLocation"];
            (a["uri"].as_str().unwrap().to_string(), a["uriBaseId"].as_str().map(str::to_string))
        })
        .collect();
    uris.dedup();
    assert_eq!(
        uris,
        [
            (format!("file://{}/requests/team.setup.json", repo.display()), None),
            ("requests/team.setup.json".to_string(), Some("SRCROOT".to_string())),
            (format!("file://{}/other/x.setup.json", root.display()), None),
        ],
        "{sarif}"
    );
}

/// The SARIF of files named with `.` and `..`, from inside `repo/` and
/// from beside it; the folder they are in (kept while it is in use) and its
/// canonical path.
fn sarif_with_dotted_paths() -> (String, tempfile::TempDir, PathBuf) {
    let dir = temp_with(&[("repo/requests/team.setup.json", GROUP_CHAT), ("other/x.setup.json", GROUP_CHAT)]);
    let root = fs::canonicalize(dir.path()).unwrap();
    let repo = root.join("repo");
    let absolute = format!("{}/requests/../requests/./team.setup.json", repo.display());
    let out = Command::cargo_bin("chatlint")
        .unwrap()
        .current_dir(&repo)
        .args(["check", "--format", "sarif", &absolute, "./requests/../requests/team.setup.json"])
        .arg("../other/x.setup.json")
        .output()
        .unwrap();
    (String::from_utf8(out.stdout).unwrap(), dir, root)
}

/// Every rule whose doc says it has a fix: fixing each invalid example
/// leaves no fixable finding, keeps CRLF line endings and tab indentation,
/// and changes no byte before the first or after the last edit.
#[test]
fn fix_round_trips_every_fixable_rule() {
    let mut checked = 0;
    for rule in catalogue::all().filter(|r| r.fix != FixOffer::None) {
        for e in rule.examples.iter().filter(|e| !e.valid) {
            let method: Method = e.method.parse().unwrap();
            let mut settings = Settings::default();
            if let Some(p) = e.profile {
                settings.profile = chatlint_engine::profile::Profile::by_name(p).unwrap();
            }
            if let Some(c) = e.context {
                settings.context = toml::from_str::<RequestContext>(c).unwrap();
            }
            // Unusual but valid layout that fixes must not disturb.
            let text = e.body.trim_end().replace("  ", "\t").replace('\n', "\r\n") + "\r\n";
            let before = analyze(&Request::new(&text, Some(method), None), &settings);
            let Some(fix) = before.diagnostics.iter().filter(|d| d.rule == rule.id).find_map(|d| d.fixes.first())
            else {
                continue;
            };
            let fixed = fix_text(&Request::new(&text, Some(method), None), &settings, true);
            let left: Vec<_> =
                fixed.report.diagnostics.iter().filter(|d| !d.fixes.is_empty()).map(|d| d.rule).collect();
            assert!(left.is_empty(), "{}: fixable findings left after --fix: {left:?}\n{}", rule.id, fixed.text);
            assert!(fixed.applied > 0, "{}: nothing applied", rule.id);
            assert!(!fixed.text.replace("\r\n", "").contains('\n'), "{}: a fix broke the CRLF line endings", rule.id);
            // The span of every edit the first pass offers: nothing outside it may change.
            let edits: Vec<_> =
                before.diagnostics.iter().filter_map(|d| d.fixes.first()).flat_map(|f| &f.edits).collect();
            let first = edits.iter().map(|x| x.range.start).min().unwrap();
            assert_eq!(
                &fixed.text[..first.min(fixed.text.len())],
                &text[..first],
                "{}: bytes before the fix changed",
                rule.id
            );
            let tail = text.len() - edits.iter().map(|x| x.range.end).max().unwrap();
            let tail = tail.min(fixed.text.len());
            assert_eq!(
                &fixed.text[fixed.text.len() - tail..],
                &text[text.len() - tail..],
                "{}: bytes after the fix changed",
                rule.id
            );
            if fix.applicability == Applicability::Safe {
                let safe_only = fix_text(&Request::new(&text, Some(method), None), &settings, false);
                assert!(safe_only.applied > 0, "{}: the safe fix was not applied without --unsafe-fixes", rule.id);
            }
            checked += 1;
        }
    }
    assert!(checked >= 15, "only {checked} fixable examples were exercised");
}

fn temp_with(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in files {
        let p = dir.path().join(name);
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(p, text).unwrap();
    }
    dir
}

const GROUP_CHAT: &str = "{\n  \"requestId\": \"6f1c2d3e-4a5b-4c6d-8e7f-901a2b3c4d5e\",\n  \"space\": {\n    \"spaceType\": \"GROUP_CHAT\",\n    \"displayName\": \"Team\"\n  },\n  \"memberships\": [\n    { \"member\": { \"name\": \"people/1\", \"type\": \"HUMAN\" } },\n    { \"member\": { \"name\": \"users/2\", \"type\": \"HUMAN\" } }\n  ]\n}\n";

fn run_in(dir: &Path, args: &[&str]) -> (i32, String) {
    let out =
        Command::cargo_bin("chatlint").unwrap().current_dir(dir).env("NO_COLOR", "1").args(args).output().unwrap();
    (out.status.code().unwrap(), String::from_utf8(out.stdout).unwrap())
}

#[test]
fn fix_writes_in_place_and_diff_only_shows() {
    let dir = temp_with(&[("team.setup.json", GROUP_CHAT)]);
    let file = dir.path().join("team.setup.json");
    let (code, out) = run_in(dir.path(), &["check", ".", "--diff"]);
    assert_eq!(code, 1, "--diff exits 1 when fixes would change files");
    assert!(
        out.contains("-    \"displayName\": \"Team\"") && out.contains("+    { \"member\": { \"name\": \"users/1\""),
        "{out}"
    );
    assert_eq!(fs::read_to_string(&file).unwrap(), GROUP_CHAT, "--diff must not write");

    let (code, out) = run_in(dir.path(), &["check", ".", "--fix"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("Fixed 2 problems"), "{out}");
    let fixed = fs::read_to_string(&file).unwrap();
    assert!(!fixed.contains("displayName") && fixed.contains("\"users/1\""));
    let (code, out) = run_in(dir.path(), &["check", ".", "--fix"]);
    assert_eq!((code, out.contains("Fixed")), (0, false), "a second --fix has nothing left to do: {out}");
    let leftovers: Vec<_> = fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(leftovers.len(), 1, "no temporary file is left behind: {leftovers:?}");
}

#[test]
fn an_ignore_silences_exactly_its_finding_and_an_unused_one_is_reported() {
    let two_bad_names = GROUP_CHAT.replace("users/2", "people/2");
    let config = r#"
[[ignore]]
path = "team.setup.json"
rule = "user-name-format"
pointer = "/memberships/0/member/name"
reason = "people/1 is migrated by the provisioning script"

[[ignore]]
path = "*.setup.json"
rule = "group-email"
reason = "no groups here"
"#;
    let dir = temp_with(&[("team.setup.json", &two_bad_names), ("chatlint.toml", config)]);
    let (code, out) = run_in(dir.path(), &["check", ".", "--format", "json"]);
    assert_eq!(code, 1);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let found: Vec<(String, String)> = v["files"][0]["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (d["rule"].as_str().unwrap().to_string(), d["pointer"].as_str().unwrap().to_string()))
        .collect();
    assert!(found.contains(&("user-name-format".into(), "/memberships/1/member/name".into())), "{found:?}");
    assert!(!found.contains(&("user-name-format".into(), "/memberships/0/member/name".into())), "{found:?}");
    let unused = v["unused_ignores"].as_array().unwrap();
    assert_eq!(unused.len(), 1, "{unused:?}");
    assert_eq!((&unused[0]["rule"], &unused[0]["line"]), (&"group-email".into(), &8.into()));

    // --strict reports everything, the accepted finding included.
    let (_, out) = run_in(dir.path(), &["check", ".", "--format", "json", "--strict"]);
    assert_eq!(out.matches("\"user-name-format\"").count(), 2, "{out}");
}

#[test]
fn an_ignore_without_a_reason_is_refused() {
    let dir = temp_with(&[
        ("team.setup.json", GROUP_CHAT),
        ("chatlint.toml", "[[ignore]]\npath = \"*.json\"\nrule = \"user-name-format\"\nreason = \"\"\n"),
    ]);
    let (code, out) = run_in(dir.path(), &["check", "."]);
    assert_eq!(code, 2);
    assert!(out.contains("needs a `reason`"), "{out}");
}

#[test]
fn add_ignores_baselines_every_finding() {
    let dir = temp_with(&[("requests/team.setup.json", GROUP_CHAT), ("chatlint.toml", "profile = \"current\"\n")]);
    let (code, out) = run_in(dir.path(), &["check", ".", "--add-ignores", "accepted in the 2026 audit"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("Added 2 [[ignore]] entries"), "{out}");
    let config = fs::read_to_string(dir.path().join("chatlint.toml")).unwrap();
    assert!(
        config.starts_with("profile = \"current\"\n") && config.contains("path = \"requests/team.setup.json\""),
        "{config}"
    );
    let (code, out) = run_in(dir.path(), &["check", "."]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("0 errors") && !out.contains("unused"), "{out}");
}

/// Issue 12 item 16: `--fix` leaves a finding that `[[ignore]]` accepted as
/// it is (the entry runs inside every fix pass), fixes the rest, and does
/// not report the entry as unused afterwards.
#[test]
fn fix_leaves_accepted_findings_alone_and_their_entry_is_used() {
    let config = r#"
[[ignore]]
path = "team.setup.json"
rule = "display-name-forbidden"
reason = "the provisioning script drops it"
"#;
    let dir = temp_with(&[("team.setup.json", GROUP_CHAT), ("chatlint.toml", config)]);
    let file = dir.path().join("team.setup.json");
    let (code, out) = run_in(dir.path(), &["check", ".", "--fix", "--format", "json"]);
    assert_eq!(code, 0, "{out}");
    let fixed = fs::read_to_string(&file).unwrap();
    assert!(fixed.contains("\"displayName\": \"Team\""), "--fix removed an accepted finding:\n{fixed}");
    assert!(fixed.contains("\"users/1\"") && !fixed.contains("people/1"), "the other fix was not applied:\n{fixed}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["unused_ignores"], serde_json::json!([]), "the entry silenced a finding: {v:#}");
    assert_eq!(v["summary"]["fixed"], 1, "{v:#}");
    // The next run agrees: nothing to fix, the entry still in use.
    let (code, out) = run_in(dir.path(), &["check", ".", "--fix", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!((code, &v["summary"]["fixed"], &v["unused_ignores"]), (0, &0.into(), &serde_json::json!([])));
    assert_eq!(fs::read_to_string(&file).unwrap(), fixed);
}

/// Issue 12 item 17: `--fix` on a symbolic link fixes the file it points
/// to (atomically, beside the target) and leaves the link a link.
#[test]
fn fix_through_a_symlink_fixes_the_target_and_keeps_the_link() {
    let dir = temp_with(&[("real/team.setup.json", GROUP_CHAT)]);
    let target = dir.path().join("real/team.setup.json");
    let link = dir.path().join("team.setup.json");
    std::os::unix::fs::symlink("real/team.setup.json", &link).unwrap();
    let (code, out) = run_in(dir.path(), &["check", "team.setup.json", "--fix"]);
    assert_eq!(code, 0, "{out}");
    assert!(fs::symlink_metadata(&link).unwrap().file_type().is_symlink(), "the link was replaced by a file");
    assert_eq!(fs::read_link(&link).unwrap(), Path::new("real/team.setup.json"));
    let fixed = fs::read_to_string(&target).unwrap();
    assert!(!fixed.contains("displayName") && fixed.contains("\"users/1\""), "the target was not fixed:\n{fixed}");
    let leftovers: Vec<_> = fs::read_dir(dir.path().join("real")).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(leftovers.len(), 1, "no temporary file is left beside the target: {leftovers:?}");
}

/// Issue 17 items 11 and 15: `--fix` leaves a read-only file as it is (a
/// mode of 0444 says "do not change me", whoever runs chatlint), says why,
/// and does not count a fix it did not write.
#[cfg(unix)]
#[test]
fn fix_leaves_a_read_only_file_alone_and_counts_no_fix() {
    use std::os::unix::fs::PermissionsExt;
    let dir = temp_with(&[("team.setup.json", GROUP_CHAT)]);
    let file = dir.path().join("team.setup.json");
    fs::set_permissions(&file, fs::Permissions::from_mode(0o444)).unwrap();
    let (code, out) = run_in(dir.path(), &["check", ".", "--fix"]);
    assert_eq!(code, 2, "a file that could not be fixed is an error of the run: {out}");
    assert!(out.contains("team.setup.json: not fixed: it is read-only"), "{out}");
    assert!(!out.contains("Fixed"), "a fix that was not written is not counted: {out}");
    // It was checked: its findings are shown, and it is no file that could not be checked.
    assert!(out.contains("display-name-forbidden [*]"), "{out}");
    assert!(out.ends_with("; 2 fixable with --fix; 1 file not fixed (see above)\n"), "{out}");
    assert_eq!(fs::read_to_string(&file).unwrap(), GROUP_CHAT, "the read-only file was rewritten");
    assert_eq!(fs::metadata(&file).unwrap().permissions().mode() & 0o777, 0o444);
    let (_, out) = run_in(dir.path(), &["check", ".", "--fix", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["summary"]["fixed"], 0, "{v:#}");
}

/// Issue 17 item 11: a file with more than one hard link is not replaced
/// (a new file under one name would split it from the others); `--fix`
/// says why and writes nothing.
#[cfg(unix)]
#[test]
fn fix_leaves_a_hard_linked_file_alone() {
    use std::os::unix::fs::MetadataExt;
    let dir = temp_with(&[("team.setup.json", GROUP_CHAT)]);
    let file = dir.path().join("team.setup.json");
    fs::create_dir(dir.path().join("backup")).unwrap();
    let other = dir.path().join("backup/team.json");
    fs::hard_link(&file, &other).unwrap();
    let (code, out) = run_in(dir.path(), &["check", "team.setup.json", "--fix"]);
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("not fixed: it has 2 hard links"), "{out}");
    assert!(!out.contains("Fixed"), "{out}");
    assert_eq!(fs::read_to_string(&file).unwrap(), GROUP_CHAT);
    assert_eq!(fs::metadata(&file).unwrap().ino(), fs::metadata(&other).unwrap().ino(), "the link was broken");
}

/// Issue 17 item 11: the fixed file keeps its mode, owner and group (as
/// root, the test gives it another owner first; otherwise its own group).
#[cfg(unix)]
#[test]
fn fix_keeps_the_mode_owner_and_group() {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    let dir = temp_with(&[("team.setup.json", GROUP_CHAT)]);
    let file = dir.path().join("team.setup.json");
    fs::set_permissions(&file, fs::Permissions::from_mode(0o640)).unwrap();
    // Another owner when the test may give one (as root), else as it is.
    let _ = std::os::unix::fs::chown(&file, Some(4321), Some(4321));
    let before = fs::metadata(&file).unwrap();
    let (code, out) = run_in(dir.path(), &["check", ".", "--fix"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("Fixed 2 problems"), "{out}");
    let after = fs::metadata(&file).unwrap();
    assert_ne!(fs::read_to_string(&file).unwrap(), GROUP_CHAT, "not fixed");
    assert_eq!(
        (after.mode() & 0o7777, after.uid(), after.gid()),
        (before.mode() & 0o7777, before.uid(), before.gid()),
        "mode, owner or group changed"
    );
}

/// Issue 17 item 8: `--add-ignores` writes each file's path as a literal
/// pattern: a file named `*.setup.json` does not silence every file, and
/// `eng[prod].setup.json` is silenced by its own entry.
#[test]
fn add_ignores_writes_literal_paths_not_patterns() {
    let dir = temp_with(&[("eng[prod].setup.json", GROUP_CHAT)]);
    let (code, out) = run_in(dir.path(), &["check", ".", "--add-ignores", "accepted"]);
    assert_eq!(code, 0, "{out}");
    let (code, out) = run_in(dir.path(), &["check", "."]);
    assert!(code == 0 && out.contains("0 errors, 0 warnings"), "its own entry did not match it: {out}");

    let dir = temp_with(&[("*.setup.json", GROUP_CHAT), ("eng[prod].setup.json", GROUP_CHAT)]);
    let (code, out) = run_in(dir.path(), &["check", ".", "--add-ignores", "accepted"]);
    assert_eq!(code, 0, "{out}");
    fs::write(dir.path().join("team.setup.json"), GROUP_CHAT).unwrap();
    let (code, out) = run_in(dir.path(), &["check", ".", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let count = |name: &str| {
        let file = v["files"].as_array().unwrap().iter().find(|f| f["path"] == name).unwrap();
        file["diagnostics"].as_array().unwrap().len()
    };
    assert_eq!(count("eng[prod].setup.json"), 0, "{v:#}");
    assert_eq!(count("*.setup.json"), 0, "{v:#}");
    assert!(count("team.setup.json") > 0, "a file named `*.setup.json` silenced another file: {v:#}");
    assert_eq!((code, &v["unused_ignores"]), (1, &serde_json::json!([])), "{v:#}");
}

/// Issue 17 item 18: `--format github` never writes a control character
/// from a file name (or from the file, through a message) raw, and never
/// one that GitHub would decode back into one (`%0A` in a name): names are
/// shown escaped, as human and JUnit output show them.
#[cfg(unix)]
#[test]
fn github_output_escapes_control_characters_in_names_and_messages() {
    let escape_in_value = GROUP_CHAT.replace("people/1", "people/\\u001b[2J");
    let dir = temp_with(&[("a\u{1b}[31mred\u{7}.setup.json", GROUP_CHAT), ("two\nlines.setup.json", &escape_in_value)]);
    let (code, out) = run_in(dir.path(), &["check", ".", "--format", "github"]);
    assert_eq!(code, 1, "{out}");
    let raw: Vec<char> = out.chars().filter(|c| c.is_control() && *c != '\n').collect();
    assert!(raw.is_empty(), "raw control characters {raw:?} in:\n{out}");
    assert!(out.lines().all(|l| l.starts_with("::")), "a name split a line:\n{out}");
    assert!(out.contains(r#"file="a\x1b[31mred\x07.setup.json""#), "{out}");
    assert!(out.contains(r#"file="two\nlines.setup.json""#), "{out}");
}
