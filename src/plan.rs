//! `chatlint plan`: what sending the request files would change in the live
//! spaces. The files go through the same check as `chatlint check`; a file
//! with errors is reported as `check` reports it (on standard error) and
//! not planned. Each other file's live object is read by `chatlint-send`
//! (GETs only), compared by `chatlint-plan`, and shown here: human,
//! `--format json` or `--format markdown`. User docs: docs/plan.md.

use crate::args::{LiveArgs, PlanArgs, PlanFormat};
use crate::exit::Exit;
use crate::render::{self, Format};
use crate::runner::{self, FileResult, FixMode, Outcome, RunOptions};
use chatlint_engine::Severity;
use chatlint_plan::{Action, Desired, Live};
use chatlint_send::live::{self, ReadOptions};
use chatlint_workspace::config::{ConfigCache, Overrides};
use chatlint_workspace::files;
use serde_json::{Value, json};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

/// One planned file.
pub(crate) struct Planned {
    pub path: String,
    pub method: &'static str,
    pub target: String,
    pub action: Action,
    /// What the file asks for (`None`: the file could not be read as one).
    pub desired: Option<Desired>,
}

/// The files checked, ready to plan.
pub(crate) struct Checked {
    /// Each file without errors, with what it asks for (or why it cannot
    /// be planned).
    pub files: Vec<(FileResult, Result<Desired, String>)>,
    /// A file has errors (reported, not planned).
    pub has_findings: bool,
    /// A path or file could not be read (reported).
    pub could_not_run: bool,
}

/// Checks the files as `chatlint check` does; files with errors are
/// reported on standard error as `check` reports them, and left out.
pub(crate) fn check_files(paths: &[PathBuf], live: &LiveArgs) -> Result<Checked, ExitCode> {
    let configs = ConfigCache::new(live.config.as_deref(), Overrides::default()).map_err(|e| -> ExitCode {
        eprintln!("chatlint: {e}");
        Exit::Error.into()
    })?;
    let paths = if paths.is_empty() { vec![PathBuf::from(".")] } else { paths.to_vec() };
    let collected = files::collect(&paths, None);
    let mut could_not_run = !collected.errors.is_empty();
    for e in &collected.errors {
        eprintln!("chatlint: {}: {}", e.path, e.message);
    }
    let opts = RunOptions {
        method: None,
        params: chatlint_engine::Params::default(),
        configs: &configs,
        strict: false,
        fix: FixMode::Off,
        keep_clean_text: true,
    };
    let mut results: Vec<FileResult> = Vec::new();
    runner::run(&collected.targets, &opts, |_, outcome| {
        if let Outcome::Checked(r) = outcome {
            results.push(*r);
        }
    });
    let mut findings = render::report(Format::Human, false, Some(Severity::Error));
    let mut stderr = std::io::stderr();
    let mut has_findings = false;
    let mut files = Vec::new();
    for r in results {
        if let Some(e) = &r.error {
            eprintln!("chatlint: {}: {e}", r.name);
            could_not_run = true;
            continue;
        }
        if r.diagnostics.iter().any(|d| d.severity == Severity::Error) {
            has_findings = true;
            let _ = findings.file(&r, &mut stderr);
            eprintln!("chatlint: {}: not planned: it has errors", r.name);
            continue;
        }
        let Some(method) = r.method else { continue };
        let desired = chatlint_engine::parse_document(&r.text, method)
            .ok_or_else(|| "the file could not be read as a request".to_string())
            .and_then(|doc| Desired::read(&doc, &r.params));
        files.push((r, desired));
    }
    Ok(Checked { files, has_findings, could_not_run })
}

/// How to reach the API, from the flags.
pub(crate) fn read_options(live: &LiveArgs) -> ReadOptions {
    ReadOptions {
        endpoint: live.endpoint.clone(),
        results: live.results.clone(),
        credentials: live.access.credentials(),
        timeout: live.timeout,
        max_attempts: 3,
        retry_delay: std::time::Duration::from_secs(1),
    }
}

pub(crate) fn notes() -> chatlint_send::Notes {
    Arc::new(|line: &str| eprintln!("chatlint: {line}"))
}

/// Reads each checked file's live object and compares. `Err`: nothing
/// could be read (reported).
pub(crate) fn make_plan(checked: &Checked, live: &LiveArgs) -> Result<Vec<Planned>, ExitCode> {
    let readable: Vec<Desired> = checked.files.iter().filter_map(|(_, d)| d.as_ref().ok().cloned()).collect();
    let lives = live::read(&readable, &read_options(live), notes()).map_err(|e| -> ExitCode {
        eprintln!("chatlint: nothing planned: {e}");
        Exit::Error.into()
    })?;
    let mut lives = lives.into_iter();
    Ok(checked
        .files
        .iter()
        .map(|(r, desired)| {
            let (path, method) = (r.name.clone(), r.method.map_or("", |m| m.name()));
            match desired {
                Ok(d) => {
                    let live = lives.next().unwrap_or(Live::Unreadable("not read".into()));
                    let action = chatlint_plan::compare(d, &live);
                    Planned { path, method, target: target(d, &live), action, desired: Some(d.clone()) }
                }
                Err(why) => {
                    Planned { path, method, target: String::new(), action: Action::Unknown(why.clone()), desired: None }
                }
            }
        })
        .collect())
}

pub fn plan(args: PlanArgs) -> ExitCode {
    let checked = match check_files(&args.paths, &args.live) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let planned = match make_plan(&checked, &args.live) {
        Ok(p) => p,
        Err(code) => return code,
    };
    let text = match args.format {
        PlanFormat::Human => human(&planned),
        PlanFormat::Json => serde_json::to_string_pretty(&as_json(&planned)).unwrap_or_default() + "\n",
        PlanFormat::Markdown => markdown(&planned),
    };
    print!("{text}");

    let any = |f: fn(&Action) -> bool| planned.iter().any(|p| f(&p.action));
    if checked.could_not_run || any(|a| matches!(a, Action::Unknown(_))) {
        Exit::Error.into()
    } else if checked.has_findings || any(|a| matches!(a, Action::Conflict(_))) {
        Exit::Fail.into()
    } else if args.detailed_exitcode && any(Action::changes) {
        Exit::ChangesPending.into()
    } else {
        Exit::Ok.into()
    }
}

/// What a file acts on: the live object's name when one was found.
fn target(desired: &Desired, live: &Live) -> String {
    match (desired, live) {
        (Desired::NewSpace { .. }, Live::Space { space, .. }) => {
            space.get("name").and_then(Value::as_str).map_or_else(|| desired.target(), str::to_string)
        }
        _ => desired.target(),
    }
}

/// `+`, `~`, `-`, ` `, `!`, `?`.
fn sign(action: &Action) -> char {
    match action {
        Action::Create => '+',
        Action::Update(_) => '~',
        Action::Delete => '-',
        Action::None(_) => ' ',
        Action::Conflict(_) => '!',
        Action::Unknown(_) => '?',
    }
}

/// The lines a reviewer reads: one per file, its changes under it.
fn lines(planned: &[Planned]) -> Vec<String> {
    let mut out = Vec::new();
    for p in planned {
        let what = match p.target.as_str() {
            "" => p.action.kind().to_string(),
            t => format!("{} {t}", p.action.kind()),
        };
        let reason = p.action.reason().map(|r| format!(": {r}")).unwrap_or_default();
        out.push(format!("{} {}: {what}{reason}", sign(&p.action), p.path));
        for c in p.action.changes_list() {
            out.push(format!("    ~ {}: {} → {}", c.field, c.show(&c.live), c.show(&c.desired)));
        }
    }
    out
}

fn counts(planned: &[Planned]) -> String {
    let n = |kind: &str| planned.iter().filter(|p| p.action.kind() == kind).count();
    let changing = n("create") + n("update") + n("delete");
    let mut parts = vec![format!("{} to create, {} to update, {} to delete", n("create"), n("update"), n("delete"))];
    parts.push(format!("{} unchanged", n("none")));
    for (kind, word) in [("conflict", "conflict"), ("unknown", "unknown")] {
        if n(kind) > 0 {
            parts.push(format!("{} {word}", n(kind)));
        }
    }
    let head = if changing == 0 { "No changes".to_string() } else { format!("{changing} to change") };
    format!("{head}: {}.", parts.join(", "))
}

pub(crate) fn human(planned: &[Planned]) -> String {
    let mut out = String::new();
    for l in lines(planned) {
        out.push_str(&l);
        out.push('\n');
    }
    if !planned.is_empty() {
        out.push('\n');
    }
    out.push_str(&counts(planned));
    out.push('\n');
    out
}

fn markdown(planned: &[Planned]) -> String {
    let body = lines(planned).join("\n");
    // A fence longer than any run of backticks inside.
    let longest = body.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest.max(2) + 1);
    let mut out = format!("### chatlint plan\n\n{}\n", counts(planned));
    if !planned.is_empty() {
        out.push_str(&format!("\n{fence}diff\n{body}\n{fence}\n"));
    }
    out
}

fn as_json(planned: &[Planned]) -> Value {
    let files: Vec<Value> = planned
        .iter()
        .map(|p| {
            let changes: Vec<Value> = p
                .action
                .changes_list()
                .iter()
                .map(|c| json!({"field": c.field, "live": c.live, "desired": c.desired}))
                .collect();
            json!({
                "path": p.path,
                "method": p.method,
                "action": p.action.kind(),
                "target": (!p.target.is_empty()).then_some(&p.target),
                "changes": changes,
                "reason": p.action.reason(),
            })
        })
        .collect();
    let n = |kind: &str| planned.iter().filter(|p| p.action.kind() == kind).count();
    let summary: serde_json::Map<String, Value> = ["create", "update", "delete", "none", "conflict", "unknown"]
        .iter()
        .map(|k| (k.to_string(), n(k).into()))
        .collect();
    json!({"files": files, "summary": summary})
}
