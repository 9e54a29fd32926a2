//! Embeds every `rules/*.toml` catalogue entry into the binary, so the
//! catalogue stays data (one reviewable file per rule) with no IO at run time.

use std::fmt::Write;
use std::path::Path;

fn main() {
    println!("cargo:rerun-if-changed=rules");
    let mut files: Vec<_> = std::fs::read_dir("rules")
        .expect("rules/ exists")
        .map(|e| e.expect("readable rules/ entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    files.sort();
    let mut out = String::from(
        "/// `(file name, contents)` of every file in `rules/`.\npub static RULE_FILES: &[(&str, &str)] = &[\n",
    );
    for p in &files {
        let abs = std::fs::canonicalize(p).expect("canonical path");
        let name = p.file_name().unwrap().to_string_lossy();
        writeln!(out, "    ({name:?}, include_str!({:?})),", abs.display().to_string()).unwrap();
    }
    out.push_str("];\n");
    let dest = Path::new(&std::env::var("OUT_DIR").unwrap()).join("rule_files.rs");
    std::fs::write(dest, out).expect("write rule_files.rs");
}
