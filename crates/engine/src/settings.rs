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
        // Which rules list each method, worked out once: comparing method
        // names for every rule of every file showed in profiles.
        static FOR_METHOD: std::sync::OnceLock<Vec<RuleSet>> = std::sync::OnceLock::new();
        let for_method = FOR_METHOD.get_or_init(|| {
            Method::all()
                .map(|m| {
                    let mut set = RuleSet::default();
                    Rule::ALL.iter().filter(|r| r.info().applies_to(m)).for_each(|r| set.insert(*r));
                    set
                })
                .collect()
        });
        let candidates = for_method[method as usize];
        let mut set = RuleSet::default();
        for rule in Rule::ALL {
            if candidates.contains(rule)
                && self.severity(rule).is_some()
                && rule.info().runs_with(self.profile, &self.context)
            {
                set.insert(rule);
            }
        }
        set
    }
}

/// A set of rules.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RuleSet(u128);

const _: () = assert!(Rule::ALL.len() <= 128, "RuleSet holds up to 128 rules: widen it");

impl RuleSet {
    pub fn insert(&mut self, rule: Rule) {
        self.0 |= 1 << rule as u32;
    }
    pub fn contains(self, rule: Rule) -> bool {
        self.0 & (1 << rule as u32) != 0
    }
}
