//! What a lint run is told: the profile, rule severities and the request
//! context that some rules need. Built from chatlint.toml and the command
//! line by the workspace layer, or directly by library users.

use crate::catalogue::{ContextKey, Rule};
use crate::diagnostic::Severity;
use crate::method::Method;
use crate::profile::Profile;
use serde::Deserialize;
use std::collections::HashMap;

/// A rule's configured level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Off,
    Hint,
    Warning,
    Error,
}

impl Level {
    pub fn severity(self) -> Option<Severity> {
        match self {
            Level::Off => None,
            Level::Hint => Some(Severity::Hint),
            Level::Warning => Some(Severity::Warning),
            Level::Error => Some(Severity::Error),
        }
    }
}

/// How requests authenticate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Auth {
    User,
    App,
}

/// Facts about how requests are sent that the body cannot show. Rules that
/// need one of them stay quiet until it is configured.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RequestContext {
    /// How requests authenticate: `user` or `app`.
    pub auth: Option<Auth>,
    /// The calling user, as `users/{id}`, `users/{email}` or an email address.
    pub caller: Option<String>,
    /// The Google Workspace organisation's primary domain, e.g. `example.com`.
    pub domain: Option<String>,
    /// The calling user has a consumer (unmanaged) account.
    pub consumer_account: Option<bool>,
}

impl RequestContext {
    pub fn has(&self, key: ContextKey) -> bool {
        match key {
            ContextKey::Auth => self.auth.is_some(),
            ContextKey::Caller => self.caller.is_some(),
            ContextKey::Domain => self.domain.is_some(),
            ContextKey::ConsumerAccount => self.consumer_account.is_some(),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Settings {
    pub profile: &'static Profile,
    /// Configured levels (chatlint.toml `[rules]`); others keep their default.
    pub levels: HashMap<Rule, Level>,
    pub context: RequestContext,
}

impl Default for Settings {
    fn default() -> Self {
        Settings { profile: Profile::default_profile(), levels: HashMap::new(), context: RequestContext::default() }
    }
}

impl Settings {
    /// The severity a rule's findings get: the configured level, else the
    /// catalogue's default; `None` when the rule is turned off.
    pub fn severity(&self, rule: Rule) -> Option<Severity> {
        // Most runs configure no level: skip hashing the rule.
        match if self.levels.is_empty() { None } else { self.levels.get(&rule) } {
            Some(level) => level.severity(),
            None => Some(rule.info().severity),
        }
    }

    /// The rules that run for a request of `method`: those that apply to
    /// it, this profile and the configured context, and are not turned off.
    pub fn enabled(&self, method: Method) -> RuleSet {
        // What the catalogue says of each method and profile, worked out
        // once: going through every rule for every file showed in profiles.
        static TABLES: std::sync::OnceLock<Tables> = std::sync::OnceLock::new();
        let tables = TABLES.get_or_init(|| Tables {
            for_method: Method::all().map(|m| RuleSet::of(|r| r.info().applies_to(m))).collect(),
            for_profile: Profile::all().map(|p| (p.name, RuleSet::of(|r| r.info().applies_in(p)))).collect(),
            need_context: Rule::ALL.iter().copied().filter(|r| !r.info().needs_context.is_empty()).collect(),
        });
        let in_profile = match tables.for_profile.iter().find(|(name, _)| *name == self.profile.name) {
            Some((_, set)) => *set,
            // A profile made by a library user, not one of the catalogue's.
            None => RuleSet::of(|r| r.info().applies_in(self.profile)),
        };
        let mut set = RuleSet(tables.for_method[method as usize].0 & in_profile.0);
        for rule in &tables.need_context {
            if !rule.info().needs_context.iter().all(|k| self.context.has(*k)) {
                set.remove(*rule);
            }
        }
        for (rule, level) in &self.levels {
            if *level == Level::Off {
                set.remove(*rule);
            }
        }
        set
    }
}

/// [`Settings::enabled`]'s look-up tables.
struct Tables {
    /// By `Method as usize`: the rules that list the method.
    for_method: Vec<RuleSet>,
    /// By profile name: the rules that run in it.
    for_profile: Vec<(&'static str, RuleSet)>,
    /// The rules that need some `[context]`.
    need_context: Vec<Rule>,
}

/// A set of rules.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RuleSet(u128);

const _: () = assert!(Rule::ALL.len() <= 128, "RuleSet holds up to 128 rules: widen it");

impl RuleSet {
    pub fn insert(&mut self, rule: Rule) {
        self.0 |= 1 << rule as u32;
    }
    pub fn remove(&mut self, rule: Rule) {
        self.0 &= !(1 << rule as u32);
    }
    /// The rules of the catalogue for which `keep` holds.
    pub fn of(keep: impl Fn(Rule) -> bool) -> RuleSet {
        let mut set = RuleSet::default();
        Rule::ALL.iter().copied().filter(|r| keep(*r)).for_each(|r| set.insert(r));
        set
    }
    pub fn contains(self, rule: Rule) -> bool {
        self.0 & (1 << rule as u32) != 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The tables give what asking the catalogue rule by rule gives, for
    /// every method, profile, context and a rule turned off.
    #[test]
    fn enabled_is_what_each_rule_says() {
        let contexts = [
            RequestContext::default(),
            RequestContext { auth: Some(Auth::App), ..RequestContext::default() },
            RequestContext {
                auth: Some(Auth::User),
                caller: Some("users/1".into()),
                domain: Some("example.com".into()),
                consumer_account: Some(false),
            },
        ];
        for profile in Profile::all() {
            for context in &contexts {
                for off in [None, Some(Rule::DisplayNameForbidden), Some(Rule::ExternalUser)] {
                    let levels = off.map(|r| (r, Level::Off)).into_iter().collect();
                    let settings = Settings { profile, levels, context: context.clone() };
                    for method in Method::all() {
                        let naive = RuleSet::of(|r| Some(r) != off && r.info().applies(method, profile, context));
                        assert_eq!(settings.enabled(method), naive, "{} {method:?} {context:?} {off:?}", profile.name);
                    }
                }
            }
        }
    }
}
