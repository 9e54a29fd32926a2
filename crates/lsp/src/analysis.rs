//! One document through the same per-document pipeline as `chatlint check`
//! ([`chatlint_workspace::pipeline`]: config, exclusion, method, size limit,
//! engine, `[[ignore]]`), keeping what the editor features need.

use super::diagnostics;
use super::documents::Snapshot;
use super::position::Encoding;
use chatlint_engine::diagnostic::Diagnostic;
use chatlint_engine::method::{Layout, Method};
use chatlint_workspace::config::{Config, ConfigCache, Overrides};
use chatlint_workspace::pipeline::{self, Choice, Preparation};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use tower_lsp_server::ls_types::{self, DiagnosticSeverity, Uri};

/// The result of linting one snapshot.
pub struct Analysis {
    pub snapshot: Snapshot,
    /// `None`: not a Chat request (or not checked); no diagnostics.
    pub method: Option<Method>,
    /// The file's form (a request message or the bare body) when it
    /// parsed; the editor features look fields up from its root.
    pub layout: Option<Layout>,
    /// The config used, when one could be loaded.
    pub config: Option<Arc<Config>>,
    /// The engine's findings, in its order.
    pub diagnostics: Vec<Diagnostic>,
    /// What the client is shown: `diagnostics` converted, plus set-up notices.
    pub lsp: Vec<ls_types::Diagnostic>,
    /// One line for the log: which config and method were used, or why
    /// the document was left alone.
    pub note: String,
    /// The config generation it was made with (see [`Context::generation`]).
    pub generation: u64,
}

/// The workspace-wide inputs of an analysis.
pub struct Context<'a> {
    pub configs: &'a ConfigCache,
    /// The first workspace folder, for documents that are not files.
    pub root: Option<&'a Path>,
    pub encoding: Encoding,
    /// Bumped by the server each time the configs are reloaded.
    pub generation: u64,
}

/// The file path of a `file:` URI.
pub fn file_path(uri: &Uri) -> Option<PathBuf> {
    if uri.scheme().as_str() != "file" {
        return None;
    }
    uri.to_file_path().map(|p| p.into_owned())
}

/// The last path segment of any URI (`untitled:foo.setup.json` → `foo.setup.json`).
fn file_name(uri: &Uri) -> PathBuf {
    let path = uri.path().decode().to_string_lossy().into_owned();
    PathBuf::from(path.rsplit(['/', ':']).next().unwrap_or_default())
}

pub fn analyze(snapshot: Snapshot, cx: &Context) -> Analysis {
    let mut out = Analysis {
        snapshot,
        method: None,
        layout: None,
        config: None,
        diagnostics: Vec::new(),
        lsp: Vec::new(),
        note: String::new(),
        generation: cx.generation,
    };
    let uri = out.snapshot.uri.clone();
    let real_path = file_path(&uri);
    // Where the config search starts: the file, else the workspace root.
    let path = match (&real_path, cx.root) {
        (Some(p), _) => p.clone(),
        (None, Some(root)) => root.join(file_name(&uri)),
        (None, None) => std::env::current_dir().unwrap_or_default().join(file_name(&uri)),
    };
    let choice = Choice { last_known: out.snapshot.last_method, ..Choice::default() };
    let prepared = match pipeline::prepare(cx.configs, &path, &choice) {
        Preparation::Ready(p) => p,
        Preparation::Excluded(config) => {
            out.note = format!("excluded by {}", config_name(&config));
            out.config = Some(config);
            return out;
        }
        Preparation::BadConfig(e) => {
            // Said on every document `chatlint check` would fail for it:
            // requests by name, and every JSON file of a folder walk, since
            // the config that could name any of them a request
            // (`[[requests]]`, `[methods]`, `include`) cannot be read.
            if Method::from_file_name(&path).is_some() || out.snapshot.last_method.is_some() || is_json(&path) {
                let map = out.snapshot.mapper(cx.encoding);
                out.lsp.push(diagnostics::notice(
                    DiagnosticSeverity::ERROR,
                    format!("chatlint: not checked, the config is invalid: {e}"),
                    &map,
                ));
            }
            out.note = format!("config error: {e}");
            return out;
        }
    };
    let config_name = config_name(&prepared.config);
    out.config = Some(prepared.config.clone());
    let text = out.snapshot.text.clone();
    if prepared.is_over_limit(text.len()) {
        if let Some(method) = prepared.named.or(prepared.fallback) {
            let map = out.snapshot.mapper(cx.encoding);
            out.lsp.push(diagnostics::notice(
                DiagnosticSeverity::INFORMATION,
                format!(
                    "chatlint: not checked as {method}: {} bytes is over the size limit of {} bytes (max_file_size)",
                    text.len(),
                    prepared.max_size()
                ),
                &map,
            ));
        }
        out.note = format!("over max_file_size ({} bytes); {config_name}", prepared.max_size());
        return out;
    }
    let report = prepared.check(&text);
    // As `chatlint check`: parameters from chatlint.toml that the file
    // contradicts (or its method does not take) leave it unchecked, and say so.
    let conflicts = report.method.map(|m| prepared.param_conflicts(&text, m)).unwrap_or_default();
    if !conflicts.is_empty() {
        let map = out.snapshot.mapper(cx.encoding);
        out.lsp.push(diagnostics::notice(
            DiagnosticSeverity::ERROR,
            format!("chatlint: not checked: {}", conflicts.join("; ")),
            &map,
        ));
        out.note = format!("parameters disagree with the file; {config_name}");
        return out;
    }
    out.method = report.method;
    out.layout = report.layout;
    out.note = match report.method {
        Some(m) => format!("checked as {m}; {config_name}"),
        None => format!("not a Chat request (name, config and shape say nothing), left alone; {config_name}"),
    };
    let map = out.snapshot.mapper(cx.encoding);
    let lsp = report.diagnostics.iter().map(|d| diagnostics::to_lsp(d, &out.snapshot.uri, &map)).collect();
    out.lsp = lsp;
    out.diagnostics = report.diagnostics;
    out
}

/// A `.json` file, as a folder walk of `chatlint check` picks them.
fn is_json(path: &Path) -> bool {
    path.extension().is_some_and(|x| x.eq_ignore_ascii_case("json"))
}

/// Which config a document is checked with, for the log.
fn config_name(config: &Config) -> String {
    match &config.path {
        Some(p) => format!("config {} (profile {})", p.display(), config.settings.profile.name),
        None => format!("no chatlint.toml found; defaults (profile {})", config.settings.profile.name),
    }
}

/// A fresh config cache, which finds chatlint.toml upward from each
/// document like `chatlint check` (made again when a chatlint.toml changes).
pub fn new_cache() -> ConfigCache {
    // Only an explicit config file can make `new` fail, and there is none.
    ConfigCache::new(None, Overrides::default()).expect("a config cache without an explicit file")
}
