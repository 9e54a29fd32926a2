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

// ------------------------------------------------------------ chatlint plan

use assert_cmd::Command;
use std::path::Path;
use std::time::Duration;
use tempfile::TempDir;

const REQUEST_ID: &str = "6f1c1f3e-2b1a-4c55-9d7e-0a1b2c3d4e5f";

/// chatlint in `dir`, with nothing of the machine's credentials or proxies.
fn chatlint(dir: &Path) -> Command {
    let mut c = Command::from_std(isolated(dir, std::process::Command::new(assert_cmd::cargo::cargo_bin("chatlint"))));
    c.timeout(Duration::from_secs(120));
    c
}

/// `c` run in `dir`, with nothing of the machine's credentials or proxies.
fn isolated(dir: &Path, mut c: std::process::Command) -> std::process::Command {
    let home = dir.join("home");
    std::fs::create_dir_all(&home).unwrap();
    c.current_dir(dir)
        .env("NO_COLOR", "1")
        .env("HOME", &home)
        .env("CLOUDSDK_CONFIG", home.join("gcloud"))
        .env_remove("GOOGLE_APPLICATION_CREDENTIALS")
        .env_remove("HTTPS_PROXY")
        .env_remove("ALL_PROXY")
        .env_remove("https_proxy")
        .env_remove("all_proxy")
        .env("NO_PROXY", "*")
        .env("CHATLINT_ACCESS_TOKEN", TOKEN);
    c
}

struct Ran {
    code: i32,
    stdout: String,
    stderr: String,
}

fn run(c: &mut Command) -> Ran {
    let out = c.output().unwrap();
    let ran = Ran {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
    };
    assert!(!ran.stdout.contains(TOKEN) && !ran.stderr.contains(TOKEN), "the token was printed");
    ran
}

fn plan(dir: &Path, fake: &Fake, extra: &[&str]) -> Ran {
    let results = dir.join("results.jsonl");
    let mut c = chatlint(dir);
    c.args(["plan", "--endpoint", &fake.url(), "--results"]).arg(&results).args(extra);
    run(&mut c)
}

/// A repository applied once with `--send`: the setup made the space (the
/// results file records it) with Ana in it, Bo was added by a member file,
/// and a role file says Ana is a plain member.
struct Applied {
    dir: TempDir,
    fake: Fake,
    space: String,
}

async fn applied() -> Applied {
    let fake = Fake::start().await;
    let dir = tempfile::tempdir().unwrap();
    let setup = json!({
        "requestId": REQUEST_ID,
        "space": {"spaceType": "SPACE", "displayName": "Eng", "spaceDetails": {"description": "Engineering"}},
        "memberships": [{"member": {"name": "users/ana@example.com", "type": "HUMAN"}}],
    });
    std::fs::write(dir.path().join("eng.setup.json"), serde_json::to_string_pretty(&setup).unwrap()).unwrap();
    let send = |file: &str| {
        let mut c = chatlint(dir.path());
        c.args(["check", file, "--send", "--endpoint", &fake.url(), "--results", "results.jsonl"]);
        let ran = run(&mut c);
        assert_eq!(ran.code, 0, "{}{}", ran.stdout, ran.stderr);
    };
    send("eng.setup.json");
    let space = fake.chat.space_named("Eng").unwrap()["name"].as_str().unwrap().to_string();
    let member = json!({"parent": space, "membership": {"member": {"name": "users/bo@example.com", "type": "HUMAN"}}});
    std::fs::write(dir.path().join("bo.member.json"), serde_json::to_string_pretty(&member).unwrap()).unwrap();
    send("bo.member.json");
    // Ana stays a plain member: a role file says so (she already is).
    let role = json!({"membership": {"name": format!("{space}/members/ana@example.com"), "role": "ROLE_MEMBER"}, "updateMask": "role"});
    std::fs::write(dir.path().join("ana.role.json"), serde_json::to_string_pretty(&role).unwrap()).unwrap();
    Applied { dir, fake, space }
}

#[tokio::test]
async fn a_repository_as_applied_has_nothing_to_change_and_plan_only_reads() {
    let a = applied().await;
    let before = a.fake.chat.requests().len();
    let ran = plan(a.dir.path(), &a.fake, &["--detailed-exitcode"]);
    assert_eq!(ran.code, 0, "{}{}", ran.stdout, ran.stderr);
    let space = &a.space;
    assert_eq!(
        ran.stdout,
        format!(
            "  ana.role.json: none {space}/members/ana@example.com: {space}/members/ana@example.com is JOINED as ROLE_MEMBER (Member), {space}/members/{ana}\n  bo.member.json: none {space}/members/bo@example.com: users/bo@example.com is JOINED as ROLE_MEMBER (Member), {space}/members/{bo}\n  eng.setup.json: none {space}: {space} is as the file says (found by the results file's requestId {REQUEST_ID})\n\nNo changes: 0 to create, 0 to update, 0 to delete, 3 unchanged.\n",
            ana = a.fake.chat.user_id("ana@example.com"),
            bo = a.fake.chat.user_id("bo@example.com"),
        )
    );
    let reads = &a.fake.chat.requests()[before..];
    assert!(!reads.is_empty() && reads.iter().all(|r| r.starts_with("GET ")), "{reads:?}");
}

#[tokio::test]
async fn a_renamed_space_a_removed_member_and_a_promoted_one_are_exactly_the_changes() {
    // By hand, in Chat: the space renamed, Bo removed, Ana made an owner.
    let a = applied().await;
    a.fake.chat.rename(&a.space, "Eng (renamed)");
    a.fake.chat.remove(&a.space, "bo@example.com");
    a.fake.chat.set_role(&a.space, "ana@example.com", "ROLE_MANAGER");
    let space = &a.space;
    let lines = format!(
        "~ ana.role.json: update {space}/members/ana@example.com\n    ~ role: \"ROLE_MANAGER\" (Owner) → \"ROLE_MEMBER\" (Member)\n+ bo.member.json: create {space}/members/bo@example.com\n~ eng.setup.json: update {space}\n    ~ displayName: \"Eng (renamed)\" → \"Eng\"\n"
    );
    let counts = "3 to change: 1 to create, 2 to update, 0 to delete, 0 unchanged.\n";

    let ran = plan(a.dir.path(), &a.fake, &["--detailed-exitcode"]);
    assert_eq!(ran.code, 3, "{}{}", ran.stdout, ran.stderr);
    assert_eq!(ran.stdout, format!("{lines}\n{counts}"));
    // Without --detailed-exitcode, changes are no failure.
    assert_eq!(plan(a.dir.path(), &a.fake, &[]).code, 0);

    let ran = plan(a.dir.path(), &a.fake, &["--format", "json"]);
    let out: Value = serde_json::from_str(&ran.stdout).unwrap();
    assert_eq!(
        out,
        json!({
            "files": [
                {"path": "ana.role.json", "method": "spaces.members.patch", "action": "update",
                 "target": format!("{space}/members/ana@example.com"),
                 "changes": [{"field": "role", "live": "ROLE_MANAGER", "desired": "ROLE_MEMBER"}], "reason": null},
                {"path": "bo.member.json", "method": "spaces.members.create", "action": "create",
                 "target": format!("{space}/members/bo@example.com"), "changes": [], "reason": null},
                {"path": "eng.setup.json", "method": "spaces.setup", "action": "update", "target": space,
                 "changes": [{"field": "displayName", "live": "Eng (renamed)", "desired": "Eng"}], "reason": null},
            ],
            "summary": {"create": 1, "update": 2, "delete": 0, "none": 0, "conflict": 0, "unknown": 0},
        })
    );

    let ran = plan(a.dir.path(), &a.fake, &["--format", "markdown"]);
    assert_eq!(ran.stdout, format!("### chatlint plan\n\n{counts}\n```diff\n{lines}```\n"));
}

#[tokio::test]
async fn an_invited_member_in_a_file_is_none() {
    let a = applied().await;
    a.fake.chat.invite(&a.space, "cy@example.com");
    let member =
        json!({"parent": a.space, "membership": {"member": {"name": "users/cy@example.com", "type": "HUMAN"}}});
    std::fs::write(a.dir.path().join("cy.member.json"), member.to_string()).unwrap();
    let ran = plan(a.dir.path(), &a.fake, &["cy.member.json", "--detailed-exitcode"]);
    assert_eq!(ran.code, 0, "{}{}", ran.stdout, ran.stderr);
    assert!(
        ran.stdout.contains("cy.member.json: none") && ran.stdout.contains("is INVITED as ROLE_MEMBER (Member)"),
        "{}",
        ran.stdout
    );
}

#[tokio::test]
async fn a_space_found_by_its_display_name_says_so() {
    // No results file: the space is found by the displayName it has.
    let a = applied().await;
    let mut c = chatlint(a.dir.path());
    let ran = run(c.args(["plan", "eng.setup.json", "--endpoint", &a.fake.url()]));
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    assert!(ran.stdout.contains("(found by its displayName)"), "{}", ran.stdout);
}

#[tokio::test]
async fn files_with_errors_are_reported_and_not_planned() {
    let a = applied().await;
    std::fs::write(a.dir.path().join("bad.setup.json"), r#"{"space": {"spaceType": "SPACE"}, "nonsense": 1}"#).unwrap();
    let ran = plan(a.dir.path(), &a.fake, &[]);
    assert_eq!(ran.code, 1, "{}{}", ran.stdout, ran.stderr);
    assert!(
        ran.stderr.contains("bad.setup.json") && ran.stderr.contains("not planned: it has errors"),
        "{}",
        ran.stderr
    );
    assert!(!ran.stdout.contains("bad.setup.json"), "{}", ran.stdout);
}

#[tokio::test]
async fn credentials_that_cannot_read_make_the_file_unknown() {
    let a = applied().await;
    let mut c = chatlint(a.dir.path());
    c.env("CHATLINT_ACCESS_TOKEN", "not-the-token");
    let ran = run(c.args(["plan", "bo.member.json", "--endpoint", &a.fake.url()]));
    assert_eq!(ran.code, 2, "{}{}", ran.stdout, ran.stderr);
    assert!(
        ran.stdout.contains("? bo.member.json: unknown") && ran.stdout.contains("401 UNAUTHENTICATED"),
        "{}",
        ran.stdout
    );
}

// ------------------------------------------------------------ chatlint apply

fn apply(dir: &Path, fake: &Fake, extra: &[&str]) -> Ran {
    let mut c = chatlint(dir);
    c.args(["apply", "--endpoint", &fake.url(), "--results", "results.jsonl"]).args(extra);
    run(&mut c)
}

fn writes(fake: &Fake, since: usize) -> Vec<String> {
    fake.chat.requests()[since..].iter().filter(|r| !r.starts_with("GET ")).cloned().collect()
}

#[tokio::test]
async fn apply_sends_exactly_the_plan_and_then_plan_is_clean() {
    let a = applied().await;
    a.fake.chat.rename(&a.space, "Eng (renamed)");
    a.fake.chat.remove(&a.space, "bo@example.com");
    a.fake.chat.set_role(&a.space, "ana@example.com", "ROLE_MANAGER");
    let space = &a.space;
    let ana = a.fake.chat.user_id("ana@example.com");
    let before = a.fake.chat.requests().len();

    let ran = apply(a.dir.path(), &a.fake, &[]);
    assert_eq!(ran.code, 0, "{}{}", ran.stdout, ran.stderr);
    // Exactly three requests: the role, the member, the name.
    assert_eq!(
        writes(&a.fake, before),
        [
            format!("PATCH /v1/{space}/members/{ana}?updateMask=role"),
            format!("POST /v1/{space}/members"),
            format!("PATCH /v1/{space}?updateMask=display_name")
        ]
    );
    assert!(ran.stdout.ends_with("Applied: 3 requests sent, 0 skipped, 0 failed.\n"), "{}", ran.stdout);
    assert!(
        ran.stdout
            .contains(&format!("eng.setup.json: PATCH {space} updateMask=display_name; {space} is as the file says")),
        "{}",
        ran.stdout
    );

    let ran = plan(a.dir.path(), &a.fake, &["--detailed-exitcode"]);
    assert_eq!(ran.code, 0, "{}{}", ran.stdout, ran.stderr);
    assert!(
        ran.stdout.ends_with("No changes: 0 to create, 0 to update, 0 to delete, 3 unchanged.\n"),
        "{}",
        ran.stdout
    );

    // Nothing left to do: apply sends nothing.
    let before = a.fake.chat.requests().len();
    assert_eq!(apply(a.dir.path(), &a.fake, &[]).code, 0);
    assert_eq!(writes(&a.fake, before), Vec::<String>::new());
}

#[tokio::test]
async fn apply_splits_what_must_stand_alone_and_sends_space_details_whole() {
    // By hand: renamed, history off, a new description and guidelines.
    let a = applied().await;
    let space = &a.space;
    a.fake.chat.rename(space, "Eng (renamed)");
    a.fake.chat.edit(space, "/spaceHistoryState", Some(json!("HISTORY_OFF")));
    a.fake.chat.edit(space, "/spaceDetails", Some(json!({"description": "Changed", "guidelines": "Be kind"})));
    // The setup file says history on.
    let setup = json!({
        "requestId": REQUEST_ID,
        "space": {"spaceType": "SPACE", "displayName": "Eng", "spaceDetails": {"description": "Engineering"}, "spaceHistoryState": "HISTORY_ON"},
        "memberships": [{"member": {"name": "users/ana@example.com", "type": "HUMAN"}}],
    });
    std::fs::write(a.dir.path().join("eng.setup.json"), setup.to_string()).unwrap();
    let before = a.fake.chat.requests().len();
    let ran = apply(a.dir.path(), &a.fake, &["eng.setup.json"]);
    assert_eq!(ran.code, 0, "{}{}", ran.stdout, ran.stderr);
    // The history path alone in its own request.
    assert_eq!(
        writes(&a.fake, before),
        [
            format!("PATCH /v1/{space}?updateMask=display_name%2Cspace_details"),
            format!("PATCH /v1/{space}?updateMask=space_history_state")
        ]
    );
    let live = a.fake.chat.space_named("Eng").unwrap();
    // The guidelines the file leaves out were sent as they were live.
    assert_eq!(live["spaceDetails"], json!({"description": "Engineering", "guidelines": "Be kind"}));
    assert_eq!(live["spaceHistoryState"], "HISTORY_ON");
    assert_eq!(plan(a.dir.path(), &a.fake, &["eng.setup.json", "--detailed-exitcode"]).code, 0);
}

#[tokio::test]
async fn apply_sends_nothing_while_a_file_has_errors() {
    let a = applied().await;
    a.fake.chat.rename(&a.space, "Eng (renamed)");
    std::fs::write(a.dir.path().join("bad.setup.json"), r#"{"space": {"spaceType": "SPACE"}, "nonsense": 1}"#).unwrap();
    let before = a.fake.chat.requests().len();
    let ran = apply(a.dir.path(), &a.fake, &[]);
    assert_eq!(ran.code, 1, "{}{}", ran.stdout, ran.stderr);
    assert!(ran.stderr.contains("nothing applied"), "{}", ran.stderr);
    assert_eq!(a.fake.chat.requests().len(), before, "no request at all");
}

#[tokio::test]
async fn apply_creates_a_new_space_with_its_request_id_and_records_it() {
    let a = applied().await;
    std::fs::write(a.dir.path().join("news.create.json"), r#"{"spaceType": "SPACE", "displayName": "News"}"#).unwrap();
    let before = a.fake.chat.requests().len();
    let ran = apply(a.dir.path(), &a.fake, &["news.create.json"]);
    assert_eq!(ran.code, 0, "{}{}", ran.stdout, ran.stderr);
    let sent = writes(&a.fake, before);
    assert!(sent.len() == 1 && sent[0].starts_with("POST /v1/spaces?requestId="), "{sent:?}");
    let news = a.fake.chat.space_named("News").unwrap()["name"].as_str().unwrap().to_string();
    assert!(ran.stdout.contains(&format!("news.create.json: created {news}")), "{}", ran.stdout);
    // The results file now knows it: plan finds it by its requestId.
    let ran = plan(a.dir.path(), &a.fake, &["news.create.json", "--detailed-exitcode"]);
    assert_eq!(ran.code, 0, "{}{}", ran.stdout, ran.stderr);
    assert!(ran.stdout.contains("found by the results file's requestId"), "{}", ran.stdout);
}

// ------------------------------------------------------------ chatlint import

#[tokio::test]
async fn an_imported_space_of_sixty_members_plans_as_nothing_to_change() {
    let fake = Fake::start().await;
    let space = json!({"spaceType": "SPACE", "displayName": "Big Team", "spaceDetails": {"description": "All of us"}});
    let (status, made) = call(&fake, "POST", "v1/spaces?requestId=big", Some(space)).await;
    assert_eq!(status, 200);
    let name = made["name"].as_str().unwrap().to_string();
    // The caller is one owner; one more owner, one manager, 57 members.
    fake.chat.add(&name, "second-owner@example.com", "ROLE_MANAGER");
    fake.chat.add(&name, "manager@example.com", "ROLE_ASSISTANT_MANAGER");
    for i in 0..57 {
        fake.chat.add(&name, &format!("m{i:02}@example.com"), "ROLE_MEMBER");
    }
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("imported");
    std::fs::create_dir(&out).unwrap();
    let mut c = chatlint(dir.path());
    let ran = run(c.args(["import", &name, "--out", "imported", "--endpoint", &fake.url()]));
    assert_eq!(ran.code, 0, "{}{}", ran.stdout, ran.stderr);
    let mut files: Vec<String> =
        std::fs::read_dir(&out).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
    files.sort();
    assert_eq!(files.iter().filter(|f| f.ends_with(".setup.json")).count(), 1, "{files:?}");
    assert_eq!(files.iter().filter(|f| f.ends_with(".member.json")).count(), 11, "{files:?}");
    // A role file per owner (the caller and one more) and manager.
    let roles: Vec<&String> = files.iter().filter(|f| f.ends_with(".role.json")).collect();
    assert_eq!(
        roles,
        [
            "big-team.manager-example-com.role.json",
            "big-team.owner-example-com.role.json",
            "big-team.second-owner-example-com.role.json"
        ]
    );
    let setup: Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("big-team.setup.json")).unwrap()).unwrap();
    assert_eq!(setup["memberships"].as_array().unwrap().len(), 49);
    assert_eq!(setup["memberships"][0]["member"]["name"], "users/m00@example.com");

    let before = fake.chat.requests().len();
    let mut c = chatlint(dir.path());
    let ran = run(c.args(["plan", "imported", "--detailed-exitcode", "--endpoint", &fake.url()]));
    assert_eq!(ran.code, 0, "{}{}", ran.stdout, ran.stderr);
    assert!(
        ran.stdout.ends_with("No changes: 0 to create, 0 to update, 0 to delete, 15 unchanged.\n"),
        "{}",
        ran.stdout
    );
    assert!(ran.stdout.contains("big-team.setup.json: none"), "{}", ran.stdout);
    assert!(fake.chat.requests()[before..].iter().all(|r| r.starts_with("GET ")));

    // A second import writes nothing over the first.
    let mut c = chatlint(dir.path());
    let ran = run(c.args(["import", &name, "--out", "imported", "--endpoint", &fake.url()]));
    assert_eq!(ran.code, 1, "{}{}", ran.stdout, ran.stderr);
    assert!(ran.stderr.contains("exists already"), "{}", ran.stderr);
}

#[tokio::test]
async fn a_person_a_setup_lists_and_someone_removed_is_planned_and_added_back() {
    let a = applied().await;
    let space = &a.space;
    a.fake.chat.remove(space, "ana@example.com");
    let ran = plan(a.dir.path(), &a.fake, &["eng.setup.json", "--detailed-exitcode"]);
    assert_eq!(ran.code, 3, "{}{}", ran.stdout, ran.stderr);
    assert_eq!(
        ran.stdout,
        format!(
            "~ eng.setup.json: update {space}\n    ~ memberships[users/ana@example.com]: (unset) → \"JOINED\"\n\n1 to change: 0 to create, 1 to update, 0 to delete, 0 unchanged.\n"
        )
    );
    let before = a.fake.chat.requests().len();
    assert_eq!(apply(a.dir.path(), &a.fake, &["eng.setup.json"]).code, 0);
    assert_eq!(writes(&a.fake, before), [format!("POST /v1/{space}/members")]);
    assert_eq!(plan(a.dir.path(), &a.fake, &["eng.setup.json", "--detailed-exitcode"]).code, 0);
}

#[tokio::test]
async fn a_removal_is_planned_as_delete_and_applied_only_when_allowed() {
    let a = applied().await;
    let space = &a.space;
    let remove = json!({"name": format!("{space}/members/bo@example.com")});
    std::fs::write(a.dir.path().join("bo.remove.json"), remove.to_string()).unwrap();
    let ran = plan(a.dir.path(), &a.fake, &["bo.remove.json", "--detailed-exitcode"]);
    assert_eq!(ran.code, 3, "{}{}", ran.stdout, ran.stderr);
    assert!(
        ran.stdout.starts_with(&format!("- bo.remove.json: delete {space}/members/bo@example.com\n")),
        "{}",
        ran.stdout
    );

    let before = a.fake.chat.requests().len();
    let ran = apply(a.dir.path(), &a.fake, &["bo.remove.json"]);
    assert_eq!(ran.code, 1, "{}{}", ran.stdout, ran.stderr);
    assert!(
        ran.stdout.contains("bo.remove.json: skipped: a delete removes for good: pass --allow-delete"),
        "{}",
        ran.stdout
    );
    assert_eq!(writes(&a.fake, before), Vec::<String>::new());

    let ran = apply(a.dir.path(), &a.fake, &["bo.remove.json", "--allow-delete"]);
    assert_eq!(ran.code, 0, "{}{}", ran.stdout, ran.stderr);
    let bo = a.fake.chat.user_id("bo@example.com");
    assert_eq!(writes(&a.fake, before), [format!("DELETE /v1/{space}/members/{bo}")]);
    let ran = plan(a.dir.path(), &a.fake, &["bo.remove.json", "--detailed-exitcode"]);
    assert_eq!(ran.code, 0, "{}{}", ran.stdout, ran.stderr);
    assert!(ran.stdout.contains("is already gone"), "{}", ran.stdout);
}

/// The issue's first test as a new user would try it: a repository with a
/// file of each of the eight kinds, applied, then planned.
#[tokio::test]
async fn a_repository_of_the_eight_kinds_applied_once_plans_as_nothing_to_change() {
    let a = applied().await;
    let (dir, space) = (a.dir.path(), &a.space);
    // Made by hand before: a space to delete, one still importing, and a
    // member to remove.
    let (_, old) = call(&a.fake, "POST", "v1/spaces", Some(json!({"spaceType": "SPACE", "displayName": "Old"}))).await;
    let importing = json!({"spaceType": "SPACE", "displayName": "Archive", "importMode": true});
    let (_, archive) = call(&a.fake, "POST", "v1/spaces", Some(importing)).await;
    a.fake.chat.add(space, "cy@example.com", "ROLE_MEMBER");
    let files = [
        ("news.create.json", json!({"spaceType": "SPACE", "displayName": "News"})),
        (
            "eng.patch.json",
            json!({"space": {"name": space, "spaceDetails": {"description": "Engineering", "guidelines": "Be kind"}},
                   "updateMask": "space_details"}),
        ),
        (
            "ana.role.json",
            json!({"membership": {"name": format!("{space}/members/ana@example.com"), "role": "ROLE_ASSISTANT_MANAGER"},
                   "updateMask": "role"}),
        ),
        ("cy.remove.json", json!({"name": format!("{space}/members/cy@example.com")})),
        ("old.delete.json", json!({"name": old["name"]})),
        ("archive.complete-import.json", json!({"name": archive["name"]})),
    ];
    for (name, body) in &files {
        std::fs::write(dir.join(name), serde_json::to_string_pretty(body).unwrap()).unwrap();
    }
    let ran = apply(dir, &a.fake, &["--allow-delete"]);
    assert_eq!(ran.code, 0, "{}{}", ran.stdout, ran.stderr);
    assert!(ran.stdout.ends_with("Applied: 6 requests sent, 0 skipped, 0 failed.\n"), "{}", ran.stdout);

    let ran = plan(dir, &a.fake, &["--detailed-exitcode"]);
    assert_eq!(ran.code, 0, "{}{}", ran.stdout, ran.stderr);
    assert!(
        ran.stdout.ends_with("No changes: 0 to create, 0 to update, 0 to delete, 8 unchanged.\n"),
        "{}",
        ran.stdout
    );
}

// ------------------------------------------------- chatlint apply's journal

/// The lines of `results.jsonl` after its first `skip`.
fn journal_lines(dir: &Path, skip: usize) -> Vec<Value> {
    let text = std::fs::read_to_string(dir.join("results.jsonl")).unwrap_or_default();
    text.lines().skip(skip).map(|l| serde_json::from_str(l).unwrap()).collect()
}

/// By hand: the space renamed. In the files: Bo to be removed, Ana to be
/// an owner. Returns the files to apply.
fn rename_remove_promote(a: &Applied) -> [&'static str; 3] {
    let space = &a.space;
    a.fake.chat.rename(space, "Eng (renamed)");
    let remove = json!({"name": format!("{space}/members/bo@example.com")});
    std::fs::write(a.dir.path().join("bo.remove.json"), remove.to_string()).unwrap();
    let role = json!({"membership": {"name": format!("{space}/members/ana@example.com"), "role": "ROLE_MANAGER"},
                      "updateMask": "role"});
    std::fs::write(a.dir.path().join("ana.role.json"), role.to_string()).unwrap();
    ["ana.role.json", "bo.remove.json", "eng.setup.json"]
}

#[tokio::test]
async fn apply_records_each_write_in_the_results_file_as_send_does() {
    let a = applied().await;
    let files = rename_remove_promote(&a);
    let (dir, space, url) = (a.dir.path(), &a.space, a.fake.url());
    let (ana, bo) = (a.fake.chat.user_id("ana@example.com"), a.fake.chat.user_id("bo@example.com"));
    let earlier = journal_lines(dir, 0).len();
    let before = a.fake.chat.requests().len();
    let mut args = files.to_vec();
    args.push("--allow-delete");
    let ran = apply(dir, &a.fake, &args);
    assert_eq!(ran.code, 0, "{}{}", ran.stdout, ran.stderr);
    assert_eq!(writes(&a.fake, before).len(), 3);

    let lines = journal_lines(dir, earlier);
    let seen: Vec<(&str, &str, &str, &str, &str, u64)> = lines
        .iter()
        .map(|l| {
            (
                l["file"].as_str().unwrap(),
                l["method"].as_str().unwrap(),
                l["request"]["http_method"].as_str().unwrap(),
                l["request"]["url"].as_str().unwrap(),
                l["status"].as_str().unwrap(),
                l["http_status"].as_u64().unwrap(),
            )
        })
        .collect();
    let (role_url, bo_url, name_url) = (
        format!("{url}/v1/{space}/members/{ana}?updateMask=role"),
        format!("{url}/v1/{space}/members/{bo}"),
        format!("{url}/v1/{space}?updateMask=display_name"),
    );
    assert_eq!(
        seen,
        [
            ("ana.role.json", "spaces.members.patch", "PATCH", role_url.as_str(), "sent", 200),
            ("bo.remove.json", "spaces.members.delete", "DELETE", bo_url.as_str(), "sent", 200),
            ("eng.setup.json", "spaces.patch", "PATCH", name_url.as_str(), "sent", 200),
        ]
    );
    // The request as sent: a DELETE has no body (the digest of nothing).
    let empty = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    assert_eq!(lines[1]["request"]["body_sha256"], empty);
    for l in [&lines[0], &lines[2]] {
        let digest = l["request"]["body_sha256"].as_str().unwrap();
        assert!(digest.len() == 64 && digest != empty, "{l}");
    }
    // What each did, as --send writes it.
    assert_eq!(lines[0]["membership"], format!("{space}/members/{ana}"));
    assert_eq!(lines[1]["deleted"], format!("{space}/members/{bo}"));
    assert_eq!(lines[2]["space"], space.as_str());
    assert!(lines.iter().all(|l| l["time"].is_string() && l["attempts"] == 1), "{lines:?}");
}

#[tokio::test]
async fn apply_refuses_a_results_file_that_is_a_fifo_before_anything() {
    let a = applied().await;
    let files = rename_remove_promote(&a);
    let dir = a.dir.path();
    let fifo = dir.join("fifo");
    assert!(std::process::Command::new("mkfifo").arg(&fifo).status().unwrap().success());
    let before = a.fake.chat.requests().len();
    let mut c = chatlint(dir);
    c.args(["apply", "--endpoint", &a.fake.url(), "--allow-delete", "--results"]).arg(&fifo).args(files);
    let ran = run(&mut c);
    assert_eq!(ran.code, 2, "{}{}", ran.stdout, ran.stderr);
    assert!(
        ran.stderr.contains("nothing applied: --results") && ran.stderr.contains("is a FIFO (named pipe)"),
        "{}",
        ran.stderr
    );
    assert_eq!(a.fake.chat.requests().len(), before, "no request at all");
}

/// Takes `path` as another chatlint run would (an exclusive flock), until dropped.
#[cfg(unix)]
fn hold(path: &Path) -> std::fs::File {
    use std::os::fd::AsRawFd;
    let file = std::fs::OpenOptions::new().append(true).create(true).open(path).unwrap();
    // SAFETY: flock on a descriptor the `File` owns.
    assert_eq!(unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) }, 0);
    file
}

#[cfg(unix)]
#[tokio::test]
async fn apply_refuses_a_results_file_another_run_holds_and_plan_only_reads_it() {
    let a = applied().await;
    let files = rename_remove_promote(&a);
    let dir = a.dir.path();
    let held = hold(&dir.join("results.jsonl"));
    let bytes = std::fs::read(dir.join("results.jsonl")).unwrap();
    let before = a.fake.chat.requests().len();
    let mut args = files.to_vec();
    args.push("--allow-delete");
    let ran = apply(dir, &a.fake, &args);
    assert_eq!(ran.code, 2, "{}{}", ran.stdout, ran.stderr);
    assert!(ran.stderr.contains("nothing applied: --results"), "{}", ran.stderr);
    assert!(ran.stderr.contains("another chatlint run is using it"), "{}", ran.stderr);
    assert_eq!(a.fake.chat.requests().len(), before, "no request at all");

    // plan neither takes nor writes it: it still reads the space the file
    // records (renamed, the displayName would not find it), while another
    // run holds it.
    let ran = plan(dir, &a.fake, &["eng.setup.json", "--detailed-exitcode"]);
    assert_eq!(ran.code, 3, "{}{}", ran.stdout, ran.stderr);
    assert!(ran.stdout.starts_with(&format!("~ eng.setup.json: update {}\n", a.space)), "{}", ran.stdout);
    assert_eq!(std::fs::read(dir.join("results.jsonl")).unwrap(), bytes);

    // Free again: apply sends.
    drop(held);
    let ran = apply(dir, &a.fake, &args);
    assert_eq!(ran.code, 0, "{}{}", ran.stdout, ran.stderr);
}

/// A record that cannot be written (the file size limit, which fails the
/// write as a full disk does) stops apply's next write and fails the run.
#[cfg(target_os = "linux")]
#[tokio::test]
async fn apply_stops_writing_once_a_record_cannot_be_written() {
    let a = applied().await;
    let files = rename_remove_promote(&a);
    let dir = a.dir.path();
    // Over the limit below (8 blocks: 4 or 8 KiB): the first new record fails.
    let mut text = std::fs::read_to_string(dir.join("results.jsonl")).unwrap();
    text.push_str(&format!("{}\n", " ".repeat(16 << 10)));
    std::fs::write(dir.join("results.jsonl"), text).unwrap();
    let before = a.fake.chat.requests().len();
    // SIGXFSZ ignored (the write fails instead of killing), files up to 8 blocks.
    let script = "trap '' XFSZ; ulimit -f 8; exec \"$0\" \"$@\"";
    let mut sh = isolated(dir, std::process::Command::new("sh"));
    sh.args(["-c", script])
        .arg(assert_cmd::cargo::cargo_bin("chatlint"))
        .args(["apply", "--endpoint", &a.fake.url(), "--results", "results.jsonl", "--allow-delete"])
        .args(files);
    let ran = run(&mut Command::from_std(sh));
    assert_eq!(ran.code, 1, "{}{}", ran.stdout, ran.stderr);
    assert!(ran.stderr.contains("results.jsonl: could not write a record"), "{}", ran.stderr);
    assert!(
        ran.stdout.contains("ana.role.json: failed: not recorded: --results results.jsonl: could not write a record"),
        "{}",
        ran.stdout
    );
    assert!(ran.stdout.contains("so no new request was started"), "{}", ran.stdout);
    assert_eq!(writes(&a.fake, before).len(), 1, "no write after the one whose record failed");
}
