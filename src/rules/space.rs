//! Rules about the Space: its type, name, details, settings and the fields
//! each method accepts. Shared by spaces.setup (`/space/...`) and
//! spaces.create (the body is the Space).

use super::Ctx;
use crate::method::Method;
use crate::settings::Auth;

pub fn check(ctx: &mut Ctx) {
    space_type_rules(ctx);
    lengths(ctx);
    ignored_fields(ctx);
    customer(ctx);
    permissions_and_access(ctx);
    import_and_history(ctx);
}

fn space_type_rules(ctx: &mut Ctx) {
    let st = ctx.space_type();
    let name_ptr = ctx.space_field("displayName");
    let name = ctx.str_at(&name_ptr);
    if st == Some("SPACE") {
        match name {
            None => {
                let msg = if ctx.doc.node(&name_ptr).is_some() {
                    "a named space (`SPACE`) needs a non-empty `displayName`"
                } else {
                    "a named space (`SPACE`) needs a `displayName`"
                };
                let d = ctx
                    .at_value("display-name-required", &name_ptr, msg)
                    .with_help("add a `displayName` of up to 128 characters, or choose another `spaceType`");
                ctx.report(d);
            }
            Some(n) if n.trim().is_empty() => {
                let d = ctx
                    .at_value("display-name-blank", &name_ptr, "`displayName` is only white space")
                    .with_help("give the space a visible name");
                ctx.report(d);
            }
            Some(_) => {}
        }
    }

    if ctx.method == Method::Setup {
        let (is_dm, is_group) = (st == Some("DIRECT_MESSAGE"), st == Some("GROUP_CHAT"));
        if (is_dm || is_group) && name.is_some() {
            let kind = if is_dm { "a direct message" } else { "a group chat" };
            let mut d = ctx
                .at_key(
                    "display-name-forbidden",
                    &name_ptr,
                    format!("{kind} (`{}`) must not set `displayName`", st.unwrap_or_default()),
                )
                .with_help("remove `displayName`, or set `spaceType` to `SPACE` for a named space");
            if let Some(fix) = ctx.remove_fix(&name_ptr, "Remove `displayName`") {
                d = d.with_fix(fix);
            }
            ctx.report(d);
        }
        let details_ptr = ctx.space_field("spaceDetails");
        if is_dm && ctx.get(&details_ptr).is_some() {
            let mut d = ctx
                .at_key(
                    "space-details-forbidden",
                    &details_ptr,
                    "a direct message (`DIRECT_MESSAGE`) must not set `spaceDetails`",
                )
                .with_help("remove `spaceDetails`");
            if let Some(fix) = ctx.remove_fix(&details_ptr, "Remove `spaceDetails`") {
                d = d.with_fix(fix);
            }
            ctx.report(d);
        }
    }

    let bot_ptr = ctx.space_field("singleUserBotDm");
    if ctx.is_true(&bot_ptr) {
        match ctx.method {
            Method::Setup if st.is_some() && st != Some("DIRECT_MESSAGE") => {
                let d = ctx
                    .at_value("bot-dm-flag-misused", &bot_ptr, format!("`singleUserBotDm` only applies to a direct message, but `spaceType` is `{}`", st.unwrap_or_default()))
                    .with_help("remove `singleUserBotDm`, or set `spaceType` to `DIRECT_MESSAGE` for a DM with the calling app");
                ctx.report(d);
            }
            Method::Create => {
                let d = ctx
                    .at_value(
                        "bot-dm-on-create",
                        &bot_ptr,
                        "spaces.create cannot create a direct message with the calling app",
                    )
                    .with_help("use spaces.setup with `spaceType: DIRECT_MESSAGE` and `singleUserBotDm: true`");
                ctx.report(d);
            }
            _ => {}
        }
    }

    if ctx.method == Method::Create {
        let st_ptr = ctx.space_field("spaceType");
        let import = ctx.is_true(&ctx.space_field("importMode"));
        match st {
            Some("DIRECT_MESSAGE") => {
                let d = ctx
                    .at_value("create-space-type", &st_ptr, "spaces.create does not support `DIRECT_MESSAGE`")
                    .with_help("use spaces.setup to create a direct message");
                ctx.report(d);
            }
            Some("GROUP_CHAT") if !import => {
                let d = ctx
                    .at_value("create-space-type", &st_ptr, "spaces.create accepts `GROUP_CHAT` only with `importMode: true`")
                    .with_help("set `importMode` to true to import a group chat, or use spaces.setup to create one with members");
                ctx.report(d);
            }
            _ => {}
        }
    }
}

/// Characters are Unicode scalar values; the documents do not say how
/// Google counts them, so the messages say how chatlint does.
fn lengths(ctx: &mut Ctx) {
    let limits = [
        ("displayName", "display-name-too-long", ctx.profile.display_name_max),
        ("spaceDetails/description", "description-too-long", ctx.profile.description_max),
        ("spaceDetails/guidelines", "guidelines-too-long", ctx.profile.guidelines_max),
    ];
    for (field, rule, max) in limits {
        let ptr = ctx.space_field(field);
        let Some(text) = ctx.str_at(&ptr) else { continue };
        let n = text.chars().count();
        if n > max {
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
    }
}

/// Fields the server assigns or that only an import may set.
fn ignored_fields(ctx: &mut Ctx) {
    let name_ptr = ctx.space_field("name");
    if let Some(name) = ctx.str_at(&name_ptr) {
        let mut d = ctx
            .at_key(
                "space-name-ignored",
                &name_ptr,
                format!("the server assigns the space's resource name, so `name` (\"{name}\") is ignored"),
            )
            .with_help("remove `name`; the created space's name is in the response");
        if let Some(fix) = ctx.remove_fix(&name_ptr, "Remove `name`") {
            d = d.with_fix(fix);
        }
        ctx.report(d);
    }
    let ct_ptr = ctx.space_field("createTime");
    if ctx.get(&ct_ptr).is_some() && !ctx.is_true(&ctx.space_field("importMode")) {
        let d = ctx
            .at_key(
                "create-time-without-import",
                &ct_ptr,
                "`createTime` is output only unless the space is created in import mode",
            )
            .with_help("remove `createTime`, or set `importMode: true` when importing a space");
        ctx.report(d);
    }
    if ctx.method == Method::Setup {
        let threading = ctx.space_field("spaceThreadingState");
        let threaded = ctx.space_field("threaded");
        let ptr = if ctx.str_at(&threading) == Some("THREADED_MESSAGES") {
            Some(threading)
        } else if ctx.is_true(&threaded) {
            Some(threaded)
        } else {
            None
        };
        if let Some(ptr) = ptr {
            let mut d = ctx
                .at_value("threaded-replies", &ptr, "spaces.setup does not support spaces with threaded replies")
                .with_help("remove the threading field; the request cannot ask for threaded replies");
            if let Some(fix) = ctx.remove_fix(&ptr, "Remove the threading field") {
                d = d.with_fix(fix);
            }
            ctx.report(d);
        }
    }
}

fn customer(ctx: &mut Ctx) {
    let ptr = ctx.space_field("customer");
    let value = ctx.str_at(&ptr);
    if let Some(v) = value
        && !is_resource_name(v, "customers/")
    {
        let d = ctx
            .at_value(
                "customer-format",
                &ptr,
                format!("`customer` must look like `customers/{{customer}}`, found \"{v}\""),
            )
            .with_help("use `customers/{customer}` with the customer ID, or `customers/my_customer`");
        ctx.report(d);
    }
    let app_auth = ctx.context.auth == Some(Auth::App);
    let is_space = ctx.space_type() == Some("SPACE");
    match (ctx.method, value) {
        (Method::Setup, Some(_)) => {
            let d = ctx
                .at_key(
                    "customer-not-applicable",
                    &ptr,
                    "`customer` should not be set here: spaces.setup uses user authentication",
                )
                .with_help("remove `customer`; it is only for spaces.create with app authentication");
            ctx.report(d);
        }
        (Method::Create, Some(_)) if ctx.context.auth == Some(Auth::User) || !is_space => {
            let why = if is_space { "with user authentication" } else { "for a space that is not `SPACE`" };
            let d = ctx
                .at_key("customer-not-applicable", &ptr, format!("`customer` should not be set {why}"))
                .with_help("remove `customer`");
            ctx.report(d);
        }
        (Method::Create, None) if app_auth && is_space => {
            let d = ctx
                .at_value("customer-required", &ptr, "with app authentication, creating a `SPACE` requires `customer`")
                .with_help("add `\"customer\": \"customers/{customer}\"` (or `customers/my_customer`)");
            ctx.report(d);
        }
        _ => {}
    }
}

fn permissions_and_access(ctx: &mut Ctx) {
    let st = ctx.space_type();
    let predefined = ctx.space_field("predefinedPermissionSettings");
    if ctx.get(&predefined).is_some() && st.is_some() && st != Some("SPACE") {
        let d = ctx
            .at_key(
                "predefined-permissions-non-space",
                &predefined,
                format!(
                    "`predefinedPermissionSettings` is only for named spaces, but `spaceType` is `{}`",
                    st.unwrap_or_default()
                ),
            )
            .with_help("remove it, or set `spaceType` to `SPACE`");
        ctx.report(d);
    }
    let perms = ctx.space_field("permissionSettings");
    if ctx.get(&perms).is_some() {
        let d = ctx
            .at_key("permission-settings-on-create", &perms, "`permissionSettings` is for updating an existing space; when creating one, use `predefinedPermissionSettings`")
            .with_help("replace it with `predefinedPermissionSettings` (`COLLABORATION_SPACE` or `ANNOUNCEMENT_SPACE`), then adjust settings with spaces.patch");
        ctx.report(d);
    }
    let access = ctx.space_field("accessSettings");
    if ctx.get(&access).is_some() && st.is_some() && st != Some("SPACE") {
        let d = ctx
            .at_key(
                "access-settings-non-space",
                &access,
                format!("`accessSettings` applies to named spaces, but `spaceType` is `{}`", st.unwrap_or_default()),
            )
            .with_help("remove `accessSettings`");
        ctx.report(d);
    }
    let audience = ctx.space_field("accessSettings/audience");
    if let Some(a) = ctx.str_at(&audience) {
        if !is_resource_name(a, "audiences/") {
            let d = ctx
                .at_value(
                    "audience-format",
                    &audience,
                    format!("`audience` must look like `audiences/{{audience}}`, found \"{a}\""),
                )
                .with_help(
                    "use the audience's resource name, or `audiences/default` for the organisation's default audience",
                );
            ctx.report(d);
        }
        if ctx.method == Method::Create && ctx.context.auth == Some(Auth::App) {
            let d = ctx
                .at_key("audience-app-auth", &audience, "setting the target audience requires user authentication")
                .with_help("remove `accessSettings.audience`, or send the request with user authentication");
            ctx.report(d);
        }
    }
    let app = ctx.space_field("accessSettings/accessPermissionSettings");
    if ctx.get(&app).is_some() {
        let d = ctx
            .at_key("access-permission-settings-on-create", &app, "when creating a space, set the target audience with `accessSettings.audience`, not `accessPermissionSettings`")
            .with_help("use `accessSettings.audience`; change access permission settings later with spaces.patch");
        ctx.report(d);
    }
    let external = ctx.space_field("externalUserAllowed");
    if ctx.get(&external).is_some() && ctx.context.consumer_account == Some(true) {
        let d = ctx
            .at_key(
                "external-user-allowed-consumer",
                &external,
                "omit `externalUserAllowed` when the calling user has a consumer account",
            )
            .with_help("remove `externalUserAllowed`");
        ctx.report(d);
    }
}

fn import_and_history(ctx: &mut Ctx) {
    let import = ctx.space_field("importMode");
    if !ctx.is_true(&import) {
        return;
    }
    match ctx.method {
        Method::Setup => {
            let d = ctx
                .at_key(
                    "import-mode-in-setup",
                    &import,
                    "import mode is documented for spaces.create, not spaces.setup",
                )
                .with_help("create import-mode spaces with spaces.create");
            ctx.report(d);
        }
        Method::Create if ctx.context.auth == Some(Auth::App) => {
            let d = ctx
                .at_key("import-mode-app-auth", &import, "creating a space in import mode requires user authentication")
                .with_help("send the request with user authentication and the `chat.import` scope");
            ctx.report(d);
        }
        Method::Create => {}
    }
}

/// `prefix{id}` with a non-empty id that has no further `/`.
pub fn is_resource_name(value: &str, prefix: &str) -> bool {
    value
        .strip_prefix(prefix)
        .is_some_and(|id| !id.is_empty() && !id.contains('/') && !id.chars().any(char::is_whitespace))
}
