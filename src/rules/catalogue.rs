//! The rule catalogue: one `rules/<id>.toml` per rule, embedded at build
//! time. Each entry carries the rule's default severity, where it applies,
//! and its documentation with the quoted sentence it enforces.

use crate::diagnostic::Severity;
use crate::method::Method;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::sync::LazyLock;

include!(concat!(env!("OUT_DIR"), "/rule_files.rs"));

/// Files in rules/ that are data about the catalogue, not rules.
const NOT_RULES: [&str; 2] = ["profiles.toml", "uncovered.toml"];

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FixKind {
    None,
    Safe,
    Unsafe,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Source {
    /// The sentence, verbatim.
    pub quote: String,
    /// Where it is from.
    pub from: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Example {
    /// `true`: the rule stays quiet; `false`: it fires.
    pub valid: bool,
    pub method: String,
    #[serde(default)]
    pub profile: Option<String>,
    /// Request context the example assumes, as in chatlint.toml's `[context]`.
    #[serde(default)]
    pub context: Option<toml::Table>,
    #[serde(default)]
    pub note: Option<String>,
    pub body: String,
    /// For cross-file rules: another request checked in the same run.
    #[serde(default)]
    pub other: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    pub id: String,
    pub severity: Severity,
    pub summary: String,
    /// Constraint numbers of shared/reference/constraints.md this rule covers.
    pub constraints: Vec<String>,
    pub methods: Vec<String>,
    /// Only in these profiles (all when absent).
    #[serde(default)]
    pub profiles: Option<Vec<String>>,
    /// Context keys (chatlint.toml `[context]`) the rule needs; without them it is skipped.
    #[serde(default)]
    pub needs_context: Vec<String>,
    pub fix: FixKind,
    /// Set for findings that come from elsewhere than the linter (`send`:
    /// the API's answer to `--send`); their examples illustrate, they are
    /// not executed.
    #[serde(default)]
    pub reported_by: Option<String>,
    /// Rules this one replaces when both fire at the same pointer (it says
    /// the same thing more precisely).
    #[serde(default)]
    pub supersedes: Vec<String>,
    pub what: String,
    pub why: String,
    pub how_to_fix: String,
    pub sources: Vec<Source>,
    pub examples: Vec<Example>,
}

impl Rule {
    pub fn applies_to(&self, method: Method) -> bool {
        self.methods.iter().any(|m| m == method.name())
    }
    pub fn applies_in(&self, profile: &str) -> bool {
        self.profiles.as_ref().is_none_or(|p| p.iter().any(|x| x == profile))
    }
}

pub struct Catalogue {
    pub rules: BTreeMap<String, Rule>,
}

/// Parsed on first use. The files are part of the build and checked by the
/// test suite, so a malformed one is a build defect.
pub static CATALOGUE: LazyLock<Catalogue> = LazyLock::new(|| {
    let mut rules = BTreeMap::new();
    for (file, text) in RULE_FILES {
        if NOT_RULES.contains(file) {
            continue;
        }
        let rule: Rule = toml::from_str(text).unwrap_or_else(|e| panic!("rules/{file}: {e}"));
        rules.insert(rule.id.clone(), rule);
    }
    Catalogue { rules }
});

pub fn get(id: &str) -> Option<&'static Rule> {
    CATALOGUE.rules.get(id)
}

pub fn all() -> impl Iterator<Item = &'static Rule> {
    CATALOGUE.rules.values()
}

pub fn default_severity(id: &str) -> Severity {
    get(id).map_or(Severity::Error, |r| r.severity)
}

/// Parses every catalogue file, reporting the first problem instead of
/// panicking (for tests and `chatlint rule`).
pub fn check_files() -> Result<usize, String> {
    let mut n = 0;
    for (file, text) in RULE_FILES {
        if NOT_RULES.contains(file) {
            continue;
        }
        let rule: Rule = toml::from_str(text).map_err(|e| format!("rules/{file}: {e}"))?;
        if format!("{}.toml", rule.id) != *file {
            return Err(format!("rules/{file}: id `{}` does not match the file name", rule.id));
        }
        n += 1;
    }
    Ok(n)
}
