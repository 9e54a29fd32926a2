//! `chatlint import`: the request files that describe a live space, so that
//! a plan of them says nothing to change. Pure: the live space and its
//! memberships in, files out.
//!
//! - one `<slug>.setup.json` (spaces.setup): the space's settings that a
//!   create takes, output-only fields left out, the permission preset read
//!   back from who may post ([`crate::api::live_preset`]), and up to 49
//!   memberships (a setup's limit besides the caller);
//! - a `<slug>.<member>.member.json` (spaces.members.create) for each
//!   member beyond those 49;
//! - a `<slug>.<member>.role.json` (spaces.members.patch) for each owner
//!   and manager, when the method table has that method (a create cannot
//!   set a role).
//!
//! Members are named by email where the API shows it (`member.email`),
//! else by `users/{id}`, which the notes list.

use crate::api;
use serde_json::{Map, Value, json};

/// The most memberships a setup holds besides the caller.
pub const SETUP_MEMBERSHIPS: usize = 49;

/// Space fields a setup file carries over, as the live space has them.
const SPACE_FIELDS: &[&str] = &["spaceType", "displayName", "spaceDetails", "spaceHistoryState"];

/// The files of one space, and what the reader should know.
#[derive(Debug, Clone, PartialEq)]
pub struct Imported {
    /// File name → its JSON.
    pub files: Vec<(String, Value)>,
    pub notes: Vec<String>,
}

/// The files that describe `space` with its `memberships` (as
/// `spaces.members.list` answers them, invited members and groups
/// included). `roles`: whether role files can be written.
pub fn import(space: &Value, memberships: &[Value], roles: bool) -> Result<Imported, String> {
    let name = space.get("name").and_then(Value::as_str).ok_or("the space has no name")?;
    let prefix = slug(space.get("displayName").and_then(Value::as_str).unwrap_or_else(|| id_of(name)));
    let mut notes = Vec::new();

    let mut setup_space = Map::new();
    for field in SPACE_FIELDS {
        if let Some(v) = space.get(*field).and_then(api::set_value) {
            setup_space.insert(field.to_string(), v);
        }
    }
    if let Some(audience) = space.pointer("/accessSettings/audience").and_then(api::set_value) {
        setup_space.insert("accessSettings".into(), json!({ "audience": audience }));
    }
    match api::live_preset(space) {
        Some(preset) => {
            setup_space.insert(api::PRESET.into(), preset.into());
        }
        None => notes.push(format!(
            "{name}: its permission settings are not shown to these credentials, so no predefinedPermissionSettings is written"
        )),
    }

    // People and groups; apps are not imported (a setup cannot add one).
    let mut members: Vec<(String, Value, &str)> = Vec::new();
    for m in memberships {
        let role = api::role_of(m);
        if let Some(group) = m.pointer("/groupMember/name").and_then(Value::as_str) {
            members.push((group.to_string(), json!({"groupMember": {"name": group}}), role));
            continue;
        }
        let Some(user) = m.get("member") else { continue };
        if user.get("type").and_then(Value::as_str) == Some("BOT") {
            notes.push(format!("{name}: the app {} is not imported", user["name"].as_str().unwrap_or("?")));
            continue;
        }
        let who = match user.get("email").and_then(Value::as_str) {
            Some(email) => format!("users/{email}"),
            None => {
                let id = user.get("name").and_then(Value::as_str).ok_or("a membership names no member")?;
                notes.push(format!("{name}: {id} is written by id: the API did not show its email"));
                id.to_string()
            }
        };
        members.push((who.clone(), json!({"member": {"name": who, "type": "HUMAN"}}), role));
    }
    members.sort_by(|a, b| a.0.cmp(&b.0));

    let in_setup: Vec<Value> = members.iter().take(SETUP_MEMBERSHIPS).map(|(_, m, _)| m.clone()).collect();
    let mut setup = json!({ "space": Value::Object(setup_space) });
    if !in_setup.is_empty() {
        setup["memberships"] = Value::Array(in_setup);
    }
    let mut files = vec![(format!("{prefix}.setup.json"), setup)];
    for (who, m, _) in members.iter().skip(SETUP_MEMBERSHIPS) {
        files.push((format!("{prefix}.{}.member.json", slug(alias(who))), json!({"parent": name, "membership": m})));
    }
    for (who, _, role) in &members {
        if *role == "ROLE_MEMBER" || who.starts_with("groups/") {
            continue;
        }
        if !roles {
            notes.push(format!(
                "{name}: {who} is {role} ({}); no role file is written",
                api::role_in_ui(role).unwrap_or("?")
            ));
            continue;
        }
        let membership = json!({"name": format!("{name}/members/{}", alias(who)), "role": role});
        files.push((
            format!("{prefix}.{}.role.json", slug(alias(who))),
            json!({"membership": membership, "updateMask": "role"}),
        ));
    }
    Ok(Imported { files, notes })
}

/// `users/ana@example.com` → `ana@example.com`.
fn alias(who: &str) -> &str {
    who.strip_prefix("users/").unwrap_or(who)
}

fn id_of(name: &str) -> &str {
    name.rsplit('/').next().unwrap_or(name)
}

/// A file-name part: lowercase letters, digits and `-`.
fn slug(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    let out = out.trim_end_matches('-').to_string();
    if out.is_empty() { "space".into() } else { out }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn person(i: usize, role: &str) -> Value {
        json!({"name": format!("spaces/A/members/{i}"), "state": "JOINED", "role": role,
            "member": {"name": format!("users/{i}"), "type": "HUMAN", "email": format!("p{i:02}@example.com")}})
    }

    #[test]
    fn sixty_members_fill_a_setup_and_the_rest_are_member_files() {
        let space = json!({"name": "spaces/A", "displayName": "Eng Team", "spaceType": "SPACE", "type": "ROOM",
            "spaceUri": "https://chat.google.com/room/A", "spaceHistoryState": "HISTORY_ON",
            "permissionSettings": {"postMessages": {"membersAllowed": true}}});
        let mut ms: Vec<Value> = (0..60).map(|i| person(i, "ROLE_MEMBER")).collect();
        ms[3] = person(3, "ROLE_MANAGER");
        ms[4] = person(4, "ROLE_MANAGER");
        ms[5] = person(5, "ROLE_ASSISTANT_MANAGER");
        ms.push(json!({"name": "spaces/A/members/app", "member": {"name": "users/app", "type": "BOT"}}));
        let out = import(&space, &ms, true).unwrap();
        let names: Vec<&str> = out.files.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names[0], "eng-team.setup.json");
        let setup = &out.files[0].1;
        assert_eq!(
            setup["space"],
            json!({"displayName": "Eng Team", "spaceType": "SPACE", "spaceHistoryState": "HISTORY_ON",
                "predefinedPermissionSettings": "COLLABORATION_SPACE"})
        );
        assert_eq!(setup["memberships"].as_array().unwrap().len(), 49);
        assert_eq!(setup["memberships"][0], json!({"member": {"name": "users/p00@example.com", "type": "HUMAN"}}));
        let member_files = names.iter().filter(|n| n.ends_with(".member.json")).count();
        assert_eq!(member_files, 11);
        assert_eq!(names.iter().filter(|n| n.ends_with(".role.json")).count(), 3);
        let role = out.files.iter().find(|(n, _)| n == "eng-team.p05-example-com.role.json").unwrap();
        assert_eq!(
            role.1,
            json!({"membership": {"name": "spaces/A/members/p05@example.com", "role": "ROLE_ASSISTANT_MANAGER"}, "updateMask": "role"})
        );
        assert_eq!(out.notes, ["spaces/A: the app users/app is not imported"]);
    }

    #[test]
    fn a_member_without_an_email_is_written_by_id_and_said() {
        let space = json!({"name": "spaces/A", "displayName": "X"});
        let m =
            json!({"name": "spaces/A/members/7", "state": "JOINED", "member": {"name": "users/7", "type": "HUMAN"}});
        let out = import(&space, &[m], false).unwrap();
        assert_eq!(out.files[0].1["memberships"][0]["member"]["name"], "users/7");
        assert!(out.notes.iter().any(|n| n.contains("users/7 is written by id")), "{:?}", out.notes);
        assert!(out.notes.iter().any(|n| n.contains("no predefinedPermissionSettings")), "{:?}", out.notes);
    }
}
