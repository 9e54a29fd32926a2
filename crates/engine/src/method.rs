//! The method table: everything that differs between the API methods
//! chatlint checks, one row per method, in one place.
//!
//! Nothing else matches on [`Method`]: the reader, the rules, the adapters
//! and `--send` ask the row ([`Method::spec`]). Adding a method is a row
//! here, its entry in `schemas/source/overlay.toml` (the generated schema)
//! and its rules (ARCHITECTURE.md, "Adding a method").

use serde::Serialize;
use std::path::Path;

/// An API method whose requests chatlint checks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Method {
    Setup,
    Create,
}

/// Whether a method makes something new or changes something that exists:
/// rules about creating a space do not apply to an update.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    Create,
    Update,
}

/// Where a parameter travels in the HTTP request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Location {
    /// Part of the URL path (`v1/{parent}/members`).
    Path,
    /// A query parameter (`?requestId=`).
    Query,
    /// A field of the JSON body.
    Body,
}

/// A request parameter: a value the method takes besides its body (or, for
/// methods whose body is the request message, inside it).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ParamKey {
    RequestId,
    UpdateMask,
    Name,
    Parent,
    UseAdminAccess,
}

impl ParamKey {
    /// The name the API documents (`requestId`).
    pub fn name(self) -> &'static str {
        match self {
            ParamKey::RequestId => "requestId",
            ParamKey::UpdateMask => "updateMask",
            ParamKey::Name => "name",
            ParamKey::Parent => "parent",
            ParamKey::UseAdminAccess => "useAdminAccess",
        }
    }

    /// Whether a JSON key names it, in either ProtoJSON spelling.
    pub fn matches(self, key: &str) -> bool {
        key == self.name() || key == crate::model::to_snake_case(self.name())
    }
}

/// One parameter of a method.
#[derive(Clone, Copy, Debug)]
pub struct Param {
    pub key: ParamKey,
    pub location: Location,
    pub required: bool,
}

/// How requests of a method may authenticate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Auth {
    /// As a user (OAuth, or a service account acting as a user).
    pub user: bool,
    /// As the Chat app itself (a service account without a subject).
    pub app: bool,
}

/// The OAuth scopes a method accepts (short names under
/// `https://www.googleapis.com/auth/`), by way of authenticating; the
/// first of each is the narrowest, which `--send` asks for by default.
#[derive(Clone, Copy, Debug)]
pub struct Scopes {
    pub user: &'static [&'static str],
    pub app: &'static [&'static str],
}

/// Where the memberships of a request sit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Memberships {
    None,
    /// A list of memberships at this pointer (`/memberships`).
    List(&'static str),
}

/// One form a request file can take: which message its top level is, and
/// where the Space, the memberships and the parameters sit in it.
#[derive(Clone, Copy, Debug)]
pub struct Layout {
    /// The message of the top-level object (a `$defs` name of the schema).
    pub root: &'static str,
    /// The pointer of the Space, when the request has one (`""`: the top level).
    pub space: Option<&'static str>,
    pub memberships: Memberships,
    /// Parameters the file itself carries, and where.
    pub params: &'static [(ParamKey, &'static str)],
}

/// The HTTP call a method makes.
#[derive(Clone, Copy, Debug)]
pub struct Http {
    pub verb: &'static str,
    /// The path under the endpoint, with `{param}` placeholders.
    pub path: &'static str,
    /// The field of the request message that is the HTTP body (its HTTP
    /// rule's `body`); `None` when the body is the whole message (`*`).
    pub body: Option<&'static str>,
}

/// A method's row of the table.
#[derive(Debug)]
pub struct Spec {
    pub method: Method,
    /// `spaces.setup`.
    pub name: &'static str,
    /// `setup`, accepted by `--method` and in chatlint.toml.
    pub short: &'static str,
    /// Files named `*<suffix>` are requests of this method.
    pub file_suffix: &'static str,
    /// One line for schemas and messages.
    pub summary: &'static str,
    pub http: Http,
    pub params: &'static [Param],
    pub phase: Phase,
    /// The REST body: what the file is and what goes on the wire.
    pub body: Layout,
    /// Top-level keys that tell a body of unknown method is this one's
    /// (checked in table order). Keys that everyday JSON also has
    /// (`name`, `description`) must not be here.
    pub shape_keys: &'static [&'static str],
    pub auth: Auth,
    pub scopes: Scopes,
    /// The generated JSON Schema of the body (`schemas/<name>.schema.json`).
    pub schema: &'static str,
}

/// The table. Order matters for telling a method from a body's shape.
static TABLE: [Spec; 2] = [
    Spec {
        method: Method::Setup,
        name: "spaces.setup",
        short: "setup",
        file_suffix: ".setup.json",
        summary: "Request body of spaces.setup (POST /v1/spaces:setup)",
        http: Http { verb: "POST", path: "v1/spaces:setup", body: None },
        params: &[Param { key: ParamKey::RequestId, location: Location::Body, required: false }],
        phase: Phase::Create,
        body: Layout {
            root: "SetUpSpaceRequest",
            space: Some("/space"),
            memberships: Memberships::List("/memberships"),
            params: &[(ParamKey::RequestId, "/requestId")],
        },
        shape_keys: &["space", "memberships", "requestId", "request_id"],
        auth: Auth { user: true, app: false },
        scopes: Scopes { user: &["chat.spaces.create", "chat.spaces"], app: &[] },
        schema: include_str!("../../../schemas/spaces.setup.schema.json"),
    },
    Spec {
        method: Method::Create,
        name: "spaces.create",
        short: "create",
        file_suffix: ".create.json",
        summary: "Request body of spaces.create (POST /v1/spaces): the Space itself",
        http: Http { verb: "POST", path: "v1/spaces", body: Some("space") },
        params: &[Param { key: ParamKey::RequestId, location: Location::Query, required: false }],
        phase: Phase::Create,
        body: Layout { root: "Space", space: Some(""), memberships: Memberships::None, params: &[] },
        shape_keys: &["spaceType", "space_type", "singleUserBotDm", "spaceDetails"],
        auth: Auth { user: true, app: true },
        scopes: Scopes {
            user: &["chat.spaces.create", "chat.spaces"],
            app: &["chat.app.spaces.create", "chat.app.spaces"],
        },
        schema: include_str!("../../../schemas/spaces.create.schema.json"),
    },
];

impl Method {
    /// How many methods the table has.
    pub const COUNT: usize = TABLE.len();

    /// What a file is checked as when it is named by the user and nothing
    /// (flag, config, file name, shape) tells its method.
    pub const DEFAULT: Method = Method::Setup;

    /// Every method, in table order.
    pub fn all() -> impl Iterator<Item = Method> {
        TABLE.iter().map(|s| s.method)
    }

    /// This method's row.
    pub fn spec(self) -> &'static Spec {
        // The table is in enum order (a unit test checks it).
        &TABLE[self as usize]
    }

    pub fn name(self) -> &'static str {
        self.spec().name
    }

    /// The method a file name says (`*.setup.json`), if any.
    pub fn from_file_name(path: &Path) -> Option<Method> {
        let name = path.file_name()?.to_str()?.to_ascii_lowercase();
        TABLE.iter().find(|s| name.ends_with(s.file_suffix)).map(|s| s.method)
    }

    /// The method a body's top-level keys say, if any.
    pub fn from_shape(keys: &[&str]) -> Option<Method> {
        TABLE.iter().find(|s| s.shape_keys.iter().any(|k| keys.contains(k))).map(|s| s.method)
    }
}

impl std::fmt::Display for Method {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl Serialize for Method {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.name())
    }
}

impl std::str::FromStr for Method {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        TABLE.iter().find(|m| m.name == s || m.short == s).map(|m| m.method).ok_or_else(|| {
            let names: Vec<&str> = TABLE.iter().map(|m| m.name).collect();
            format!("unknown method `{s}` (expected {})", names.join(", "))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_is_in_enum_order_and_names_parse_back() {
        for (i, spec) in TABLE.iter().enumerate() {
            assert_eq!(spec.method as usize, i, "{} is out of order", spec.name);
            assert_eq!(spec.name.parse::<Method>().unwrap(), spec.method);
            assert_eq!(spec.short.parse::<Method>().unwrap(), spec.method);
            assert!(spec.schema.contains(&format!("\"x-method\": \"{}\"", spec.name)));
        }
    }

    #[test]
    fn names_and_shapes_tell_the_method() {
        assert_eq!(Method::from_file_name(Path::new("a/b.Setup.json")), Some(Method::Setup));
        assert_eq!(Method::from_file_name(Path::new("x.create.json")), Some(Method::Create));
        assert_eq!(Method::from_file_name(Path::new("package.json")), None);
        assert_eq!(Method::from_shape(&["requestId"]), Some(Method::Setup));
        assert_eq!(Method::from_shape(&["spaceType"]), Some(Method::Create));
        assert_eq!(Method::from_shape(&["name", "version"]), None);
    }
}
