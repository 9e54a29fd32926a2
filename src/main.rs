//! The `chatlint` command line: a thin layer over the library.

use chatlint::baseline;
use chatlint::config::{ConfigCache, Overrides};
use chatlint::diagnostic::Severity;
use chatlint::files;
use chatlint::method::Method;
use chatlint::render::{self, Format, Run, Summary};
use chatlint::rules::catalogue;
use chatlint::runner::{self, FixMode, RunOptions};
use clap::{Parser, Subcommand, ValueEnum};
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use chatlint::explain;

#[derive(Parser)]
#[command(name = "chatlint", version, about = "Validate and lint Google Chat API request files")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Check request files, folders (walked) or `-` for standard input.
    Check(Box<CheckArgs>),
    /// List the rules, or explain one with its source and examples.
    /// Run the language server over standard input and output.
    Lsp,
    Rule {
        /// A rule id, e.g. `display-name-forbidden`.
        id: Option<String>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = RuleFormat::Text)]
        format: RuleFormat,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum RuleFormat {
    Text,
    Json,
    /// The table in README.md.
    Markdown,
}

#[derive(Clone, Copy, ValueEnum)]
enum FailOn {
    Error,
    Warning,
    Hint,
    Never,
}

#[derive(clap::Args)]
struct CheckArgs {
    /// Files, folders or `-` (standard input). Default: the current folder.
    paths: Vec<PathBuf>,
    /// The API method every file is for: spaces.setup or spaces.create (short: setup, create).
    #[arg(long, value_parser = parse_method)]
    method: Option<Method>,
    /// The API revision's limits: current (default), legacy or original.
    #[arg(long)]
    profile: Option<String>,
    /// Use this config file instead of finding chatlint.toml upward from each file.
    #[arg(long)]
    config: Option<PathBuf>,
    /// Output format: human, json, sarif, github, junit or concise.
    #[arg(long, default_value = "human", value_parser = parse_format)]
    format: Format,
    /// Also write a report to a file, as FORMAT=PATH (repeatable), e.g. `sarif=chatlint.sarif`.
    #[arg(long, value_name = "FORMAT=PATH", value_parser = parse_report)]
    report: Vec<(Format, PathBuf)>,
    /// Apply safe fixes to the files, then report what is left.
    #[arg(long)]
    fix: bool,
    /// With --fix or --diff, also apply fixes that change what a request asks for.
    #[arg(long)]
    unsafe_fixes: bool,
    /// Show the changes fixes would make, without writing (exit 1 when there are any).
    #[arg(long, conflicts_with = "fix")]
    diff: bool,
    /// Treat named files like walked ones: skip JSON that is not a Chat request (for pre-commit).
    #[arg(long)]
    skip_non_requests: bool,
    /// Report every finding: ignore the `[[ignore]]` entries of chatlint.toml.
    #[arg(long)]
    strict: bool,
    /// Accept every current finding: append an `[[ignore]]` entry with this reason for each.
    #[arg(long, value_name = "REASON")]
    add_ignores: Option<String>,
    /// Exit with 1 when a finding is at or above this severity.
    #[arg(long, value_enum, default_value_t = FailOn::Error)]
    fail_on: FailOn,
    /// The name standard input is shown (and configured) under.
    #[arg(long)]
    stdin_filename: Option<String>,
    /// Refuse files larger than this many bytes (default 8 MiB).
    #[arg(long)]
    max_file_size: Option<u64>,
    #[command(flatten)]
    send: chatlint::send::SendArgs,
}

// Linting allocates many small strings; mimalloc serves them faster than
// the system allocator (see bench/README.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn parse_method(s: &str) -> Result<Method, String> {
    s.parse()
}

fn parse_format(s: &str) -> Result<Format, String> {
    s.parse()
}

fn parse_report(s: &str) -> Result<(Format, PathBuf), String> {
    let (format, path) = s.split_once('=').ok_or("expected FORMAT=PATH, e.g. sarif=chatlint.sarif")?;
    Ok((format.parse()?, PathBuf::from(path)))
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Check(args) => check(*args),
        Command::Rule { id, format } => rule(id, format),
        Command::Lsp => chatlint::lsp::run(),
    }
}

fn check(args: CheckArgs) -> ExitCode {
    let overrides = Overrides { profile: args.profile.clone(), max_file_size: args.max_file_size };
    if let Some(p) = &args.profile
        && let Err(e) = chatlint::profile::Profile::by_name(p)
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
    let (mut targets, input_errors) = files::collect(&paths, args.stdin_filename.as_deref());
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
    let keep_clean_text = args.send.send || args.send.dry_run;
    let opts = RunOptions { method: args.method, configs: &configs, strict: args.strict, fix, keep_clean_text };
    let mut results = runner::run(&targets, &opts);
    for e in &input_errors {
        results.push(runner::FileResult { name: e.path.clone(), error: Some(e.message.clone()), ..Default::default() });
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
    let send_code = chatlint::send::run(&mut results, &args.send);

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

fn rule(id: Option<String>, format: RuleFormat) -> ExitCode {
    if let Err(e) = catalogue::check_files() {
        eprintln!("chatlint: {e}");
        return ExitCode::from(2);
    }
    let text = match (id, format) {
        (None, RuleFormat::Text) => explain::list(),
        (None, RuleFormat::Json) => explain::list_json(),
        (None, RuleFormat::Markdown) => explain::list_markdown(),
        (Some(id), format) => match catalogue::get(&id) {
            Some(rule) if matches!(format, RuleFormat::Text) => explain::explain(rule),
            Some(rule) => explain::explain_json(rule),
            None => {
                let hint = chatlint::suggest::closest(&id, catalogue::all().map(|r| r.id.as_str()))
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
