//! The rule catalogue: one `rules/<id>.toml` per rule, turned into Rust by
//! `build.rs`. Each rule's facts are stated there once: its default
//! severity, where it applies (methods, profiles, needed context), whether
//! it offers a fix, and its documentation with the sentence it enforces.
//! Which rules run for a request is worked out from these facts once per
//! method and profile ([`crate::settings::Settings::enabled`], through
//! [`RuleInfo::applies_to`] and [`RuleInfo::applies_in`]); a rule's
//! function is called only when it is in that set.

use crate::diagnostic::Severity;
use crate::method::{Method, Phase};
use crate::profile::Profile;
use crate::settings::RequestContext;

/// Whether a rule's findings come with a fix.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FixOffer {
    /// Every finding has one.
    Always,
    /// Some findings have one (when the right edit can be told).
    Sometimes,
    None,
}

/// What the fixes a rule offers do.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FixKind {
    /// Keep the request's meaning (applied by `--fix`).
    Safe,
    /// Change what the request asks for (`--unsafe-fixes`).
    Unsafe,
    /// Safe when the intent is clear, unsafe otherwise.
    SafeOrUnsafe,
}

/// A fact the request body cannot show, configured in `[context]`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ContextKey {
    Auth,
    Caller,
    Domain,
    ConsumerAccount,
}

impl ContextKey {
    pub fn name(self) -> &'static str {
        match self {
            ContextKey::Auth => "auth",
            ContextKey::Caller => "caller",
            ContextKey::Domain => "domain",
            ContextKey::ConsumerAccount => "consumer_account",
        }
    }
}

/// Who reports a rule's findings when it is not the linter.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reporter {
    /// `--send`, from the API's answer.
    Send,
}

/// A sentence of Google's documents a rule enforces.
#[derive(Debug)]
pub struct Source {
    /// The sentence, verbatim.
    pub quote: &'static str,
    /// Where it is from.
    pub from: &'static str,
}

/// An example of a rule's doc; the test suite executes every one.
#[derive(Debug)]
pub struct Example {
    /// `true`: the rule stays quiet; `false`: it fires.
    pub valid: bool,
    pub method: &'static str,
    pub profile: Option<&'static str>,
    /// The request context it assumes, as chatlint.toml's `[context]` (TOML).
    pub context: Option<&'static str>,
    /// Parameters given for it from outside the file, as a chatlint.toml
    /// `[[requests]]` entry's (TOML: `name`, `update_mask`, `parent`, ...).
    pub params: Option<&'static str>,
    pub note: Option<&'static str>,
    pub body: &'static str,
    /// For cross-file rules: another request checked in the same run.
    pub other: Option<&'static str>,
}

/// Everything the catalogue says about one rule.
#[derive(Debug)]
pub struct RuleInfo {
    pub id: &'static str,
    pub severity: Severity,
    pub summary: &'static str,
    /// The ids of the constraints of docs/constraints.md it covers.
    pub constraints: &'static [&'static str],
    /// The methods it applies to.
    pub methods: Methods,
    /// Only in these profiles (all when `None`).
    pub profiles: Option<&'static [&'static str]>,
    /// Without these facts in `[context]`, it does not run.
    pub needs_context: &'static [ContextKey],
    pub fix: FixOffer,
    pub fix_kind: Option<FixKind>,
    /// Set when the findings come from elsewhere than the linter; its
    /// examples illustrate and are not executed.
    pub reported_by: Option<Reporter>,
    /// Rules it replaces when both fire at the same pointer (it says the
    /// same thing more precisely).
    pub supersedes: &'static [Rule],
    pub what: &'static str,
    pub why: &'static str,
    pub how_to_fix: &'static str,
    pub sources: &'static [Source],
    pub examples: &'static [Example],
}

/// Which methods a rule applies to, as its doc's `methods` says: `"all"`,
/// a list of names, or `{ phase = …, holds = … }` (both optional, each a
/// word or a list of words; a method must match every key given). The
/// groups are resolved against the method table, so a new method joins the
/// rules whose group it is in without touching their docs.
#[derive(Debug)]
pub enum Methods {
    /// `methods = "all"`.
    All,
    /// `methods = ["spaces.setup", "spaces.create"]`.
    Named(&'static [&'static str]),
    /// `methods = { phase = "create", holds = "space" }`.
    Group { phases: &'static [Phase], holds: &'static [Holds] },
}

/// What a request holds, for rule groups (`holds = "space"`): rules about
/// the Space run wherever a request carries one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Holds {
    Space,
    Membership,
}

impl Methods {
    /// Whether the rule applies to `method`.
    pub fn contains(&self, name: &str) -> bool {
        self.iter().any(|m| m == name)
    }

    pub fn includes(&self, method: Method) -> bool {
        match self {
            Methods::All => true,
            Methods::Named(names) => names.contains(&method.name()),
            Methods::Group { phases, holds } => {
                let spec = method.spec();
                let holds_it = |h: &Holds| match h {
                    Holds::Space => spec.body.space.is_some(),
                    Holds::Membership => spec.body.memberships != crate::method::Memberships::None,
                };
                (phases.is_empty() || phases.contains(&spec.phase)) && holds.iter().all(holds_it)
            }
        }
    }

    /// The names of the methods it applies to, in table order.
    pub fn iter(&self) -> impl Iterator<Item = &'static str> + '_ {
        Method::all().filter(|m| self.includes(*m)).map(Method::name)
    }

    pub fn is_empty(&self) -> bool {
        self.iter().next().is_none()
    }

    /// How the doc says it, for tables: `all`, or the group's words, or
    /// `None` for a list of names (the caller lists them).
    pub fn group_words(&self) -> Option<String> {
        match self {
            Methods::All => Some("all".into()),
            Methods::Named(_) => None,
            Methods::Group { phases, holds } => {
                let mut words: Vec<String> = phases.iter().map(|p| format!("phase {}", p.name())).collect();
                words.extend(holds.iter().map(|h| match h {
                    Holds::Space => "holding a Space".to_string(),
                    Holds::Membership => "holding a membership".to_string(),
                }));
                Some(words.join(", "))
            }
        }
    }
}

/// As the list of the method names it resolves to.
impl serde::Serialize for Methods {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.iter())
    }
}

include!(concat!(env!("OUT_DIR"), "/catalogue.rs"));

impl Rule {
    pub fn info(self) -> &'static RuleInfo {
        &INFO[self as usize]
    }

    /// The stable id (`display-name-forbidden`).
    pub fn id(self) -> &'static str {
        self.info().id
    }

    pub fn from_id(id: &str) -> Option<Rule> {
        Rule::ALL.binary_search_by(|r| r.id().cmp(id)).ok().map(|i| Rule::ALL[i])
    }
}

/// Where the rule pages are published (`web/build.sh` makes them); the one
/// place the command line, the language server and SARIF take it from.
pub const RULE_DOCS_BASE: &str = "https://chatlint.github.io/chatlint/rules/";

impl RuleInfo {
    /// The rule's page: [`RULE_DOCS_BASE`] + id + `.html`.
    pub fn docs_url(&self) -> String {
        format!("{RULE_DOCS_BASE}{}.html", self.id)
    }

    pub fn applies_to(&self, method: Method) -> bool {
        self.methods.includes(method)
    }

    pub fn applies_in(&self, profile: &Profile) -> bool {
        self.profiles.is_none_or(|p| p.contains(&profile.name))
    }

    /// Whether the rule runs for this method, profile and context.
    pub fn applies(&self, method: Method, profile: &Profile, context: &RequestContext) -> bool {
        self.applies_to(method) && self.runs_with(profile, context)
    }

    /// Whether the rule runs in this profile with this context (whatever
    /// the method).
    pub fn runs_with(&self, profile: &Profile, context: &RequestContext) -> bool {
        self.applies_in(profile) && self.needs_context.iter().all(|k| context.has(*k))
    }
}

impl std::fmt::Display for Rule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.id())
    }
}

impl serde::Serialize for Rule {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.id())
    }
}

impl PartialEq<str> for Rule {
    fn eq(&self, other: &str) -> bool {
        self.id() == other
    }
}

impl PartialEq<&str> for Rule {
    fn eq(&self, other: &&str) -> bool {
        self.id() == *other
    }
}

impl PartialEq<String> for Rule {
    fn eq(&self, other: &String) -> bool {
        self.id() == other
    }
}

/// Every rule's facts, in id order.
pub fn all() -> impl Iterator<Item = &'static RuleInfo> {
    INFO.iter()
}

/// A rule's facts by id.
pub fn get(id: &str) -> Option<&'static RuleInfo> {
    Rule::from_id(id).map(Rule::info)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn docs_links_go_to_the_published_rule_pages() {
        let url = Rule::DisplayNameForbidden.info().docs_url();
        assert_eq!(url, "https://chatlint.github.io/chatlint/rules/display-name-forbidden.html");
    }

    #[test]
    fn ids_round_trip_and_are_sorted() {
        for (i, r) in Rule::ALL.iter().enumerate() {
            assert_eq!(*r as usize, i);
            assert_eq!(Rule::from_id(r.id()), Some(*r));
        }
        assert!(Rule::ALL.windows(2).all(|w| w[0].id() < w[1].id()));
        assert_eq!(Rule::from_id("no-such-rule"), None);
    }

    #[test]
    fn method_groups_resolve_against_the_table() {
        let names = |m: Methods| m.iter().collect::<Vec<_>>();
        assert_eq!(names(Methods::All).len(), Method::COUNT);
        let creating_a_space = Methods::Group { phases: &[Phase::Create], holds: &[Holds::Space] };
        assert_eq!(names(creating_a_space), ["spaces.setup", "spaces.create"]);
        let adding_members = Methods::Group { phases: &[Phase::Create], holds: &[Holds::Membership] };
        assert_eq!(names(adding_members), ["spaces.setup", "spaces.members.create"]);
        let with_a_space = Methods::Group { phases: &[], holds: &[Holds::Space] };
        assert_eq!(names(with_a_space), ["spaces.setup", "spaces.create", "spaces.patch"]);
        let deletes = Methods::Group { phases: &[Phase::Delete], holds: &[] };
        assert_eq!(names(deletes), ["spaces.members.delete", "spaces.delete"]);
        assert!(Methods::Named(&["spaces.patch"]).contains("spaces.patch"));
        assert!(!Methods::Named(&["spaces.patch"]).includes(Method::Create));
    }
}
