//! `chatlint apply`: sends only what `chatlint plan` shows. The files are
//! checked and planned as `plan` does (and nothing is sent while any file
//! has an error, or the plan has a conflict or an unknown); then each file
//! with changes is applied by `chatlint-send`: its target read again right
//! before writing, the plan's requests sent, paced, and read once more.
//! A `create` is the file's own request, sent as `--send` sends it
//! (requestId). With `--results`, the file is taken for the whole run
//! before anything is read or sent, and every request (creates and apply's
//! own writes) is recorded in it as `--send` records its own. User docs:
//! docs/plan.md.

use crate::args::ApplyArgs;
use crate::exit::Exit;
use crate::plan::{self, Planned};
use chatlint_plan::Action;
use chatlint_send::apply::{Applied, ApplyOptions, Target};
use chatlint_send::{Checked, Item, Journal, Status};
use std::process::ExitCode;

/// The least time between two space creations: 60 s / 34.
const CREATE_SPACING: std::time::Duration = std::time::Duration::from_millis(1765);

pub fn apply(args: ApplyArgs) -> ExitCode {
    let checked = match plan::check_files(&args.paths, &args.live) {
        Ok(c) => c,
        Err(code) => return code,
    };
    if checked.has_findings || checked.could_not_run {
        eprintln!("chatlint: nothing applied: fix the files above first");
        return if checked.could_not_run { Exit::Error } else { Exit::Fail }.into();
    }
    // The results file, taken for this run before anything is read or
    // sent: a file that is not a regular one, or that another run holds,
    // stops apply here.
    let journal = match args.live.results.as_deref().map(|path| Journal::open(path, plan::notes())).transpose() {
        Ok(j) => j,
        Err(e) => {
            eprintln!("chatlint: nothing applied: {e}");
            return Exit::Error.into();
        }
    };
    let planned = match plan::make_plan(&checked, &args.live) {
        Ok(p) => p,
        Err(code) => return code,
    };
    print!("{}", plan::human(&planned));
    let count = |f: fn(&Action) -> bool| planned.iter().filter(|p| f(&p.action)).count();
    let (conflicts, unknown) =
        (count(|a| matches!(a, Action::Conflict(_))), count(|a| matches!(a, Action::Unknown(_))));
    if conflicts + unknown > 0 {
        eprintln!("chatlint: nothing applied: the plan has {conflicts} conflict(s) and {unknown} unknown(s)");
        return if unknown > 0 { Exit::Error } else { Exit::Fail }.into();
    }
    // Each file with changes, with its index among the checked files.
    let changing: Vec<(usize, &Planned)> =
        planned.iter().enumerate().filter(|(_, p)| p.action.changes() && p.desired.is_some()).collect();
    if changing.is_empty() {
        return Exit::Ok.into();
    }
    let targets: Vec<Target> = changing
        .iter()
        .filter_map(|(_, p)| {
            Some(Target { file: p.path.clone(), desired: p.desired.clone()?, planned: p.action.clone() })
        })
        .collect();
    let opts = ApplyOptions { read: plan::read_options(&args.live), allow_delete: args.allow_delete };
    let done = match chatlint_send::apply::apply(&targets, &opts, plan::notes(), journal.as_ref()) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("chatlint: nothing applied: {e}");
            return Exit::Error.into();
        }
    };

    // Creates: each file's own request, as --send sends it.
    let creates: Vec<usize> =
        changing.iter().zip(&done).filter(|(_, d)| **d == Applied::TheFile).map(|((i, _), _)| *i).collect();
    let items: Vec<Item> = creates
        .iter()
        .map(|&i| {
            let r = &checked.files[i].0;
            Item {
                name: r.name.clone(),
                method: r.method,
                text: r.text.clone(),
                params: r.params.clone(),
                checked: Checked::Passed,
            }
        })
        .collect();
    let o = &opts.read;
    let send_opts = chatlint_send::Options {
        send: true,
        dry_run: false,
        send_passing: false,
        endpoint: o.endpoint.clone(),
        results: o.results.clone(),
        credentials: o.credentials.clone(),
        concurrency: 1,
        timeout: o.timeout,
        max_attempts: o.max_attempts,
        retry_delay: o.retry_delay,
        // Only new spaces go this way.
        allow_delete: false,
    };
    // One at a time, paced under the documented "less than 35 per minute"
    // for creating named spaces.
    let mut sent = Vec::with_capacity(items.len());
    for (n, item) in items.iter().enumerate() {
        if n > 0 {
            std::thread::sleep(CREATE_SPACING);
        }
        let one = std::slice::from_ref(item);
        sent.extend(chatlint_send::run_in(one, &send_opts, plan::notes(), journal.as_ref()).files);
    }
    let mut sent = sent.into_iter();

    println!();
    let (mut requests, mut failed, mut skipped) = (0, 0, 0);
    for ((_, p), d) in changing.iter().zip(&done) {
        let line = match d {
            Applied::Sent { requests: r, after } => {
                requests += r.len();
                format!("{}; {after}", r.join("; "))
            }
            Applied::TheFile => match sent.next().flatten() {
                Some(f) if matches!(f.outcome.status, Status::Sent | Status::Exists) => {
                    requests += 1;
                    let made = f.outcome.membership.or(f.outcome.space.map(|s| s.name)).unwrap_or_default();
                    match f.outcome.not_recorded {
                        // A re-run would not know it: that fails the run.
                        Some(why) => {
                            failed += 1;
                            format!("created {made}, but not recorded: {why}")
                        }
                        None => format!("created {made}"),
                    }
                }
                Some(f) => {
                    failed += 1;
                    let why = f.outcome.error.map(|e| e.message).or(f.outcome.reason).unwrap_or_default();
                    format!("failed: {why}")
                }
                None => {
                    failed += 1;
                    "failed: not sent".into()
                }
            },
            Applied::Skipped(why) => {
                skipped += 1;
                format!("skipped: {why}")
            }
            Applied::Failed { requests: r, why } => {
                failed += 1;
                requests += r.len();
                format!("failed: {why}")
            }
        };
        println!("{}: {line}", p.path);
    }
    println!(
        "\nApplied: {requests} request{} sent, {skipped} skipped, {failed} failed.",
        if requests == 1 { "" } else { "s" }
    );
    if failed + skipped > 0 { Exit::Fail.into() } else { Exit::Ok.into() }
}
