//! What a lint run is told: the profile, rule severities and the request
//! context that some rules need. Built from chatlint.toml and the command
//! line by `config`, or directly by library users.

use crate::diagnostic::Severity;
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
    pub fn has(&self, key: &str) -> bool {
        match key {
            "auth" => self.auth.is_some(),
            "caller" => self.caller.is_some(),
            "domain" => self.domain.is_some(),
            "consumer_account" => self.consumer_account.is_some(),
            _ => false,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Settings {
    pub profile: &'static Profile,
    pub levels: HashMap<String, Level>,
    pub context: RequestContext,
}

impl Default for Settings {
    fn default() -> Self {
        Settings { profile: Profile::default_profile(), levels: HashMap::new(), context: RequestContext::default() }
    }
}
