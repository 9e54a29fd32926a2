//! Every example in every rule's doc is executed: an invalid example fires
//! that rule and nothing else; a valid one fires nothing at all. Each
//! invalid example's findings (with positions and the first fix applied)
//! are snapshotted, so the rule's behaviour is reviewed as a whole.

use chatlint::diagnostic::apply_edits;
use chatlint::profile::Profile;
use chatlint::rules::catalogue::{self, Example};
use chatlint::rules::cross_file;
use chatlint::settings::{RequestContext, Settings};
use chatlint::source::LineIndex;
use chatlint::{Method, analyze};
use std::fmt::Write;

fn settings(e: &Example) -> Settings {
    let mut s = Settings::default();
    if let Some(p) = &e.profile {
        s.profile = Profile::by_name(p).expect("example names a known profile");
    }
    if let Some(c) = &e.context {
        s.context = c.clone().try_into::<RequestContext>().expect("example context is valid");
    }
    s
}

/// The findings for an example's body (after its `other` file, if any).
fn run(e: &Example) -> Vec<chatlint::diagnostic::Diagnostic> {
    let method: Method = e.method.parse().expect("example method");
    let s = settings(e);
    let mine = analyze(&e.body, Some(method), None, &s);
    let mut diags = mine.diagnostics;
    if let Some(other) = &e.other {
        let theirs = analyze(other, Some(method), None, &s);
        let found = cross_file::check(&[("other.json", &theirs.facts), ("example.json", &mine.facts)]);
        diags.extend(chatlint::rules::apply_settings(found[1].clone(), method, &s));
    }
    diags
}

fn describe(e: &Example, diags: &[chatlint::diagnostic::Diagnostic]) -> String {
    let index = LineIndex::new(&e.body);
    let mut out = String::new();
    for d in diags {
        let s = index.line_col(&e.body, d.range.start);
        let en = index.line_col(&e.body, d.range.end);
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
    }
    if let Some(fix) = diags.iter().flat_map(|d| &d.fixes).next() {
        let (fixed, _) = apply_edits(&e.body, &fix.edits);
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
    for rule in catalogue::all().filter(|r| wanted(&r.id) && r.reported_by.is_none()) {
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
