//! What the engine is given: a request's text, what is known about its
//! method from outside the text, and its parameters.
//!
//! A request file is either a REST body, whose parameters (`updateMask`,
//! `name`, `parent`, `requestId`, `useAdminAccess`) come from elsewhere (the
//! config, flags), or a request message that carries them itself; the
//! method table ([`crate::method::Layout`]) says where a file keeps them.

use crate::method::{Method, ParamKey};

/// Parameters given from outside the file (chatlint.toml's `[[requests]]`
/// entries, flags), in snake_case as there.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Params {
    pub request_id: Option<String>,
    pub update_mask: Option<String>,
    pub name: Option<String>,
    pub parent: Option<String>,
    pub use_admin_access: Option<bool>,
}

impl Params {
    /// A parameter's value as text, when it is given.
    pub fn get(&self, key: ParamKey) -> Option<String> {
        match key {
            ParamKey::RequestId => self.request_id.clone(),
            ParamKey::UpdateMask => self.update_mask.clone(),
            ParamKey::Name => self.name.clone(),
            ParamKey::Parent => self.parent.clone(),
            ParamKey::UseAdminAccess => self.use_admin_access.map(|b| b.to_string()),
        }
    }

    pub fn is_empty(&self) -> bool {
        *self == Params::default()
    }

    /// Takes every parameter `other` gives.
    pub fn merge(&mut self, other: &Params) {
        let Params { request_id, update_mask, name, parent, use_admin_access } = other.clone();
        self.request_id = request_id.or(self.request_id.take());
        self.update_mask = update_mask.or(self.update_mask.take());
        self.name = name.or(self.name.take());
        self.parent = parent.or(self.parent.take());
        self.use_admin_access = use_admin_access.or(self.use_admin_access);
    }
}

/// One request to check.
#[derive(Clone, Debug)]
pub struct Request<'a> {
    pub text: &'a str,
    /// The method, when the caller knows it (a flag, the config, the file name).
    pub method: Option<Method>,
    /// The method to assume when neither `method` nor the body's shape tells;
    /// `None` means such a text is not a Chat request and is left alone.
    pub fallback: Option<Method>,
    pub params: Params,
}

impl<'a> Request<'a> {
    pub fn new(text: &'a str, method: Option<Method>, fallback: Option<Method>) -> Request<'a> {
        Request { text, method, fallback, params: Params::default() }
    }
}
