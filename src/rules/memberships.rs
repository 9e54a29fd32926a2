//! Rules about spaces.setup's `memberships` and `requestId`: how many
//! members each kind of space takes, and what each membership must name.

use super::Ctx;
use super::space::is_resource_name;
use crate::diagnostic::{Applicability, Diagnostic, Fix};
use rustc_hash::FxHashMap;
use serde_json::{Map, Value};

pub fn check(ctx: &mut Ctx) {
    counts(ctx);
    let n = ctx.get("/memberships").and_then(Value::as_array).map_or(0, Vec::len);
    let mut seen: FxHashMap<&str, usize> = FxHashMap::default();
    for i in 0..n {
        membership(ctx, i, &mut seen);
    }
    request_id(ctx);
}

fn counts(ctx: &mut Ctx) {
    let list = ctx.get("/memberships").and_then(Value::as_array);
    let n = list.map_or(0, Vec::len);
    let st = ctx.space_type();
    let bot_dm = ctx.is_true("/space/singleUserBotDm");
    let ptr = "/memberships";
    // Without a `memberships` key, point at the space type that needs them.
    let count_finding = |ctx: &Ctx, rule: &'static str, msg: String| {
        if ctx.doc.node(ptr).is_some() {
            ctx.at_key(rule, ptr, msg)
        } else {
            Diagnostic::new(rule, ptr, ctx.doc.value_range("/space/spaceType"), msg)
        }
    };
    match st {
        Some("DIRECT_MESSAGE") if bot_dm && n > 0 => {
            let d = ctx
                .at_key("bot-dm-memberships", ptr, format!("a direct message with the calling app (`singleUserBotDm: true`) takes no memberships, found {n}"))
                .with_help("remove `memberships`; the calling user and the app are the two members");
            let d = match ctx.remove_fix(ptr, "Remove `memberships`") {
                Some(fix) => d.with_fix(Fix { applicability: Applicability::Unsafe, ..fix }),
                None => d,
            };
            ctx.report(d);
        }
        Some("DIRECT_MESSAGE") if !bot_dm && n != 1 => {
            let d = count_finding(ctx, "dm-membership-count", format!("a direct message between two people needs exactly one membership (the other person), found {n}"))
                .with_help("list only the other person; the calling user is added automatically. For more people, use `GROUP_CHAT`");
            ctx.report(d);
        }
        Some("GROUP_CHAT") if n < 2 => {
            let d = count_finding(
                ctx,
                "group-chat-membership-count",
                format!("a group chat needs at least two memberships besides the caller, found {n}"),
            )
            .with_help("add more people, or use `DIRECT_MESSAGE` for a conversation with one person");
            ctx.report(d);
        }
        _ => {}
    }
    let max = ctx.profile.max_memberships;
    if n > max {
        let first_extra = format!("/memberships/{max}");
        let d = ctx
            .at_value(
                "too-many-memberships",
                &first_extra,
                format!(
                    "{n} memberships is more than the {max} a setup request allows (profile `{}`)",
                    ctx.profile.name
                ),
            )
            .with_help(format!(
                "remove {} membership{} and add them later with spaces.members.create",
                n - max,
                if n - max == 1 { "" } else { "s" }
            ));
        ctx.report(d);
    }
}

fn membership<'a>(ctx: &mut Ctx<'a>, i: usize, seen: &mut FxHashMap<&'a str, usize>) {
    let base = format!("/memberships/{i}");
    let Some(m) = ctx.get(&base).and_then(Value::as_object) else { return };
    let st = ctx.space_type();
    let has_member = m.contains_key("member");
    let has_group = m.contains_key("groupMember");
    if !has_member && !has_group {
        let d = ctx
            .at_value(
                "membership-member-missing",
                &base,
                "a membership needs a `member` (a user) or a `groupMember` (a Google group)",
            )
            .with_help("add `\"member\": {\"name\": \"users/{user}\", \"type\": \"HUMAN\"}`");
        ctx.report(d);
    }

    if let Some(user) = m.get("member").and_then(Value::as_object) {
        member(ctx, user, &base, i, seen);
    }
    if has_group {
        let gptr = format!("{base}/groupMember");
        if !ctx.profile.google_groups {
            let d = ctx
                .at_key(
                    "group-member-not-allowed",
                    &gptr,
                    format!(
                        "Google groups cannot be added by spaces.setup in the `{}` profile's API revision",
                        ctx.profile.name
                    ),
                )
                .with_help("add the group's members as users, or choose the `current` profile");
            ctx.report(d);
        } else if st.is_some() && st != Some("SPACE") {
            let d = ctx
                .at_key(
                    "group-member-not-allowed",
                    &gptr,
                    format!(
                        "Google groups can only be added to named spaces (`SPACE`), but `spaceType` is `{}`",
                        st.unwrap_or_default()
                    ),
                )
                .with_help("add the people as `member`s, or set `spaceType` to `SPACE`");
            ctx.report(d);
        }
        group(ctx, &gptr, i, seen);
    }

    for field in ["name", "role", "createTime", "deleteTime"] {
        if !m.contains_key(field) {
            continue;
        }
        let ptr = format!("{base}/{field}");
        let why = match field {
            "name" => "the server assigns a membership's name",
            "role" => "`role` can only be set by spaces.members.patch",
            _ => "it only applies when importing memberships into an import-mode space",
        };
        let mut d = ctx
            .at_key("membership-field-ignored", &ptr, format!("`{field}` has no effect in a setup membership: {why}"))
            .with_help(format!("remove `{field}`"));
        if let Some(fix) = ctx.remove_fix(&ptr, format!("Remove `{field}`")) {
            d = d.with_fix(fix);
        }
        ctx.report(d);
    }
}

fn member<'a>(
    ctx: &mut Ctx<'a>,
    user: &'a Map<String, Value>,
    base: &str,
    i: usize,
    seen: &mut FxHashMap<&'a str, usize>,
) {
    // Pointers are only built for findings: most memberships have none.
    let name_ptr = || format!("{base}/member/name");
    let type_ptr = || format!("{base}/member/type");
    let name = user.get("name").and_then(Value::as_str);
    match name {
        None => {
            let d = ctx
                .at_value("user-name-format", &name_ptr(), "`member.name` is required: `users/{user}`")
                .with_help("set it to `users/` followed by the user's ID or email address");
            ctx.report(d);
        }
        Some("users/app") => {
            let d = ctx
                .at_value("app-member-in-setup", &name_ptr(), "the calling app (`users/app`) cannot be a setup membership")
                .with_help("for a DM with the app, set `singleUserBotDm: true` with no memberships; to add the app to a space, use spaces.members.create");
            ctx.report(d);
        }
        Some(n) if !is_resource_name(n, "users/") => {
            let mut d = ctx
                .at_value(
                    "user-name-format",
                    &name_ptr(),
                    format!("`member.name` must look like `users/{{user}}`, found \"{n}\""),
                )
                .with_help("use `users/` followed by the People API or Directory API ID, or the email address");
            if let Some(id) = n.strip_prefix("people/").filter(|id| is_resource_name(&format!("users/{id}"), "users/"))
            {
                d = d.with_fix(Fix::safe(
                    format!("Replace with \"users/{id}\""),
                    ctx.replace_value(&name_ptr(), format!("\"users/{id}\"")),
                ));
            } else if n.contains('@') && !n.contains('/') {
                d = d.with_fix(Fix::safe(
                    format!("Replace with \"users/{n}\""),
                    ctx.replace_value(&name_ptr(), format!("\"users/{n}\"")),
                ));
            }
            ctx.report(d);
        }
        Some(n) => {
            let user = &n["users/".len()..];
            if user.contains('@') {
                if !ctx.profile.email_aliases {
                    let d = ctx
                        .at_value(
                            "user-email-alias",
                            &name_ptr(),
                            format!(
                                "the `{}` profile's API revision takes user IDs only, not email addresses",
                                ctx.profile.name
                            ),
                        )
                        .with_help("use the People API person ID or the Directory API user ID");
                    ctx.report(d);
                }
                external_user(ctx, &name_ptr(), user);
            }
            if let Some(caller) = ctx.context.caller.as_deref() {
                let caller = caller.strip_prefix("users/").unwrap_or(caller);
                if caller.eq_ignore_ascii_case(user) {
                    let mut d = ctx
                        .at_value(
                            "calling-user-listed",
                            &name_ptr(),
                            "this is the calling user, who is added automatically and should not be listed",
                        )
                        .with_help("remove this membership");
                    if let Some(fix) = ctx.remove_fix(base, "Remove the calling user's membership") {
                        d = d.with_fix(fix);
                    }
                    ctx.report(d);
                }
            }
            note_duplicate(ctx, seen, n, i, "member/name");
        }
    }
    let ty = user.get("type").and_then(Value::as_str);
    if ty != Some("HUMAN") && name != Some("users/app") {
        let msg = match ty {
            None => "`member.type` is required and must be `HUMAN`".to_string(),
            Some(t) => format!("setup memberships must be people (`HUMAN`), found `{t}`"),
        };
        let mut d = ctx
            .at_value("member-type-human", &type_ptr(), msg)
            .with_help("set `\"type\": \"HUMAN\"`; apps cannot be added by spaces.setup");
        let edits = match ctx.doc.node(&type_ptr()) {
            Some(_) => Some(ctx.replace_value(&type_ptr(), "\"HUMAN\"".into())),
            None => ctx.insert(&format!("{base}/member"), "type", "\"HUMAN\"").map(|e| vec![e]),
        };
        if let Some(edits) = edits {
            let title = "Set `type` to \"HUMAN\"";
            // Turning a BOT into a HUMAN changes who is added; leaving the type out was an omission.
            d = d.with_fix(if ty == Some("BOT") { Fix::unsafe_(title, edits) } else { Fix::safe(title, edits) });
        }
        ctx.report(d);
    }
}

/// In the profiles that only invite people from the organisation, an email
/// outside the configured domain is an external user.
fn external_user(ctx: &mut Ctx, name_ptr: &str, email: &str) {
    let Some(domain) = ctx.context.domain.as_deref() else { return };
    if ctx.profile.external_users {
        return;
    }
    let user_domain = email.rsplit_once('@').map_or("", |(_, d)| d);
    if !user_domain.eq_ignore_ascii_case(domain) {
        let d = ctx
            .at_value(
                "external-user",
                name_ptr,
                format!(
                    "\"{email}\" is outside `{domain}`; the `{}` profile's API revision only invites in-domain users",
                    ctx.profile.name
                ),
            )
            .with_help("invite external users later, or choose the `current` profile");
        ctx.report(d);
    }
}

fn group<'a>(ctx: &mut Ctx<'a>, gptr: &str, i: usize, seen: &mut FxHashMap<&'a str, usize>) {
    let name_ptr = format!("{gptr}/name");
    match ctx.str_at(&name_ptr) {
        None => {
            let d = ctx
                .at_value("group-name-format", &name_ptr, "`groupMember.name` is required: `groups/{group}`")
                .with_help("set it to `groups/` followed by the Cloud Identity group ID");
            ctx.report(d);
        }
        Some(n) if !is_resource_name(n, "groups/") => {
            let d = ctx
                .at_value(
                    "group-name-format",
                    &name_ptr,
                    format!("`groupMember.name` must look like `groups/{{group}}`, found \"{n}\""),
                )
                .with_help("use `groups/` followed by the Cloud Identity Groups API group ID");
            ctx.report(d);
        }
        Some(n) => {
            if n.contains('@') {
                let d = ctx
                    .at_value(
                        "group-email",
                        &name_ptr,
                        "a group's email address cannot name it; use its Cloud Identity group ID",
                    )
                    .with_help("look the ID up with the Cloud Identity Groups API (groups.lookup)");
                ctx.report(d);
            }
            note_duplicate(ctx, seen, n, i, "groupMember/name");
        }
    }
}

/// Remembers membership `i`'s member or group name; reports it when an
/// earlier membership named the same one.
fn note_duplicate<'a>(ctx: &mut Ctx<'a>, seen: &mut FxHashMap<&'a str, usize>, name: &'a str, i: usize, field: &str) {
    let Some(first) = seen.insert(name, i) else { return };
    let name_ptr = &format!("/memberships/{i}/{field}");
    let mut d = ctx
        .at_value("duplicate-membership", name_ptr, format!("\"{name}\" is already listed at memberships[{first}]"))
        .with_help("remove the repeated membership");
    if let Some(fix) = ctx.remove_fix(&format!("/memberships/{i}"), "Remove the repeated membership") {
        d = d.with_fix(fix);
    }
    ctx.report(d);
}

fn request_id(ctx: &mut Ctx) {
    match ctx.str_at("/requestId") {
        None => {
            let mut d = ctx
                .at_value(
                    "request-id-not-uuid",
                    "/requestId",
                    "no `requestId`: sending this request twice creates two spaces (unless the sender derives one, as `chatlint --send` does)",
                )
                .with_help(
                    "add `\"requestId\"` with a random UUID; a repeated request then returns the existing space",
                );
            // Derived from the body, so the same request always gets the same id.
            let id = ctx.doc.derived_request_id();
            if let Some(edit) = ctx.insert("", "requestId", &format!("\"{id}\"")) {
                d = d.with_fix(Fix::unsafe_("Add a requestId", vec![edit]));
            }
            ctx.report(d);
        }
        Some(id) if !is_uuid(id) => {
            let d = ctx
                .at_value(
                    "request-id-not-uuid",
                    "/requestId",
                    format!("\"{id}\" is not a UUID; a random UUID is recommended"),
                )
                .with_help("any unique string works, but a random UUID avoids accidental reuse");
            ctx.report(d);
        }
        Some(_) => {}
    }
}

/// 8-4-4-4-12 hex digits.
pub fn is_uuid(s: &str) -> bool {
    let groups: Vec<&str> = s.split('-').collect();
    groups.len() == 5
        && groups.iter().zip([8, 4, 4, 4, 12]).all(|(g, n)| g.len() == n && g.chars().all(|c| c.is_ascii_hexdigit()))
}
