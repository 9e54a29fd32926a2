//! The user documentation agrees with the code: the exit-code tables of
//! README.md and docs/send.md list exactly the codes chatlint exits with
//! (`src/exit.rs`), the README's option tables name exactly the options of
//! `chatlint check --help`, and docs/send.md's dry-run example is what a
//! dry run prints; the descriptions and file lists name every method.

use assert_cmd::Command;
use chatlint::exit::Exit;
use std::collections::BTreeSet;
use std::path::Path;

fn read(path: &str) -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(path)).unwrap()
}

/// The rows of the first table after the line `heading`, as cells.
fn table_after(text: &str, file: &str, heading: &str) -> Vec<Vec<String>> {
    let start = text.find(&format!("\n{heading}\n")).unwrap_or_else(|| panic!("{file} has no `{heading}`"));
    text[start..]
        .lines()
        .skip_while(|l| !l.starts_with('|'))
        .take_while(|l| l.starts_with('|'))
        .skip(2) // the header and the line under it
        .map(|l| l.trim().trim_matches('|').split(" | ").map(|c| c.trim().to_string()).collect())
        .collect()
}

/// Every source file under `dir`, recursively.
fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn exit_code_tables_list_the_codes_chatlint_uses() {
    let codes: BTreeSet<u8> = Exit::ALL.iter().map(|e| e.code()).collect();
    // `--send` never says "changes pending"; `plan` is never interrupted
    // mid-write (it only reads) and has no --send gate.
    let send: BTreeSet<u8> = Exit::ALL.iter().filter(|e| **e != Exit::ChangesPending).map(|e| e.code()).collect();
    let plan: BTreeSet<u8> = Exit::ALL.iter().filter(|e| **e != Exit::Interrupted).map(|e| e.code()).collect();
    for (file, heading, codes) in [
        ("README.md", "### Exit codes", &codes),
        ("docs/send.md", "## Exit codes with `--send`", &send),
        ("docs/plan.md", "## Exit codes", &plan),
    ] {
        let listed: BTreeSet<u8> = table_after(&read(file), file, heading)
            .iter()
            .map(|row| row[0].parse().unwrap_or_else(|_| panic!("{file}: `{}` is not an exit code", row[0])))
            .collect();
        assert_eq!(&listed, codes, "{file}'s table under `{heading}` lists other codes than src/exit.rs has");
    }
    // The codes come from src/exit.rs only, so the tables cannot miss one.
    let mut files = Vec::new();
    rust_files(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src"), &mut files);
    for path in files.iter().filter(|p| !p.ends_with("exit.rs")) {
        let text = std::fs::read_to_string(path).unwrap();
        for (n, line) in text.lines().enumerate() {
            assert!(
                !line.contains("ExitCode::from(")
                    && !line.contains("ExitCode::SUCCESS")
                    && !line.contains("process::exit("),
                "{}:{}: an exit code outside src/exit.rs: use `Exit`\n{line}",
                path.display(),
                n + 1
            );
        }
    }
}

/// The `--flags` at the start of the first cell of each row of the
/// README's option tables (`| option | what it does |`).
fn readme_options() -> BTreeSet<String> {
    let readme = read("README.md");
    let mut flags = BTreeSet::new();
    let mut in_table = false;
    for line in readme.lines() {
        if line == "| option | what it does |" {
            in_table = true;
            continue;
        }
        if !line.starts_with('|') {
            in_table = false;
            continue;
        }
        if in_table && !line.starts_with("|---") {
            let cell = line.trim_start_matches('|').split(" | ").next().unwrap();
            flags.extend(flag_names(cell));
        }
    }
    flags
}

/// `--name` words in a text, without what follows them (`--fail-on error|…`).
fn flag_names(text: &str) -> impl Iterator<Item = String> + '_ {
    text.match_indices("--").filter_map(|(i, _)| {
        let name: String = text[i + 2..].chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '-').collect();
        (!name.is_empty() && (i == 0 || !text[..i].ends_with(|c: char| c.is_ascii_alphanumeric())))
            .then(|| format!("--{name}"))
    })
}

#[cfg(feature = "send")]
#[test]
fn readme_option_tables_name_every_option_of_check_help() {
    let out = Command::cargo_bin("chatlint").unwrap().args(["check", "--help"]).output().unwrap();
    assert!(out.status.success());
    let help = String::from_utf8(out.stdout).unwrap();
    // Option lines start with `--name` or `-h, --name`.
    let mut options: BTreeSet<String> = help
        .lines()
        .map(str::trim_start)
        .filter_map(|l| l.strip_prefix("-h, ").or(Some(l)))
        .filter(|l| l.starts_with("--"))
        .filter_map(|l| flag_names(l).next())
        .collect();
    options.remove("--help");
    assert!(options.len() > 30, "read only {} options from `chatlint check --help`:\n{help}", options.len());
    let readme = readme_options();
    let undocumented: Vec<_> = options.difference(&readme).collect();
    let unknown: Vec<_> = readme.difference(&options).collect();
    assert!(
        undocumented.is_empty() && unknown.is_empty(),
        "README's option tables and `chatlint check --help` differ:\n  not in the README: {undocumented:?}\n  not in --help: {unknown:?}"
    );
}

#[cfg(feature = "send")]
#[test]
fn send_md_dry_run_example_is_what_a_dry_run_prints() {
    let send_md = read("docs/send.md");
    let section = &send_md[send_md.find("\n## Dry run\n").expect("docs/send.md has `## Dry run`")..];
    let dir = tempfile::tempdir().unwrap();
    // Each example (every other piece between fences) is what a dry run
    // of the file it names, written here, prints.
    let setup = r#"{
  "space": { "spaceType": "SPACE", "displayName": "Platform team" },
  "memberships": [
    { "member": { "name": "users/ana@example.com", "type": "HUMAN" } }
  ]
}
"#;
    // The second: a delete, marked destructive, with no body.
    let delete = r#"{"name": "spaces/AAAAbcdEfGh"}"#;
    for (n, (name, text)) in [("team.setup.json", setup), ("old.delete.json", delete)].into_iter().enumerate() {
        let block = section.split("```\n").nth(2 * n + 1).expect("the Dry run section's examples");
        let file = block.lines().next().unwrap().split(':').next().unwrap();
        assert_eq!(file, name, "the example's file, written below");
        std::fs::write(dir.path().join(file), text).unwrap();
        let out = Command::cargo_bin("chatlint")
            .unwrap()
            .current_dir(dir.path())
            .args(["check", file, "--dry-run"])
            .output()
            .unwrap();
        let stdout = String::from_utf8(out.stdout).unwrap();
        assert_eq!(out.status.code(), Some(0), "{stdout}");
        assert!(stdout.contains(block), "docs/send.md's dry-run example is not what chatlint prints:\n{stdout}");
    }
}

/// The README's JSON output example is chatlint's output for that file,
/// with only the findings it shows.
#[test]
fn readme_json_example_is_what_chatlint_prints() {
    let readme = read("README.md");
    let section =
        &readme[readme.find("\n### JSON output (`--format json`)\n").expect("README has the JSON output section")..];
    let start = section.find("```json\n").unwrap() + "```json\n".len();
    let example: serde_json::Value =
        serde_json::from_str(&section[start..start + section[start..].find("```").unwrap()])
            .expect("the example is JSON");
    let file = example["files"][0]["path"].as_str().unwrap();
    let out = Command::cargo_bin("chatlint")
        .unwrap()
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["check", file, "--format", "json"])
        .output()
        .unwrap();
    let mut actual: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let shown: Vec<&serde_json::Value> = example["files"][0]["diagnostics"].as_array().unwrap().iter().collect();
    let all = actual["files"][0]["diagnostics"].as_array_mut().unwrap();
    let total = all.len();
    all.retain(|d| shown.iter().any(|s| s["rule"] == d["rule"] && s["pointer"] == d["pointer"]));
    assert_eq!(actual, example, "README's JSON example differs from chatlint's output for {file}");
    let words =
        ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve"];
    let said = format!("the file's {} findings", words.get(total).copied().unwrap_or("many"));
    let prose = section.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(prose.contains(&said), "README's JSON example should say it shows some of `{said}`");
}

/// `chatlint rule ID` says where the constraint ids it names are written.
#[test]
fn rule_explanation_points_at_the_constraint_checklist() {
    let out = Command::cargo_bin("chatlint").unwrap().args(["rule", "group-email"]).output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("\nConstraints: S22 (docs/constraints.md)\n"), "{text}");
    assert!(read("docs/constraints.md").contains("\n| S22 | "), "docs/constraints.md has S22");
}

/// The descriptions users read before they install (the Action, the
/// pre-commit hooks, the VS Code extension) name no method, so they cannot
/// go stale when one is added; the places that list the file suffixes list
/// every method's.
#[test]
fn descriptions_and_file_lists_cover_every_method() {
    let descriptions = [
        ("action.yml", "description:"),
        (".pre-commit-hooks.yaml", "description:"),
        ("editors/vscode/package.json", "\"description\":"),
    ];
    for (file, key) in descriptions {
        for line in read(file).lines().filter(|l| l.trim_start().starts_with(key)) {
            assert!(!line.contains("spaces."), "{file} names methods in a description, which goes stale: {line}");
        }
    }
    for file in ["README.md", "editors/vscode/README.md"] {
        let text = read(file);
        for method in chatlint_engine::Method::all() {
            let suffix = method.spec().file_suffix;
            assert!(text.contains(&format!("*{suffix}")), "{file} does not list `*{suffix}` ({method})");
        }
    }
}

/// The README's Schemas section names every schema `schemas/` holds.
#[test]
fn readme_names_every_schema() {
    let readme = read("README.md");
    let section = &readme[readme.find("\n## Schemas\n").expect("README has a Schemas section")..];
    let section = &section[..section[1..].find("\n## ").map_or(section.len(), |end| end + 1)];
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("schemas");
    for entry in std::fs::read_dir(dir).unwrap() {
        let name = entry.unwrap().file_name().into_string().unwrap();
        if name.ends_with(".schema.json") {
            assert!(section.contains(&format!("`schemas/{name}`")), "README's Schemas section does not name {name}");
        }
    }
}

/// What users read and what the tests use lives in this repository: nothing
/// points into the developers' `shared/` folder beside the checkout, which
/// users do not have.
#[test]
fn nothing_users_read_points_outside_the_repository() {
    let mut files = vec![Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")];
    for dir in ["docs", "tests", "editors/vscode", "rules", "schemas/source", "crates", "src"] {
        let mut stack = vec![Path::new(env!("CARGO_MANIFEST_DIR")).join(dir)];
        while let Some(d) = stack.pop() {
            for entry in std::fs::read_dir(&d).unwrap() {
                let path = entry.unwrap().path();
                let name = path.file_name().unwrap().to_string_lossy().into_owned();
                if path.is_dir() {
                    if !matches!(name.as_str(), "node_modules" | "snapshots" | "golden" | "target") {
                        stack.push(path);
                    }
                } else if [".md", ".rs", ".toml", ".sh", ".mjs", ".py"].iter().any(|x| name.ends_with(x)) {
                    files.push(path);
                }
            }
        }
    }
    let marker = ["shared", "/reference/"].concat();
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap_or_default();
        assert!(!text.contains(&marker), "{} points into {marker}", file.display());
    }
}
