//! Bad input gets a clear message naming the file (and the position where
//! there is one); the other files are still checked; nothing panics.

use assert_cmd::Command;
use std::fs;
use std::path::{Path, PathBuf};

/// A folder holding one broken file and one checkable companion whose
/// finding proves the run went on.
struct Case {
    dir: tempfile::TempDir,
}

const COMPANION: &str = r#"{"requestId": "6f1c2d3e-4a5b-4c6d-8e7f-901a2b3c4d5e", "space": {"spaceType": "GROUP_CHAT", "displayName": "x"}, "memberships": [{"member": {"name": "users/1", "type": "HUMAN"}}, {"member": {"name": "users/2", "type": "HUMAN"}}]}"#;

impl Case {
    fn new() -> Case {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("companion.setup.json"), COMPANION).unwrap();
        Case { dir }
    }
    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }
    fn write(&self, name: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
        let p = self.path(name);
        fs::write(&p, bytes).unwrap();
        p
    }
    /// Runs `check` on `target` and the companion; returns (exit code, JSON report).
    fn check(&self, target: &Path) -> (i32, serde_json::Value) {
        let out = Command::cargo_bin("chatlint")
            .unwrap()
            .arg("check")
            .arg(target)
            .arg(self.path("companion.setup.json"))
            .args(["--format", "json"])
            .timeout(std::time::Duration::from_secs(30))
            .output()
            .unwrap();
        let code = out.status.code().expect("exited normally, not by a signal");
        assert_ne!(code, 101, "chatlint panicked: {}", String::from_utf8_lossy(&out.stderr));
        let v: serde_json::Value = serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&out.stdout)));
        let companion = v["files"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["path"].as_str().unwrap().ends_with("companion.setup.json"))
            .expect("companion was checked");
        assert!(
            companion["diagnostics"].as_array().unwrap().iter().any(|d| d["rule"] == "display-name-forbidden"),
            "companion's finding is missing: {v:#}"
        );
        (code, v)
    }
    /// The report's entry for the file at `target`.
    fn file(v: &serde_json::Value, target: &Path) -> serde_json::Value {
        let name = target.display().to_string();
        v["files"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["path"] == name.as_str())
            .cloned()
            .unwrap_or_else(|| panic!("{name} not in {v:#}"))
    }
}

/// Checks that a syntax problem is reported as `invalid-json` at `line:column`
/// with a message containing `words`.
fn syntax(name: &str, bytes: impl AsRef<[u8]>, line: u64, column: u64, words: &str) {
    let case = Case::new();
    let p = case.write(name, bytes);
    let (code, v) = case.check(&p);
    assert_eq!(code, 1);
    let f = Case::file(&v, &p);
    let d = &f["diagnostics"][0];
    assert_eq!(d["rule"], "invalid-json", "{f:#}");
    assert!(d["message"].as_str().unwrap().contains(words), "{name}: {}", d["message"]);
    assert_eq!((d["line"].as_u64(), d["column"].as_u64()), (Some(line), Some(column)), "{name}: {d}");
}

#[test]
fn empty_and_blank_files() {
    syntax("empty.setup.json", "", 1, 1, "empty");
    syntax("blank.setup.json", "  \n\t\n", 1, 1, "empty");
}

#[test]
fn byte_order_mark_is_reported_and_the_rest_still_checked() {
    let case = Case::new();
    let p = case.write("bom.setup.json", "\u{feff}{\"space\": {\"spaceType\": \"SPACE\"}}");
    let (_, v) = case.check(&p);
    let rules: Vec<String> = Case::file(&v, &p)["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["rule"].as_str().unwrap().to_string())
        .collect();
    assert!(
        rules.contains(&"invalid-json".to_string()) && rules.contains(&"display-name-required".to_string()),
        "{rules:?}"
    );
}

#[test]
fn invalid_utf8_names_the_offset() {
    syntax("latin1.setup.json", b"{\"space\": {\"displayName\": \"caf\xe9\"}}".as_slice(), 1, 31, "not valid UTF-8");
}

#[test]
fn truncated_trailing_comma_comments() {
    syntax("truncated.setup.json", "{\"space\": {\"spaceType\": \"SPA", 1, 25, "invalid JSON");
    syntax("comma.setup.json", "{\"space\": {},\n}", 1, 13, "railing comma");
    syntax("comments.setup.json", "{\n  // the space\n  \"space\": {}\n}", 2, 3, "omments");
}

#[test]
fn top_level_values_other_than_objects() {
    syntax("array.setup.json", "[{\"space\": {}}]", 1, 1, "found an array");
    syntax("string.setup.json", "\"space\"", 1, 1, "found a string");
}

#[test]
fn non_finite_numbers_and_lone_surrogates() {
    syntax("nan.setup.json", "{\"space\": {\"spaceType\": NaN}}", 1, 25, "invalid JSON");
    syntax("surrogate.setup.json", "{\"requestId\": \"\\ud800\"}", 1, 16, "surrogate");
}

#[test]
fn numbers_too_large_for_any_integer() {
    let case = Case::new();
    let p = case.write(
        "huge.setup.json",
        "{\"space\": {\"spaceType\": 1e400, \"displayName\": 123456789012345678901234567890}}",
    );
    let (code, v) = case.check(&p);
    assert_eq!(code, 1);
    let f = Case::file(&v, &p);
    let messages: Vec<&str> =
        f["diagnostics"].as_array().unwrap().iter().map(|d| d["message"].as_str().unwrap()).collect();
    assert!(messages.iter().any(|m| m.contains("1e400 is not a value of `spaceType`")), "{messages:?}");
    assert!(messages.iter().any(|m| m.contains("`displayName` must be a string, found a number")), "{messages:?}");
}

/// One minified line with 100,000 keys no field has: every one is found,
/// in linear time (duplicate tracking, span look-ups and columns on the
/// one long line each once took quadratic time: this ran for minutes).
#[test]
fn one_line_of_100_000_unknown_keys() {
    let keys: String = (0..100_000).map(|i| format!(",\"k{i}\":1")).collect();
    let text = format!("{{\"space\":{{\"spaceType\":\"SPACE\",\"displayName\":\"x\"}}{keys}}}");
    let case = Case::new();
    let p = case.write("wide.setup.json", &text);
    let out = Command::cargo_bin("chatlint")
        .unwrap()
        .arg("check")
        .arg(&p)
        .args(["--format", "concise"])
        .timeout(std::time::Duration::from_secs(120))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(stdout.matches("error[unknown-field]").count(), 100_000);
    let last = text.rfind("\"k99999\"").unwrap() + 1;
    assert!(
        stdout.contains(&format!("wide.setup.json:1:{last}: error[unknown-field] unknown field `k99999`")),
        "{}",
        &stdout[stdout.len() - 300..]
    );
}

#[test]
fn nesting_100_000_deep() {
    let deep = format!("{{\"space\": {}{}}}", "[".repeat(100_000), "]".repeat(100_000));
    // The `{` and 511 `[` are 512 levels; the next `[` (offset 521) is one too many.
    syntax("deep.setup.json", deep, 1, 522, "nesting depth over 512");
}

#[test]
fn a_100_mb_file_is_refused_without_reading_it() {
    let case = Case::new();
    let p = case.path("huge.setup.json");
    fs::File::create(&p).unwrap().set_len(100 * 1024 * 1024).unwrap();
    let (code, v) = case.check(&p);
    assert_eq!(code, 2);
    let err = Case::file(&v, &p)["error"].as_str().unwrap().to_string();
    assert!(err.contains("104857600 bytes, over the limit of 8388608 bytes"), "{err}");
}

#[test]
fn the_size_limit_is_configurable() {
    let case = Case::new();
    let p = case.write("big.setup.json", format!("{{\"requestId\": \"{}\"}}", "x".repeat(2000)));
    let out = Command::cargo_bin("chatlint")
        .unwrap()
        .arg("check")
        .arg(&p)
        .args(["--max-file-size", "1000"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stdout).contains("over the limit of 1000 bytes"));
}

#[test]
fn an_unreadable_file() {
    // Unreadable even for root: reading this process's memory at offset 0 fails.
    let case = Case::new();
    let p = PathBuf::from("/proc/self/mem");
    let (code, v) = case.check(&p);
    assert_eq!(code, 2);
    assert!(Case::file(&v, &p)["error"].as_str().unwrap().contains("rror"), "{v:#}");
}

#[test]
fn a_folder_named_like_a_json_file_is_walked_not_read() {
    let case = Case::new();
    let p = case.path("x.json");
    fs::create_dir(&p).unwrap();
    fs::write(p.join("inner.setup.json"), "{").unwrap();
    let (code, v) = case.check(&p);
    assert_eq!(code, 1);
    assert_eq!(Case::file(&v, &p.join("inner.setup.json"))["diagnostics"][0]["rule"], "invalid-json");
}

#[test]
fn a_symlink_loop_is_reported_and_the_walk_goes_on() {
    let case = Case::new();
    let tree = case.path("tree");
    fs::create_dir(&tree).unwrap();
    std::os::unix::fs::symlink(&tree, tree.join("loop")).unwrap();
    fs::write(tree.join("a.setup.json"), "[]").unwrap();
    let (code, v) = case.check(&tree);
    assert_eq!(code, 2);
    let text = v.to_string();
    assert!(text.contains("symbolic link loop"), "{v:#}");
    assert_eq!(Case::file(&v, &tree.join("a.setup.json"))["diagnostics"][0]["rule"], "invalid-json");
}

#[test]
fn a_path_that_does_not_exist() {
    let case = Case::new();
    let p = case.path("missing.setup.json");
    let (code, v) = case.check(&p);
    assert_eq!(code, 2);
    assert_eq!(Case::file(&v, &p)["error"], "no such file or folder");
}

/// Parser-level verdicts that disagreed with Google's ProtoJSON parser (the
/// differential test, tests/differential/, finds the next ones).
#[test]
fn verdicts_agree_with_googles_parser() {
    use chatlint_engine::{Method, Request, Settings, analyze};
    let errors = |text: &str, method: Method| -> Vec<String> {
        analyze(&Request::new(text, Some(method), None), &Settings::default())
            .diagnostics
            .iter()
            .filter(|d| d.severity == chatlint_engine::Severity::Error)
            .map(|d| format!("{} {}", d.rule, d.pointer))
            .collect()
    };
    let create = |rest: &str| format!(r#"{{"spaceType": "SPACE", "displayName": "Team"{rest}}}"#);
    // A raw control character in a string, and whitespace JSON does not allow.
    assert_eq!(errors(&create(",\"customer\": \"customers/a\u{1}b\""), Method::Create), ["invalid-json "]);
    assert_eq!(errors("{\u{c}\"spaceType\": \"SPACE\", \"displayName\": \"x\"}", Method::Create), ["invalid-json "]);
    // Enum numbers are 32-bit: beyond that, "Value out of range".
    for n in ["2147483648", "-2147483649", "\"4294967297\"", "1e10"] {
        let text = format!(r#"{{"spaceType": {n}, "displayName": "Team"}}"#);
        assert_eq!(errors(&text, Method::Create), ["invalid-enum-value /spaceType"], "{n}");
    }
    // Timestamps as Google reads them.
    for ts in [
        "0000-01-05T10:00:00Z",
        "2016-12-31T23:59:60Z",
        "2024-01-05t10:00:00Z",
        "2024-01-05T10:00:00z",
        "2024-01-05T10:00:00.1234567890Z",
        "",
    ] {
        let text = create(&format!(r#", "importMode": true, "createTime": "{ts}""#));
        assert_eq!(errors(&text, Method::Create), ["invalid-timestamp /createTime"], "{ts:?}");
    }
    // Quoted integers are integers (int32 fields are output only: a warning, no error).
    for n in ["\"1e2\"", "\"5.0\"", "\"7\""] {
        let text = format!(
            r#"{{"space": {{"spaceType": "SPACE", "displayName": "x", "membershipCount": {{"joinedGroupCount": {n}}}}}}}"#
        );
        assert!(errors(&text, Method::Setup).is_empty(), "{n}: {:?}", errors(&text, Method::Setup));
    }
    // Duplicate keys and quoted booleans are errors, as in Google's parser.
    assert_eq!(errors(&create(r#", "displayName": "Other""#), Method::Create), ["duplicate-field /displayName"]);
    assert_eq!(errors(&create(r#", "importMode": "true""#), Method::Create), ["quoted-bool /importMode"]);
}

/// A safe fix never makes a key appear twice (Google's parser rejects an
/// exact duplicate): renaming `display_name` beside `displayName`, or
/// renaming `Type` while another fix adds `type`.
#[test]
fn safe_fixes_add_no_duplicate_keys() {
    use chatlint_engine::fix::{duplicate_keys, fix_text};
    use chatlint_engine::{Method, Request, Settings};
    let cases = [
        (Method::Create, r#"{"spaceType": "SPACE", "display_name": "Roadmap", "displayName": "Roadmap"}"#),
        (
            Method::Setup,
            r#"{"requestId": "0f8b2c1e-9d4a-4c3b-8e2f-6a7b5c4d3e21", "space": {"spaceType": "SPACE", "displayName": "x"},
               "memberships": [{"member": {"name": "users/1", "Type": "HUMAN"}}]}"#,
        ),
    ];
    for (method, text) in cases {
        let fixed = fix_text(&Request::new(text, Some(method), None), &Settings::default(), false);
        assert_eq!(duplicate_keys(&fixed.text), duplicate_keys(text), "{}", fixed.text);
    }
}

/// Issue 12 item 18: a FIFO, a socket or a device named on the command line
/// is refused at once with a clear error (exit 2), never read or waited on;
/// the other files are still checked.
#[test]
fn fifos_sockets_and_devices_are_refused_without_blocking() {
    let case = Case::new();
    let fifo = case.path("pipe.setup.json");
    assert!(std::process::Command::new("mkfifo").arg(&fifo).status().unwrap().success());
    let (code, v) = case.check(&fifo);
    assert_eq!(code, 2);
    let err = Case::file(&v, &fifo)["error"].as_str().unwrap().to_string();
    assert!(err.contains("is a FIFO (named pipe), not a regular file"), "{err}");

    let socket = case.path("socket.setup.json");
    let _listener = std::os::unix::net::UnixListener::bind(&socket).unwrap();
    let (code, v) = case.check(&socket);
    assert_eq!(code, 2);
    let err = Case::file(&v, &socket)["error"].as_str().unwrap().to_string();
    assert!(err.contains("is a socket, not a regular file"), "{err}");

    for device in ["/dev/null", "/dev/zero"] {
        let (code, v) = case.check(Path::new(device));
        assert_eq!(code, 2);
        let err = Case::file(&v, Path::new(device))["error"].as_str().unwrap().to_string();
        assert!(err.contains("is a character device, not a regular file"), "{device}: {err}");
    }

    // A link to a FIFO is refused the same way.
    let link = case.path("link.setup.json");
    std::os::unix::fs::symlink(&fifo, &link).unwrap();
    let (code, v) = case.check(&link);
    assert_eq!(code, 2);
    assert!(Case::file(&v, &link)["error"].as_str().unwrap().contains("FIFO"), "{v:#}");
}

/// Issue 12 item 20: the largest size limits are honoured, not wrapped
/// around (which read every file as empty: a false `invalid-json`).
#[test]
fn the_largest_size_limits_do_not_overflow() {
    let case = Case::new();
    let p = case.write("ok.setup.json", COMPANION.replace("GROUP_CHAT", "SPACE"));
    for limit in [u64::MAX, u64::MAX - 1, i64::MAX as u64] {
        let out = Command::cargo_bin("chatlint")
            .unwrap()
            .arg("check")
            .arg(&p)
            .args(["--format", "json", "--max-file-size", &limit.to_string()])
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        assert_eq!(out.status.code(), Some(0), "--max-file-size {limit}: {text}");
        assert!(!text.contains("invalid-json"), "--max-file-size {limit}: {text}");
    }
    // The config's largest (a TOML integer is at most i64::MAX).
    fs::write(case.path("chatlint.toml"), format!("max_file_size = {}\n", i64::MAX)).unwrap();
    let out = Command::cargo_bin("chatlint").unwrap().arg("check").arg(&p).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stdout));
    // Standard input too.
    let out = Command::cargo_bin("chatlint")
        .unwrap()
        .args(["check", "-", "--stdin-filename", "in.setup.json", "--max-file-size", &u64::MAX.to_string()])
        .write_stdin(COMPANION.replace("GROUP_CHAT", "SPACE"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stdout));
}

/// Runs `chatlint check ARGS` (killed after 30 s); returns (exit code, stdout + stderr).
fn run(args: &[&std::ffi::OsStr]) -> (i32, String) {
    let out = Command::cargo_bin("chatlint")
        .unwrap()
        .arg("check")
        .args(args)
        .env("NO_COLOR", "1")
        .timeout(std::time::Duration::from_secs(30))
        .output()
        .unwrap();
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    let code = out.status.code().unwrap_or_else(|| panic!("killed (hung?): {text}"));
    assert_ne!(code, 101, "chatlint panicked: {text}");
    (code, text)
}

/// Issue 12 item 19: a glob too big to compile is a clean config error
/// naming the entry (exit 2), in `[[ignore]]` as in `exclude`, `include`
/// and `[methods]`, and the message does not repeat the whole pattern.
#[test]
fn a_glob_too_big_to_compile_is_a_config_error() {
    let huge = "?".repeat(200_000);
    let configs = [
        ("[[ignore]]", format!("[[ignore]]\npath = \"{huge}\"\nrule = \"user-name-format\"\nreason = \"x\"\n")),
        ("exclude", format!("exclude = [\"{huge}\"]\n")),
        ("include", format!("include = [\"{huge}\"]\n")),
        ("[methods]", format!("[methods]\n\"spaces.setup\" = [\"{huge}\"]\n")),
    ];
    for (section, config) in configs {
        let case = Case::new();
        fs::write(case.path("chatlint.toml"), config).unwrap();
        let (code, text) = run(&[case.path("companion.setup.json").as_os_str()]);
        assert_eq!(code, 2, "{section}: {text}");
        assert!(text.contains("chatlint.toml") && text.contains(section), "{section}: {text}");
        assert!(text.contains("too big to compile"), "{section}: {text}");
        assert!(text.len() < 10_000, "{section}: the message repeats the pattern ({} bytes)", text.len());
    }
}

/// Issue 12 item 21: `--config` must name a regular file of at most 1 MiB
/// (`/dev/zero` was read without end), and a `chatlint.toml` found upward
/// that is a folder, a FIFO or a device is reported by name, not skipped.
#[test]
fn a_config_that_is_not_a_small_regular_file_is_reported() {
    let case = Case::new();
    let companion = case.path("companion.setup.json");
    for (config, words) in
        [("/dev/zero", "is a character device, not a regular file"), ("/dev/null", "is a character device")]
    {
        let (code, text) = run(&["--config".as_ref(), config.as_ref(), companion.as_os_str()]);
        assert_eq!(code, 2, "{text}");
        assert!(text.contains(config) && text.contains(words), "{text}");
    }
    let big = case.path("big.toml");
    fs::write(&big, "# padding\n".repeat(200_000)).unwrap();
    let (code, text) = run(&["--config".as_ref(), big.as_os_str(), companion.as_os_str()]);
    assert_eq!(code, 2, "{text}");
    assert!(text.contains("big.toml") && text.contains("larger than 1 MiB"), "{text}");

    // Found upward: a folder, then a FIFO, named chatlint.toml.
    let found = case.path("chatlint.toml");
    fs::create_dir(&found).unwrap();
    let (code, text) = run(&[companion.as_os_str()]);
    assert_eq!(code, 2, "{text}");
    assert!(text.contains(&format!("{}: is a folder, not a file", found.display())), "{text}");
    fs::remove_dir(&found).unwrap();
    assert!(std::process::Command::new("mkfifo").arg(&found).status().unwrap().success());
    let (code, text) = run(&[companion.as_os_str()]);
    assert_eq!(code, 2, "{text}");
    assert!(text.contains(&format!("{}: is a FIFO (named pipe), not a regular file", found.display())), "{text}");
}
