//! Rules about who a request adds: how many memberships each kind of space
//! takes, and what each membership must name.

use super::{Ctx, UserAt, is_resource_name};
use crate::catalogue::Rule;
use crate::diagnostic::{Applicability, Diagnostic, Fix};
use crate::method::Memberships;
use crate::value::{Map, Value};
use rustc_hash::FxHashMap;
use std::rc::Rc;

/// Each membership's pointer and object, in order.
fn each<'a>(ctx: &Ctx<'a>) -> impl Iterator<Item = (Rc<str>, &'a Map)> + use<'a> {
    let all = ctx.each_membership();
    (0..all.len()).map(move |i| (all[i].1.clone(), all[i].2))
}

/// A count finding at the list of memberships; without one, at the space
/// type that needs them.
fn count_finding(ctx: &Ctx, rule: Rule, msg: String) -> Diagnostic {
    let ptr = ctx.memberships_pointer().unwrap_or_default();
    if ctx.doc.node(ptr).is_some() {
        ctx.at_key(rule, ptr, msg)
    } else {
        Diagnostic::new(rule, ptr, ctx.doc.value_range(&ctx.space_field("spaceType")), msg)
    }
}

fn is_bot_dm(ctx: &Ctx) -> bool {
    ctx.space_type() == Some("DIRECT_MESSAGE") && ctx.is_true(&ctx.space_field("singleUserBotDm"))
}

pub fn bot_dm_memberships(ctx: &mut Ctx) {
    let n = ctx.memberships().len();
    if !is_bot_dm(ctx) || n == 0 {
        return;
    }
    let ptr = ctx.memberships_pointer().unwrap_or_default();
    let d = ctx
        .at_key(
            Rule::BotDmMemberships,
            ptr,
            format!("a direct message with the calling app (`singleUserBotDm: true`) takes no memberships, found {n}"),
        )
        .with_help("remove `memberships`; the calling user and the app are the two members");
    let d = match ctx.remove_fix(ptr, "Remove `memberships`") {
        Some(fix) => d.with_fix(Fix { applicability: Applicability::Unsafe, ..fix }),
        None => d,
    };
    ctx.report(d);
}

pub fn dm_membership_count(ctx: &mut Ctx) {
    let n = ctx.memberships().len();
    if ctx.space_type() != Some("DIRECT_MESSAGE") || is_bot_dm(ctx) || n == 1 {
        return;
    }
    let d = count_finding(
        ctx,
        Rule::DmMembershipCount,
        format!("a direct message between two people needs exactly one membership (the other person), found {n}"),
    )
    .with_help(
        "list only the other person; the calling user is added automatically. For more people, use `GROUP_CHAT`",
    );
    ctx.report(d);
}

pub fn group_chat_membership_count(ctx: &mut Ctx) {
    let n = ctx.memberships().len();
    if ctx.space_type() != Some("GROUP_CHAT") || n >= 2 {
        return;
    }
    let d = count_finding(
        ctx,
        Rule::GroupChatMembershipCount,
        format!("a group chat needs at least two memberships besides the caller, found {n}"),
    )
    .with_help("add more people, or use `DIRECT_MESSAGE` for a conversation with one person");
    ctx.report(d);
}

pub fn too_many_memberships(ctx: &mut Ctx) {
    let n = ctx.memberships().len();
    let max = ctx.profile.max_memberships;
    if n <= max {
        return;
    }
    let first_extra = format!("{}/{max}", ctx.memberships_pointer().unwrap_or_default());
    let d = ctx
        .at_value(
            Rule::TooManyMemberships,
            &first_extra,
            format!("{n} memberships is more than the {max} a setup request allows (profile `{}`)", ctx.profile.name),
        )
        .with_help(format!(
            "remove {} membership{} and add them later with spaces.members.create",
            n - max,
            if n - max == 1 { "" } else { "s" }
        ));
    ctx.report(d);
}

pub fn membership_member_missing(ctx: &mut Ctx) {
    let missing: Vec<Rc<str>> = each(ctx)
        .filter(|(_, m)| !m.contains_key("member") && !m.contains_key("groupMember"))
        .map(|(p, _)| p)
        .collect();
    for base in missing {
        let d = ctx
            .at_value(
                Rule::MembershipMemberMissing,
                &base,
                "a membership needs a `member` (a user) or a `groupMember` (a Google group)",
            )
            .with_help("add `\"member\": {\"name\": \"users/{user}\", \"type\": \"HUMAN\"}`");
        ctx.report(d);
    }
}

pub fn group_member_not_allowed(ctx: &mut Ctx) {
    let st = ctx.space_type();
    let groups: Vec<String> =
        each(ctx).filter(|(_, m)| m.contains_key("groupMember")).map(|(p, _)| format!("{p}/groupMember")).collect();
    for gptr in groups {
        let d = if !ctx.profile.google_groups {
            ctx.at_key(
                Rule::GroupMemberNotAllowed,
                &gptr,
                format!(
                    "Google groups cannot be added by spaces.setup in the `{}` profile's API revision",
                    ctx.profile.name
                ),
            )
            .with_help("add the group's members as users, or choose the `current` profile")
        } else if st.is_some() && st != Some("SPACE") {
            ctx.at_key(
                Rule::GroupMemberNotAllowed,
                &gptr,
                format!(
                    "Google groups can only be added to named spaces (`SPACE`), but `spaceType` is `{}`",
                    st.unwrap_or_default()
                ),
            )
            .with_help("add the people as `member`s, or set `spaceType` to `SPACE`")
        } else {
            continue;
        };
        ctx.report(d);
    }
}

pub fn membership_field_ignored(ctx: &mut Ctx) {
    let found: Vec<(String, &str)> = each(ctx)
        .flat_map(|(base, m)| {
            ["name", "role", "createTime", "deleteTime"]
                .into_iter()
                .filter(move |f| m.contains_key(f))
                .map(move |f| (format!("{base}/{f}"), f))
        })
        .collect();
    for (ptr, field) in found {
        let why = match field {
            "name" => "the server assigns a membership's name",
            "role" => "`role` can only be set by spaces.members.patch",
            _ => "it only applies when importing memberships into an import-mode space",
        };
        let which = match ctx.doc.layout.memberships {
            Memberships::One(_) => "a new membership",
            _ => "a setup membership",
        };
        let mut d = ctx
            .at_key(Rule::MembershipFieldIgnored, &ptr, format!("`{field}` has no effect in {which}: {why}"))
            .with_help(format!("remove `{field}`"));
        if let Some(fix) = ctx.remove_fix(&ptr, format!("Remove `{field}`")) {
            d = d.with_fix(fix);
        }
        ctx.report(d);
    }
}

/// Each user membership: its pointer, its `member` object and `member.name`.
fn users<'a>(ctx: &Ctx<'a>) -> impl Iterator<Item = UserAt<'a>> + use<'a> {
    let all = ctx.each_user();
    (0..all.len()).map(move |i| all[i].clone())
}

/// The `{user}` of a well-formed `users/{user}` that is not the app.
fn user_id(name: Option<&str>) -> Option<&str> {
    name.filter(|n| *n != "users/app" && is_resource_name(n, "users/")).map(|n| &n["users/".len()..])
}

pub fn user_name_format(ctx: &mut Ctx) {
    for (base, _, name) in users(ctx) {
        if name.is_some_and(|n| n == "users/app" || is_resource_name(n, "users/")) {
            continue;
        }
        let name_ptr = format!("{base}/member/name");
        let d = match name {
            None => ctx
                .at_value(Rule::UserNameFormat, &name_ptr, "`member.name` is required: `users/{user}`")
                .with_help("set it to `users/` followed by the user's ID or email address"),
            Some(n) if n != "users/app" && !is_resource_name(n, "users/") => {
                let mut d = ctx
                    .at_value(
                        Rule::UserNameFormat,
                        &name_ptr,
                        format!("`member.name` must look like `users/{{user}}`, found \"{n}\""),
                    )
                    .with_help("use `users/` followed by the People API or Directory API ID, or the email address");
                let id = n.strip_prefix("people/").filter(|id| is_resource_name(&format!("users/{id}"), "users/"));
                let replacement = match id {
                    Some(id) => Some(format!("users/{id}")),
                    None if n.contains('@') && !n.contains('/') => Some(format!("users/{n}")),
                    None => None,
                };
                if let Some(r) = replacement {
                    d = d.with_fix(Fix::safe(
                        format!("Replace with \"{r}\""),
                        // Escaped again: the name came from the file unescaped.
                        ctx.replace_value(&name_ptr, serde_json::to_string(&r).expect("a string serialises")),
                    ));
                }
                d
            }
            Some(_) => continue,
        };
        ctx.report(d);
    }
}

pub fn app_member_in_setup(ctx: &mut Ctx) {
    for (base, _, name) in users(ctx) {
        if name != Some("users/app") {
            continue;
        }
        let d = ctx
            .at_value(Rule::AppMemberInSetup, &format!("{base}/member/name"), "the calling app (`users/app`) cannot be a setup membership")
            .with_help("for a DM with the app, set `singleUserBotDm: true` with no memberships; to add the app to a space, use spaces.members.create");
        ctx.report(d);
    }
}

pub fn user_email_alias(ctx: &mut Ctx) {
    if ctx.profile.email_aliases {
        return;
    }
    for (base, _, name) in users(ctx) {
        if !user_id(name).is_some_and(|u| u.contains('@')) {
            continue;
        }
        let d = ctx
            .at_value(
                Rule::UserEmailAlias,
                &format!("{base}/member/name"),
                format!("the `{}` profile's API revision takes user IDs only, not email addresses", ctx.profile.name),
            )
            .with_help("use the People API person ID or the Directory API user ID");
        ctx.report(d);
    }
}

/// In the profiles that only invite people from the organisation, an email
/// outside the configured domain is an external user.
pub fn external_user(ctx: &mut Ctx) {
    let Some(domain) = ctx.context.domain.as_deref() else { return };
    if ctx.profile.external_users {
        return;
    }
    for (base, _, name) in users(ctx) {
        let Some(email) = user_id(name).filter(|u| u.contains('@')) else { continue };
        let user_domain = email.rsplit_once('@').map_or("", |(_, d)| d);
        if user_domain.eq_ignore_ascii_case(domain) {
            continue;
        }
        let d = ctx
            .at_value(
                Rule::ExternalUser,
                &format!("{base}/member/name"),
                format!(
                    "\"{email}\" is outside `{domain}`; the `{}` profile's API revision only invites in-domain users",
                    ctx.profile.name
                ),
            )
            .with_help("invite external users later, or choose the `current` profile");
        ctx.report(d);
    }
}

pub fn calling_user_listed(ctx: &mut Ctx) {
    let Some(caller) = ctx.context.caller.as_deref() else { return };
    let caller = caller.strip_prefix("users/").unwrap_or(caller);
    for (base, _, name) in users(ctx) {
        if !user_id(name).is_some_and(|u| caller.eq_ignore_ascii_case(u)) {
            continue;
        }
        let mut d = ctx
            .at_value(
                Rule::CallingUserListed,
                &format!("{base}/member/name"),
                "this is the calling user, who is added automatically and should not be listed",
            )
            .with_help("remove this membership");
        if let Some(fix) = ctx.remove_fix(&base, "Remove the calling user's membership") {
            d = d.with_fix(fix);
        }
        ctx.report(d);
    }
}

/// The same user or group named by two memberships: the second is reported.
pub fn duplicate_membership(ctx: &mut Ctx) {
    let all = ctx.each_membership();
    let mut seen: FxHashMap<&str, usize> = FxHashMap::with_capacity_and_hasher(all.len(), Default::default());
    let mut found: Vec<(Rc<str>, String, &str, usize)> = Vec::new();
    for (i, base, m) in all.iter() {
        let (i, m) = (*i, *m);
        let user = m.get("member").and_then(Value::as_object).and_then(|u| u.get("name")).and_then(Value::as_str);
        let group = m.get("groupMember").and_then(Value::as_object).and_then(|g| g.get("name")).and_then(Value::as_str);
        let names = [
            user_id(user).and(user).map(|n| (n, "member/name")),
            group.filter(|g| is_resource_name(g, "groups/")).map(|n| (n, "groupMember/name")),
        ];
        for (name, field) in names.into_iter().flatten() {
            if let Some(first) = seen.insert(name, i) {
                found.push((base.clone(), format!("{base}/{field}"), name, first));
            }
        }
    }
    for (base, name_ptr, name, first) in found {
        let mut d = ctx
            .at_value(
                Rule::DuplicateMembership,
                &name_ptr,
                format!("\"{name}\" is already listed at memberships[{first}]"),
            )
            .with_help("remove the repeated membership");
        if let Some(fix) = ctx.remove_fix(&base, "Remove the repeated membership") {
            d = d.with_fix(fix);
        }
        ctx.report(d);
    }
}

pub fn member_type_human(ctx: &mut Ctx) {
    for (base, user, name) in users(ctx) {
        let ty = user.get("type").and_then(Value::as_str);
        if ty == Some("HUMAN") {
            continue;
        }
        let type_ptr = format!("{base}/member/type");
        let msg = match ty {
            None => "`member.type` is required and must be `HUMAN`".to_string(),
            Some(t) => format!("setup memberships must be people (`HUMAN`), found `{t}`"),
        };
        let mut d = ctx
            .at_value(Rule::MemberTypeHuman, &type_ptr, msg)
            .with_help("set `\"type\": \"HUMAN\"`; apps cannot be added by spaces.setup");
        let edits = match ctx.doc.node(&type_ptr) {
            Some(_) => Some(ctx.replace_value(&type_ptr, "\"HUMAN\"".into())),
            None => ctx.insert(&format!("{base}/member"), "type", "\"HUMAN\"").map(|e| vec![e]),
        };
        // The calling app is no person: app-member-in-setup says what to do instead.
        if let Some(edits) = edits.filter(|_| name != Some("users/app")) {
            let title = "Set `type` to \"HUMAN\"";
            // Turning a BOT into a HUMAN changes who is added; leaving the type out was an omission.
            d = d.with_fix(if ty == Some("BOT") { Fix::unsafe_(title, edits) } else { Fix::safe(title, edits) });
        }
        ctx.report(d);
    }
}

/// Each group membership's `groupMember/name` pointer and value.
fn groups<'a>(ctx: &Ctx<'a>) -> Vec<(String, Option<&'a str>)> {
    each(ctx)
        .filter(|(_, m)| m.contains_key("groupMember"))
        .map(|(base, m)| {
            let name = m.get("groupMember").and_then(Value::as_object).and_then(|g| g.get("name"));
            (format!("{base}/groupMember/name"), name.and_then(Value::as_str))
        })
        .collect()
}

pub fn group_name_format(ctx: &mut Ctx) {
    for (name_ptr, name) in groups(ctx) {
        let d = match name {
            None => ctx
                .at_value(Rule::GroupNameFormat, &name_ptr, "`groupMember.name` is required: `groups/{group}`")
                .with_help("set it to `groups/` followed by the Cloud Identity group ID"),
            Some(n) if !is_resource_name(n, "groups/") => ctx
                .at_value(
                    Rule::GroupNameFormat,
                    &name_ptr,
                    format!("`groupMember.name` must look like `groups/{{group}}`, found \"{n}\""),
                )
                .with_help("use `groups/` followed by the Cloud Identity Groups API group ID"),
            Some(_) => continue,
        };
        ctx.report(d);
    }
}

pub fn group_email(ctx: &mut Ctx) {
    for (name_ptr, name) in groups(ctx) {
        if !name.is_some_and(|n| is_resource_name(n, "groups/") && n.contains('@')) {
            continue;
        }
        let d = ctx
            .at_value(
                Rule::GroupEmail,
                &name_ptr,
                "a group's email address cannot name it; use its Cloud Identity group ID",
            )
            .with_help("look the ID up with the Cloud Identity Groups API (groups.lookup)");
        ctx.report(d);
    }
}

/// spaces.members.create: `member.type` says what the name names: a person
/// (`HUMAN`, `users/{user}`) or the calling app (`BOT`, `users/app`).
pub fn member_type(ctx: &mut Ctx) {
    for (base, user, name) in users(ctx) {
        let ty = user.get("type").and_then(Value::as_str);
        let is_app = name == Some("users/app");
        let want = if is_app { "BOT" } else { "HUMAN" };
        let type_ptr = format!("{base}/member/type");
        let (msg, fix) = match (ty, is_app) {
            (None, _) => (
                "`member.type` is required: `HUMAN` for a person, `BOT` for the calling app (`users/app`)".to_string(),
                true,
            ),
            (Some("BOT"), false) => (
                "only the calling app (`users/app`) can be added as `BOT`: creating memberships for other Chat apps isn't supported".to_string(),
                false,
            ),
            (Some(t), true) if t != "BOT" => (format!("the calling app (`users/app`) must have `type: BOT`, found `{t}`"), true),
            _ => continue,
        };
        let mut d = ctx
            .at_value(Rule::MemberType, &type_ptr, msg)
            .with_help(format!("set `\"type\": \"{want}\"` for `{}`", name.unwrap_or("users/{user}")));
        if fix {
            let edits = match ctx.doc.node(&type_ptr) {
                Some(_) => Some(ctx.replace_value(&type_ptr, format!("\"{want}\""))),
                None => ctx.insert(&format!("{base}/member"), "type", &format!("\"{want}\"")).map(|e| vec![e]),
            };
            if let Some(edits) = edits {
                d = d.with_fix(Fix::safe(format!("Set `type` to \"{want}\""), edits));
            }
        }
        ctx.report(d);
    }
}

/// Whether the request authenticates as the app ([context] auth = "app").
fn app_auth(ctx: &Ctx) -> bool {
    ctx.context.auth == Some(crate::settings::Auth::App)
}

/// Whether the request uses admin access (`useAdminAccess: true`).
fn admin_access(ctx: &Ctx) -> bool {
    ctx.param(crate::method::ParamKey::UseAdminAccess).is_some_and(|v| v.text == "true")
}

/// Reports `rule` at the name of each membership that adds the calling app.
fn at_app_members(ctx: &mut Ctx, rule: Rule, message: &str, help: &str) {
    for (base, _, name) in users(ctx) {
        if name == Some("users/app") {
            let d = ctx.at_value(rule, &format!("{base}/member/name"), message).with_help(help);
            ctx.report(d);
        }
    }
}

/// Reports `rule` at the name of each user outside the configured domain,
/// with the message `message(email, domain)` gives.
fn at_external_users(ctx: &mut Ctx, rule: Rule, message: impl Fn(&str, &str) -> String, help: &str) {
    let domain = ctx.context.domain.clone().unwrap_or_default();
    let mut found = Vec::new();
    for (base, _, name) in users(ctx) {
        let Some(email) = external_email(ctx, name) else { continue };
        found.push(ctx.at_value(rule, &format!("{base}/member/name"), message(email, &domain)).with_help(help));
    }
    ctx.diags.extend(found);
}

pub fn app_member_app_auth(ctx: &mut Ctx) {
    if app_auth(ctx) {
        at_app_members(
            ctx,
            Rule::AppMemberAppAuth,
            "adding the calling app to a space requires user authentication",
            "send it as a user, with the `chat.memberships.app` scope",
        );
    }
}

pub fn group_member_app_auth(ctx: &mut Ctx) {
    if !app_auth(ctx) {
        return;
    }
    let groups: Vec<String> =
        each(ctx).filter(|(_, m)| m.contains_key("groupMember")).map(|(p, _)| format!("{p}/groupMember")).collect();
    for gptr in groups {
        let d = ctx
            .at_key(Rule::GroupMemberAppAuth, &gptr, "adding a Google group to a space requires user authentication")
            .with_help("send it as a user, with the `chat.memberships` scope");
        ctx.report(d);
    }
}

/// The email of a `users/{email}` outside the configured domain.
fn external_email<'a>(ctx: &Ctx, name: Option<&'a str>) -> Option<&'a str> {
    let domain = ctx.context.domain.as_deref()?;
    let email = user_id(name).filter(|u| u.contains('@'))?;
    let user_domain = email.rsplit_once('@').map_or("", |(_, d)| d);
    (!user_domain.eq_ignore_ascii_case(domain)).then_some(email)
}

pub fn external_user_app_auth(ctx: &mut Ctx) {
    if app_auth(ctx) {
        at_external_users(
            ctx,
            Rule::ExternalUserAppAuth,
            |email, domain| {
                format!(
                    "\"{email}\" is outside `{domain}`: inviting users external to the organisation requires user authentication"
                )
            },
            "send it as a user",
        );
    }
}

pub fn admin_access_app_member(ctx: &mut Ctx) {
    if admin_access(ctx) {
        at_app_members(
            ctx,
            Rule::AdminAccessAppMember,
            "creating app memberships isn't supported using admin access",
            "add the app as a space member, without `useAdminAccess`",
        );
    }
}

pub fn admin_access_external_user(ctx: &mut Ctx) {
    if admin_access(ctx) {
        at_external_users(
            ctx,
            Rule::AdminAccessExternalUser,
            |email, _| {
                format!(
                    "\"{email}\" is outside the organisation: creating memberships for external users isn't supported using admin access"
                )
            },
            "invite them without `useAdminAccess`",
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::fix::fix_text;
    use crate::{Method, Request, Settings};

    /// The `users/` fix writes the name back as JSON: an escaped control
    /// character stays escaped (found by the `fixes` fuzz target).
    #[test]
    fn the_users_prefix_fix_keeps_escapes() {
        let text = r#"{"parent": "spaces/AAAA", "membership": {"member": {"name": "\u0000sam@example.com", "type": "HUMAN"}}}"#;
        let fixed = fix_text(&Request::new(text, Some(Method::MembersCreate), None), &Settings::default(), false);
        assert_eq!(fixed.applied, 1, "{}", fixed.text);
        assert!(fixed.text.contains(r#""name": "users/\u0000sam@example.com""#), "{}", fixed.text);
        assert!(crate::json::parse(&fixed.text).is_ok(), "{}", fixed.text);
    }
}
