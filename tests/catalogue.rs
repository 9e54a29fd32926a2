//! The catalogue is complete and consistent: every doc is whole and names
//! methods, profiles and constraints that exist, and every constraint of
//! the checklist, docs/constraints.md, is covered (errors by error rules) or
//! explained in rules/uncovered.toml. (That every rule has a doc and a
//! place where it is checked is the compiler's job: the rule ids are a type
//! generated from rules/, and `rules::stage` matches on all of them.)

use chatlint_engine::catalogue;
use chatlint_engine::diagnostic::Severity;
use chatlint_engine::profile::Profile;
use std::collections::BTreeMap;
use std::path::Path;

#[test]
fn every_doc_is_complete() {
    for r in catalogue::all() {
        assert!(
            !r.summary.is_empty()
                && !r.what.trim().is_empty()
                && !r.why.trim().is_empty()
                && !r.how_to_fix.trim().is_empty(),
            "{}: empty section",
            r.id
        );
        assert!(
            !r.sources.is_empty() && r.sources.iter().all(|s| !s.quote.trim().is_empty() && !s.from.trim().is_empty()),
            "{}: needs a quoted source",
            r.id
        );
        assert!(!r.constraints.is_empty() || r.reported_by.is_some(), "{}: names no constraint", r.id);
        assert!(
            !r.methods.is_empty() && r.methods.iter().all(|m| m.parse::<chatlint_engine::Method>().is_ok()),
            "{}: bad methods",
            r.id
        );
        for p in r.profiles.unwrap_or_default() {
            assert!(Profile::by_name(p).is_ok(), "{}: unknown profile `{p}`", r.id);
        }
        for e in r.examples {
            assert!(e.method.parse::<chatlint_engine::Method>().is_ok(), "{}: example with a bad method", r.id);
            assert!(
                r.methods.contains(e.method),
                "{}: an example for {}, a method it does not apply to",
                r.id,
                e.method
            );
        }
    }
}

/// `(number, severity cell)` of every constraint in docs/constraints.md: the
/// rows of its tables whose first cell is an id (P, S, C, U, M, MP, MD, SD
/// or CI and two digits), the severity taken from the column its table's header names.
fn checklist() -> Vec<(String, String)> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/constraints.md");
    let text = std::fs::read_to_string(&path).expect("docs/constraints.md is readable");
    let mut rows = Vec::new();
    // The current table's column count and severity column.
    let mut header: Option<(usize, usize)> = None;
    for (n, line) in text.lines().enumerate() {
        let Some(rest) = line.strip_prefix('|') else {
            header = None;
            continue;
        };
        if rest.starts_with('-') {
            continue; // the line under the header
        }
        let cells: Vec<&str> = rest.trim_end().trim_end_matches('|').split(" | ").map(str::trim).collect();
        if let Some(col) = cells.iter().position(|c| *c == "Severity") {
            header = Some((cells.len(), col));
            continue;
        }
        let id = cells[0];
        let (prefix, number) = id.split_at(id.find(|c: char| c.is_ascii_digit()).unwrap_or(id.len()));
        let is_row = number.len() == 2
            && matches!(prefix, "P" | "S" | "C" | "U" | "M" | "MP" | "MD" | "SD" | "CI")
            && number.chars().all(|c| c.is_ascii_digit());
        if is_row {
            let (width, col) = header.unwrap_or_else(|| {
                panic!("docs/constraints.md:{}: {id} is in a table without a Severity column", n + 1)
            });
            assert_eq!(
                cells.len(),
                width,
                "docs/constraints.md:{}: {id} has {} cells, its table {width}",
                n + 1,
                cells.len()
            );
            rows.push((id.to_string(), cells[col].to_string()));
        }
    }
    rows
}

#[test]
fn every_documented_constraint_is_covered_or_explained() {
    let rows = checklist();
    assert!(rows.len() >= 115, "parsed only {} constraints", rows.len());
    let mut ids: Vec<&str> = rows.iter().map(|(id, _)| id.as_str()).collect();
    ids.sort_unstable();
    assert!(ids.windows(2).all(|w| w[0] != w[1]), "docs/constraints.md has an id twice");
    let uncovered: BTreeMap<String, String> = toml::from_str(
        &std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("rules/uncovered.toml")).unwrap(),
    )
    .unwrap();
    let mut problems = Vec::new();
    for (id, sev) in &rows {
        let rules: Vec<_> = catalogue::all().filter(|r| r.constraints.contains(&id.as_str())).collect();
        // "W (configurable to E)": a parenthesis qualifies, it does not set the severity.
        let unqualified: String = sev
            .split('(')
            .enumerate()
            .map(|(i, part)| if i == 0 { part } else { part.split_once(')').map_or("", |(_, rest)| rest) })
            .collect();
        let is_error = unqualified.split(|c: char| !c.is_ascii_alphanumeric()).any(|w| w == "E");
        if rules.is_empty() && !uncovered.contains_key(id) {
            problems.push(format!("{id} ({sev}) has no rule and is not explained in rules/uncovered.toml"));
        }
        if is_error && !uncovered.contains_key(id) && !rules.iter().any(|r| r.severity == Severity::Error) {
            problems.push(format!("{id} is an error constraint ({sev}) but no error rule covers it"));
        }
    }
    for r in catalogue::all() {
        for c in r.constraints {
            if !rows.iter().any(|(id, _)| id == c) {
                problems.push(format!("{} names {c}, which docs/constraints.md does not have", r.id));
            }
        }
    }
    for id in uncovered.keys() {
        if !rows.iter().any(|(row, _)| row == id) {
            problems.push(format!("rules/uncovered.toml explains {id}, which docs/constraints.md does not have"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn readme_rule_table_matches_the_catalogue() {
    let readme = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let start = readme.find("<!-- rules:start -->\n").expect("README has the rules:start marker")
        + "<!-- rules:start -->\n".len();
    let end = readme.find("<!-- rules:end -->").expect("README has the rules:end marker");
    assert!(
        readme[start..end] == chatlint::explain::list_markdown(),
        "README's rule table is out of date: paste the output of `cargo run -- rule --format markdown` between the markers"
    );
}
