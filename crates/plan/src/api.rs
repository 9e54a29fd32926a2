//! What the Chat API normalises between a request and the object it makes,
//! written down once (from the discovery document's field descriptions and
//! Google's pages; docs/plan.md says the same to users).

use serde_json::Value;

/// Space fields the server fills and a request cannot set (discovery:
/// `readOnly`, or "Output only"), which a plan never compares.
/// `externalUserAllowed` is output only for an existing space; `createTime`
/// is filled by the server except when importing; `name` is the identity,
/// not a setting; `customer`, `singleUserBotDm` and `importMode` are read
/// only at creation.
pub const SPACE_NOT_COMPARED: &[&str] = &[
    "adminInstalled",
    "createTime",
    "customer",
    "externalUserAllowed",
    "importMode",
    "importModeExpireTime",
    "lastActiveTime",
    "membershipCount",
    "name",
    "singleUserBotDm",
    "spaceThreadingState",
    "spaceUri",
    "threaded",
    "type",
    // Output only inside the settings objects.
    "accessSettings.accessState",
    "permissionSettings.postMessages",
];

/// `predefinedPermissionSettings`: input only, at creation; afterwards the
/// space's `permissionSettings` hold the result.
pub const PRESET: &str = "predefinedPermissionSettings";

/// What a preset documentedly means for the live permission settings, as
/// the one setting the discovery document describes for it: a
/// COLLABORATION_SPACE is one "where all members can post messages", an
/// ANNOUNCEMENT_SPACE one "where only space managers can post messages".
/// That is `permissionSettings.postMessages.membersAllowed` (output only),
/// true or false. The documents give no other setting of either preset, so
/// none other is compared.
pub fn preset_members_post(preset: &str) -> Option<bool> {
    match preset {
        "COLLABORATION_SPACE" => Some(true),
        "ANNOUNCEMENT_SPACE" => Some(false),
        _ => None,
    }
}

/// The preset a live space's permission settings show, by that one
/// documented setting; `None` when the live space does not say (the
/// credentials do not show `permissionSettings`, e.g. an app reading a
/// space it did not create).
pub fn live_preset(space: &Value) -> Option<&'static str> {
    let post = space.pointer("/permissionSettings/postMessages")?;
    // ProtoJSON leaves `false` out: a postMessages without membersAllowed
    // says members may not post.
    Some(if post.get("membersAllowed").and_then(Value::as_bool).unwrap_or(false) {
        "COLLABORATION_SPACE"
    } else {
        "ANNOUNCEMENT_SPACE"
    })
}

/// A membership role's name in the Chat UI: the API's `ROLE_MANAGER` is the
/// UI's "Owner" and `ROLE_ASSISTANT_MANAGER` its "Manager".
pub fn role_in_ui(role: &str) -> Option<&'static str> {
    match role {
        "ROLE_MEMBER" => Some("Member"),
        "ROLE_MANAGER" => Some("Owner"),
        "ROLE_ASSISTANT_MANAGER" => Some("Manager"),
        _ => None,
    }
}

/// A membership's state, when it means the member is there: JOINED, and
/// INVITED too (members.create answers 409 ALREADY_EXISTS for an invited
/// member: inviting again is not something to do).
pub fn member_is_present(membership: &Value) -> bool {
    matches!(membership.get("state").and_then(Value::as_str), Some("JOINED" | "INVITED"))
}

/// A role as the API reads it: unset (or unspecified) on a human member is
/// ROLE_MEMBER, which members.create makes.
pub fn role_of(membership: &Value) -> &str {
    match membership.get("role").and_then(Value::as_str) {
        None | Some("MEMBERSHIP_ROLE_UNSPECIFIED") => "ROLE_MEMBER",
        Some(r) => r,
    }
}

/// A value as ProtoJSON means it: `null`, `false`, `0`, `""` and `{}` are
/// unset (the server leaves them out of its answers, a file may write
/// them). Objects lose their unset members; `None` when nothing is left.
pub fn set_value(v: &Value) -> Option<Value> {
    match v {
        Value::Null => None,
        Value::Bool(false) => None,
        Value::String(s) if s.is_empty() => None,
        Value::Number(n) if n.as_f64() == Some(0.0) => None,
        Value::Object(map) => {
            let kept: serde_json::Map<String, Value> =
                map.iter().filter_map(|(k, v)| Some((k.clone(), set_value(v)?))).collect();
            (!kept.is_empty()).then_some(Value::Object(kept))
        }
        other => Some(other.clone()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn roles_have_both_names() {
        assert_eq!(role_in_ui("ROLE_MANAGER"), Some("Owner"));
        assert_eq!(role_in_ui("ROLE_ASSISTANT_MANAGER"), Some("Manager"));
        assert_eq!(role_of(&json!({})), "ROLE_MEMBER");
    }

    #[test]
    fn the_preset_is_read_back_from_who_may_post() {
        assert_eq!(
            live_preset(&json!({"permissionSettings": {"postMessages": {"membersAllowed": true}}})),
            Some("COLLABORATION_SPACE")
        );
        assert_eq!(
            live_preset(&json!({"permissionSettings": {"postMessages": {"managersAllowed": true}}})),
            Some("ANNOUNCEMENT_SPACE")
        );
        assert_eq!(live_preset(&json!({"displayName": "x"})), None);
    }

    #[test]
    fn defaults_are_unset() {
        assert_eq!(set_value(&json!({"a": false, "b": "", "c": {"d": null}})), None);
        assert_eq!(set_value(&json!({"a": true, "b": ""})), Some(json!({"a": true})));
    }
}
