//! The differential test against Google's ProtoJSON parser: generated
//! mutations of the examples and rule examples, judged by chatlint (this
//! build's binary) and by `google.protobuf.json_format` with the Chat API's
//! descriptors (PyPI protobuf + google-apps-chat, pinned in
//! tests/differential/requirements.txt). Any disagreement outside
//! tests/differential/leniencies.toml fails, with the harness's report.
//! See tests/differential/README.md.
//!
//! It needs a Python venv with those packages, so plain `cargo test` lists
//! it as ignored; `.ci/run` creates the venv and runs it with `--ignored`,
//! where a missing venv is a failure.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The venv's python: `CHATLINT_PROTOJSON_PYTHON`, else the one `.ci/run` makes.
fn python() -> PathBuf {
    if let Some(p) = std::env::var_os("CHATLINT_PROTOJSON_PYTHON") {
        return PathBuf::from(p);
    }
    let default = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/ci-tools/protojson-venv/bin/python");
    if default.exists() {
        return default;
    }
    panic!(
        "the differential test needs the ProtoJSON venv, and it is missing.\n\
         Make it with:\n  \
         python3 -m venv target/ci-tools/protojson-venv\n  \
         target/ci-tools/protojson-venv/bin/pip install -r tests/differential/requirements.txt\n\
         or point CHATLINT_PROTOJSON_PYTHON at a python that has those packages."
    );
}

#[test]
#[ignore = "needs the ProtoJSON venv: python3 -m venv target/ci-tools/protojson-venv && \
            target/ci-tools/protojson-venv/bin/pip install -r tests/differential/requirements.txt, \
            then cargo test --test differential -- --ignored (.ci/run does this)"]
fn chatlint_agrees_with_googles_protojson_parser() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let python = python();
    let out = Command::new(&python)
        .arg(root.join("tests/differential/protojson_diff.py"))
        .arg("--chatlint")
        .arg(env!("CARGO_BIN_EXE_chatlint"))
        .arg("--repo")
        .arg(root)
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .output()
        .unwrap_or_else(|e| panic!("could not run {}: {e}", python.display()));
    let report = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    match out.status.code() {
        Some(0) => println!("{report}"),
        Some(1) => {
            panic!("chatlint disagrees with Google's ProtoJSON parser outside the documented leniencies:\n\n{report}")
        }
        _ => panic!("the differential harness could not run ({}):\n\n{report}", out.status),
    }
}
