//! Rules about naming a membership to change or remove
//! (spaces.members.patch, spaces.members.delete): the name's form, the
//! aliases the documents give, and who may remove the calling app.

use super::{Ctx, ParamValue};
use crate::catalogue::Rule;
use crate::method::ParamKey;
use crate::settings::Auth;

/// `spaces/{space}/members/{member}`: the member part, when the name has
/// that form and each ID can travel as one segment of the URL path
/// (`v1/{name}`; see `url_segment_problem`).
fn member_part(name: &str) -> Option<&str> {
    let rest = name.strip_prefix("spaces/")?;
    let (space, member) = rest.split_once("/members/")?;
    let plain = |id: &str| {
        !id.is_empty()
            && !id.contains('/')
            && !id.chars().any(char::is_whitespace)
            && super::request::url_segment_problem(id).is_none()
    };
    (plain(space) && plain(member)).then_some(member)
}

/// The membership's name, and its `{member}` part when it has the form.
fn membership_name<'a>(ctx: &Ctx<'a>) -> Option<(ParamValue<'a>, Option<String>)> {
    let value = ctx.param(ParamKey::Name)?;
    let member = member_part(&value.text).map(str::to_string);
    Some((value, member))
}

pub fn membership_name_format(ctx: &mut Ctx) {
    let Some((value, None)) = membership_name(ctx) else { return };
    let message = format!("`name` must look like `spaces/{{space}}/members/{{member}}`, found \"{}\"", value.text);
    let d = ctx.at_param(Rule::MembershipNameFormat, &value, message).with_help(
        "name the membership: `spaces/` and the space's ID, `/members/` and the member's ID (from spaces.members.list)",
    );
    ctx.report(d);
}

pub fn membership_email_alias(ctx: &mut Ctx) {
    let Some((value, Some(member))) = membership_name(ctx) else { return };
    if !member.contains('@') {
        return;
    }
    let message = format!(
        "`{member}` is an email address: the documents give the email alias of `{{member}}` for spaces.members.delete, not for spaces.members.patch"
    );
    let d = ctx.at_param(Rule::MembershipEmailAlias, &value, message).with_help(
        "if the server refuses it, use the member's ID (`spaces/{space}/members/{member}` from spaces.members.list)",
    );
    ctx.report(d);
}

/// Whether the request names the calling app's own membership.
fn names_the_app(ctx: &Ctx) -> Option<ParamValue<'static>> {
    let value = ctx.param(ParamKey::Name)?;
    (member_part(&value.text) == Some("app"))
        .then(|| ParamValue { text: value.text.into_owned().into(), pointer: value.pointer })
}

pub fn admin_access_app_removal(ctx: &mut Ctx) {
    let Some(admin) = ctx.param(ParamKey::UseAdminAccess).filter(|v| v.text == "true") else { return };
    let admin_at = admin.pointer;
    let Some(name) = names_the_app(ctx) else { return };
    let message = "deleting app memberships in a space isn't supported using admin access".to_string();
    let d = match admin_at {
        Some(ptr) => ctx.at_value(Rule::AdminAccessAppRemoval, ptr, message),
        None => ctx.at_param(Rule::AdminAccessAppRemoval, &name, message),
    };
    ctx.report(d.with_help(
        "remove the app without `useAdminAccess`, as a space manager with the `chat.memberships.app` scope",
    ));
}

pub fn app_removal_app_auth(ctx: &mut Ctx) {
    if ctx.context.auth != Some(Auth::App) {
        return;
    }
    let Some(name) = names_the_app(ctx) else { return };
    let message = "removing a Chat app from a space requires user authentication".to_string();
    let d = ctx
        .at_param(Rule::AppRemovalAppAuth, &name, message)
        .with_help("send it with user authentication and the `chat.memberships.app` scope");
    ctx.report(d);
}

#[cfg(test)]
mod tests {
    use super::member_part;

    #[test]
    fn a_membership_name_has_a_space_and_a_member() {
        assert_eq!(member_part("spaces/AAA/members/123"), Some("123"));
        assert_eq!(member_part("spaces/AAA/members/ana@example.com"), Some("ana@example.com"));
        assert_eq!(member_part("spaces/AAA/members/app"), Some("app"));
        for bad in [
            "spaces/AAA",
            "spaces//members/1",
            "spaces/AAA/members/",
            "spaces/A/members/1/x",
            "users/1",
            "spaces/A B/members/1",
        ] {
            assert_eq!(member_part(bad), None, "{bad}");
        }
    }
}
