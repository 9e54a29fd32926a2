//! One document's way through chatlint, the same for every adapter (the
//! command line and the language server): its config, exclusion, the
//! method, the size limit, the engine, and the `[[ignore]]` entries that
//! accept findings. An adapter only says where the text comes from and what
//! to do with the result.

use crate::config::{Config, ConfigCache};
use crate::files::{self, ReadError, Target};
use chatlint_engine::fix::{Fixed, fix_with};
use chatlint_engine::method::{Method, ParamKey};
use chatlint_engine::{Diagnostic, Facts, Params, Report, Request, Rule, TextRange};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// What the caller knows about a document before its config is read.
#[derive(Debug, Clone, Default)]
pub struct Choice {
    /// The method every document is for (`--method`).
    pub method: Option<Method>,
    /// Parameters given for every document (flags); they win over the config's.
    pub params: Params,
    /// The document was named by the user (on the command line): it is
    /// checked even when nothing says it is a Chat request.
    pub explicit: bool,
    /// The method the document was last checked as (an editor's buffer
    /// that is briefly broken while being typed keeps it).
    pub last_known: Option<Method>,
    /// Report every finding: do not apply `[[ignore]]` entries.
    pub strict: bool,
}

/// Where a document stands before its text is read.
pub enum Preparation {
    /// Ready to be checked.
    Ready(Prepared),
    /// The config excludes it.
    Excluded(Arc<Config>),
    /// Its config could not be loaded.
    BadConfig(String),
}

/// A document whose config and method choice are settled.
pub struct Prepared {
    pub config: Arc<Config>,
    /// The absolute path (config patterns and `[[ignore]]` match it).
    pub path: PathBuf,
    /// The method named by the flag, the config or the file name.
    pub named: Option<Method>,
    /// The method assumed when neither `named` nor the body's shape tells;
    /// `None`: such a text is not a Chat request and is left alone.
    pub fallback: Option<Method>,
    pub params: Params,
    /// The parameters the flags gave (the rest came from `[[requests]]`),
    /// to name where a value came from when it disagrees with the file.
    from_flags: Vec<ParamKey>,
    strict: bool,
}

/// Finds a document's config and the method it is checked as. `path` is
/// as the user gave it (a file name, or the name standard input is shown
/// under); relative paths are taken from the current folder.
pub fn prepare(configs: &ConfigCache, path: &Path, choice: &Choice) -> Preparation {
    let abs = configs.absolute(path);
    let config = match configs.for_absolute(&abs) {
        Ok(c) => c,
        Err(e) => return Preparation::BadConfig(e),
    };
    let selection = config.select(&abs);
    if selection.excluded {
        return Preparation::Excluded(config);
    }
    let named = choice.method.or(selection.method).or_else(|| Method::from_file_name(path));
    // Named and config-included documents are checked even when their
    // shape says nothing; others only when they look like requests.
    let fallback =
        (choice.explicit || named.is_some() || selection.included).then_some(Method::DEFAULT).or(choice.last_known);
    // The config's parameters for this file, then the flags'.
    let mut params = selection.params;
    params.merge(&choice.params);
    let from_flags = PARAM_KEYS.into_iter().filter(|k| choice.params.get(*k).is_some()).collect();
    Preparation::Ready(Prepared { config, path: abs, named, fallback, params, from_flags, strict: choice.strict })
}

/// A document's text could not be had.
pub enum Unreadable {
    /// IO failed, or it is over the size limit: nothing was checked.
    Refused(String),
    /// Not UTF-8: the report of that (when the document is a request), and
    /// the text with the bad bytes replaced, for snippets.
    NotUtf8 { report: Box<Report>, lossy: String },
}

impl Prepared {
    /// The size limit of its config.
    pub fn max_size(&self) -> u64 {
        self.config.max_file_size
    }

    /// Whether a text of `len` bytes is over the size limit (and not checked).
    pub fn is_over_limit(&self, len: usize) -> bool {
        len as u64 > self.max_size()
    }

    /// Reads the document's file or standard input, within the size limit.
    pub fn read(&self, target: &Target) -> Result<String, Unreadable> {
        match files::read(target, self.max_size()) {
            Ok(text) => Ok(text),
            Err(ReadError::Refused(why)) => Err(Unreadable::Refused(why)),
            Err(ReadError::NotUtf8 { lossy, offset }) => {
                let report = match self.named.or(self.fallback) {
                    Some(method) => {
                        let end = (offset + '\u{fffd}'.len_utf8()).min(lossy.len());
                        let d = Diagnostic::new(
                            Rule::InvalidJson,
                            "",
                            TextRange::new(offset, end),
                            format!(
                                "the file is not valid UTF-8 (first bad byte at offset {offset}); JSON text must be UTF-8"
                            ),
                        );
                        let diagnostics = self.accept(chatlint_engine::settle(vec![d], &self.config.settings));
                        Report { method: Some(method), diagnostics, facts: Facts::default(), layout: None }
                    }
                    None => Report::default(),
                };
                Err(Unreadable::NotUtf8 { report: Box::new(report), lossy })
            }
        }
    }

    /// The parameters given from outside the file (flags, `[[requests]]`)
    /// that the request `text` of `method` cannot take, or that disagree
    /// with what the file itself says: one sentence each, naming where the
    /// value came from and both values. chatlint never picks one of two
    /// values silently; such a file is not checked (nor fixed, nor sent).
    pub fn param_conflicts(&self, text: &str, method: Method) -> Vec<String> {
        if self.params.is_empty() {
            return Vec::new();
        }
        let spec = method.spec();
        let doc = chatlint_engine::parse_document(text, method);
        let mut out = Vec::new();
        for key in PARAM_KEYS {
            let Some(given) = self.params.get(key) else { continue };
            let from = if self.from_flags.contains(&key) {
                format!("--{}", to_kebab(key))
            } else {
                let config = self.config.shown_path();
                format!("`{}` of [[requests]] in {config}", chatlint_engine::model::to_snake_case(key.name()))
            };
            if !spec.params.iter().any(|p| p.key == key) {
                out.push(format!("{from} does not apply: {} takes no `{}`", spec.name, key.name()));
                continue;
            }
            let in_file = doc.as_ref().and_then(|d| Some(d.get(d.layout.param(key)?)?.clone()));
            let Some(in_file) = in_file else { continue };
            let file_text = match &in_file {
                chatlint_engine::Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            if !same_param(key, &given, &file_text) {
                out.push(format!(
                    "{from} gives \"{given}\", but the file says `{}` is \"{file_text}\"; keep one of them",
                    key.name()
                ));
            }
        }
        out
    }

    /// Checks a text: the engine, then the `[[ignore]]` entries.
    pub fn check(&self, text: &str) -> Report {
        self.check_counted(text).0
    }

    /// [`Prepared::check`], and how many findings `[[ignore]]` entries
    /// accepted (for the summary).
    pub fn check_counted(&self, text: &str) -> (Report, usize) {
        self.check_as(text, None)
    }

    /// [`Prepared::check`], with the method an earlier pass settled on.
    fn check_as(&self, text: &str, settled: Option<Method>) -> (Report, usize) {
        let request =
            Request { text, method: settled.or(self.named), fallback: self.fallback, params: self.params.clone() };
        let mut report = chatlint_engine::analyze(&request, &self.config.settings);
        let (kept, ignored) = self.accept_counted(report.diagnostics);
        report.diagnostics = kept;
        (report, ignored)
    }

    /// Applies fixes to a text; findings the config accepts are not fixed.
    pub fn fix(&self, text: &str, unsafe_fixes: bool) -> Fixed {
        self.fix_counted(text, unsafe_fixes).0
    }

    /// [`Prepared::fix`], and how many findings `[[ignore]]` entries
    /// accepted in the original text and in the fixed one.
    pub fn fix_counted(&self, text: &str, unsafe_fixes: bool) -> (Fixed, usize, usize) {
        // The first pass judges the original, the last the fixed text.
        let mut ignored: Option<(usize, usize)> = None;
        let fixed = fix_with(text, unsafe_fixes, |t, settled| {
            let (report, n) = self.check_as(t, settled);
            ignored = Some(ignored.map_or((n, n), |(first, _)| (first, n)));
            report
        });
        let (before, after) = ignored.unwrap_or_default();
        (fixed, before, after)
    }

    /// Findings made outside the engine's pass over this document (the
    /// cross-file rules, the server's answer): severities, then `[[ignore]]`.
    pub fn settle(&self, diagnostics: Vec<Diagnostic>) -> Vec<Diagnostic> {
        self.settle_counted(diagnostics).0
    }

    /// [`Prepared::settle`], and how many findings `[[ignore]]` accepted.
    pub fn settle_counted(&self, diagnostics: Vec<Diagnostic>) -> (Vec<Diagnostic>, usize) {
        self.accept_counted(chatlint_engine::settle(diagnostics, &self.config.settings))
    }

    /// Drops the findings an `[[ignore]]` entry accepts (unless strict).
    fn accept(&self, diagnostics: Vec<Diagnostic>) -> Vec<Diagnostic> {
        self.accept_counted(diagnostics).0
    }

    /// [`Prepared::accept`], and how many it dropped.
    fn accept_counted(&self, mut diagnostics: Vec<Diagnostic>) -> (Vec<Diagnostic>, usize) {
        let before = diagnostics.len();
        if !self.strict {
            self.config.suppress(&self.path, &mut diagnostics);
        }
        let dropped = before - diagnostics.len();
        (diagnostics, dropped)
    }
}

/// Every parameter, in the order conflicts are reported.
const PARAM_KEYS: [ParamKey; 5] =
    [ParamKey::Name, ParamKey::Parent, ParamKey::UpdateMask, ParamKey::UseAdminAccess, ParamKey::RequestId];

/// The flag's spelling of a parameter (`updateMask` → `update-mask`).
fn to_kebab(key: ParamKey) -> String {
    chatlint_engine::model::to_snake_case(key.name()).replace('_', "-")
}

/// Whether a value given from outside says the same as the file's: masks
/// compare as sets of paths in either spelling, the rest as text.
fn same_param(key: ParamKey, given: &str, in_file: &str) -> bool {
    if key != ParamKey::UpdateMask {
        return given == in_file;
    }
    let paths = |mask: &str| -> std::collections::BTreeSet<String> {
        mask.split(',').map(|p| chatlint_engine::mask::normalize(p.trim())).collect()
    };
    paths(given) == paths(in_file)
}
