//! Runs a check over many files: each goes through the per-document
//! pipeline (in parallel), fixes are applied on disk when asked, then the
//! cross-file rules compare the requests.

use crate::disk;
use chatlint_engine::method::Method;
use chatlint_engine::rules::cross_file::{CrossFile, Facts};
use chatlint_engine::{Diagnostic, Report};
use chatlint_workspace::config::ConfigCache;
use chatlint_workspace::files::Target;
use chatlint_workspace::pipeline::{self, Choice, Preparation, Prepared, Unreadable};
use rayon::prelude::*;
use std::path::Path;

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
    #[cfg(feature = "send")]
    pub sent: Option<chatlint_send::Outcome>,
    /// How many fixes `--fix` applied (or `--diff` would apply).
    pub fixed: usize,
    /// With `--diff`: the change the fixes would make.
    pub diff: Option<String>,
}

impl FileResult {
    fn failed(name: String, error: String) -> FileResult {
        FileResult { name, error: Some(error), ..FileResult::default() }
    }
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

/// A checked file plus what the cross-file pass needs: its facts and its
/// pipeline (for the config that settles the cross-file findings).
type Checked = (FileResult, Facts, Option<Prepared>);

/// Why a target was not checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Skipped {
    /// Neither its name, the config nor its shape says it is a Chat request.
    NotARequest,
    /// The config (this file, when there is one) excludes it.
    Excluded(Option<std::path::PathBuf>),
}

/// What became of one target.
#[derive(Debug)]
pub enum Outcome {
    Checked(Box<FileResult>),
    Skipped(Skipped),
}

/// Checks every target; one outcome per target, in the targets' order.
pub fn run(targets: &[Target], opts: &RunOptions) -> Vec<Outcome> {
    let outcomes: Vec<Result<Checked, Skipped>> = targets.par_iter().map(|t| check_one(t, opts)).collect();
    let mut cross = CrossFile::default();
    outcomes
        .into_iter()
        .map(|outcome| {
            let (mut res, facts, prepared) = match outcome {
                Ok(checked) => checked,
                Err(skipped) => return Outcome::Skipped(skipped),
            };
            let extra = cross.next(&res.name, &facts);
            if let Some(prepared) = prepared.filter(|_| !extra.is_empty()) {
                let mut all = std::mem::take(&mut res.diagnostics);
                all.extend(prepared.settle(extra));
                all.sort_by_key(|d| (d.range.start, d.range.end));
                res.diagnostics = all;
            }
            if !opts.keep_clean_text && res.diagnostics.is_empty() && res.diff.is_none() {
                res.text = String::new();
            }
            Outcome::Checked(Box::new(res))
        })
        .collect()
}

fn check_one(target: &Target, opts: &RunOptions) -> Result<Checked, Skipped> {
    let name = target.display_name();
    let (explicit, path) = match target {
        Target::File { path, explicit } => (*explicit, path.as_path()),
        Target::Stdin { name } => (true, Path::new(name.as_str())),
    };
    let choice = Choice { method: opts.method, explicit, last_known: None, strict: opts.strict };
    let prepared = match pipeline::prepare(opts.configs, path, &choice) {
        Preparation::Ready(p) => p,
        Preparation::Excluded(config) => return Err(Skipped::Excluded(config.path.clone())),
        Preparation::BadConfig(e) => {
            return Ok((FileResult::failed(name, format!("config: {e}")), Facts::default(), None));
        }
    };
    let text = match prepared.read(target) {
        Ok(t) => t,
        Err(Unreadable::Refused(why)) => return Ok((FileResult::failed(name, why), Facts::default(), None)),
        Err(Unreadable::NotUtf8 { report, lossy }) => {
            let method = report.method.ok_or(Skipped::NotARequest)?;
            let res = FileResult {
                name,
                text: lossy,
                method: Some(method),
                diagnostics: report.diagnostics,
                ..FileResult::default()
            };
            return Ok((res, Facts::default(), None));
        }
    };
    let mut res = FileResult { name, ..FileResult::default() };
    let report: Report = match (opts.fix, target) {
        (FixMode::Apply { unsafe_fixes } | FixMode::Diff { unsafe_fixes }, Target::File { path, .. }) => {
            let fixed = prepared.fix(&text, unsafe_fixes);
            if fixed.text != text {
                res.fixed = fixed.applied;
                if matches!(opts.fix, FixMode::Diff { .. }) {
                    res.diff = Some(disk::unified_diff(&crate::render::shown(&res.name), &text, &fixed.text));
                    fixed.original
                } else if let Err(e) = disk::write_atomically(path, &fixed.text) {
                    res.error =
                        Some(format!("could not write the fixed file: {}", chatlint_workspace::files::describe_io(&e)));
                    fixed.original
                } else {
                    res.text = fixed.text;
                    fixed.report
                }
            } else {
                fixed.report
            }
        }
        _ => prepared.check(&text),
    };
    let method = report.method.ok_or(Skipped::NotARequest)?;
    if res.text.is_empty() {
        res.text = text;
    }
    res.method = Some(method);
    res.diagnostics = report.diagnostics;
    Ok((res, report.facts, Some(prepared)))
}
