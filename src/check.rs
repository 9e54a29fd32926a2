//! The commands: `check` (files in, reports and an exit code out) and
//! `rule` (the catalogue).

use crate::args::{CheckArgs, FailOn, RuleFormat};
use crate::exit::Exit;
use crate::render::{self, Summary};
use crate::runner::{self, FixMode, Outcome, RunOptions, Skipped};
use crate::{baseline, explain};
use chatlint_engine::catalogue;
use chatlint_engine::diagnostic::Severity;
use chatlint_workspace::config::{ConfigCache, Overrides};
use chatlint_workspace::files;
use std::io::{BufWriter, Write};
use std::path::PathBuf;
use std::process::ExitCode;

/// Options that would do nothing as given: a usage error, saying why.
fn pointless(args: &CheckArgs) -> Option<&'static str> {
    if args.unsafe_fixes && !args.fix && !args.diff {
        return Some("--unsafe-fixes needs --fix or --diff: it lets those apply unsafe fixes too");
    }
    #[cfg(feature = "send")]
    if args.send.send_passing && !args.send.active() {
        return Some("--send-passing needs --send or --dry-run: it lets those go ahead without the failing files");
    }
    None
}

pub fn check(args: CheckArgs) -> ExitCode {
    if let Some(why) = pointless(&args) {
        eprintln!("chatlint: {why}");
        return Exit::Error.into();
    }
    let overrides = Overrides { profile: args.profile.clone(), max_file_size: args.max_file_size };
    if let Some(p) = &args.profile
        && let Err(e) = chatlint_engine::profile::Profile::by_name(p)
    {
        eprintln!("chatlint: {e}");
        return Exit::Error.into();
    }
    let configs = match ConfigCache::new(args.config.as_deref(), overrides) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("chatlint: {e}");
            return Exit::Error.into();
        }
    };
    let paths = if args.paths.is_empty() { vec![PathBuf::from(".")] } else { args.paths.clone() };
    let files::Collected { mut targets, errors: input_errors, walks } =
        files::collect(&paths, args.stdin_filename.as_deref());
    if args.skip_non_requests {
        for t in &mut targets {
            if let files::Target::File { explicit, .. } = t {
                *explicit = false;
            }
        }
    }
    let fix = match (args.fix, args.diff) {
        (true, _) => FixMode::Apply { unsafe_fixes: args.unsafe_fixes },
        (_, true) => FixMode::Diff { unsafe_fixes: args.unsafe_fixes },
        _ => FixMode::Off,
    };
    if fix != FixMode::Off && targets.iter().any(|t| matches!(t, files::Target::Stdin { .. })) {
        eprintln!("chatlint: --fix and --diff work on files, not standard input");
        return Exit::Error.into();
    }
    #[cfg(feature = "send")]
    let sending = args.send.active();
    #[cfg(not(feature = "send"))]
    let sending = false;
    // `--send` sends the files' texts, so they are kept.
    let opts = RunOptions {
        method: args.method,
        params: args.params(),
        configs: &configs,
        strict: args.strict,
        fix,
        keep_clean_text: sending,
    };
    let fail_at = match args.fail_on {
        FailOn::Error => Some(Severity::Error),
        FailOn::Warning => Some(Severity::Warning),
        FailOn::Hint => Some(Severity::Hint),
        FailOn::Never => None,
    };
    // The reports are written as the files come (each file is dropped once
    // rendered), except when a step needs every result at once: the send
    // step's gate looks at all files before sending any, and `--add-ignores`
    // writes its entries per config and no report. Those runs collect the
    // results first and render them after.
    let collect = sending || args.add_ignores.is_some();
    let mut outputs = if args.add_ignores.is_some() {
        Outputs::default()
    } else {
        match Outputs::open(&args, fail_at) {
            Ok(o) => o,
            Err(e) => {
                eprintln!("chatlint: {e}");
                return Exit::Error.into();
            }
        }
    };
    let mut tally = Tally { fail_at, ..Tally::default() };
    let mut collected = Vec::new();
    let mut walked = Walked::new(&walks);
    let mut take = |r: runner::FileResult, collected: &mut Vec<runner::FileResult>| {
        if collect {
            collected.push(r);
        } else {
            tally.add(&r);
            outputs.file(&r);
        }
    };
    let mut not_requests = 0;
    runner::run(&targets, &opts, |i, outcome| {
        walked.see(i, &outcome, &targets);
        match outcome {
            Outcome::Checked(r) => take(*r, &mut collected),
            Outcome::Skipped(Skipped::NotARequest) => not_requests += 1,
            Outcome::Skipped(Skipped::Excluded(_)) => {}
        }
    });
    for e in input_errors {
        take(runner::FileResult { name: e.path, error: Some(e.message), ..Default::default() }, &mut collected);
    }
    for (name, message) in walked.nothing_found() {
        let r = runner::FileResult { name, error: Some(message), no_request_in_folder: true, ..Default::default() };
        take(r, &mut collected);
    }
    tally.summary.skipped = not_requests;
    if let Some(reason) = &args.add_ignores {
        return match baseline::add_ignores(&collected, &configs, reason) {
            Ok(n) => {
                println!("Added {n} [[ignore]] entr{} with the reason \"{reason}\".", if n == 1 { "y" } else { "ies" });
                Exit::Ok.into()
            }
            Err(e) => {
                eprintln!("chatlint: {e}");
                Exit::Error.into()
            }
        };
    }
    #[cfg(feature = "send")]
    let send_code = crate::sending::run(&mut collected, &args.send, &configs, args.strict);
    #[cfg(not(feature = "send"))]
    let send_code: Option<ExitCode> = None;
    for r in &collected {
        tally.add(r);
        outputs.file(r);
    }
    drop(collected);

    let unused: Vec<_> =
        if args.strict { Vec::new() } else { configs.loaded().iter().flat_map(|c| c.unused_ignores()).collect() };
    if !outputs.end(&render::End { unused_ignores: &unused, summary: tally.summary }) {
        return Exit::Error.into();
    }
    if let Some(code) = send_code {
        return code;
    }
    if tally.summary.failed > 0 {
        return Exit::Error.into();
    }
    if tally.failing || (args.diff && tally.would_change) { Exit::Fail.into() } else { Exit::Ok.into() }
}

/// What the exit code needs to know of the files, counted as they go.
#[derive(Default)]
struct Tally {
    fail_at: Option<Severity>,
    summary: Summary,
    /// A finding at or above `fail_at`.
    failing: bool,
    /// `--diff` has a change to show.
    would_change: bool,
}

impl Tally {
    fn add(&mut self, r: &runner::FileResult) {
        self.summary.add(r);
        self.failing |= self.fail_at.is_some_and(|t| r.diagnostics.iter().any(|d| d.severity >= t));
        self.would_change |= r.diff.is_some();
    }
}

/// One report being written: standard output or a `--report` file.
struct Output {
    report: Box<dyn render::Report>,
    to: Box<dyn Write>,
    /// The `--report` file (`None`: standard output).
    path: Option<PathBuf>,
    /// The first write that failed; the report is abandoned then.
    failed: Option<std::io::Error>,
}

/// Every report of the run, each written as the files come.
#[derive(Default)]
struct Outputs(Vec<Output>);

impl Outputs {
    fn open(args: &CheckArgs, fail_at: Option<Severity>) -> Result<Outputs, String> {
        let mut all = Vec::new();
        for (format, path) in &args.report {
            let file = std::fs::File::create(path)
                .map_err(|e| format!("cannot write {}: {}", path.display(), files::describe_io(&e)))?;
            all.push(Output {
                report: render::report(*format, false, fail_at),
                to: Box::new(BufWriter::new(file)),
                path: Some(path.clone()),
                failed: None,
            });
        }
        let color = render::human::Style::detect().color;
        all.push(Output {
            report: render::report(args.format, color, fail_at),
            to: Box::new(BufWriter::new(std::io::stdout().lock())),
            path: None,
            failed: None,
        });
        let mut outputs = Outputs(all);
        outputs.each(|o| o.report.begin(&mut o.to));
        Ok(outputs)
    }

    /// Does `step` for every report that has not failed yet.
    fn each(&mut self, mut step: impl FnMut(&mut Output) -> std::io::Result<()>) {
        for o in self.0.iter_mut().filter(|o| o.failed.is_none()) {
            if let Err(e) = step(o) {
                o.failed = Some(e);
            }
        }
    }

    fn file(&mut self, r: &runner::FileResult) {
        self.each(|o| o.report.file(r, &mut o.to));
    }

    /// Finishes every report; `false` when one could not be written (said
    /// on standard error, but for standard output closed early, as by
    /// `| head`).
    fn end(&mut self, end: &render::End) -> bool {
        self.each(|o| o.report.end(end, &mut o.to).and_then(|_| o.to.flush()));
        let mut ok = true;
        for o in &self.0 {
            let Some(e) = &o.failed else { continue };
            ok = false;
            match &o.path {
                Some(path) => eprintln!("chatlint: cannot write {}: {}", path.display(), files::describe_io(e)),
                None if e.kind() == std::io::ErrorKind::BrokenPipe => {}
                None => eprintln!("chatlint: cannot write the report: {}", files::describe_io(e)),
            }
        }
        ok
    }
}

/// At most this many skipped files are named when a walk checked nothing.
const NAMED: usize = 10;

/// The folders walked and what their walks gave, followed as the outcomes
/// come (in the targets' order).
struct Walked<'a> {
    walks: &'a [files::Walk],
    /// The walk the next target may belong to.
    at: usize,
    /// Per walk: whether it checked a file, and the skipped files named so far.
    seen: Vec<(bool, Vec<String>)>,
}

impl<'a> Walked<'a> {
    fn new(walks: &'a [files::Walk]) -> Walked<'a> {
        Walked { walks, at: 0, seen: vec![(false, Vec::new()); walks.len()] }
    }

    /// Target `i` had this outcome (`i` increases from call to call).
    fn see(&mut self, i: usize, outcome: &Outcome, targets: &[files::Target]) {
        while self.at < self.walks.len() && self.walks[self.at].targets.end <= i {
            self.at += 1;
        }
        if !self.walks.get(self.at).is_some_and(|w| w.targets.contains(&i)) {
            return;
        }
        let (checked, named) = &mut self.seen[self.at];
        if let Outcome::Checked(_) = outcome {
            *checked = true;
            named.clear();
        }
        if *checked || named.len() >= NAMED {
            return;
        }
        let why = match outcome {
            Outcome::Checked(_) => return,
            Outcome::Skipped(Skipped::Excluded(Some(config))) => {
                let cwd = std::env::current_dir().unwrap_or_default();
                format!("excluded by {}", config.strip_prefix(&cwd).unwrap_or(config).display())
            }
            Outcome::Skipped(Skipped::Excluded(None)) => "excluded".to_string(),
            Outcome::Skipped(Skipped::NotARequest) => "not a request".to_string(),
        };
        named.push(format!("{} ({why})", targets[i].display_name()));
    }

    /// Each folder whose walk checked no file (a CI job pointed at the
    /// wrong folder must not pass), with why: what it found and skipped.
    fn nothing_found(self) -> Vec<(String, String)> {
        let mut out = Vec::new();
        for (walk, (checked, mut named)) in self.walks.iter().zip(self.seen) {
            if checked {
                continue;
            }
            let root = walk.root.display();
            let found = walk.targets.len();
            let message = if found == 0 {
                format!("no Chat request files found under {root}: it has no .json files")
            } else {
                if found > NAMED {
                    named.push(format!("and {} more", found - NAMED));
                }
                format!("no Chat request files found under {root}; skipped: {}", named.join(", "))
            };
            out.push((root.to_string(), message));
        }
        out
    }
}

pub fn rule(id: Option<String>, format: RuleFormat) -> ExitCode {
    let text = match (id, format) {
        (None, RuleFormat::Text) => explain::list(),
        (None, RuleFormat::Json) => explain::list_json(),
        (None, RuleFormat::Markdown) => explain::list_markdown(),
        (Some(id), format) => match catalogue::get(&id) {
            Some(rule) if matches!(format, RuleFormat::Text) => explain::explain(rule),
            Some(rule) => explain::explain_json(rule),
            None => {
                let hint = chatlint_engine::suggest::closest(&id, catalogue::all().map(|r| r.id))
                    .map(|(s, _)| format!(" (did you mean `{s}`?)"))
                    .unwrap_or_default();
                eprintln!("chatlint: no rule `{id}`{hint}; `chatlint rule` lists them");
                return Exit::Error.into();
            }
        },
    };
    print!("{text}");
    Exit::Ok.into()
}
