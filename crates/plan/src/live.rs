//! The live object(s) a file is compared with, as the remote side found
//! them. Values are the API's JSON answers as they came.

use serde_json::Value;

/// How the live space of a setup or create file was found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Found {
    /// By the resource name the file gives.
    Name,
    /// The results file says this requestId made it.
    Journal { request_id: String },
    /// The only space with the file's `displayName` (a displayName is
    /// unique among an organisation's named spaces: setup and create
    /// answer `ALREADY_EXISTS` for a taken one).
    DisplayName,
}

impl Found {
    /// Words for the plan (`found by the results file's requestId r-1`).
    pub fn words(&self) -> String {
        match self {
            Found::Name => "found by its name".into(),
            Found::Journal { request_id } => format!("found by the results file's requestId {request_id}"),
            Found::DisplayName => "found by its displayName".into(),
        }
    }
}

/// What the remote side read for one file.
#[derive(Clone, Debug, PartialEq)]
pub enum Live {
    /// The space, and how it was found; for a setup, the live membership of
    /// each person the file lists (`None`: not in the space).
    Space { space: Value, found: Found, members: Vec<(String, Option<Value>)> },
    /// The membership (`spaces.members.get`).
    Membership(Value),
    /// Nothing there: 404, or no space by the file's identity.
    Missing,
    /// The file's `displayName` belongs to another space than the one the
    /// results file says this file made (or that one is gone).
    NameTaken { by: String, made: Option<String> },
    /// The live state could not be read, and why (403 with these
    /// credentials, a network failure, an answer that is no object).
    Unreadable(String),
}
