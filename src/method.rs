//! Which API method a request file is for, and how to tell.

use serde::Serialize;
use std::path::Path;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum Method {
    #[serde(rename = "spaces.setup")]
    Setup,
    #[serde(rename = "spaces.create")]
    Create,
}

impl Method {
    pub const ALL: [Method; 2] = [Method::Setup, Method::Create];

    pub fn name(self) -> &'static str {
        match self {
            Method::Setup => "spaces.setup",
            Method::Create => "spaces.create",
        }
    }

    /// The JSON pointer of the Space inside this method's body.
    pub fn space_pointer(self) -> &'static str {
        match self {
            Method::Setup => "/space",
            Method::Create => "",
        }
    }

    /// From a file name: `*.setup.json` and `*.create.json`.
    pub fn from_file_name(path: &Path) -> Option<Method> {
        let name = path.file_name()?.to_str()?.to_ascii_lowercase();
        let stem = name.strip_suffix(".json")?;
        if stem.ends_with(".setup") {
            Some(Method::Setup)
        } else if stem.ends_with(".create") {
            Some(Method::Create)
        } else {
            None
        }
    }

    /// From the body's top-level keys: a `space` object or `memberships`
    /// means setup; a `spaceType` means create (the body is a Space). Keys
    /// shared with everyday JSON (`name`, `description`) decide nothing, so
    /// package.json and friends are never taken for requests.
    pub fn from_shape(keys: &[&str]) -> Option<Method> {
        let has = |k: &str| keys.contains(&k);
        if has("space") || has("memberships") || has("requestId") || has("request_id") {
            Some(Method::Setup)
        } else if has("spaceType") || has("space_type") || has("singleUserBotDm") || has("spaceDetails") {
            Some(Method::Create)
        } else {
            None
        }
    }
}

impl std::fmt::Display for Method {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl std::str::FromStr for Method {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "spaces.setup" | "setup" => Ok(Method::Setup),
            "spaces.create" | "create" => Ok(Method::Create),
            _ => Err(format!("unknown method `{s}` (expected spaces.setup or spaces.create)")),
        }
    }
}
