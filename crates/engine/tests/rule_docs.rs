//! Every example in every rule's doc is executed: an invalid example fires
//! that rule and nothing else; a valid one fires nothing at all. Each
//! invalid example's findings (with positions and the first fix applied)
//! are snapshotted, so the rule's behaviour is reviewed as a whole.

use chatlint_engine::catalogue::{self, Example};
use chatlint_engine::diagnostic::apply_edits;
use chatlint_engine::line_index::LineIndex;
use chatlint_engine::profile::Profile;
use chatlint_engine::rules::cross_file;
use chatlint_engine::settings::{RequestContext, Settings};
use chatlint_engine::{Method, Request, analyze};
use std::fmt::Write;

fn settings(e: &Example) -> Settings {
    let mut s = Settings::default();
    if let Some(p) = e.profile {
        s.profile = Profile::by_name(p).expect("example names a known profile");
    }
    if let Some(c) = e.context {
        s.context = toml::from_str::<RequestContext>(c).expect("example context is valid");
    }
    s
}

/// The findings for an example's body (after its `other` file, if any).
fn run(e: &Example) -> Vec<chatlint_engine::diagnostic::Diagnostic> {
    let method: Method = e.method.parse().expect("example method");
    let s = settings(e);
    let mut request = Request::new(e.body, Some(method), None);
    if let Some(p) = e.params {
        request.params = toml::from_str(p).expect("example params are valid");
    }
    let mine = analyze(&request, &s);
    let mut diags = mine.diagnostics;
    if let Some(other) = e.other {
        let theirs = analyze(&Request::new(other, Some(method), None), &s);
        let found = cross_file::check(&[("other.json", &theirs.facts), ("example.json", &mine.facts)]);
        diags.extend(chatlint_engine::settle(found[1].clone(), &s));
    }
    diags
}

fn describe(e: &Example, diags: &[chatlint_engine::diagnostic::Diagnostic]) -> String {
    let index = LineIndex::new(e.body);
    let mut out = String::new();
    for d in diags {
        let s = index.line_col(e.body, d.range.start);
        let en = index.line_col(e.body, d.range.end);
        let _ = writeln!(
            out,
            "{}:{}-{}:{} {} {} {} {}",
            s.line,
            s.column,
            en.line,
            en.column,
            d.severity.as_str(),
            d.rule,
            d.pointer,
            d.message
        );
        if let Some(h) = &d.help {
            let _ = writeln!(out, "  help: {h}");
        }
        for r in &d.related {
            let (s, en) = (index.line_col(e.body, r.range.start), index.line_col(e.body, r.range.end));
            let _ = writeln!(
                out,
                "  related: {}:{}-{}:{} {} {}",
                s.line, s.column, en.line, en.column, r.pointer, r.message
            );
        }
    }
    if let Some(fix) = diags.iter().flat_map(|d| &d.fixes).next() {
        let (fixed, _) = apply_edits(e.body, &fix.edits);
        let _ = writeln!(out, "\nfix ({:?}): {}\n{}", fix.applicability, fix.title, fixed.trim_end());
    }
    out
}

#[test]
fn every_rule_doc_example_behaves_as_documented() {
    // RULE_FILTER=id1,id2 limits the run to some rules while writing docs.
    let filter = std::env::var("RULE_FILTER").ok();
    let wanted = |id: &str| filter.as_deref().is_none_or(|f| f.split(',').any(|x| x.trim() == id));
    let mut failures = Vec::new();
    for rule in catalogue::all().filter(|r| wanted(r.id) && r.reported_by.is_none()) {
        let (mut valid, mut invalid) = (0, 0);
        for (i, e) in rule.examples.iter().enumerate() {
            let diags = run(e);
            let label = format!("{} example #{} ({})", rule.id, i + 1, if e.valid { "valid" } else { "invalid" });
            if e.valid {
                valid += 1;
                if !diags.is_empty() {
                    failures.push(format!(
                        "{label} should be clean but got: {:?}",
                        diags.iter().map(|d| format!("{}: {}", d.rule, d.message)).collect::<Vec<_>>()
                    ));
                }
            } else {
                invalid += 1;
                let others: Vec<_> =
                    diags.iter().filter(|d| d.rule != rule.id).map(|d| format!("{}: {}", d.rule, d.message)).collect();
                if diags.is_empty() || !others.is_empty() {
                    failures.push(format!(
                        "{label} should fire only `{}` but got {} finding(s), others: {others:?}",
                        rule.id,
                        diags.len()
                    ));
                } else {
                    insta::assert_snapshot!(format!("{}-{}", rule.id, i + 1), describe(e, &diags));
                }
            }
        }
        if valid == 0 || invalid == 0 {
            failures.push(format!(
                "{} needs at least one valid and one invalid example (has {valid} valid, {invalid} invalid)",
                rule.id
            ));
        }
    }
    assert!(failures.is_empty(), "{} problem(s):\n{}", failures.len(), failures.join("\n"));
}

/// Each rule's doc says once whether its findings come with a fix (always,
/// sometimes, none) and of what kind; its examples must agree.
#[test]
fn every_rule_offers_the_fixes_its_doc_says() {
    use chatlint_engine::catalogue::{FixKind, FixOffer};
    use chatlint_engine::diagnostic::Applicability;
    let mut failures = Vec::new();
    for rule in catalogue::all().filter(|r| r.reported_by.is_none()) {
        let findings: Vec<_> =
            rule.examples.iter().filter(|e| !e.valid).flat_map(run).filter(|d| d.rule == rule.id).collect();
        let with_fix = findings.iter().filter(|d| !d.fixes.is_empty()).count();
        match rule.fix {
            FixOffer::None if with_fix > 0 => failures.push(format!("{}: says no fix, but offers one", rule.id)),
            FixOffer::Always if with_fix < findings.len() => failures.push(format!(
                "{}: says every finding has a fix, but {} of {} have none",
                rule.id,
                findings.len() - with_fix,
                findings.len()
            )),
            FixOffer::Sometimes if with_fix == 0 => {
                failures.push(format!("{}: says it sometimes offers a fix, but no example shows one", rule.id))
            }
            _ => {}
        }
        for fix in findings.iter().flat_map(|d| &d.fixes) {
            let allowed = matches!(
                (rule.fix_kind, fix.applicability),
                (Some(FixKind::SafeOrUnsafe), _)
                    | (Some(FixKind::Safe), Applicability::Safe)
                    | (Some(FixKind::Unsafe), Applicability::Unsafe)
            );
            if !allowed {
                failures.push(format!(
                    "{}: offers a {:?} fix, but its doc says {:?}",
                    rule.id, fix.applicability, rule.fix_kind
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
