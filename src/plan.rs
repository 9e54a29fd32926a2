//! `chatlint plan`: what sending the request files would change in the live
//! spaces. The files go through the same check as `chatlint check`; a file
//! with errors is reported as `check` reports it (on standard error) and
//! not planned. Each other file's live object is read by `chatlint-send`
//! (GETs only), compared by `chatlint-plan`, and shown here: human,
//! `--format json` or `--format markdown`. User docs: docs/plan.md.

use crate::args::{PlanArgs, PlanFormat};
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
struct Planned {
    path: String,
    method: &'static str,
    target: String,
    action: Action,
}

pub fn plan(args: PlanArgs) -> ExitCode {
    let configs = match ConfigCache::new(args.config.as_deref(), Overrides::default()) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("chatlint: {e}");
            return Exit::Error.into();
        }
    };
    let paths = if args.paths.is_empty() { vec![PathBuf::from(".")] } else { args.paths.clone() };
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
    let mut checked: Vec<FileResult> = Vec::new();
    runner::run(&collected.targets, &opts, |_, outcome| {
        if let Outcome::Checked(r) = outcome {
            checked.push(*r);
        }
    });

    // Files with errors: reported as `check` reports them, not planned.
    let mut findings = render::report(Format::Human, false, Some(Severity::Error));
    let mut stderr = std::io::stderr();
    let mut has_findings = false;
    let mut wanted: Vec<(String, &'static str, Result<Desired, String>)> = Vec::new();
    for r in &checked {
        if let Some(e) = &r.error {
            eprintln!("chatlint: {}: {e}", r.name);
            could_not_run = true;
            continue;
        }
        if r.diagnostics.iter().any(|d| d.severity == Severity::Error) {
            has_findings = true;
            let _ = findings.file(r, &mut stderr);
            eprintln!("chatlint: {}: not planned: it has errors", r.name);
            continue;
        }
        let Some(method) = r.method else { continue };
        let desired = chatlint_engine::parse_document(&r.text, method)
            .ok_or_else(|| "the file could not be read as a request".to_string())
            .and_then(|doc| Desired::read(&doc, &r.params));
        wanted.push((r.name.clone(), method.name(), desired));
    }

    let readable: Vec<Desired> = wanted.iter().filter_map(|(_, _, d)| d.as_ref().ok().cloned()).collect();
    let read_opts = ReadOptions {
        endpoint: args.endpoint.clone(),
        results: args.results.clone(),
        credentials: chatlint_send::Credentials {
            token_env: args.token_env.clone(),
            token_file: args.token_file.clone(),
            credentials: args.credentials.clone(),
            subject: args.subject.clone(),
            scopes: args.scope.clone(),
            token_uri: args.token_uri.clone(),
            ..Default::default()
        },
        timeout: args.timeout,
        max_attempts: 3,
        retry_delay: std::time::Duration::from_secs(1),
    };
    let lives = match live::read(&readable, &read_opts, Arc::new(|line: &str| eprintln!("chatlint: {line}"))) {
        Ok(l) => l,
        Err(e) => {
            eprintln!("chatlint: nothing planned: {e}");
            return Exit::Error.into();
        }
    };
    let mut lives = lives.into_iter();
    let planned: Vec<Planned> = wanted
        .into_iter()
        .map(|(path, method, desired)| match desired {
            Ok(d) => {
                let live = lives.next().unwrap_or(Live::Unreadable("not read".into()));
                Planned { path, method, target: target(&d, &live), action: chatlint_plan::compare(&d, &live) }
            }
            Err(why) => Planned { path, method, target: String::new(), action: Action::Unknown(why) },
        })
        .collect();

    let text = match args.format {
        PlanFormat::Human => human(&planned),
        PlanFormat::Json => serde_json::to_string_pretty(&as_json(&planned)).unwrap_or_default() + "\n",
        PlanFormat::Markdown => markdown(&planned),
    };
    print!("{text}");

    let any = |f: fn(&Action) -> bool| planned.iter().any(|p| f(&p.action));
    if could_not_run || any(|a| matches!(a, Action::Unknown(_))) {
        Exit::Error.into()
    } else if has_findings || any(|a| matches!(a, Action::Conflict(_))) {
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

fn human(planned: &[Planned]) -> String {
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
