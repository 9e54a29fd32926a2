//! The layers keep their absences (ARCHITECTURE.md): every crate's
//! dependencies, all the way down (as Cargo.lock resolved them), leave out
//! the layers above it and the adapters' machinery. The engine in
//! particular builds without tokio, reqwest, aws-lc-rs, tower-lsp-server,
//! clap or miette, so it can be embedded on its own.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

fn repo(p: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(p)
}

/// The names a manifest depends on when built: normal and build
/// dependencies (also those for some targets only), not dev-dependencies.
fn built_with(manifest: &str) -> Vec<String> {
    let cargo: toml::Table = toml::from_str(&std::fs::read_to_string(repo(manifest)).unwrap()).unwrap();
    let targets = cargo.get("target").and_then(|t| t.as_table()).into_iter().flat_map(|t| t.values());
    let sections = std::iter::once(&cargo).chain(targets.filter_map(|t| t.as_table()));
    sections
        .flat_map(|s| ["dependencies", "build-dependencies"].map(|k| s.get(k).and_then(|t| t.as_table())))
        .flatten()
        .flat_map(|t| t.keys().cloned())
        .collect()
}

/// Package name → the names of its dependencies, from Cargo.lock, except
/// that the workspace's own crates are read from their manifests: the lock
/// lists a member's dev-dependencies with the rest (the engine's insta and
/// proptest), and they never reach what depends on it.
fn lock_graph() -> BTreeMap<String, Vec<String>> {
    let lock: toml::Table = toml::from_str(&std::fs::read_to_string(repo("Cargo.lock")).unwrap()).unwrap();
    let mut graph: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for p in lock["package"].as_array().unwrap() {
        let name = p["name"].as_str().unwrap().to_string();
        let deps = p.get("dependencies").and_then(|d| d.as_array()).cloned().unwrap_or_default();
        // "name" or "name version" (when two versions are locked).
        let deps = deps.iter().map(|d| d.as_str().unwrap().split(' ').next().unwrap().to_string());
        graph.entry(name).or_default().extend(deps);
    }
    let root: toml::Table = toml::from_str(&std::fs::read_to_string(repo("Cargo.toml")).unwrap()).unwrap();
    for member in root["workspace"]["members"].as_array().unwrap() {
        let manifest = format!("{}/Cargo.toml", member.as_str().unwrap());
        let cargo: toml::Table = toml::from_str(&std::fs::read_to_string(repo(&manifest)).unwrap()).unwrap();
        graph.insert(cargo["package"]["name"].as_str().unwrap().to_string(), built_with(&manifest));
    }
    graph
}

/// Everything a crate pulls in when built (normal and build dependencies,
/// not dev-dependencies), by package name.
fn closure(manifest: &str, graph: &BTreeMap<String, Vec<String>>) -> BTreeSet<String> {
    let mut todo = built_with(manifest);
    let mut seen = BTreeSet::new();
    while let Some(name) = todo.pop() {
        if seen.insert(name.clone()) {
            todo.extend(graph.get(&name).cloned().unwrap_or_default());
        }
    }
    seen
}

fn assert_absent(manifest: &str, layer: &str, forbidden: &[&str]) {
    let pulled = closure(manifest, &lock_graph());
    let found: Vec<&&str> = forbidden.iter().filter(|f| pulled.contains(**f)).collect();
    assert!(found.is_empty(), "{layer} ({manifest}) must not depend on {found:?}, even indirectly");
}

/// The adapters' machinery: async IO, HTTP and TLS, LSP, the terminal.
const ADAPTER_CRATES: [&str; 8] =
    ["tokio", "reqwest", "aws-lc-rs", "tower-lsp-server", "clap", "miette", "rayon", "ignore"];

#[test]
fn the_engine_knows_nothing_of_files_terminals_lsp_or_http() {
    let mut forbidden = ADAPTER_CRATES.to_vec();
    forbidden.extend(["chatlint", "chatlint-workspace", "chatlint-lsp", "chatlint-send", "globset"]);
    assert_absent("crates/engine/Cargo.toml", "the engine", &forbidden);
}

#[test]
fn the_workspace_layer_knows_nothing_of_terminals_lsp_or_http() {
    let forbidden =
        ["chatlint", "chatlint-lsp", "chatlint-send", "tokio", "reqwest", "tower-lsp-server", "clap", "miette"];
    assert_absent("crates/workspace/Cargo.toml", "the workspace layer", &forbidden);
}

#[test]
fn send_knows_nothing_of_config_files_terminals_or_lsp() {
    let forbidden = ["chatlint", "chatlint-workspace", "chatlint-lsp", "tower-lsp-server", "clap", "miette"];
    assert_absent("crates/send/Cargo.toml", "--send", &forbidden);
}

#[test]
fn the_plan_comparison_knows_no_http_clock_or_credentials() {
    // A pure function of two values: the remote reading is chatlint-send's.
    let mut forbidden = ADAPTER_CRATES.to_vec();
    forbidden.extend(["chatlint", "chatlint-workspace", "chatlint-lsp", "chatlint-send", "hyper", "chrono", "time"]);
    assert_absent("crates/plan/Cargo.toml", "the plan comparison", &forbidden);
}

#[test]
fn the_language_server_knows_nothing_of_sending_or_terminals() {
    let forbidden = ["chatlint", "chatlint-send", "reqwest", "aws-lc-rs", "clap", "miette"];
    assert_absent("crates/lsp/Cargo.toml", "the language server", &forbidden);
}

#[test]
fn the_browsers_engine_is_the_engine_and_nothing_else() {
    let mut forbidden = ADAPTER_CRATES.to_vec();
    forbidden.extend(["chatlint", "chatlint-workspace", "chatlint-lsp", "chatlint-send", "globset"]);
    assert_absent("crates/wasm/Cargo.toml", "the browser's engine", &forbidden);
    let pulled = closure("crates/wasm/Cargo.toml", &lock_graph());
    assert!(pulled.contains("chatlint-engine") && pulled.contains("wasm-bindgen"), "{pulled:?}");
}

#[test]
fn the_closure_sees_indirect_dependencies() {
    // The check above is only worth something if it follows the graph down.
    let pulled = closure("crates/send/Cargo.toml", &lock_graph());
    assert!(pulled.contains("hyper") && pulled.contains("chatlint-engine"), "{pulled:?}");
}

#[test]
fn the_closure_leaves_out_dev_dependencies() {
    // The engine's tests use insta and proptest; a crate built on the
    // engine does not get them (nor would an adapter's crate a test used).
    let pulled = closure("crates/send/Cargo.toml", &lock_graph());
    assert!(pulled.contains("chatlint-engine") && pulled.contains("uuid"), "{pulled:?}");
    assert!(!pulled.contains("insta") && !pulled.contains("proptest"), "{pulled:?}");
}
