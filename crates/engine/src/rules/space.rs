//! Rules about the Space: its type, name, details, settings and the fields
//! a request may set, wherever the request's form keeps its Space (`/space`
//! in spaces.setup and in UpdateSpaceRequest, the top level in a
//! spaces.create or spaces.patch body): rules ask `Ctx::space_field`.

use super::update::masked_or_not_update;
use super::{Ctx, is_resource_name};
use crate::catalogue::Rule;
use crate::method::Phase;
use crate::settings::Auth;

pub fn display_name_required(ctx: &mut Ctx) {
    let name_ptr = ctx.space_field("displayName");
    if ctx.space_type() != Some("SPACE") || ctx.str_at(&name_ptr).is_some() {
        return;
    }
    let msg = if ctx.doc.node(&name_ptr).is_some() {
        "a named space (`SPACE`) needs a non-empty `displayName`"
    } else {
        "a named space (`SPACE`) needs a `displayName`"
    };
    let d = ctx
        .at_value(Rule::DisplayNameRequired, &name_ptr, msg)
        .with_help("add a `displayName` of up to 128 characters, or choose another `spaceType`");
    ctx.report(d);
}

pub fn display_name_blank(ctx: &mut Ctx) {
    let name_ptr = ctx.space_field("displayName");
    if ctx.space_type() != Some("SPACE") || !ctx.str_at(&name_ptr).is_some_and(|n| n.trim().is_empty()) {
        return;
    }
    let d = ctx
        .at_value(Rule::DisplayNameBlank, &name_ptr, "`displayName` is only white space")
        .with_help("give the space a visible name");
    ctx.report(d);
}

pub fn display_name_forbidden(ctx: &mut Ctx) {
    let st = ctx.space_type();
    let name_ptr = ctx.space_field("displayName");
    let kind = match st {
        Some("DIRECT_MESSAGE") => "a direct message",
        Some("GROUP_CHAT") => "a group chat",
        _ => return,
    };
    if ctx.str_at(&name_ptr).is_none() {
        return;
    }
    let mut d = ctx
        .at_key(
            Rule::DisplayNameForbidden,
            &name_ptr,
            format!("{kind} (`{}`) must not set `displayName`", st.unwrap_or_default()),
        )
        .with_help("remove `displayName`, or set `spaceType` to `SPACE` for a named space");
    if let Some(fix) = ctx.remove_fix(&name_ptr, "Remove `displayName`") {
        d = d.with_fix(fix);
    }
    ctx.report(d);
}

pub fn space_details_forbidden(ctx: &mut Ctx) {
    let details_ptr = ctx.space_field("spaceDetails");
    if ctx.space_type() != Some("DIRECT_MESSAGE") || ctx.get(&details_ptr).is_none() {
        return;
    }
    let mut d = ctx
        .at_key(
            Rule::SpaceDetailsForbidden,
            &details_ptr,
            "a direct message (`DIRECT_MESSAGE`) must not set `spaceDetails`",
        )
        .with_help("remove `spaceDetails`");
    if let Some(fix) = ctx.remove_fix(&details_ptr, "Remove `spaceDetails`") {
        d = d.with_fix(fix);
    }
    ctx.report(d);
}

pub fn bot_dm_flag_misused(ctx: &mut Ctx) {
    let st = ctx.space_type();
    let bot_ptr = ctx.space_field("singleUserBotDm");
    if !ctx.is_true(&bot_ptr) || st.is_none() || st == Some("DIRECT_MESSAGE") {
        return;
    }
    let d = ctx
        .at_value(
            Rule::BotDmFlagMisused,
            &bot_ptr,
            format!(
                "`singleUserBotDm` only applies to a direct message, but `spaceType` is `{}`",
                st.unwrap_or_default()
            ),
        )
        .with_help("remove `singleUserBotDm`, or set `spaceType` to `DIRECT_MESSAGE` for a DM with the calling app");
    ctx.report(d);
}

pub fn bot_dm_on_create(ctx: &mut Ctx) {
    let bot_ptr = ctx.space_field("singleUserBotDm");
    if !ctx.is_true(&bot_ptr) {
        return;
    }
    let d = ctx
        .at_value(Rule::BotDmOnCreate, &bot_ptr, "spaces.create cannot create a direct message with the calling app")
        .with_help("use spaces.setup with `spaceType: DIRECT_MESSAGE` and `singleUserBotDm: true`");
    ctx.report(d);
}

pub fn create_space_type(ctx: &mut Ctx) {
    let st_ptr = ctx.space_field("spaceType");
    let import = ctx.is_true(&ctx.space_field("importMode"));
    let d = match ctx.space_type() {
        Some("DIRECT_MESSAGE") => ctx
            .at_value(Rule::CreateSpaceType, &st_ptr, "spaces.create does not support `DIRECT_MESSAGE`")
            .with_help("use spaces.setup to create a direct message"),
        Some("GROUP_CHAT") if !import => ctx
            .at_value(Rule::CreateSpaceType, &st_ptr, "spaces.create accepts `GROUP_CHAT` only with `importMode: true`")
            .with_help(
                "set `importMode` to true to import a group chat, or use spaces.setup to create one with members",
            ),
        _ => return,
    };
    ctx.report(d);
}

pub fn display_name_too_long(ctx: &mut Ctx) {
    let max = ctx.profile.display_name_max;
    too_long(ctx, Rule::DisplayNameTooLong, "displayName", max);
}

pub fn description_too_long(ctx: &mut Ctx) {
    let max = ctx.profile.description_max;
    too_long(ctx, Rule::DescriptionTooLong, "spaceDetails/description", max);
}

pub fn guidelines_too_long(ctx: &mut Ctx) {
    let max = ctx.profile.guidelines_max;
    too_long(ctx, Rule::GuidelinesTooLong, "spaceDetails/guidelines", max);
}

/// Characters are Unicode scalar values; the documents do not say how
/// Google counts them, so the messages say how chatlint does.
fn too_long(ctx: &mut Ctx, rule: Rule, field: &str, max: usize) {
    let ptr = ctx.space_field(field);
    let Some(text) = ctx.str_at(&ptr) else { return };
    if !masked_or_not_update(ctx, &format!("/{field}")) {
        return;
    }
    let n = text.chars().count();
    if n <= max {
        return;
    }
    let leaf = field.rsplit('/').next().unwrap_or(field);
    let d = ctx
        .at_value(
            rule,
            &ptr,
            format!("`{leaf}` has {n} characters; the limit is {max} (profile `{}`)", ctx.profile.name),
        )
        .with_help(format!(
            "shorten it by {} character{} (counted as Unicode scalar values)",
            n - max,
            if n - max == 1 { "" } else { "s" }
        ));
    ctx.report(d);
}

pub fn space_name_ignored(ctx: &mut Ctx) {
    let name_ptr = ctx.space_field("name");
    let Some(name) = ctx.str_at(&name_ptr) else { return };
    let mut d = ctx
        .at_key(
            Rule::SpaceNameIgnored,
            &name_ptr,
            format!("the server assigns the space's resource name, so `name` (\"{name}\") is ignored"),
        )
        .with_help("remove `name`; the created space's name is in the response");
    if let Some(fix) = ctx.remove_fix(&name_ptr, "Remove `name`") {
        d = d.with_fix(fix);
    }
    ctx.report(d);
}

pub fn create_time_without_import(ctx: &mut Ctx) {
    let ct_ptr = ctx.space_field("createTime");
    if ctx.get(&ct_ptr).is_none() || ctx.is_true(&ctx.space_field("importMode")) {
        return;
    }
    let d = ctx
        .at_key(
            Rule::CreateTimeWithoutImport,
            &ct_ptr,
            "`createTime` is output only unless the space is created in import mode",
        )
        .with_help("remove `createTime`, or set `importMode: true` when importing a space");
    ctx.report(d);
}

pub fn threaded_replies(ctx: &mut Ctx) {
    let threading = ctx.space_field("spaceThreadingState");
    let threaded = ctx.space_field("threaded");
    let ptr = if ctx.str_at(&threading) == Some("THREADED_MESSAGES") {
        threading
    } else if ctx.is_true(&threaded) {
        threaded
    } else {
        return;
    };
    let mut d = ctx
        .at_value(Rule::ThreadedReplies, &ptr, "spaces.setup does not support spaces with threaded replies")
        .with_help("remove the threading field; the request cannot ask for threaded replies");
    if let Some(fix) = ctx.remove_fix(&ptr, "Remove the threading field") {
        d = d.with_fix(fix);
    }
    ctx.report(d);
}

pub fn customer_format(ctx: &mut Ctx) {
    let ptr = ctx.space_field("customer");
    let Some(v) = ctx.str_at(&ptr) else { return };
    if is_resource_name(v, "customers/") {
        return;
    }
    let d = ctx
        .at_value(
            Rule::CustomerFormat,
            &ptr,
            format!("`customer` must look like `customers/{{customer}}`, found \"{v}\""),
        )
        .with_help("use `customers/{customer}` with the customer ID, or `customers/my_customer`");
    ctx.report(d);
}

/// `customer` is only for creating a named space with app authentication.
pub fn customer_not_applicable(ctx: &mut Ctx) {
    let ptr = ctx.space_field("customer");
    if ctx.str_at(&ptr).is_none() {
        return;
    }
    let spec = ctx.doc.method.spec();
    let d = if !spec.auth.app {
        ctx.at_key(
            Rule::CustomerNotApplicable,
            &ptr,
            format!("`customer` should not be set here: {} uses user authentication", spec.name),
        )
        .with_help("remove `customer`; it is only for spaces.create with app authentication")
    } else {
        let is_space = ctx.space_type() == Some("SPACE");
        if ctx.context.auth != Some(Auth::User) && is_space {
            return;
        }
        let why = if is_space { "with user authentication" } else { "for a space that is not `SPACE`" };
        ctx.at_key(Rule::CustomerNotApplicable, &ptr, format!("`customer` should not be set {why}"))
            .with_help("remove `customer`")
    };
    ctx.report(d);
}

pub fn customer_required(ctx: &mut Ctx) {
    let ptr = ctx.space_field("customer");
    if ctx.context.auth != Some(Auth::App) || ctx.space_type() != Some("SPACE") || ctx.str_at(&ptr).is_some() {
        return;
    }
    let d = ctx
        .at_value(Rule::CustomerRequired, &ptr, "with app authentication, creating a `SPACE` requires `customer`")
        .with_help("add `\"customer\": \"customers/{customer}\"` (or `customers/my_customer`)");
    ctx.report(d);
}

pub fn predefined_permissions_non_space(ctx: &mut Ctx) {
    let st = ctx.space_type();
    let predefined = ctx.space_field("predefinedPermissionSettings");
    if ctx.get(&predefined).is_none() || st.is_none() || st == Some("SPACE") {
        return;
    }
    let d = ctx
        .at_key(
            Rule::PredefinedPermissionsNonSpace,
            &predefined,
            format!(
                "`predefinedPermissionSettings` is only for named spaces, but `spaceType` is `{}`",
                st.unwrap_or_default()
            ),
        )
        .with_help("remove it, or set `spaceType` to `SPACE`");
    ctx.report(d);
}

pub fn permission_settings_on_create(ctx: &mut Ctx) {
    let perms = ctx.space_field("permissionSettings");
    if ctx.get(&perms).is_none() {
        return;
    }
    let d = ctx
        .at_key(
            Rule::PermissionSettingsOnCreate,
            &perms,
            "`permissionSettings` is for updating an existing space; when creating one, use `predefinedPermissionSettings`",
        )
        .with_help("replace it with `predefinedPermissionSettings` (`COLLABORATION_SPACE` or `ANNOUNCEMENT_SPACE`), then adjust settings with spaces.patch");
    ctx.report(d);
}

pub fn access_settings_non_space(ctx: &mut Ctx) {
    let st = ctx.space_type();
    let access = ctx.space_field("accessSettings");
    if ctx.get(&access).is_none() || st.is_none() || st == Some("SPACE") {
        return;
    }
    let d = ctx
        .at_key(
            Rule::AccessSettingsNonSpace,
            &access,
            format!("`accessSettings` applies to named spaces, but `spaceType` is `{}`", st.unwrap_or_default()),
        )
        .with_help("remove `accessSettings`");
    ctx.report(d);
}

/// Wherever an audience is named: the space's target audience, and each
/// principal of the access permission settings (spaces.patch).
pub fn audience_format(ctx: &mut Ctx) {
    let mut named: Vec<(String, &str, &str)> = Vec::new();
    let audience = ctx.space_field("accessSettings/audience");
    if let Some(a) = ctx.str_at(&audience).filter(|_| masked_or_not_update(ctx, "/accessSettings/audience")) {
        named.push((audience, a, "`audience`"));
    }
    for setting in super::update::ACCESS_PERMISSION_SETTINGS {
        if !masked_or_not_update(ctx, &format!("/accessSettings/accessPermissionSettings/{setting}")) {
            continue;
        }
        for (i, a) in super::update::audiences(ctx, setting) {
            let at = format!("accessSettings/accessPermissionSettings/{setting}/principals/{i}/audience/name");
            named.push((ctx.space_field(&at), a, "a principal's `audience.name`"));
        }
    }
    for (pointer, a, what) in named.into_iter().filter(|(_, a, _)| !is_resource_name(a, "audiences/")) {
        let d = ctx
            .at_value(
                Rule::AudienceFormat,
                &pointer,
                format!("{what} must look like `audiences/{{audience}}`, found \"{a}\""),
            )
            .with_help(
                "use the audience's resource name, or `audiences/default` for the organisation's default audience",
            );
        ctx.report(d);
    }
}

pub fn audience_app_auth(ctx: &mut Ctx) {
    if ctx.context.auth != Some(Auth::App) {
        return;
    }
    let audience = ctx.space_field("accessSettings/audience");
    let d = if ctx.doc.method.spec().phase == Phase::Update {
        // An update changes the audience when the mask says so, value or not.
        let Some(p) = ctx.mask().and_then(|m| m.paths.iter().find(|p| p.normalized == "access_settings.audience"))
        else {
            return;
        };
        let (pointer, range) = match ctx.mask().map(|m| &m.source) {
            Some(crate::mask::Source::File(ptr)) => (ptr.clone(), p.range),
            _ => (String::new(), ctx.top()),
        };
        crate::diagnostic::Diagnostic::new(
            Rule::AudienceAppAuth,
            pointer,
            range,
            "updating the target audience is not supported with app authentication",
        )
        .with_help("send the update with user authentication")
    } else {
        if ctx.str_at(&audience).is_none() {
            return;
        }
        ctx.at_key(Rule::AudienceAppAuth, &audience, "setting the target audience requires user authentication")
            .with_help("remove `accessSettings.audience`, or send the request with user authentication")
    };
    ctx.report(d);
}

pub fn access_permission_settings_on_create(ctx: &mut Ctx) {
    let app = ctx.space_field("accessSettings/accessPermissionSettings");
    if ctx.get(&app).is_none() {
        return;
    }
    let d = ctx
        .at_key(
            Rule::AccessPermissionSettingsOnCreate,
            &app,
            "when creating a space, set the target audience with `accessSettings.audience`, not `accessPermissionSettings`",
        )
        .with_help("use `accessSettings.audience`; change access permission settings later with spaces.patch");
    ctx.report(d);
}

pub fn external_user_allowed_consumer(ctx: &mut Ctx) {
    let external = ctx.space_field("externalUserAllowed");
    if ctx.get(&external).is_none() || ctx.context.consumer_account != Some(true) {
        return;
    }
    let d = ctx
        .at_key(
            Rule::ExternalUserAllowedConsumer,
            &external,
            "omit `externalUserAllowed` when the calling user has a consumer account",
        )
        .with_help("remove `externalUserAllowed`");
    ctx.report(d);
}

pub fn import_mode_in_setup(ctx: &mut Ctx) {
    let import = ctx.space_field("importMode");
    if !ctx.is_true(&import) {
        return;
    }
    let d = ctx
        .at_key(Rule::ImportModeInSetup, &import, "import mode is documented for spaces.create, not spaces.setup")
        .with_help("create import-mode spaces with spaces.create");
    ctx.report(d);
}

pub fn import_mode_app_auth(ctx: &mut Ctx) {
    let import = ctx.space_field("importMode");
    if !ctx.is_true(&import) || ctx.context.auth != Some(Auth::App) {
        return;
    }
    let d = ctx
        .at_key(Rule::ImportModeAppAuth, &import, "creating a space in import mode requires user authentication")
        .with_help("send the request with user authentication and the `chat.import` scope");
    ctx.report(d);
}

pub fn complete_import_app_auth(ctx: &mut Ctx) {
    if ctx.context.auth != Some(Auth::App) {
        return;
    }
    let d = crate::diagnostic::Diagnostic::new(
        Rule::CompleteImportAppAuth,
        "",
        ctx.top(),
        "completing an import requires user authentication (with domain-wide delegation)",
    )
    .with_help("send it as a user, through domain-wide delegation, with the `chat.import` scope");
    ctx.report(d);
}
