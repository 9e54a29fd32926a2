//! The semantic stage: cross-field rules over the canonical document, one
//! function per rule, named after it and grouped by subject:
//! `space` (the Space), `update` (an update's mask and how the body fits
//! it), `membership` (who is added), `removal` (naming a membership to
//! change or remove), `request` (the request's own parameters).
//! [`cross_file`] compares requests with each other.
//!
//! `stage` says where every rule of the catalogue is checked; its `match`
//! is exhaustive, so a new `rules/<id>.toml` does not build until its
//! function is wired here. A rule's function runs only when the rule
//! applies (method, profile, context) and is not turned off: see
//! [`crate::settings::Settings::enabled`].

pub mod cross_file;
mod membership;
mod removal;
mod request;
mod space;
mod update;

use crate::catalogue::Rule;
use crate::diagnostic::{Diagnostic, Edit, Fix, TextRange};
use crate::document::Document;
use crate::mask::{self, Mask};
use crate::method::{Memberships, ParamKey};
use crate::model::Model;
use crate::profile::Profile;
use crate::request::Params;
use crate::settings::{RequestContext, RuleSet};
use crate::value::Value;

/// A rule's check over one request.
pub(crate) type Check = fn(&mut Ctx);

/// Where a rule is checked.
pub(crate) enum Stage {
    /// While reading the file: strict JSON, the ProtoJSON reader, the
    /// structure (schema) pass.
    Reading,
    /// By its own function, over the canonical document.
    Check(Check),
    /// By comparing requests with each other ([`cross_file`]).
    CrossFile,
    /// From the API's answer to `--send`.
    Server,
}

/// Where each rule is checked.
pub(crate) fn stage(rule: Rule) -> Stage {
    use Stage::{Check, CrossFile, Reading, Server};
    match rule {
        Rule::InvalidJson
        | Rule::DuplicateField
        | Rule::SnakeCaseField
        | Rule::NullValue
        | Rule::NullInArray
        | Rule::OutputOnlyField
        | Rule::OneofConflict
        | Rule::QuotedBool
        | Rule::EnumAsNumber
        | Rule::UnknownEnumNumber
        | Rule::UnspecifiedEnumValue
        | Rule::InvalidEnumValue
        | Rule::UnknownField
        | Rule::RequiredField
        | Rule::WrongType
        | Rule::InvalidTimestamp => Reading,
        Rule::RequestIdReused | Rule::DisplayNameReused => CrossFile,
        Rule::ServerRejected => Server,
        // The Space.
        Rule::DisplayNameRequired => Check(space::display_name_required),
        Rule::DisplayNameBlank => Check(space::display_name_blank),
        Rule::DisplayNameForbidden => Check(space::display_name_forbidden),
        Rule::SpaceDetailsForbidden => Check(space::space_details_forbidden),
        Rule::BotDmFlagMisused => Check(space::bot_dm_flag_misused),
        Rule::BotDmOnCreate => Check(space::bot_dm_on_create),
        Rule::CreateSpaceType => Check(space::create_space_type),
        Rule::DisplayNameTooLong => Check(space::display_name_too_long),
        Rule::DescriptionTooLong => Check(space::description_too_long),
        Rule::GuidelinesTooLong => Check(space::guidelines_too_long),
        Rule::SpaceNameIgnored => Check(space::space_name_ignored),
        Rule::CreateTimeWithoutImport => Check(space::create_time_without_import),
        Rule::ThreadedReplies => Check(space::threaded_replies),
        Rule::CustomerFormat => Check(space::customer_format),
        Rule::CustomerNotApplicable => Check(space::customer_not_applicable),
        Rule::CustomerRequired => Check(space::customer_required),
        Rule::PredefinedPermissionsNonSpace => Check(space::predefined_permissions_non_space),
        Rule::PermissionSettingsOnCreate => Check(space::permission_settings_on_create),
        Rule::AccessSettingsNonSpace => Check(space::access_settings_non_space),
        Rule::AudienceFormat => Check(space::audience_format),
        Rule::AudienceAppAuth => Check(space::audience_app_auth),
        Rule::AccessPermissionSettingsOnCreate => Check(space::access_permission_settings_on_create),
        Rule::ExternalUserAllowedConsumer => Check(space::external_user_allowed_consumer),
        Rule::ImportModeInSetup => Check(space::import_mode_in_setup),
        Rule::ImportModeAppAuth => Check(space::import_mode_app_auth),
        Rule::CompleteImportAppAuth => Check(space::complete_import_app_auth),
        // Who is added.
        Rule::BotDmMemberships => Check(membership::bot_dm_memberships),
        Rule::DmMembershipCount => Check(membership::dm_membership_count),
        Rule::GroupChatMembershipCount => Check(membership::group_chat_membership_count),
        Rule::TooManyMemberships => Check(membership::too_many_memberships),
        Rule::MembershipMemberMissing => Check(membership::membership_member_missing),
        Rule::GroupMemberNotAllowed => Check(membership::group_member_not_allowed),
        Rule::MembershipFieldIgnored => Check(membership::membership_field_ignored),
        Rule::UserNameFormat => Check(membership::user_name_format),
        Rule::AppMemberInSetup => Check(membership::app_member_in_setup),
        Rule::UserEmailAlias => Check(membership::user_email_alias),
        Rule::ExternalUser => Check(membership::external_user),
        Rule::CallingUserListed => Check(membership::calling_user_listed),
        Rule::DuplicateMembership => Check(membership::duplicate_membership),
        Rule::MemberTypeHuman => Check(membership::member_type_human),
        Rule::GroupNameFormat => Check(membership::group_name_format),
        Rule::GroupEmail => Check(membership::group_email),
        Rule::MemberType => Check(membership::member_type),
        Rule::AppMemberAppAuth => Check(membership::app_member_app_auth),
        Rule::GroupMemberAppAuth => Check(membership::group_member_app_auth),
        Rule::ExternalUserAppAuth => Check(membership::external_user_app_auth),
        Rule::AdminAccessAppMember => Check(membership::admin_access_app_member),
        Rule::AdminAccessExternalUser => Check(membership::admin_access_external_user),
        // Naming a membership to change or remove.
        Rule::MembershipNameFormat => Check(removal::membership_name_format),
        Rule::MembershipEmailAlias => Check(removal::membership_email_alias),
        Rule::AdminAccessAppRemoval => Check(removal::admin_access_app_removal),
        Rule::AppRemovalAppAuth => Check(removal::app_removal_app_auth),
        // The update mask, and the Space an update sends.
        Rule::UpdateMaskPath => Check(update::update_mask_path),
        Rule::UpdateMaskHeading => Check(update::update_mask_heading),
        Rule::UpdateMaskExclusive => Check(update::update_mask_exclusive),
        Rule::ViewMembershipPairing => Check(update::view_membership_pairing),
        Rule::ViewMembershipMembers => Check(update::view_membership_members),
        Rule::JoinWithoutDiscover => Check(update::join_without_discover),
        Rule::SpaceTypeUpdate => Check(update::space_type_update),
        Rule::DisplayNameUpdateNonSpace => Check(update::display_name_update_non_space),
        Rule::SpaceDetailsPartial => Check(update::space_details_partial),
        Rule::HistoryStateRequired => Check(update::history_state_required),
        Rule::UpdateMaskClears => Check(update::update_mask_clears),
        Rule::AudienceRemoved => Check(update::audience_removed),
        Rule::FieldNotInMask => Check(update::field_not_in_mask),
        Rule::AdminAccessMask => Check(update::admin_access_mask),
        Rule::SpaceNameDiffers => Check(update::space_name_differs),
        // The request's own parameters.
        Rule::RequestIdNotUuid => Check(request::request_id_not_uuid),
        Rule::ParameterNotGiven => Check(request::parameter_not_given),
        Rule::SpaceNameFormat => Check(request::space_name_format),
        Rule::ParentFormat => Check(request::parent_format),
        Rule::AdminAccessAppAuth => Check(request::admin_access_app_auth),
    }
}

/// What a check can see, and where it reports.
pub(crate) struct Ctx<'a> {
    /// The file's text (for edits that copy its layout).
    pub text: &'a str,
    pub doc: &'a Document,
    pub model: &'a Model,
    pub profile: &'a Profile,
    pub context: &'a RequestContext,
    /// Parameters given from outside the file (config, flags).
    pub params: &'a Params,
    pub diags: Vec<Diagnostic>,
    /// `spaceType`, read once: nearly every rule asks.
    space_type: Option<&'a str>,
    /// The update mask (spaces.patch, spaces.members.patch), read once.
    mask: Option<Mask>,
    /// The memberships, listed once: nearly every membership rule walks them.
    memberships: std::rc::Rc<[MembershipAt<'a>]>,
    /// The user memberships among them, listed once too.
    users: std::rc::Rc<[UserAt<'a>]>,
}

/// A membership the request adds: its index in the list (0 alone), its
/// pointer (shared: many rules format pointers below it) and its object.
pub(crate) type MembershipAt<'a> = (usize, std::rc::Rc<str>, &'a crate::value::Map);

/// A user membership: its pointer, its `member` object and `member.name`.
pub(crate) type UserAt<'a> = (std::rc::Rc<str>, &'a crate::value::Map, Option<&'a str>);

/// A parameter's value, and where the file has it (`None`: from the config
/// or the command line).
pub(crate) struct ParamValue<'a> {
    pub text: std::borrow::Cow<'a, str>,
    pub pointer: Option<&'static str>,
}

impl<'a> Ctx<'a> {
    /// The pointer of a Space field, or of a path below it
    /// (`spaceDetails/description`), wherever this request keeps its Space.
    pub fn space_field(&self, path: &str) -> String {
        [self.doc.layout.space.unwrap_or_default(), "/", path].concat()
    }
    /// The pointer of the list of memberships, when the request has one.
    pub fn memberships_pointer(&self) -> Option<&'static str> {
        match self.doc.layout.memberships {
            Memberships::List(p) => Some(p),
            Memberships::None | Memberships::One(_) => None,
        }
    }
    /// The memberships the request lists (empty when it has no list).
    pub fn memberships(&self) -> &'a [Value] {
        self.memberships_pointer().and_then(|p| self.doc.get(p)).and_then(Value::as_array).map_or(&[], Vec::as_slice)
    }
    /// Each membership the request adds, listed or alone: its index in the
    /// list (0 alone), pointer and object. Elements that are not objects
    /// are the structure stage's business.
    pub fn each_membership(&self) -> std::rc::Rc<[MembershipAt<'a>]> {
        self.memberships.clone()
    }
    /// The memberships that add a user (`member`), in order.
    pub fn each_user(&self) -> std::rc::Rc<[UserAt<'a>]> {
        self.users.clone()
    }
    /// Lists the memberships once, when the context is made.
    fn list_memberships(&self) -> std::rc::Rc<[MembershipAt<'a>]> {
        match self.doc.layout.memberships {
            Memberships::List(base) => self
                .memberships()
                .iter()
                .enumerate()
                .filter_map(|(i, m)| {
                    let pointer = [base, "/", itoa::Buffer::new().format(i)].concat();
                    Some((i, pointer.into(), m.as_object()?))
                })
                .collect(),
            Memberships::One(at) => {
                self.doc.get(at).and_then(Value::as_object).map(|m| (0, at.into(), m)).into_iter().collect()
            }
            Memberships::None => std::rc::Rc::new([]),
        }
    }
    pub fn get(&self, pointer: &str) -> Option<&'a Value> {
        self.doc.get(pointer)
    }
    pub fn str_at(&self, pointer: &str) -> Option<&'a str> {
        self.get(pointer).and_then(Value::as_str)
    }
    pub fn is_true(&self, pointer: &str) -> bool {
        self.get(pointer) == Some(&Value::Bool(true))
    }
    pub fn space_type(&self) -> Option<&'a str> {
        self.space_type
    }
    /// A parameter of the request: from the file when it carries it, else
    /// as given from outside (`None` when given nowhere, or unset).
    pub fn param(&self, key: ParamKey) -> Option<ParamValue<'a>> {
        if let Some(ptr) = self.doc.layout.param(key)
            && let Some(v) = self.doc.get(ptr)
        {
            let text = match v {
                Value::String(s) => std::borrow::Cow::Borrowed(s.as_str()),
                other => std::borrow::Cow::Owned(other.to_string()),
            };
            return Some(ParamValue { text, pointer: Some(ptr) });
        }
        self.params.get(key).map(|v| ParamValue { text: std::borrow::Cow::Owned(v), pointer: None })
    }
    /// The update mask of an update (spaces.patch, spaces.members.patch:
    /// from the file, the config, or assumed from the body's fields), read
    /// once.
    pub fn mask(&self) -> Option<&Mask> {
        self.mask.as_ref()
    }
    /// The pointer of what an update changes: the Space, or the one
    /// membership (`""`: the top level).
    pub fn updated(&self) -> Option<&'static str> {
        match self.doc.layout.memberships {
            Memberships::One(at) if self.doc.layout.space.is_none() => Some(at),
            _ => self.doc.layout.space,
        }
    }
    /// Where findings about something the file does not have go: its `{`.
    pub fn top(&self) -> TextRange {
        TextRange::new(self.doc.root.start, (self.doc.root.start + 1).min(self.doc.root.end))
    }
    pub fn report(&mut self, d: Diagnostic) {
        self.diags.push(d);
    }
    /// A finding about the key at `pointer` (the field itself).
    pub fn at_key(&self, rule: Rule, pointer: &str, message: impl Into<String>) -> Diagnostic {
        Diagnostic::new(rule, pointer, self.doc.key_range(pointer), message)
    }
    /// A finding about the value at `pointer`.
    pub fn at_value(&self, rule: Rule, pointer: &str, message: impl Into<String>) -> Diagnostic {
        Diagnostic::new(rule, pointer, self.doc.value_range(pointer), message)
    }
    /// A finding about a parameter: on its value in the file, else at the
    /// top, saying it was given from outside the file.
    pub(crate) fn at_param(&self, rule: Rule, value: &ParamValue, message: impl Into<String>) -> Diagnostic {
        let message = message.into();
        match value.pointer {
            Some(ptr) => self.at_value(rule, ptr, message),
            None => {
                Diagnostic::new(rule, "", self.top(), format!("{message} (given by chatlint.toml or the command line)"))
            }
        }
    }
    /// A fix that deletes the member at `pointer`.
    pub fn remove_fix(&self, pointer: &str, title: impl Into<String>) -> Option<Fix> {
        self.doc.removal(pointer).map(|e| Fix::safe(title, vec![e]))
    }
    pub fn replace_value(&self, pointer: &str, new_text: String) -> Vec<Edit> {
        vec![Edit { range: self.doc.value_range(pointer), new_text }]
    }
    /// An edit that adds a member to the object at `object`.
    pub fn insert(&self, object: &str, key: &str, value_json: &str) -> Option<Edit> {
        self.doc.insertion(self.text, object, key, value_json)
    }
}

/// Runs the check of every enabled rule over a document.
pub(crate) fn check(
    text: &str,
    doc: &Document,
    profile: &Profile,
    context: &RequestContext,
    params: &Params,
    enabled: RuleSet,
) -> Vec<Diagnostic> {
    let mut ctx = Ctx {
        text,
        doc,
        model: Model::get(doc.method),
        profile,
        context,
        params,
        diags: Vec::new(),
        space_type: None,
        mask: None,
        memberships: std::rc::Rc::new([]),
        users: std::rc::Rc::new([]),
    };
    ctx.memberships = ctx.list_memberships();
    ctx.users = ctx
        .memberships
        .iter()
        .filter_map(|(_, base, m)| {
            let user = m.get("member")?.as_object()?;
            Some((base.clone(), user, user.get("name").and_then(Value::as_str)))
        })
        .collect();
    ctx.space_type = doc.layout.space.and_then(|_| ctx.str_at(&ctx.space_field("spaceType")));
    ctx.mask = read_mask(&ctx);
    for rule in Rule::ALL {
        if let Stage::Check(check) = stage(rule)
            && enabled.contains(rule)
        {
            check(&mut ctx);
        }
    }
    ctx.diags
}

/// The update mask, for a method that takes one: the file's string, else
/// the one given from outside, else the paths of the fields the body sets
/// (what chatlint assumes, and says so: `parameter-not-given`).
fn read_mask(ctx: &Ctx) -> Option<Mask> {
    let table = ctx.doc.method.spec().mask?;
    if let Some(ptr) = ctx.doc.layout.param(ParamKey::UpdateMask) {
        let text = ctx.str_at(ptr)?;
        let node = ctx.doc.node(ptr)?;
        let token = ctx.text.get(node.value.start..node.value.end)?;
        return Some(Mask::read(
            text,
            Some((token, node.value.start)),
            node.value,
            mask::Source::File(ptr.into()),
            table,
        ));
    }
    if let Some(given) = &ctx.params.update_mask {
        return Some(Mask::read(given, None, ctx.top(), mask::Source::Given, table));
    }
    let updated = ctx.updated()?;
    let set: Vec<&str> = table
        .list
        .iter()
        .filter(|p| !p.heading && !p.body.is_empty() && ctx.get(&format!("{updated}{}", p.body)).is_some())
        .map(|p| p.path)
        .collect();
    Some(Mask::read(&set.join(","), None, ctx.top(), mask::Source::Assumed, table))
}

/// `prefix{id}` with a non-empty id that has no further `/`.
pub(crate) fn is_resource_name(value: &str, prefix: &str) -> bool {
    // Whitespace as `char::is_whitespace` has it, the ASCII part by byte.
    let blank = |id: &str| {
        id.bytes().any(|b| matches!(b, b'\t' | b'\n' | 0x0b | 0x0c | b'\r' | b' '))
            || (!id.is_ascii() && id.chars().any(char::is_whitespace))
    };
    value.strip_prefix(prefix).is_some_and(|id| !id.is_empty() && !id.contains('/') && !blank(id))
}
