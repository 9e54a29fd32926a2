//! Runs a check over many files: picks each file's config and method,
//! reads it, lints it (in parallel), then applies the cross-file rules.

use crate::analyze;
use crate::config::Config;
use crate::config::ConfigCache;
use crate::diagnostic::{Diagnostic, TextRange};
use crate::files::{self, ReadError, Target};
use crate::fix;
use crate::method::Method;
use crate::rules::{self, cross_file};
use rayon::prelude::*;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// One checked file.
#[derive(Debug, Clone, Default)]
pub struct FileResult {
    pub name: String,
    /// The text, for snippets; empty when the file could not be read.
    pub text: String,
    pub method: Option<Method>,
    pub diagnostics: Vec<Diagnostic>,
    /// Set when the file could not be checked at all (IO, size, config).
    pub error: Option<String>,
    /// What `--send` did with it, when sending ran.
    pub sent: Option<crate::send::Outcome>,
    /// How many fixes `--fix` applied (or `--diff` would apply).
    pub fixed: usize,
    /// With `--diff`: the change the fixes would make.
    pub diff: Option<String>,
}

/// What to do with fixes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum FixMode {
    #[default]
    Off,
    /// Apply them and write the files.
    Apply { unsafe_fixes: bool },
    /// Only show what applying them would change.
    Diff { unsafe_fixes: bool },
}

pub struct RunOptions<'a> {
    pub method: Option<Method>,
    pub configs: &'a ConfigCache,
    /// Report every finding, ignoring `[[ignore]]` entries.
    pub strict: bool,
    pub fix: FixMode,
    /// Keep the text of files with no findings (`--send` sends it); other
    /// runs drop it after the check, since only findings need snippets.
    pub keep_clean_text: bool,
}

/// A checked file plus what the cross-file pass needs: its facts, config
/// and absolute path.
type Checked = (FileResult, cross_file::Facts, Option<(Arc<Config>, PathBuf)>);

/// Checks every target; files that are not Chat requests are left out.
pub fn run(targets: &[Target], opts: &RunOptions) -> Vec<FileResult> {
    let outcomes: Vec<Checked> = targets.par_iter().filter_map(|t| check_one(t, opts)).collect();
    let facts: Vec<(&str, &cross_file::Facts)> = outcomes.iter().map(|(r, f, _)| (r.name.as_str(), f)).collect();
    let found = cross_file::check(&facts);
    outcomes
        .into_iter()
        .zip(found)
        .map(|((mut res, _, config), extra)| {
            if let (Some(method), Some((config, abs)), false) = (res.method, config, extra.is_empty()) {
                let mut extra = rules::apply_settings(extra, method, &config.settings);
                if !opts.strict {
                    config.suppress(&abs, &mut extra);
                }
                let mut all = std::mem::take(&mut res.diagnostics);
                all.extend(extra);
                all.sort_by_key(|d| (d.range.start, d.range.end));
                res.diagnostics = all;
            }
            if !opts.keep_clean_text && res.diagnostics.is_empty() && res.diff.is_none() {
                res.text = String::new();
            }
            res
        })
        .collect()
}

fn check_one(target: &Target, opts: &RunOptions) -> Option<Checked> {
    let name = target.display_name();
    let failed = |error: String| {
        let res = FileResult {
            name: name.clone(),
            text: String::new(),
            method: None,
            diagnostics: Vec::new(),
            error: Some(error),
            ..Default::default()
        };
        Some((res, cross_file::Facts::default(), None))
    };
    let (explicit, path) = match target {
        Target::File { path, explicit } => (*explicit, path.as_path()),
        Target::Stdin { name } => (true, Path::new(name.as_str())),
    };
    let abs = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let config = match opts.configs.for_file(&abs) {
        Ok(c) => c,
        Err(e) => return failed(format!("config: {e}")),
    };
    if config.is_excluded(&abs) {
        return None;
    }
    let named = opts.method.or_else(|| config.method_for(&abs)).or_else(|| Method::from_file_name(path));
    // Explicit and config-included files are checked even when their shape
    // says nothing; walked files only when they look like requests.
    let fallback = (explicit || named.is_some() || config.is_included(&abs)).then_some(Method::Setup);
    let text = match files::read(target, config.max_file_size) {
        Ok(t) => t,
        Err(ReadError::Refused(msg)) => return failed(msg),
        Err(ReadError::NotUtf8 { lossy, offset }) => {
            let method = named.or(fallback)?;
            let end = (offset + '\u{fffd}'.len_utf8()).min(lossy.len());
            let d = Diagnostic::new(
                "invalid-json",
                "",
                TextRange::new(offset, end),
                format!("the file is not valid UTF-8 (first bad byte at offset {offset}); JSON text must be UTF-8"),
            );
            let res = FileResult {
                name,
                text: lossy,
                method: Some(method),
                diagnostics: vec![d],
                error: None,
                ..FileResult::default()
            };
            return Some((res, cross_file::Facts::default(), None));
        }
    };
    let mut res = FileResult { name, ..FileResult::default() };
    let report = match (opts.fix, target) {
        (FixMode::Apply { unsafe_fixes } | FixMode::Diff { unsafe_fixes }, Target::File { path, .. }) => {
            let fixed = fix::fix_text(&text, named, fallback, &config.settings, unsafe_fixes);
            if fixed.text != text {
                res.fixed = fixed.applied;
                if matches!(opts.fix, FixMode::Diff { .. }) {
                    res.diff = Some(fix::unified_diff(&res.name, &text, &fixed.text));
                    fixed.original
                } else if let Err(e) = fix::write_atomically(path, &fixed.text) {
                    res.error = Some(format!("could not write the fixed file: {}", files::describe_io(&e)));
                    fixed.original
                } else {
                    res.text = fixed.text;
                    fixed.report
                }
            } else {
                fixed.report
            }
        }
        _ => analyze(&text, named, fallback, &config.settings),
    };
    let method = report.method?;
    if res.text.is_empty() {
        res.text = text;
    }
    res.method = Some(method);
    res.diagnostics = report.diagnostics;
    if !opts.strict {
        config.suppress(&abs, &mut res.diagnostics);
    }
    Some((res, report.facts, Some((config, abs))))
}
