//! What sending a request file would change in the live spaces (`chatlint
//! plan`): a pure comparison of two values, the file's and the live
//! object's — no HTTP, no clock, no credentials.
//!
//! - [`desired`]: what a file asks for, read from its document and the
//!   method's row ([`Desired`]), and so which live object to read.
//! - [`live`]: the live object(s) as the remote side found them ([`Live`]).
//! - [`api`]: what the API normalises, written once (output-only and
//!   input-only fields, member states, role names, permission presets).
//! - [`compare`]: the file against the live object → an [`Action`].

pub mod api;
pub mod compare;
pub mod desired;
pub mod import;
pub mod live;
pub mod writes;

pub use compare::compare;
pub use desired::Desired;
pub use live::{Found, Live};

use serde_json::Value;

/// What sending a file would do to the live state.
#[derive(Clone, Debug, PartialEq)]
pub enum Action {
    /// Nothing there yet: the request makes it.
    Create,
    /// There, but different: these fields change (`live → desired`).
    Update(Vec<Change>),
    /// There, and the request removes it.
    Delete,
    /// Already as the file says; the live state, in words.
    None(String),
    /// The file and the live state cannot both hold (the reason).
    Conflict(String),
    /// The live state could not be read (the reason).
    Unknown(String),
}

impl Action {
    /// The word `--format json` uses: `create|update|delete|none|conflict|unknown`.
    pub fn kind(&self) -> &'static str {
        match self {
            Action::Create => "create",
            Action::Update(_) => "update",
            Action::Delete => "delete",
            Action::None(_) => "none",
            Action::Conflict(_) => "conflict",
            Action::Unknown(_) => "unknown",
        }
    }

    /// Whether sending the file would change something.
    pub fn changes(&self) -> bool {
        matches!(self, Action::Create | Action::Update(_) | Action::Delete)
    }

    pub fn changes_list(&self) -> &[Change] {
        match self {
            Action::Update(c) => c,
            _ => &[],
        }
    }

    /// The words that go with the action: the live state, or why it is a
    /// conflict or unknown.
    pub fn reason(&self) -> Option<&str> {
        match self {
            Action::None(s) | Action::Conflict(s) | Action::Unknown(s) => Some(s),
            _ => None,
        }
    }
}

/// One field that differs. `None` is "unset".
#[derive(Clone, Debug, PartialEq)]
pub struct Change {
    /// The field, as a dotted lowerCamelCase path (`spaceDetails.description`).
    pub field: String,
    pub live: Option<Value>,
    pub desired: Option<Value>,
}

impl Change {
    /// A value as a reviewer reads it: JSON, `(unset)`, and for a role its
    /// name in the Chat UI too (`ROLE_MANAGER (Owner)`).
    pub fn show(&self, value: &Option<Value>) -> String {
        match value {
            None => "(unset)".into(),
            Some(v) => {
                let text = v.to_string();
                match v.as_str().and_then(api::role_in_ui) {
                    Some(ui) if self.field == "role" => format!("{text} ({ui})"),
                    _ => text,
                }
            }
        }
    }
}
