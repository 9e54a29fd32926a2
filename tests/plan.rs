//! `chatlint plan` against a local fake of the Chat API
//! (`tests/common/fake_chat.rs`, started here on 127.0.0.1).

#![cfg(feature = "send")]

#[path = "common/fake_chat.rs"]
mod fake_chat;

use fake_chat::{CALLER, Fake, TOKEN};
use serde_json::{Value, json};

async fn call(fake: &Fake, verb: &str, path: &str, body: Option<Value>) -> (u16, Value) {
    let client = reqwest::Client::new();
    let url = format!("{}/{path}", fake.url());
    let mut req = client.request(verb.parse().unwrap(), url).bearer_auth(TOKEN);
    if let Some(b) = body {
        req = req.json(&b);
    }
    let resp = req.send().await.unwrap();
    let status = resp.status().as_u16();
    (status, resp.json().await.unwrap_or(Value::Null))
}

/// The fake behaves as the documents say, where a plan depends on it.
#[tokio::test]
async fn the_fake_answers_as_the_api_does() {
    let fake = Fake::start().await;
    let setup = json!({"requestId": "r-1", "space": {"spaceType": "SPACE", "displayName": "Eng"},
        "memberships": [{"member": {"name": "users/ana@example.com", "type": "HUMAN"}}]});
    let (status, space) = call(&fake, "POST", "v1/spaces:setup", Some(setup.clone())).await;
    assert_eq!(status, 200, "{space}");
    let name = space["name"].as_str().unwrap().to_string();
    // The same requestId gives the same space; another id and the same name is taken.
    assert_eq!(call(&fake, "POST", "v1/spaces:setup", Some(setup)).await.1["name"], name.as_str());
    let other = json!({"spaceType": "SPACE", "displayName": "Eng"});
    assert_eq!(call(&fake, "POST", "v1/spaces?requestId=r-2", Some(other)).await.0, 409);

    // A member by the email alias; answers name people by numeric id.
    let (status, m) = call(&fake, "GET", &format!("v1/{name}/members/ana@example.com"), None).await;
    assert_eq!(status, 200);
    let ana = fake.chat.user_id("ana@example.com");
    assert_eq!(m["member"]["name"], format!("users/{ana}"));
    assert_eq!(m["name"], format!("{name}/members/{ana}"));

    // Invited members are there (409 to add), but listed only when asked.
    fake.chat.invite(&name, "bo@example.com");
    let add_bo = json!({"member": {"name": "users/bo@example.com", "type": "HUMAN"}});
    assert_eq!(call(&fake, "POST", &format!("v1/{name}/members"), Some(add_bo)).await.0, 409);
    let listed = |v: &Value| v["memberships"].as_array().map_or(0, Vec::len);
    assert_eq!(listed(&call(&fake, "GET", &format!("v1/{name}/members"), None).await.1), 2);
    assert_eq!(listed(&call(&fake, "GET", &format!("v1/{name}/members?showInvited=true"), None).await.1), 3);
    // Admin listing needs a member.type filter.
    assert_eq!(call(&fake, "GET", &format!("v1/{name}/members?useAdminAccess=true"), None).await.0, 400);

    // Only the masked fields change.
    let patch = json!({"displayName": "Eng 2", "spaceDetails": {"description": "ignored"}});
    let (_, patched) = call(&fake, "PATCH", &format!("v1/{name}?updateMask=display_name"), Some(patch)).await;
    assert_eq!((patched["displayName"].as_str(), patched.get("spaceDetails")), (Some("Eng 2"), None));

    // Gone is 404.
    assert_eq!(call(&fake, "DELETE", &format!("v1/{name}/members/ana@example.com"), None).await.0, 200);
    assert_eq!(call(&fake, "DELETE", &format!("v1/{name}/members/ana@example.com"), None).await.0, 404);
    // The caller is its space's owner; search is admin-only.
    let owner = call(&fake, "GET", &format!("v1/{name}/members/{CALLER}"), None).await.1;
    assert_eq!(owner["role"], "ROLE_MANAGER");
    let q = "v1/spaces:search?useAdminAccess=true&query=customer%20%3D%20%22customers%2Fmy_customer%22%20AND%20space_type%20%3D%20%22SPACE%22%20AND%20display_name%3A%22eng%22";
    assert_eq!(call(&fake, "GET", q, None).await.1["spaces"][0]["name"], name.as_str());
    assert_eq!(call(&fake, "GET", "v1/spaces:search", None).await.0, 400);
    // A space not in import mode has no import to complete.
    assert_eq!(call(&fake, "POST", &format!("v1/{name}:completeImport"), Some(json!({}))).await.0, 400);
    assert_eq!(call(&fake, "DELETE", &format!("v1/{name}"), None).await.0, 200);
    assert_eq!(call(&fake, "GET", &format!("v1/{name}"), None).await.0, 404);
}
