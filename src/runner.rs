//! Runs a check over many files: each goes through the per-document
//! pipeline (in parallel, a bounded window ahead of the output), fixes are
//! applied on disk when asked, then, in output order, the cross-file rules
//! compare the requests and each file is handed on as soon as every file
//! before it has been.

use crate::disk;
use chatlint_engine::method::Method;
use chatlint_engine::rules::cross_file::{CrossFile, Facts};
use chatlint_engine::{Diagnostic, Report};
use chatlint_workspace::config::ConfigCache;
use chatlint_workspace::files::Target;
use chatlint_workspace::pipeline::{self, Choice, Preparation, Prepared, Unreadable};
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex, mpsc};

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
    /// The request parameters given for the file from outside it (config,
    /// flags), for `--send`.
    pub params: chatlint_engine::Params,
    /// Findings `[[ignore]]` entries accepted (not in `diagnostics`).
    pub ignored: usize,
    /// Not a file: a folder whose walk found no Chat request to check
    /// (`error` says what it skipped).
    pub no_request_in_folder: bool,
    /// Checked, but `--fix` refused to rewrite it (`error` says why; its
    /// findings are those of the file as it is).
    pub not_fixed: bool,
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
    /// Parameters given for every file (flags).
    pub params: chatlint_engine::Params,
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

/// How many consecutive targets a worker takes at once, and sends back in
/// one message: per-file hand-offs cost more in wake-ups than the checks.
const CHUNK: usize = 8;

/// How many targets past the last one handed out the workers may check:
/// what a run holds at most (beside the one being handed out), however
/// many files there are and however slow an early one is.
fn window(threads: usize) -> usize {
    (threads * CHUNK * 2).max(16)
}

/// Runs of at most this many targets (what a pre-commit hook passes) are
/// checked on the calling thread: they are done before a pool of threads
/// would have started.
const INLINE_MAX: usize = 8;

/// Checks every target, in parallel on rayon's threads when there are more
/// than [`INLINE_MAX`], and hands each target's outcome to `emit` in the
/// targets' order, as soon as it and every target before it are done; the
/// cross-file rules run there, in that order. Workers never run more than [`window`] targets ahead of
/// `emit`, so memory depends on the files in flight, not on how many files
/// there are. `emit` gets the target's index.
pub fn run(targets: &[Target], opts: &RunOptions, mut emit: impl FnMut(usize, Outcome)) {
    if targets.len() <= INLINE_MAX {
        let mut cross = CrossFile::default();
        for (i, target) in targets.iter().enumerate() {
            emit(i, finish(check_one(target, opts), &mut cross, opts));
        }
        return;
    }
    let threads = rayon::current_num_threads().max(1);
    let window = window(threads);
    let gate = Gate::default();
    let claim = AtomicUsize::new(0);
    let (tx, rx) = mpsc::channel::<Vec<(usize, Result<Checked, Skipped>)>>();
    std::thread::scope(|scope| {
        let (gate, claim) = (&gate, &claim);
        scope.spawn(move || {
            rayon::scope(|s| {
                for _ in 0..threads {
                    let tx = tx.clone();
                    s.spawn(move |_| {
                        // A panic here must not leave the others waiting for it.
                        let _stop = gate.stop_on_unwind();
                        loop {
                            let start = claim.fetch_add(CHUNK, Ordering::Relaxed);
                            let end = (start + CHUNK).min(targets.len());
                            if start >= targets.len() || !gate.wait_for(end - 1, window) {
                                break;
                            }
                            let done = (start..end).map(|i| (i, check_one(&targets[i], opts))).collect();
                            if tx.send(done).is_err() {
                                break;
                            }
                        }
                    });
                }
            });
        });
        let _stop = gate.stop_on_unwind();
        // Outcomes that came before their turn, by index.
        let mut early = std::collections::BTreeMap::new();
        let mut next = 0;
        let mut cross = CrossFile::default();
        for done in rx {
            early.extend(done);
            let before = next;
            while let Some(outcome) = early.remove(&next) {
                emit(next, finish(outcome, &mut cross, opts));
                next += 1;
            }
            if next > before {
                gate.advance(next);
            }
        }
    });
}

/// The last step of a file, in output order: the cross-file rules.
fn finish(outcome: Result<Checked, Skipped>, cross: &mut CrossFile, opts: &RunOptions) -> Outcome {
    let (mut res, facts, prepared) = match outcome {
        Ok(checked) => checked,
        Err(skipped) => return Outcome::Skipped(skipped),
    };
    let extra = cross.next(&res.name, &facts);
    if let Some(prepared) = prepared.filter(|_| !extra.is_empty()) {
        let mut all = std::mem::take(&mut res.diagnostics);
        let (settled, ignored) = prepared.settle_counted(extra);
        all.extend(settled);
        res.ignored += ignored;
        all.sort_by_key(|d| (d.range.start, d.range.end));
        res.diagnostics = all;
    }
    if !opts.keep_clean_text && res.diagnostics.is_empty() && res.diff.is_none() {
        res.text = String::new();
    }
    Outcome::Checked(Box::new(res))
}

/// How far the output has got, for workers that wait to stay within the
/// window; `stopped` when a thread panicked (nobody waits then).
#[derive(Default)]
struct Gate {
    /// How far the output has got, whether the run stopped, and how many
    /// workers wait (nobody is woken when none does).
    state: Mutex<(usize, bool, usize)>,
    moved: Condvar,
}

impl Gate {
    /// Waits until target `i` is within `window` of the output; `false`
    /// when the run stopped.
    fn wait_for(&self, i: usize, window: usize) -> bool {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        while !state.1 && i >= state.0 + window {
            state.2 += 1;
            state = self.moved.wait(state).unwrap_or_else(|e| e.into_inner());
            state.2 -= 1;
        }
        !state.1
    }

    fn advance(&self, emitted: usize) {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        state.0 = emitted;
        if state.2 > 0 {
            self.moved.notify_all();
        }
    }

    fn stop(&self) {
        self.state.lock().unwrap_or_else(|e| e.into_inner()).1 = true;
        self.moved.notify_all();
    }

    /// Stops the run if the current thread unwinds before this is dropped.
    fn stop_on_unwind(&self) -> impl Drop + '_ {
        struct OnUnwind<'g>(&'g Gate);
        impl Drop for OnUnwind<'_> {
            fn drop(&mut self) {
                if std::thread::panicking() {
                    self.0.stop();
                }
            }
        }
        OnUnwind(self)
    }
}

fn check_one(target: &Target, opts: &RunOptions) -> Result<Checked, Skipped> {
    let name = target.display_name();
    let (explicit, path) = match target {
        Target::File { path, explicit } => (*explicit, path.as_path()),
        Target::Stdin { name } => (true, Path::new(name.as_str())),
    };
    let choice =
        Choice { method: opts.method, params: opts.params.clone(), explicit, last_known: None, strict: opts.strict };
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
    // Parameters from outside that the file contradicts or its method does
    // not take: the file is not checked, fixed or sent as if they agreed.
    // The method as the engine would choose it (named, shape, fallback),
    // without analysing the file a second time.
    if !prepared.params.is_empty()
        && let Some(method) = prepared.named.or_else(|| chatlint_engine::method_by_shape(&text)).or(prepared.fallback)
    {
        let conflicts = prepared.param_conflicts(&text, method);
        if !conflicts.is_empty() {
            let res = FileResult { method: Some(method), ..FileResult::failed(name, conflicts.join("; ")) };
            return Ok((res, Facts::default(), None));
        }
    }
    let mut res = FileResult { name, params: prepared.params.clone(), ..FileResult::default() };
    let report: Report = match (opts.fix, target) {
        (FixMode::Apply { unsafe_fixes } | FixMode::Diff { unsafe_fixes }, Target::File { path, .. }) => {
            let (fixed, ignored_before, ignored_after) = prepared.fix_counted(&text, unsafe_fixes);
            res.ignored = ignored_before;
            if fixed.text != text {
                if matches!(opts.fix, FixMode::Diff { .. }) {
                    res.fixed = fixed.applied;
                    res.diff = Some(disk::unified_diff(&crate::render::shown(&res.name), &text, &fixed.text));
                    fixed.original
                } else if let Err(why) = disk::replace_fixed(path, &text, &fixed.text) {
                    // Only what was written counts as fixed.
                    res.error = Some(format!("not fixed: {why}"));
                    res.not_fixed = true;
                    fixed.original
                } else {
                    res.fixed = fixed.applied;
                    res.text = fixed.text;
                    res.ignored = ignored_after;
                    fixed.report
                }
            } else {
                fixed.report
            }
        }
        _ => {
            let (report, ignored) = prepared.check_counted(&text);
            res.ignored = ignored;
            report
        }
    };
    let method = report.method.ok_or(Skipped::NotARequest)?;
    if res.text.is_empty() {
        res.text = text;
    }
    res.method = Some(method);
    res.diagnostics = report.diagnostics;
    Ok((res, report.facts, Some(prepared)))
}
