//! `chatlint rule`: the catalogue as text or JSON.

use chatlint_engine::catalogue::{self, FixKind, FixOffer, RuleInfo as Rule};
use std::fmt::Write;

/// What fixes a rule offers, in words (empty for none).
pub fn fix_label(r: &Rule) -> &'static str {
    match (r.fix, r.fix_kind) {
        (FixOffer::None, _) | (_, None) => "",
        (FixOffer::Always, Some(FixKind::Safe)) => "safe",
        (FixOffer::Always, Some(FixKind::Unsafe)) => "unsafe",
        (FixOffer::Always, Some(FixKind::SafeOrUnsafe)) => "safe or unsafe",
        (FixOffer::Sometimes, Some(FixKind::Safe)) => "sometimes safe",
        (FixOffer::Sometimes, Some(FixKind::Unsafe)) => "sometimes unsafe",
        (FixOffer::Sometimes, Some(FixKind::SafeOrUnsafe)) => "sometimes safe or unsafe",
    }
}

pub fn list() -> String {
    let rules: Vec<&Rule> = catalogue::all().collect();
    let width = rules.iter().map(|r| r.id.len()).max().unwrap_or(0);
    let mut out = String::new();
    for r in &rules {
        let label = fix_label(r);
        let fix = if label.is_empty() { String::new() } else { format!(" [fix: {label}]") };
        let _ = writeln!(out, "{:<width$}  {:<7}  {}{fix}", r.id, r.severity.as_str(), r.summary);
    }
    let _ = writeln!(out, "\n{} rules. `chatlint rule ID` explains one.", rules.len());
    out
}

/// The README's rule table.
pub fn list_markdown() -> String {
    let mut out =
        String::from("| rule | severity | methods | constraints | fix | summary |\n|---|---|---|---|---|---|\n");
    for r in catalogue::all() {
        let short =
            |m: &'static str| -> &'static str { m.parse::<chatlint_engine::Method>().map_or(m, |m| m.spec().short) };
        let methods =
            r.methods.group_words().unwrap_or_else(|| r.methods.iter().map(short).collect::<Vec<_>>().join(", "));
        let fix = fix_label(r);
        let mut summary = r.summary.to_string();
        if let Some(p) = &r.profiles {
            summary.push_str(&format!(" (profiles: {})", p.join(", ")));
        }
        if !r.needs_context.is_empty() {
            summary.push_str(&format!(" (needs context: {})", context_names(r)));
        }
        let _ = writeln!(
            out,
            "| `{}` | {} | {methods} | {} | {fix} | {summary} |",
            r.id,
            r.severity.as_str(),
            r.constraints.join(" ")
        );
    }
    out
}

pub fn list_json() -> String {
    let items: Vec<_> = catalogue::all().map(rule_json).collect();
    serde_json::to_string_pretty(&items).expect("serialisable") + "\n"
}

fn rule_json(r: &Rule) -> serde_json::Value {
    serde_json::json!({
        "id": r.id,
        "severity": r.severity,
        "summary": r.summary,
        "methods": r.methods,
        "constraints": r.constraints,
        "profiles": r.profiles,
        "needs_context": r.needs_context.iter().map(|k| k.name()).collect::<Vec<_>>(),
        "fix": fix_label(r),
    })
}

pub fn explain_json(r: &Rule) -> String {
    let mut v = rule_json(r);
    v["what"] = r.what.into();
    v["why"] = r.why.into();
    v["how_to_fix"] = r.how_to_fix.into();
    v["sources"] = r.sources.iter().map(|s| serde_json::json!({"quote": s.quote, "from": s.from})).collect();
    v["examples"] = r
        .examples
        .iter()
        .map(|e| serde_json::json!({"valid": e.valid, "method": e.method, "profile": e.profile, "body": e.body}))
        .collect();
    serde_json::to_string_pretty(&v).expect("serialisable") + "\n"
}

/// The rule's whole doc, as `chatlint rule ID` prints it.
pub fn explain(r: &Rule) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{} ({}): {}\n", r.id, r.severity.as_str(), r.summary);
    let _ = writeln!(out, "Methods: {}", r.methods.iter().collect::<Vec<_>>().join(", "));
    if let Some(p) = &r.profiles {
        let _ = writeln!(out, "Profiles: {}", p.join(", "));
    }
    if !r.needs_context.is_empty() {
        let _ = writeln!(out, "Needs [context] in chatlint.toml: {}", context_names(r));
    }
    if !fix_label(r).is_empty() {
        let _ = writeln!(out, "Fix: {}", fix_label(r));
    }
    if !r.constraints.is_empty() {
        let _ = writeln!(out, "Constraints: {} (docs/constraints.md)", r.constraints.join(", "));
    }
    for (title, body) in [("What it checks", &r.what), ("Why", &r.why), ("How to fix", &r.how_to_fix)] {
        let _ = writeln!(out, "\n## {title}\n{}", body.trim_end());
    }
    let _ = writeln!(out, "\n## Source");
    for s in r.sources {
        let _ = writeln!(out, "> {}\n  ({})", s.quote.trim(), s.from);
    }
    for e in r.examples {
        let kind = if e.valid { "Valid" } else { "Invalid" };
        let mut title = format!("{kind} ({}", e.method);
        if let Some(p) = e.profile {
            let _ = write!(title, ", profile {p}");
        }
        title.push(')');
        let _ = writeln!(out, "\n## {title}");
        if let Some(n) = e.note {
            let _ = writeln!(out, "{}", n.trim_end());
        }
        let _ = writeln!(out, "{}", e.body.trim_end());
    }
    out
}

fn context_names(r: &Rule) -> String {
    r.needs_context.iter().map(|k| k.name()).collect::<Vec<_>>().join(", ")
}
