//! What several property tests share: request-shaped JSON made of the
//! names and values Chat requests use, mixed with strangers.

use proptest::prelude::*;
use serde_json::Value;

const KEYS: &[&str] = &[
    "space",
    "spaceType",
    "space_type",
    "displayName",
    "memberships",
    "member",
    "groupMember",
    "name",
    "type",
    "requestId",
    "singleUserBotDm",
    "spaceDetails",
    "description",
    "guidelines",
    "predefinedPermissionSettings",
    "permissionSettings",
    "accessSettings",
    "audience",
    "createTime",
    "importMode",
    "customer",
    "role",
    "manageApps",
    "membersAllowed",
    "membershipCount",
    "joinedGroupCount",
    "zzz",
];

const STRINGS: &[&str] = &[
    "SPACE",
    "GROUP_CHAT",
    "DIRECT_MESSAGE",
    "HUMAN",
    "BOT",
    "users/1",
    "users/app",
    "groups/g",
    "people/9",
    "",
    "2024-01-01T00:00:00Z",
    "not-a-time",
    "SPACE_TYPE_UNSPECIFIED",
    "true",
    "3",
    "😀🚀",
    "customers/my_customer",
];

pub fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
        prop::sample::select(STRINGS).prop_map(|s| Value::String(s.to_string())),
        ".{0,8}".prop_map(Value::String),
    ];
    leaf.prop_recursive(6, 64, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec((prop::sample::select(KEYS), inner), 0..8)
                .prop_map(|kv| Value::Object(kv.into_iter().map(|(k, v)| (k.to_string(), v)).collect())),
        ]
    })
}
