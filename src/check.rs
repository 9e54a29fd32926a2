//! The commands: `check` (files in, reports and an exit code out) and
//! `rule` (the catalogue).

use crate::args::{CheckArgs, FailOn, RuleFormat};
use crate::render::{self, Run, Summary};
use crate::runner::{self, FixMode, Outcome, RunOptions, Skipped};
use crate::{baseline, explain};
use chatlint_engine::catalogue;
use chatlint_engine::diagnostic::Severity;
use chatlint_workspace::config::{ConfigCache, Overrides};
use chatlint_workspace::files;
use std::io::Write;
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
        return ExitCode::from(2);
    }
    let overrides = Overrides { profile: args.profile.clone(), max_file_size: args.max_file_size };
    if let Some(p) = &args.profile
        && let Err(e) = chatlint_engine::profile::Profile::by_name(p)
    {
        eprintln!("chatlint: {e}");
        return ExitCode::from(2);
    }
    let configs = match ConfigCache::new(args.config.as_deref(), overrides) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("chatlint: {e}");
            return ExitCode::from(2);
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
        return ExitCode::from(2);
    }
    #[cfg(feature = "send")]
    let keep_clean_text = args.send.active();
    #[cfg(not(feature = "send"))]
    let keep_clean_text = false;
    let opts = RunOptions { method: args.method, configs: &configs, strict: args.strict, fix, keep_clean_text };
    let outcomes = runner::run(&targets, &opts);
    let mut errors: Vec<(String, String)> = input_errors.into_iter().map(|e| (e.path, e.message)).collect();
    for walk in &walks {
        if let Some(message) = nothing_found(walk, &targets, &outcomes) {
            errors.push((walk.root.display().to_string(), message));
        }
    }
    let mut results: Vec<runner::FileResult> = outcomes
        .into_iter()
        .filter_map(|o| match o {
            Outcome::Checked(r) => Some(*r),
            Outcome::Skipped(_) => None,
        })
        .collect();
    for (name, message) in errors {
        results.push(runner::FileResult { name, error: Some(message), ..Default::default() });
    }
    if let Some(reason) = &args.add_ignores {
        return match baseline::add_ignores(&results, &configs, reason) {
            Ok(n) => {
                println!("Added {n} [[ignore]] entr{} with the reason \"{reason}\".", if n == 1 { "y" } else { "ies" });
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("chatlint: {e}");
                ExitCode::from(2)
            }
        };
    }
    #[cfg(feature = "send")]
    let send_code = crate::sending::run(&mut results, &args.send, &configs);
    #[cfg(not(feature = "send"))]
    let send_code: Option<ExitCode> = None;

    let fail_at = match args.fail_on {
        FailOn::Error => Some(Severity::Error),
        FailOn::Warning => Some(Severity::Warning),
        FailOn::Hint => Some(Severity::Hint),
        FailOn::Never => None,
    };
    let unused: Vec<_> =
        if args.strict { Vec::new() } else { configs.loaded().iter().flat_map(|c| c.unused_ignores()).collect() };
    let run = Run { results: &results, unused_ignores: &unused, fail_at };
    for (format, path) in &args.report {
        if let Err(e) = std::fs::write(path, render::render(*format, &run, false)) {
            eprintln!("chatlint: cannot write {}: {}", path.display(), files::describe_io(&e));
            return ExitCode::from(2);
        }
    }
    let out = render::render(args.format, &run, render::human::Style::detect().color);
    let mut stdout = std::io::stdout().lock();
    if stdout.write_all(out.as_bytes()).and_then(|_| stdout.flush()).is_err() {
        return ExitCode::from(2);
    }

    if let Some(code) = send_code {
        return code;
    }
    if Summary::of(&results).failed > 0 {
        return ExitCode::from(2);
    }
    let would_change = args.diff && results.iter().any(|r| r.diff.is_some());
    let failing = fail_at.is_some_and(|t| results.iter().flat_map(|r| &r.diagnostics).any(|d| d.severity >= t));
    if failing || would_change { ExitCode::from(1) } else { ExitCode::SUCCESS }
}

/// When a folder's walk checked no file (a CI job pointed at the wrong
/// folder must not pass): why, naming what it found and skipped.
fn nothing_found(walk: &files::Walk, targets: &[files::Target], outcomes: &[Outcome]) -> Option<String> {
    /// At most this many skipped files are named.
    const NAMED: usize = 10;
    let range = walk.targets.clone();
    if outcomes[range.clone()].iter().any(|o| matches!(o, Outcome::Checked(_))) {
        return None;
    }
    let root = walk.root.display();
    if range.is_empty() {
        return Some(format!("no Chat request files found under {root}: it has no .json files"));
    }
    let cwd = std::env::current_dir().unwrap_or_default();
    let mut named: Vec<String> = range
        .clone()
        .take(NAMED)
        .map(|i| {
            let why = match &outcomes[i] {
                Outcome::Skipped(Skipped::Excluded(Some(config))) => {
                    format!("excluded by {}", config.strip_prefix(&cwd).unwrap_or(config).display())
                }
                Outcome::Skipped(Skipped::Excluded(None)) => "excluded".to_string(),
                _ => "not a request".to_string(),
            };
            format!("{} ({why})", targets[i].display_name())
        })
        .collect();
    if range.len() > NAMED {
        named.push(format!("and {} more", range.len() - NAMED));
    }
    Some(format!("no Chat request files found under {root}; skipped: {}", named.join(", ")))
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
                return ExitCode::from(2);
            }
        },
    };
    print!("{text}");
    ExitCode::SUCCESS
}
