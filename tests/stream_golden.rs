//! Output is byte-identical, whatever the runner does inside (issue 13
//! item 1: files are rendered and written as soon as they are done): every
//! format, on standard output and as `--report` files written by the same
//! run, is compared with goldens blessed from the binary before streaming.
//!
//! - `tests/golden/<scenario>.<format>`: the whole output, for the small
//!   scenarios (the bundled examples, a folder with every kind of file
//!   result, `--diff`, `--dry-run`).
//! - `tests/golden/digests.txt`: SHA-256 of each format's output for a
//!   generated corpus of 300 files (`bench/gen_corpus.py`, fixed seed), too
//!   large to commit; on a mismatch the output is left in
//!   `target/stream-golden/` for inspection.
//!
//! `CHATLINT_BLESS=1 cargo test --test stream_golden` rewrites the goldens
//! (only when an output change is intended).

use assert_cmd::Command;
use aws_lc_rs::digest::{SHA256, digest};
use std::fs;
use std::path::{Path, PathBuf};

const FORMATS: [&str; 6] = ["human", "json", "sarif", "github", "junit", "concise"];
/// The generated corpus: files, seed, and the generator's digest (the first
/// line of its stats file): a changed generator needs new goldens.
const CORPUS_FILES: usize = 300;
const CORPUS_SEED: u64 = 20261107;
const CORPUS_GENERATOR: &str = "generator 9f79323b2c46fcfd";

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn golden_dir() -> PathBuf {
    root().join("tests/golden")
}

fn blessing() -> bool {
    std::env::var_os("CHATLINT_BLESS").is_some_and(|v| v == "1")
}

/// Replaces what depends on the machine or the release: the folder chatlint
/// ran in (SARIF's `SRCROOT`) and the version.
fn redact(text: &str, cwd: &Path) -> String {
    let cwd = fs::canonicalize(cwd).unwrap();
    text.replace(&format!("file://{}/", cwd.display()), "file://[CWD]/")
        .replace(&format!("\"{}\"", env!("CARGO_PKG_VERSION")), "\"[VERSION]\"")
}

/// Runs `chatlint check ARGS` in `cwd` once per format on standard output,
/// each time with the five other formats as `--report` files (and another
/// number of threads); returns, per format, the six outputs (one from each
/// run), redacted.
fn outputs(cwd: &Path, args: &[&str]) -> Vec<(&'static str, Vec<String>)> {
    let reports = tempfile::tempdir().unwrap();
    let mut all: Vec<(&'static str, Vec<String>)> = FORMATS.iter().map(|f| (*f, Vec::new())).collect();
    for (run, stdout_format) in FORMATS.iter().enumerate() {
        let mut cmd = Command::cargo_bin("chatlint").unwrap();
        // Each run with another number of threads: the order must not depend on it.
        let threads = ["1", "2", "3", "4", "8", "16"][run];
        cmd.current_dir(cwd).env("NO_COLOR", "1").env("RAYON_NUM_THREADS", threads);
        cmd.arg("check").args(args).args(["--format", stdout_format]);
        let mut files = Vec::new();
        for other in FORMATS.iter().filter(|f| *f != stdout_format) {
            let path = reports.path().join(format!("{run}.{other}"));
            cmd.arg("--report").arg(format!("{other}={}", path.display()));
            files.push((*other, path));
        }
        let out = cmd.timeout(std::time::Duration::from_secs(300)).output().unwrap();
        assert_ne!(out.status.code(), Some(101), "panicked: {}", String::from_utf8_lossy(&out.stderr));
        let stdout = String::from_utf8(out.stdout).unwrap();
        all.iter_mut().find(|(f, _)| f == stdout_format).unwrap().1.push(redact(&stdout, cwd));
        for (format, path) in files {
            let text = fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            all.iter_mut().find(|(f, _)| *f == format).unwrap().1.push(redact(&text, cwd));
        }
    }
    all
}

/// The first line where two texts differ, for a readable failure.
fn first_difference(expected: &str, actual: &str) -> String {
    let (e, a): (Vec<_>, Vec<_>) = (expected.lines().collect(), actual.lines().collect());
    for i in 0..e.len().max(a.len()) {
        if e.get(i) != a.get(i) {
            return format!("line {}:\n  expected: {:?}\n  actual:   {:?}", i + 1, e.get(i), a.get(i));
        }
    }
    "only in the final newline".into()
}

/// Compares (or, when blessing, writes) the whole outputs of a scenario.
fn check_text(scenario: &str, cwd: &Path, args: &[&str]) {
    for (format, texts) in outputs(cwd, args) {
        let golden = golden_dir().join(format!("{scenario}.{format}"));
        if blessing() {
            fs::create_dir_all(golden_dir()).unwrap();
            fs::write(&golden, &texts[0]).unwrap();
        }
        let expected = fs::read_to_string(&golden)
            .unwrap_or_else(|e| panic!("{}: {e} (CHATLINT_BLESS=1 writes it)", golden.display()));
        for (i, text) in texts.iter().enumerate() {
            let how = if i == 0 { "standard output" } else { "a --report file" };
            assert!(
                *text == expected,
                "{scenario}: {format} as {how} differs from {}: {}",
                golden.display(),
                first_difference(&expected, text)
            );
        }
    }
}

fn sha256(text: &str) -> String {
    digest(&SHA256, text.as_bytes()).as_ref().iter().map(|b| format!("{b:02x}")).collect()
}

/// The bundled examples, every format.
#[test]
fn examples_are_byte_identical() {
    check_text("examples", root(), &["examples/"]);
}

/// `--dry-run` (the send step needs every result: collected, not streamed).
#[cfg(feature = "send")]
#[test]
fn dry_run_is_byte_identical() {
    check_text("dry-run", root(), &["examples/valid", "--dry-run"]);
}

const GROUP_CHAT: &str = "{\n  \"requestId\": \"6f1c2d3e-4a5b-4c6d-8e7f-901a2b3c4d5e\",\n  \"space\": {\n    \"spaceType\": \"GROUP_CHAT\",\n    \"displayName\": \"Team\"\n  },\n  \"memberships\": [\n    { \"member\": { \"name\": \"people/1\", \"type\": \"HUMAN\" } },\n    { \"member\": { \"name\": \"users/2\", \"type\": \"HUMAN\" } }\n  ]\n}\n";

/// A folder with every kind of file result: findings with fixes, a clean
/// file, a file accepted by `[[ignore]]` and an unused entry, cross-file
/// findings, a file that is not a request, an unreadable one (a FIFO), one
/// over the size limit, one that is not UTF-8, a name with a newline, and a
/// path that does not exist; then the same with `--diff`.
#[test]
fn every_kind_of_result_is_byte_identical() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let write = |name: &str, text: &[u8]| {
        let p = d.join(name);
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(p, text).unwrap();
    };
    write(
        "chatlint.toml",
        b"max_file_size = 4096\n\n[[ignore]]\npath = \"req/accepted.setup.json\"\nrule = \"display-name-forbidden\"\nreason = \"kept\"\n\n[[ignore]]\npath = \"req/*.json\"\nrule = \"group-email\"\nreason = \"unused\"\n",
    );
    write("req/a-team.setup.json", GROUP_CHAT.as_bytes());
    write("req/accepted.setup.json", GROUP_CHAT.replace("people/1", "users/1").as_bytes());
    write("req/b-same-id.setup.json", GROUP_CHAT.replace("GROUP_CHAT", "SPACE").as_bytes());
    write(
        "req/clean.create.json",
        b"{\"requestId\": \"1f1c2d3e-4a5b-4c6d-8e7f-901a2b3c4d5e\", \"spaceType\": \"SPACE\", \"displayName\": \"Roadmap\"}",
    );
    write("req/package.json", b"{\"name\": \"x\", \"version\": \"1.0.0\"}");
    write("req/huge.setup.json", format!("{{\"requestId\": \"{}\"}}", "x".repeat(5000)).as_bytes());
    write("req/latin1.setup.json", b"{\"space\": {\"displayName\": \"caf\xe9\"}}");
    write("req/trailing.setup.json", b"{\"space\": {\"spaceType\": \"SPACE\",},}");
    write("req/new\nline.setup.json", b"[]");
    assert!(std::process::Command::new("mkfifo").arg(d.join("pipe.setup.json")).status().unwrap().success());
    check_text("kinds", d, &["req", "pipe.setup.json", "missing.setup.json"]);
    check_text("kinds-diff", d, &["req", "--diff"]);
}

/// A generated corpus of 300 files: each format's SHA-256.
#[test]
fn a_generated_corpus_is_byte_identical() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("corpus");
    let status = std::process::Command::new("python3")
        .arg(root().join("bench/gen_corpus.py"))
        .arg(&corpus)
        .args(["--files", &CORPUS_FILES.to_string(), "--seed", &CORPUS_SEED.to_string()])
        .stdout(std::process::Stdio::null())
        .status();
    match status {
        Ok(s) => assert!(s.success(), "bench/gen_corpus.py failed"),
        Err(e) if std::env::var_os("CI").is_none() => {
            eprintln!("skipped: python3 is needed to generate the corpus ({e})");
            return;
        }
        Err(e) => panic!("CI must provide python3 for bench/gen_corpus.py: {e}"),
    }
    let stats = fs::read_to_string(dir.path().join("corpus.stats.txt")).unwrap();
    assert!(
        stats.starts_with(CORPUS_GENERATOR),
        "bench/gen_corpus.py changed ({}): the corpus differs, so bless new digests with the binary from before \
         any output change, and update CORPUS_GENERATOR",
        stats.lines().next().unwrap_or_default()
    );
    let digests_file = golden_dir().join("digests.txt");
    let mut lines = Vec::new();
    let keep = root().join("target/stream-golden");
    for (format, texts) in outputs(dir.path(), &["corpus"]) {
        let key = format!("corpus.{format}");
        lines.push(format!("{key} {}", sha256(&texts[0])));
        let expected = if blessing() {
            sha256(&texts[0])
        } else {
            let golden =
                fs::read_to_string(&digests_file).expect("tests/golden/digests.txt (CHATLINT_BLESS=1 writes it)");
            golden
                .lines()
                .find_map(|l| l.strip_prefix(&format!("{key} ")).map(str::to_string))
                .unwrap_or_else(|| panic!("{key} is not in {}", digests_file.display()))
        };
        for (i, text) in texts.iter().enumerate() {
            if sha256(text) != expected {
                fs::create_dir_all(&keep).unwrap();
                let kept = keep.join(format!("{key}.{i}"));
                fs::write(&kept, text).unwrap();
                panic!("{key} (output {i} of 6) differs from its golden digest; the output is in {}", kept.display());
            }
        }
    }
    if blessing() {
        fs::create_dir_all(golden_dir()).unwrap();
        fs::write(&digests_file, lines.join("\n") + "\n").unwrap();
    }
}
