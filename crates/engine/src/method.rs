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
    Patch,
    MembersCreate,
    MembersPatch,
    MembersDelete,
    Delete,
    CompleteImport,
}

/// Whether a method makes something new, changes something that exists or
/// removes it: rules about creating a space do not apply to an update.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    Create,
    Update,
    Delete,
}

impl Phase {
    /// The word rule docs use (`methods = { phase = "create" }`).
    pub fn name(self) -> &'static str {
        match self {
            Phase::Create => "create",
            Phase::Update => "update",
            Phase::Delete => "delete",
        }
    }
}

/// The message a successful call answers with (its discovery `response`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Answer {
    /// The Space itself.
    Space,
    /// A message that holds the Space in a field
    /// (`CompleteImportSpaceResponse.space`).
    SpaceIn {
        message: &'static str,
        field: &'static str,
    },
    Membership,
    /// `Empty`: `{}`.
    Empty,
}

impl Answer {
    /// The answer's message, as the discovery document names it.
    pub fn message(self) -> &'static str {
        match self {
            Answer::Space => "Space",
            Answer::SpaceIn { message, .. } => message,
            Answer::Membership => "Membership",
            Answer::Empty => "Empty",
        }
    }
}

/// An error answer that means what the request asks for is already so (the
/// member is there; the space is gone), not a failure: sending again is
/// safe, and the run counts it as done.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DoneAlready {
    /// The HTTP status (`409`).
    pub status: u16,
    /// The `google.rpc.Code` name Google's error carries (`ALREADY_EXISTS`).
    pub code: &'static str,
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
    /// With `useAdminAccess`: a Workspace administrator's privileges.
    pub admin: &'static [&'static str],
}

/// Where the memberships of a request sit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Memberships {
    None,
    /// A list of memberships at this pointer (`/memberships`).
    List(&'static str),
    /// One membership at this pointer (`""`: the top level).
    One(&'static str),
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
    /// Top-level keys that tell a file of unknown method takes this form.
    /// Keys that everyday JSON also has (`name`, `description`,
    /// `displayName`) must not be here: package.json is no request.
    pub shape_keys: &'static [&'static str],
}

impl Layout {
    /// Where the file keeps a parameter, if it carries it.
    pub fn param(&self, key: ParamKey) -> Option<&'static str> {
        self.params.iter().find(|(k, _)| *k == key).map(|(_, p)| *p)
    }
}

/// The HTTP call a method makes.
#[derive(Clone, Copy, Debug)]
pub struct Http {
    pub verb: &'static str,
    /// The path under the endpoint, with `{param}` placeholders.
    pub path: &'static str,
    /// The field of the request message that is the HTTP body (its HTTP
    /// rule's `body`); `None` when the body is the whole message (`*`) or
    /// there is none.
    pub body: Option<&'static str>,
    /// Whether the call has an HTTP body at all (a DELETE has none: the
    /// request message travels in the URL).
    pub has_body: bool,
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
    pub http: Http,
    pub params: &'static [Param],
    pub phase: Phase,
    /// The REST body: what a file is by default and what goes on the wire.
    pub body: Layout,
    /// Google's request message, which carries the parameters too
    /// (`UpdateSpaceRequest`), when it is not the body itself.
    pub message: Option<Layout>,
    pub auth: Auth,
    pub scopes: Scopes,
    /// The error answers that mean "already so" for this method.
    pub done_already: &'static [DoneAlready],
    /// What a successful call answers with.
    pub answer: Answer,
    /// Whether the call removes something for good (a space with its
    /// messages, a membership): `--send` makes these only when asked to.
    pub destructive: bool,
    /// The `updateMask` paths it accepts, when it takes a mask.
    pub mask: Option<&'static crate::mask::Paths>,
    /// The generated JSON Schema of the body (`schemas/<name>.schema.json`).
    pub schema: &'static str,
}

const ALREADY_EXISTS: DoneAlready = DoneAlready { status: 409, code: "ALREADY_EXISTS" };
const NOT_FOUND: DoneAlready = DoneAlready { status: 404, code: "NOT_FOUND" };

/// A delete's parameters: what to delete (the URL path) and admin access.
const DELETE_PARAMS: &[Param] = &[
    Param { key: ParamKey::Name, location: Location::Path, required: true },
    Param { key: ParamKey::UseAdminAccess, location: Location::Query, required: false },
];

/// Where a delete's request message (`DeleteSpaceRequest`,
/// `DeleteMembershipRequest`) keeps them.
const DELETE_FIELDS: &[(ParamKey, &str)] = &[(ParamKey::Name, "/name"), (ParamKey::UseAdminAccess, "/useAdminAccess")];

/// The table, in enum order. Telling a method from a file's shape tries the
/// request messages first (their keys are the most specific), then the
/// bodies, each in table order.
static TABLE: [Spec; 8] = [
    Spec {
        method: Method::Setup,
        name: "spaces.setup",
        short: "setup",
        file_suffix: ".setup.json",
        http: Http { verb: "POST", path: "v1/spaces:setup", body: None, has_body: true },
        params: &[Param { key: ParamKey::RequestId, location: Location::Body, required: false }],
        phase: Phase::Create,
        body: Layout {
            root: "SetUpSpaceRequest",
            space: Some("/space"),
            memberships: Memberships::List("/memberships"),
            params: &[(ParamKey::RequestId, "/requestId")],
            shape_keys: &["space", "memberships", "requestId", "request_id"],
        },
        message: None,
        auth: Auth { user: true, app: false },
        scopes: Scopes { user: &["chat.spaces.create", "chat.spaces"], app: &[], admin: &[] },
        done_already: &[],
        answer: Answer::Space,
        destructive: false,
        mask: None,
        schema: include_str!("../../../schemas/spaces.setup.schema.json"),
    },
    Spec {
        method: Method::Create,
        name: "spaces.create",
        short: "create",
        file_suffix: ".create.json",
        http: Http { verb: "POST", path: "v1/spaces", body: Some("space"), has_body: true },
        params: &[Param { key: ParamKey::RequestId, location: Location::Query, required: false }],
        phase: Phase::Create,
        body: Layout {
            root: "Space",
            space: Some(""),
            memberships: Memberships::None,
            params: &[],
            // A Space that says its type is being created.
            shape_keys: &["spaceType", "space_type", "singleUserBotDm", "single_user_bot_dm"],
        },
        message: None,
        auth: Auth { user: true, app: true },
        scopes: Scopes {
            user: &["chat.spaces.create", "chat.spaces"],
            app: &["chat.app.spaces.create", "chat.app.spaces"],
            admin: &[],
        },
        done_already: &[],
        answer: Answer::Space,
        destructive: false,
        mask: None,
        schema: include_str!("../../../schemas/spaces.create.schema.json"),
    },
    Spec {
        method: Method::Patch,
        name: "spaces.patch",
        short: "patch",
        file_suffix: ".patch.json",
        http: Http { verb: "PATCH", path: "v1/{name}", body: Some("space"), has_body: true },
        params: &[
            Param { key: ParamKey::Name, location: Location::Path, required: true },
            Param { key: ParamKey::UpdateMask, location: Location::Query, required: true },
            Param { key: ParamKey::UseAdminAccess, location: Location::Query, required: false },
        ],
        phase: Phase::Update,
        body: Layout {
            root: "Space",
            space: Some(""),
            memberships: Memberships::None,
            // The Space's own name says which space to change.
            params: &[(ParamKey::Name, "/name")],
            // A Space with settings but no type is being changed.
            shape_keys: &[
                "spaceDetails",
                "space_details",
                "permissionSettings",
                "permission_settings",
                "accessSettings",
                "access_settings",
                "spaceHistoryState",
                "space_history_state",
            ],
        },
        message: Some(Layout {
            root: "UpdateSpaceRequest",
            space: Some("/space"),
            memberships: Memberships::None,
            params: &[
                (ParamKey::Name, "/space/name"),
                (ParamKey::UpdateMask, "/updateMask"),
                (ParamKey::UseAdminAccess, "/useAdminAccess"),
            ],
            shape_keys: &["updateMask", "update_mask"],
        }),
        auth: Auth { user: true, app: true },
        scopes: Scopes { user: &["chat.spaces"], app: &["chat.app.spaces"], admin: &["chat.admin.spaces"] },
        done_already: &[],
        answer: Answer::Space,
        destructive: false,
        mask: Some(&crate::mask::SPACE),
        schema: include_str!("../../../schemas/spaces.patch.schema.json"),
    },
    Spec {
        method: Method::MembersCreate,
        name: "spaces.members.create",
        short: "member",
        file_suffix: ".member.json",
        http: Http { verb: "POST", path: "v1/{parent}/members", body: Some("membership"), has_body: true },
        params: &[
            Param { key: ParamKey::Parent, location: Location::Path, required: true },
            Param { key: ParamKey::UseAdminAccess, location: Location::Query, required: false },
        ],
        phase: Phase::Create,
        body: Layout {
            root: "Membership",
            space: None,
            memberships: Memberships::One(""),
            params: &[],
            shape_keys: &["member", "groupMember", "group_member"],
        },
        message: Some(Layout {
            root: "CreateMembershipRequest",
            space: None,
            memberships: Memberships::One("/membership"),
            params: &[(ParamKey::Parent, "/parent"), (ParamKey::UseAdminAccess, "/useAdminAccess")],
            shape_keys: &["membership"],
        }),
        auth: Auth { user: true, app: true },
        scopes: Scopes {
            user: &["chat.memberships", "chat.memberships.app"],
            app: &["chat.app.memberships"],
            admin: &["chat.admin.memberships"],
        },
        done_already: &[ALREADY_EXISTS],
        answer: Answer::Membership,
        destructive: false,
        mask: None,
        schema: include_str!("../../../schemas/spaces.members.create.schema.json"),
    },
    Spec {
        method: Method::MembersPatch,
        name: "spaces.members.patch",
        short: "role",
        file_suffix: ".role.json",
        http: Http { verb: "PATCH", path: "v1/{name}", body: Some("membership"), has_body: true },
        params: &[
            Param { key: ParamKey::Name, location: Location::Path, required: true },
            Param { key: ParamKey::UpdateMask, location: Location::Query, required: true },
            Param { key: ParamKey::UseAdminAccess, location: Location::Query, required: false },
        ],
        phase: Phase::Update,
        body: Layout {
            root: "Membership",
            space: None,
            memberships: Memberships::One(""),
            // The membership's own name says which membership to change.
            params: &[(ParamKey::Name, "/name")],
            // A membership that says a role is being changed (`role` is
            // input only here).
            shape_keys: &["role"],
        },
        message: Some(Layout {
            root: "UpdateMembershipRequest",
            space: None,
            memberships: Memberships::One("/membership"),
            params: &[
                (ParamKey::Name, "/membership/name"),
                (ParamKey::UpdateMask, "/updateMask"),
                (ParamKey::UseAdminAccess, "/useAdminAccess"),
            ],
            shape_keys: &["membership", "updateMask", "update_mask"],
        }),
        auth: Auth { user: true, app: true },
        scopes: Scopes {
            user: &["chat.memberships", "chat.import"],
            app: &["chat.app.memberships"],
            admin: &["chat.admin.memberships"],
        },
        done_already: &[],
        answer: Answer::Membership,
        destructive: false,
        mask: Some(&crate::mask::MEMBERSHIP),
        schema: include_str!("../../../schemas/spaces.members.patch.schema.json"),
    },
    Spec {
        method: Method::MembersDelete,
        name: "spaces.members.delete",
        short: "remove",
        file_suffix: ".remove.json",
        http: Http { verb: "DELETE", path: "v1/{name}", body: None, has_body: false },
        params: DELETE_PARAMS,
        phase: Phase::Delete,
        // No HTTP body: a file is the request message, whose fields travel
        // in the URL. `name` alone is everyday JSON, so no key tells it.
        body: Layout {
            root: "DeleteMembershipRequest",
            space: None,
            memberships: Memberships::None,
            params: DELETE_FIELDS,
            shape_keys: &[],
        },
        message: None,
        auth: Auth { user: true, app: true },
        scopes: Scopes {
            user: &["chat.memberships", "chat.memberships.app", "chat.import"],
            app: &["chat.app.memberships"],
            admin: &["chat.admin.memberships"],
        },
        done_already: &[NOT_FOUND],
        answer: Answer::Membership,
        destructive: true,
        mask: None,
        schema: include_str!("../../../schemas/spaces.members.delete.schema.json"),
    },
    Spec {
        method: Method::Delete,
        name: "spaces.delete",
        short: "delete",
        file_suffix: ".delete.json",
        http: Http { verb: "DELETE", path: "v1/{name}", body: None, has_body: false },
        params: DELETE_PARAMS,
        phase: Phase::Delete,
        body: Layout {
            root: "DeleteSpaceRequest",
            space: None,
            memberships: Memberships::None,
            params: DELETE_FIELDS,
            shape_keys: &[],
        },
        message: None,
        auth: Auth { user: true, app: true },
        scopes: Scopes {
            user: &["chat.delete", "chat.import"],
            app: &["chat.app.delete"],
            admin: &["chat.admin.delete"],
        },
        done_already: &[NOT_FOUND],
        answer: Answer::Empty,
        destructive: true,
        mask: None,
        schema: include_str!("../../../schemas/spaces.delete.schema.json"),
    },
    Spec {
        method: Method::CompleteImport,
        name: "spaces.completeImport",
        short: "complete-import",
        file_suffix: ".complete-import.json",
        // The HTTP rule's body is the whole message (`*`) less what the
        // path carries: `{}`.
        http: Http { verb: "POST", path: "v1/{name}:completeImport", body: None, has_body: true },
        params: &[Param { key: ParamKey::Name, location: Location::Path, required: true }],
        phase: Phase::Update,
        body: Layout {
            root: "CompleteImportSpaceRequest",
            space: None,
            memberships: Memberships::None,
            params: &[(ParamKey::Name, "/name")],
            shape_keys: &[],
        },
        message: None,
        auth: Auth { user: true, app: false },
        scopes: Scopes { user: &["chat.import"], app: &[], admin: &[] },
        done_already: &[],
        answer: Answer::SpaceIn { message: "CompleteImportSpaceResponse", field: "space" },
        destructive: false,
        mask: None,
        schema: include_str!("../../../schemas/spaces.completeImport.schema.json"),
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

    /// The method a file's top-level keys say, if any: request messages
    /// first (their keys are the most specific), the one with the most of
    /// the file's keys among its shape keys (`{membership, updateMask}` is
    /// an UpdateMembershipRequest, `{space, updateMask}` an
    /// UpdateSpaceRequest); then bodies, the first in table order (a Space
    /// that says its type is being created, whatever settings it has).
    pub fn from_shape(keys: &[&str]) -> Option<Method> {
        let score = |layout: &Layout| keys.iter().filter(|k| layout.shape_keys.contains(k)).count();
        let mut message: Option<(usize, Method)> = None;
        for spec in &TABLE {
            let n = spec.message.as_ref().map_or(0, score);
            if n > 0 && message.is_none_or(|(best, _)| n > best) {
                message = Some((n, spec.method));
            }
        }
        message.map(|(_, m)| m).or_else(|| TABLE.iter().find(|s| score(&s.body) > 0).map(|s| s.method))
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
    fn a_method_takes_a_mask_when_it_has_the_parameter() {
        for spec in &TABLE {
            let param = spec.params.iter().any(|p| p.key == ParamKey::UpdateMask);
            assert_eq!(param, spec.mask.is_some(), "{}", spec.name);
            assert!(spec.mask.is_none_or(|m| m.method == spec.name), "{}", spec.name);
        }
    }

    #[test]
    fn names_and_shapes_tell_the_method() {
        assert_eq!(Method::from_file_name(Path::new("a/b.Setup.json")), Some(Method::Setup));
        assert_eq!(Method::from_file_name(Path::new("x.create.json")), Some(Method::Create));
        assert_eq!(Method::from_file_name(Path::new("package.json")), None);
        for (file, method) in [
            ("alice.role.json", Method::MembersPatch),
            ("alice.remove.json", Method::MembersDelete),
            ("old.delete.json", Method::Delete),
            ("migrated.complete-import.json", Method::CompleteImport),
            ("alice.member.json", Method::MembersCreate),
        ] {
            assert_eq!(Method::from_file_name(Path::new(file)), Some(method), "{file}");
        }
        // No suffix ends another: a file name says one method.
        for a in &TABLE {
            for b in TABLE.iter().filter(|b| b.method != a.method) {
                assert!(!a.file_suffix.ends_with(b.file_suffix), "{} ends with {}", a.file_suffix, b.file_suffix);
            }
        }
        assert_eq!(Method::from_shape(&["requestId"]), Some(Method::Setup));
        assert_eq!(Method::from_shape(&["spaceType"]), Some(Method::Create));
        assert_eq!(Method::from_shape(&["space", "updateMask"]), Some(Method::Patch));
        assert_eq!(Method::from_shape(&["displayName", "spaceDetails"]), Some(Method::Patch));
        assert_eq!(Method::from_shape(&["member"]), Some(Method::MembersCreate));
        assert_eq!(Method::from_shape(&["parent", "membership"]), Some(Method::MembersCreate));
        assert_eq!(Method::from_shape(&["membership", "updateMask"]), Some(Method::MembersPatch));
        assert_eq!(Method::from_shape(&["name", "role"]), Some(Method::MembersPatch));
        assert_eq!(Method::from_shape(&["member", "role"]), Some(Method::MembersCreate));
        assert_eq!(Method::from_shape(&["name", "useAdminAccess"]), None);
        assert_eq!(Method::from_shape(&["name", "version"]), None);
        assert_eq!(Method::from_shape(&["name", "displayName", "description"]), None);
    }
}
