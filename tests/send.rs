//! `chatlint check --send` against a fake Chat API and a fake OAuth token
//! endpoint that the tests start on 127.0.0.1 (wiremock). No test touches
//! the internet: every run gets an endpoint on 127.0.0.1, or sends nothing.

#![cfg(feature = "send")]

use assert_cmd::Command;
use serde_json::{Value, json};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tempfile::TempDir;
use wiremock::matchers::{method, path, path_regex};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

/// The access token the fake API accepts. Never to be seen in any output.
const TOKEN: &str = "ya29.TEST_ACCESS_TOKEN_d0n0tprint";
const REFRESH_TOKEN: &str = "1//TEST_REFRESH_TOKEN_d0n0tprint";
const CLIENT_SECRET: &str = "GOCSPX_TEST_CLIENT_SECRET_d0n0tprint";
const SECRETS: [&str; 3] = [TOKEN, REFRESH_TOKEN, CLIENT_SECRET];

// ---------------------------------------------------------------- fake Chat API

#[derive(Default)]
struct State {
    /// requestId → the space created for it.
    by_request_id: HashMap<String, Value>,
    /// displayName → the requestId that created it.
    names: HashMap<String, String>,
    /// Spaces created so far.
    created: usize,
    /// displayNames the caller may not create (403).
    denied: Vec<String>,
    /// displayNames whose request never gets an answer.
    hang: Vec<String>,
    /// How long every answer takes.
    delay: Duration,
}

/// A stateful Chat API: spaces.setup and spaces.create with the documented
/// requestId semantics (the same id returns the same space and creates
/// nothing) and ALREADY_EXISTS for a named space's displayName in use.
#[derive(Clone)]
struct FakeChat {
    state: Arc<Mutex<State>>,
    token: String,
}

fn google_error(code: u16, status: &str, message: &str) -> ResponseTemplate {
    ResponseTemplate::new(code).set_body_json(json!({"error": {"code": code, "message": message, "status": status}}))
}

impl Respond for FakeChat {
    fn respond(&self, req: &Request) -> ResponseTemplate {
        let delay = self.state.lock().unwrap().delay;
        let answer = self.answer(req);
        if delay.is_zero() { answer } else { answer.set_delay(delay) }
    }
}

impl FakeChat {
    fn answer(&self, req: &Request) -> ResponseTemplate {
        let auth = req.headers.get("authorization").and_then(|v| v.to_str().ok()).unwrap_or("");
        if auth != format!("Bearer {}", self.token) {
            return google_error(
                401,
                "UNAUTHENTICATED",
                "Request had invalid authentication credentials. Expected OAuth 2 access token.",
            );
        }
        let Ok(body) = serde_json::from_slice::<Value>(&req.body) else {
            return google_error(400, "INVALID_ARGUMENT", "Invalid JSON payload received.");
        };
        let (request_id, space) = match req.url.path() {
            "/v1/spaces:setup" => (body["requestId"].as_str().map(str::to_string), body["space"].clone()),
            "/v1/spaces" => {
                (req.url.query_pairs().find(|(k, _)| k == "requestId").map(|(_, v)| v.into_owned()), body.clone())
            }
            _ => return google_error(404, "NOT_FOUND", "no such method"),
        };
        let mut st = self.state.lock().unwrap();
        let display_name = space["displayName"].as_str().unwrap_or("").to_string();
        if st.hang.contains(&display_name) {
            return ResponseTemplate::new(200).set_delay(Duration::from_secs(120));
        }
        if st.denied.contains(&display_name) {
            return google_error(403, "PERMISSION_DENIED", "The caller does not have permission");
        }
        if let Some(existing) = request_id.as_ref().and_then(|id| st.by_request_id.get(id)) {
            return ResponseTemplate::new(200).set_body_json(existing.clone());
        }
        if !display_name.is_empty() && st.names.contains_key(&display_name) {
            return google_error(409, "ALREADY_EXISTS", "A space with the same name already exists.");
        }
        st.created += 1;
        let id = format!("AAAA{:04}", st.created);
        let created = json!({
            "name": format!("spaces/{id}"),
            "spaceUri": format!("https://chat.google.com/room/{id}?cls=7"),
            "displayName": display_name,
            "spaceType": space["spaceType"],
        });
        if let Some(rid) = request_id {
            st.by_request_id.insert(rid.clone(), created.clone());
            if !display_name.is_empty() {
                st.names.insert(display_name, rid);
            }
        }
        ResponseTemplate::new(200).set_body_json(created)
    }
}

struct Fake {
    server: MockServer,
    state: Arc<Mutex<State>>,
}

impl Fake {
    async fn start() -> Fake {
        Fake::accepting(TOKEN).await
    }

    async fn accepting(token: &str) -> Fake {
        let server = MockServer::start().await;
        let state = Arc::new(Mutex::new(State::default()));
        // What changes a space or its members (mounted first: it wins
        // for the paths below a space).
        Mock::given(path_regex("^/v1/spaces/[^/:]+(/members(/[^/:]+)?|:completeImport)?$"))
            .respond_with(FakeChanges::default())
            .mount(&server)
            .await;
        Mock::given(method("POST"))
            .and(path_regex("^/v1/spaces"))
            .respond_with(FakeChat { state: state.clone(), token: token.to_string() })
            .mount(&server)
            .await;
        Fake { server, state }
    }

    fn url(&self) -> String {
        self.server.uri()
    }

    /// Answers the next `times` Chat requests with `answer` (before the fake).
    async fn first(&self, times: u64, answer: ResponseTemplate) {
        Mock::given(method("POST"))
            .and(path_regex("^/v1/spaces"))
            .respond_with(answer)
            .up_to_n_times(times)
            .with_priority(1)
            .mount(&self.server)
            .await;
    }

    /// The Chat API requests received so far.
    async fn chat_requests(&self) -> Vec<Request> {
        let all = self.server.received_requests().await.unwrap_or_default();
        all.into_iter().filter(|r| r.url.path().starts_with("/v1/spaces")).collect()
    }

    fn created(&self) -> usize {
        self.state.lock().unwrap().created
    }
}

/// The requestId a recorded Chat request carried (body or query).
fn request_id_of(r: &Request) -> String {
    if r.url.path() == "/v1/spaces" {
        return r.url.query_pairs().find(|(k, _)| k == "requestId").map(|(_, v)| v.into_owned()).unwrap_or_default();
    }
    let body: Value = serde_json::from_slice(&r.body).unwrap();
    body["requestId"].as_str().unwrap_or_default().to_string()
}

// ---------------------------------------------------------------- files and runs

fn setup_body(display_name: &str) -> String {
    format!(
        "{{\n  \"space\": {{\n    \"spaceType\": \"SPACE\",\n    \"displayName\": \"{display_name}\"\n  }},\n  \
         \"memberships\": [\n    {{ \"member\": {{ \"name\": \"users/123456789\", \"type\": \"HUMAN\" }} }}\n  ]\n}}\n"
    )
}

fn create_body(display_name: &str) -> String {
    format!("{{\n  \"spaceType\": \"SPACE\",\n  \"displayName\": \"{display_name}\"\n}}\n")
}

/// Errors: a group chat must not have a displayName and needs members.
const INVALID_SETUP: &str =
    "{\n  \"space\": {\n    \"spaceType\": \"GROUP_CHAT\",\n    \"displayName\": \"Bad\"\n  }\n}\n";

/// A folder of request files.
fn project(files: &[(&str, &str)]) -> TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("chatlint.toml"), "").unwrap();
    for (name, text) in files {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    dir
}

/// chatlint, run in `dir`, with no credentials from the environment (HOME and
/// gcloud's folder are the empty `home` folder in `dir`).
fn chatlint(dir: &Path) -> Command {
    Command::from_std(isolated(dir))
}

/// The chatlint process of [`chatlint`], before it is wrapped.
fn isolated(dir: &Path) -> std::process::Command {
    let home = dir.join("home");
    std::fs::create_dir_all(&home).unwrap();
    let mut c = std::process::Command::new(assert_cmd::cargo::cargo_bin("chatlint"));
    c.current_dir(dir)
        .env("NO_COLOR", "1")
        .env("HOME", &home)
        .env("CLOUDSDK_CONFIG", home.join("gcloud"))
        .env_remove("GOOGLE_APPLICATION_CREDENTIALS")
        .env_remove("CHATLINT_ACCESS_TOKEN")
        .env_remove("HTTPS_PROXY")
        .env_remove("HTTP_PROXY")
        .env_remove("ALL_PROXY")
        .env_remove("https_proxy")
        .env_remove("http_proxy")
        .env_remove("all_proxy")
        .env("NO_PROXY", "*");
    c
}

/// chatlint with the access token in CHATLINT_ACCESS_TOKEN, sending to `fake`
/// with tiny retry delays.
fn sender(dir: &Path, fake: &Fake) -> Command {
    sender_waiting(dir, fake, "0.01")
}

fn sender_waiting(dir: &Path, fake: &Fake, retry_delay: &str) -> Command {
    let mut c = chatlint(dir);
    c.env("CHATLINT_ACCESS_TOKEN", TOKEN).args([
        "check",
        "--send",
        "--endpoint",
        &fake.url(),
        "--retry-delay",
        retry_delay,
    ]);
    c
}

struct Ran {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Ran {
    fn json(&self) -> Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| panic!("{e}: {}", self.stdout))
    }
}

/// Runs and checks that no secret appears in the output.
fn run(c: &mut Command) -> Ran {
    let out = c.timeout(Duration::from_secs(120)).output().unwrap();
    let ran = Ran {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
    };
    for s in SECRETS {
        assert!(
            !ran.stdout.contains(s) && !ran.stderr.contains(s),
            "a secret was printed:\n{}\n{}",
            ran.stdout,
            ran.stderr
        );
    }
    ran
}

/// The JSON output's file entry named `name`.
fn file<'a>(out: &'a Value, name: &str) -> &'a Value {
    out["files"].as_array().unwrap().iter().find(|f| f["path"] == name).unwrap_or_else(|| panic!("no {name} in {out}"))
}

fn results_lines(path: &Path) -> Vec<Value> {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    for s in SECRETS {
        assert!(!text.contains(s), "a secret is in the results file");
    }
    text.lines().map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}"))).collect()
}

// ---------------------------------------------------------------- the cases

#[tokio::test]
async fn success_reports_the_space_and_sends_the_token_and_request_id() {
    let fake = Fake::start().await;
    let dir = project(&[("eng.setup.json", &setup_body("Eng")), ("news.create.json", &create_body("News"))]);
    let ran = run(sender(dir.path(), &fake).args(["eng.setup.json", "news.create.json", "--format", "json"]));
    assert_eq!(ran.code, 0, "{}{}", ran.stdout, ran.stderr);
    let out = ran.json();
    for name in ["eng.setup.json", "news.create.json"] {
        let sent = &file(&out, name)["sent"];
        assert_eq!(sent["status"], "sent", "{sent}");
        assert!(sent["space"]["name"].as_str().unwrap().starts_with("spaces/AAAA"), "{sent}");
        assert!(sent["space"]["space_uri"].as_str().unwrap().starts_with("https://chat.google.com/room/"), "{sent}");
        assert_eq!(sent["request_id_source"], "derived");
        assert_eq!(sent["attempts"], 1);
        let id = sent["request_id"].as_str().unwrap();
        assert_eq!(uuid::Uuid::parse_str(id).unwrap().get_version_num(), 5);
    }
    let reqs = fake.chat_requests().await;
    assert_eq!(reqs.len(), 2);
    for r in &reqs {
        assert_eq!(r.headers.get("authorization").unwrap().to_str().unwrap(), format!("Bearer {TOKEN}"));
        let expect = if r.url.path() == "/v1/spaces" { "news.create.json" } else { "eng.setup.json" };
        assert_eq!(request_id_of(r), file(&out, expect)["sent"]["request_id"].as_str().unwrap());
    }
    // setup carries the id in the body, create in the query; the body is the file's.
    let setup = reqs.iter().find(|r| r.url.path() == "/v1/spaces:setup").unwrap();
    let body: Value = serde_json::from_slice(&setup.body).unwrap();
    assert_eq!(body["space"]["displayName"], "Eng");
    let create = reqs.iter().find(|r| r.url.path() == "/v1/spaces").unwrap();
    let body: Value = serde_json::from_slice(&create.body).unwrap();
    assert_eq!(body, serde_json::from_str::<Value>(&create_body("News")).unwrap());

    let human = run(sender(dir.path(), &fake).args(["eng.setup.json"]));
    assert_eq!(human.code, 0);
    assert!(
        human.stdout.contains("eng.setup.json: sent: spaces/AAAA0001 https://chat.google.com/room/"),
        "{}",
        human.stdout
    );
    assert!(human.stdout.contains("; sent 1 request\n"), "the summary counts sent requests: {}", human.stdout);
}

#[tokio::test]
async fn already_exists_says_to_choose_another_display_name() {
    let fake = Fake::start().await;
    fake.state.lock().unwrap().names.insert("Eng".into(), "someone-elses-request".into());
    let dir = project(&[("eng.setup.json", &setup_body("Eng"))]);
    let ran = run(sender(dir.path(), &fake).arg("eng.setup.json"));
    assert_eq!(ran.code, 1);
    assert!(
        ran.stdout.contains("failed: 409 ALREADY_EXISTS: A space with the same name already exists."),
        "{}",
        ran.stdout
    );
    assert!(ran.stdout.contains("choose another displayName"), "{}", ran.stdout);
    assert!(ran.stdout.contains("; sent 0 requests, 1 failed"), "the summary counts failures: {}", ran.stdout);
    assert_eq!(fake.chat_requests().await.len(), 1, "a 409 is not retried");

    let out = run(sender(dir.path(), &fake).args(["eng.setup.json", "--format", "json"])).json();
    let f = file(&out, "eng.setup.json");
    assert_eq!(f["sent"]["status"], "failed");
    assert_eq!(f["sent"]["error"]["http_status"], 409);
    assert_eq!(f["sent"]["error"]["status"], "ALREADY_EXISTS");
    let d = f["diagnostics"].as_array().unwrap().iter().find(|d| d["rule"] == "server-rejected").unwrap();
    assert_eq!(
        (d["pointer"].as_str().unwrap(), d["line"].as_u64(), d["column"].as_u64()),
        ("/space/displayName", Some(4), Some(20))
    );
    assert!(d["help"].as_str().unwrap().contains("choose another displayName"));
}

#[tokio::test]
async fn field_violations_are_mapped_to_lines_and_columns() {
    let fake = Fake::start().await;
    fake.first(
        1,
        ResponseTemplate::new(400).set_body_json(json!({"error": {
        "code": 400, "message": "Invalid space setup request.", "status": "INVALID_ARGUMENT",
        "details": [{"@type": "type.googleapis.com/google.rpc.BadRequest", "fieldViolations": [
            {"field": "space.display_name", "description": "Display name is reserved."},
            {"field": "memberships[0].member.name", "description": "User not found."}
        ]}]}})),
    )
    .await;
    let dir = project(&[("eng.setup.json", &setup_body("Eng"))]);
    let ran = run(sender(dir.path(), &fake).args(["eng.setup.json", "--format", "json"]));
    assert_eq!(ran.code, 1);
    let out = ran.json();
    let f = file(&out, "eng.setup.json");
    assert_eq!(f["sent"]["error"]["status"], "INVALID_ARGUMENT");
    let found: Vec<(String, u64, u64, String)> = f["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["rule"] == "server-rejected")
        .map(|d| {
            assert_eq!(d["severity"], "error");
            assert_eq!(d["help"], "Google answered 400 INVALID_ARGUMENT: Invalid space setup request.");
            (
                d["pointer"].as_str().unwrap().into(),
                d["line"].as_u64().unwrap(),
                d["column"].as_u64().unwrap(),
                d["message"].as_str().unwrap().into(),
            )
        })
        .collect();
    assert_eq!(
        found,
        [
            (
                "/space/displayName".into(),
                4,
                20,
                "the Chat API rejected `space.display_name`: Display name is reserved.".into()
            ),
            (
                "/memberships/0/member/name".into(),
                7,
                27,
                "the Chat API rejected `memberships[0].member.name`: User not found.".into()
            ),
        ]
    );
    assert_eq!(fake.chat_requests().await.len(), 1, "a 400 is not retried");
    // The human output shows them as findings with a snippet.
    fake.first(
        1,
        ResponseTemplate::new(400).set_body_json(json!({"error": {"code": 400, "message": "m", "status": "INVALID_ARGUMENT",
            "details": [{"fieldViolations": [{"field": "space.display_name", "description": "Display name is reserved."}]}]}})),
    )
    .await;
    let human = run(sender(dir.path(), &fake).arg("eng.setup.json"));
    assert!(
        human.stdout.contains("server-rejected") && human.stdout.contains("eng.setup.json:4:20"),
        "{}",
        human.stdout
    );
}

#[tokio::test]
async fn unauthenticated_is_shown_and_not_retried() {
    let fake = Fake::accepting("some-other-token").await;
    let dir = project(&[("eng.setup.json", &setup_body("Eng"))]);
    let results = dir.path().join("results.jsonl");
    let ran = run(sender(dir.path(), &fake).args(["eng.setup.json", "--results"]).arg(&results));
    assert_eq!(ran.code, 1);
    assert!(
        ran.stdout.contains("failed: 401 UNAUTHENTICATED: Request had invalid authentication credentials."),
        "{}",
        ran.stdout
    );
    assert!(ran.stdout.contains("access token was refused"), "{}", ran.stdout);
    assert_eq!(fake.chat_requests().await.len(), 1);
    let lines = results_lines(&results);
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0]["status"], "failed");
    assert_eq!(lines[0]["http_status"], 401);
    assert_eq!(lines[0]["error"]["status"], "UNAUTHENTICATED");
}

#[tokio::test]
async fn permission_denied_is_shown_and_not_retried() {
    let fake = Fake::start().await;
    fake.first(1, google_error(403, "PERMISSION_DENIED", "Request had insufficient authentication scopes.")).await;
    let dir = project(&[("eng.setup.json", &setup_body("Eng"))]);
    let ran = run(sender(dir.path(), &fake).arg("eng.setup.json"));
    assert_eq!(ran.code, 1);
    assert!(
        ran.stdout.contains("failed: 403 PERMISSION_DENIED: Request had insufficient authentication scopes."),
        "{}",
        ran.stdout
    );
    assert!(ran.stdout.contains("chat.spaces.create"), "the help names the scopes: {}", ran.stdout);
    assert_eq!(fake.chat_requests().await.len(), 1);
    assert_eq!(fake.created(), 0);
}

#[tokio::test]
async fn too_many_requests_waits_for_retry_after_then_succeeds_with_the_same_request_id() {
    let fake = Fake::start().await;
    fake.first(1, google_error(429, "RESOURCE_EXHAUSTED", "Quota exceeded").insert_header("Retry-After", "1")).await;
    let dir = project(&[("news.create.json", &create_body("News"))]);
    let started = Instant::now();
    // A long base delay: only Retry-After can make the retry come this soon.
    let ran = run(sender_waiting(dir.path(), &fake, "6").args(["news.create.json", "--format", "json"]));
    let took = started.elapsed();
    assert_eq!(ran.code, 0, "{}{}", ran.stdout, ran.stderr);
    assert!(took >= Duration::from_secs(1) && took < Duration::from_secs(3), "{took:?}");
    assert!(ran.stderr.contains("HTTP 429; retrying in 1.0 s (attempt 2 of 5)"), "{}", ran.stderr);
    let out = ran.json();
    let sent = &file(&out, "news.create.json")["sent"];
    assert_eq!(sent["status"], "sent");
    assert_eq!(sent["attempts"], 2);
    let reqs = fake.chat_requests().await;
    assert_eq!(reqs.len(), 2);
    assert_eq!(request_id_of(&reqs[0]), request_id_of(&reqs[1]));
    assert_eq!(request_id_of(&reqs[0]), sent["request_id"].as_str().unwrap());
    assert_eq!(reqs[0].body, reqs[1].body);
}

#[tokio::test]
async fn unavailable_twice_then_success_with_the_same_request_id() {
    let fake = Fake::start().await;
    fake.first(2, google_error(503, "UNAVAILABLE", "The service is currently unavailable.")).await;
    let dir = project(&[("eng.setup.json", &setup_body("Eng"))]);
    let ran = run(sender(dir.path(), &fake).args(["eng.setup.json", "--format", "json"]));
    assert_eq!(ran.code, 0, "{}{}", ran.stdout, ran.stderr);
    let out = ran.json();
    let sent = &file(&out, "eng.setup.json")["sent"];
    assert_eq!(sent["status"], "sent");
    assert_eq!(sent["attempts"], 3);
    let reqs = fake.chat_requests().await;
    assert_eq!(reqs.len(), 3);
    let ids: Vec<String> = reqs.iter().map(request_id_of).collect();
    assert!(ids.iter().all(|id| id == sent["request_id"].as_str().unwrap()), "{ids:?}");
    assert_eq!(fake.created(), 1);
}

#[tokio::test]
async fn retries_are_bounded() {
    let fake = Fake::start().await;
    fake.first(100, google_error(500, "INTERNAL", "boom")).await;
    let dir = project(&[("eng.setup.json", &setup_body("Eng"))]);
    let ran = run(sender(dir.path(), &fake).args(["eng.setup.json", "--max-attempts", "3"]));
    assert_eq!(ran.code, 1);
    assert!(ran.stdout.contains("failed after 3 attempts: 500 INTERNAL: boom"), "{}", ran.stdout);
    assert_eq!(fake.chat_requests().await.len(), 3);
}

#[tokio::test]
async fn concurrency_is_bounded() {
    let fake = Fake::start().await;
    fake.state.lock().unwrap().delay = Duration::from_millis(500);
    let names = ["a", "b", "c", "d"];
    let files: Vec<(String, String)> =
        names.iter().map(|n| (format!("{n}.create.json"), create_body(&n.to_uppercase()))).collect();
    let refs: Vec<(&str, &str)> = files.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
    let dir = project(&refs);
    let timed = |concurrency: &str| {
        let started = Instant::now();
        let ran = run(sender(dir.path(), &fake).args([".", "--concurrency", concurrency]));
        assert_eq!(ran.code, 0, "{}{}", ran.stdout, ran.stderr);
        started.elapsed()
    };
    let one = timed("1");
    assert!(one >= Duration::from_millis(2000), "one at a time: {one:?}");
    let four = timed("4");
    assert!(four < Duration::from_millis(1500), "four at once: {four:?}");
    assert_eq!(fake.created(), 4);
}

#[tokio::test]
async fn a_hanging_server_times_out() {
    let fake = Fake::start().await;
    fake.state.lock().unwrap().hang.push("Eng".into());
    let dir = project(&[("eng.setup.json", &setup_body("Eng"))]);
    let started = Instant::now();
    let ran = run(sender(dir.path(), &fake).args([
        "eng.setup.json",
        "--timeout",
        "0.5",
        "--max-attempts",
        "2",
        "--format",
        "json",
    ]));
    assert!(started.elapsed() < Duration::from_secs(15), "{:?}", started.elapsed());
    assert_eq!(ran.code, 1);
    let out = ran.json();
    let sent = &file(&out, "eng.setup.json")["sent"];
    assert_eq!(sent["status"], "failed");
    assert_eq!(sent["attempts"], 2);
    assert!(sent["error"]["message"].as_str().unwrap().starts_with("timed out"), "{sent}");
    assert_eq!(fake.chat_requests().await.len(), 2, "a timeout is retried (same requestId)");
}

#[tokio::test]
async fn the_same_request_id_twice_returns_the_same_space() {
    let fake = Fake::start().await;
    let dir = project(&[("eng.setup.json", &setup_body("Eng")), ("news.create.json", &create_body("News"))]);
    let names = |ran: &Ran| -> Vec<String> {
        let out = ran.json();
        ["eng.setup.json", "news.create.json"]
            .iter()
            .map(|f| file(&out, f)["sent"]["space"]["name"].as_str().unwrap().to_string())
            .collect()
    };
    let first = run(sender(dir.path(), &fake).args(["eng.setup.json", "news.create.json", "--format", "json"]));
    let second = run(sender(dir.path(), &fake).args(["eng.setup.json", "news.create.json", "--format", "json"]));
    assert_eq!((first.code, second.code), (0, 0));
    assert_eq!(names(&first), names(&second));
    assert_eq!(fake.created(), 2);
    // The id is the request's: from another folder, or moved and reformatted, the file gets the same space.
    std::fs::create_dir_all(dir.path().join("sub")).unwrap();
    let third = run(sender(&dir.path().join("sub"), &fake).args(["../eng.setup.json", "--format", "json"]));
    assert_eq!(file(&third.json(), "../eng.setup.json")["sent"]["space"]["name"], names(&first)[0].as_str());
    assert_eq!(fake.created(), 2);
    let moved = setup_body("Eng").replace("\n", "").replace("displayName", "display_name");
    std::fs::write(dir.path().join("sub").join("renamed.setup.json"), moved).unwrap();
    let fourth = run(sender(dir.path(), &fake).args(["sub/renamed.setup.json", "--format", "json"]));
    assert_eq!(file(&fourth.json(), "sub/renamed.setup.json")["sent"]["space"]["name"], names(&first)[0].as_str());
    assert_eq!(fake.created(), 2);
    let reqs = fake.chat_requests().await;
    assert_eq!(reqs.len(), 6);
    // An id set in the file is sent as it is.
    let pinned = setup_body("Ops").replacen('{', "{\n  \"requestId\": \"1b4e28ba-2fa1-4d3b-a3f5-ef19b5a7633b\",", 1);
    std::fs::write(dir.path().join("ops.setup.json"), pinned).unwrap();
    let ran = run(sender(dir.path(), &fake).args(["ops.setup.json", "--format", "json"]));
    let out = ran.json();
    let sent = &file(&out, "ops.setup.json")["sent"];
    assert_eq!(
        (sent["request_id"].as_str(), sent["request_id_source"].as_str()),
        (Some("1b4e28ba-2fa1-4d3b-a3f5-ef19b5a7633b"), Some("file"))
    );
}

#[tokio::test]
async fn invalid_files_never_reach_the_server() {
    let fake = Fake::start().await;
    let dir = project(&[("eng.setup.json", &setup_body("Eng")), ("bad.setup.json", INVALID_SETUP)]);
    let results = dir.path().join("results.jsonl");
    let ran = run(sender(dir.path(), &fake).args([".", "--format", "json", "--results"]).arg(&results));
    assert_eq!(ran.code, 1);
    assert!(ran.stderr.contains("nothing sent: 1 file has errors"), "{}", ran.stderr);
    let out = ran.json();
    assert_eq!(file(&out, "bad.setup.json")["sent"]["status"], "blocked");
    assert_eq!(file(&out, "eng.setup.json")["sent"]["status"], "blocked");
    assert!(fake.chat_requests().await.is_empty(), "the gate let a request through");
    assert!(results_lines(&results).is_empty());
    // --fail-on never does not open the gate.
    let ran = run(sender(dir.path(), &fake).args([".", "--fail-on", "never"]));
    assert_eq!(ran.code, 1);
    assert!(fake.chat_requests().await.is_empty());

    // Opting in sends the file that passes, and only it.
    let ran = run(sender(dir.path(), &fake).args([".", "--send-passing", "--format", "json"]));
    assert_eq!(ran.code, 1, "a file still has errors");
    let out = ran.json();
    assert_eq!(file(&out, "bad.setup.json")["sent"]["status"], "skipped");
    assert_eq!(file(&out, "eng.setup.json")["sent"]["status"], "sent");
    let reqs = fake.chat_requests().await;
    assert_eq!(reqs.len(), 1);
    let body: Value = serde_json::from_slice(&reqs[0].body).unwrap();
    assert_eq!(body["space"]["displayName"], "Eng");
}

#[tokio::test]
async fn results_file_is_complete_after_a_failure_mid_run() {
    let fake = Fake::start().await;
    fake.state.lock().unwrap().denied.push("Bravo".into());
    let dir = project(&[
        ("a.setup.json", &setup_body("Alpha")),
        ("b.setup.json", &setup_body("Bravo")),
        ("c.create.json", &create_body("Charlie")),
    ]);
    let results = dir.path().join("out").join("results.jsonl");
    std::fs::create_dir_all(results.parent().unwrap()).unwrap();
    std::fs::write(&results, "{\"earlier\":true}\n").unwrap();
    let ran = run(sender(dir.path(), &fake)
        .args(["a.setup.json", "b.setup.json", "c.create.json", "--concurrency", "1", "--results"])
        .arg(&results));
    assert_eq!(ran.code, 1);
    let lines = results_lines(&results);
    assert_eq!(lines.len(), 4, "appended, one line per request: {lines:?}");
    assert_eq!(lines[0]["earlier"], true);
    let by_file: HashMap<&str, &Value> = lines[1..].iter().map(|l| (l["file"].as_str().unwrap(), l)).collect();
    assert_eq!(by_file["a.setup.json"]["status"], "sent");
    assert!(by_file["a.setup.json"]["space"].as_str().unwrap().starts_with("spaces/"));
    assert!(by_file["a.setup.json"]["space_uri"].as_str().unwrap().starts_with("https://"));
    assert_eq!(by_file["b.setup.json"]["status"], "failed");
    assert_eq!(by_file["b.setup.json"]["http_status"], 403);
    assert_eq!(by_file["b.setup.json"]["error"]["status"], "PERMISSION_DENIED");
    assert_eq!(by_file["b.setup.json"]["error"]["message"], "The caller does not have permission");
    assert_eq!(by_file["c.create.json"]["status"], "sent");
    assert_eq!(by_file["c.create.json"]["method"], "spaces.create");
    for l in &lines[1..] {
        assert!(uuid::Uuid::parse_str(l["request_id"].as_str().unwrap()).is_ok(), "{l}");
        assert!(l["time"].as_str().unwrap().ends_with('Z'), "{l}");
    }
}

#[tokio::test]
async fn an_interrupted_run_keeps_the_lines_of_finished_requests() {
    let fake = Fake::start().await;
    fake.state.lock().unwrap().hang.push("Hangs".into());
    let dir = project(&[
        ("a.setup.json", &setup_body("Alpha")),
        ("b.create.json", &create_body("Bravo")),
        ("h.setup.json", &setup_body("Hangs")),
    ]);
    let results = dir.path().join("results.jsonl");
    let bin = assert_cmd::cargo::cargo_bin("chatlint");
    let home = dir.path().join("home");
    let mut child = std::process::Command::new(bin)
        .current_dir(dir.path())
        .env("HOME", &home)
        .env("CLOUDSDK_CONFIG", home.join("gcloud"))
        .env_remove("GOOGLE_APPLICATION_CREDENTIALS")
        .env("CHATLINT_ACCESS_TOKEN", TOKEN)
        .env("NO_PROXY", "*")
        .args(["check", "--send", "--endpoint", &fake.url(), "--concurrency", "2", "--timeout", "100", "--results"])
        .arg(&results)
        .args(["a.setup.json", "b.create.json", "h.setup.json"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    while results_lines(&results).len() < 2 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(child.try_wait().unwrap().is_none(), "the hanging request should still be waiting");
    child.kill().unwrap();
    child.wait().unwrap();
    let lines = results_lines(&results);
    let mut files: Vec<&str> = lines.iter().map(|l| l["file"].as_str().unwrap()).collect();
    files.sort();
    assert_eq!(files, ["a.setup.json", "b.create.json"]);
    assert!(lines.iter().all(|l| l["status"] == "sent"));
}

#[tokio::test]
async fn dry_run_needs_no_credentials_and_sends_nothing() {
    let fake = Fake::start().await;
    let dir = project(&[("eng.setup.json", &setup_body("Eng")), ("news.create.json", &create_body("News"))]);
    // No token anywhere (chatlint() clears them) and no --send: --dry-run alone.
    let ran = run(chatlint(dir.path()).args([
        "check",
        "--dry-run",
        "--endpoint",
        &fake.url(),
        "eng.setup.json",
        "news.create.json",
    ]));
    assert_eq!(ran.code, 0, "{}{}", ran.stdout, ran.stderr);
    let base = fake.url();
    assert!(ran.stdout.contains(&format!("eng.setup.json: would send POST {base}/v1/spaces:setup")), "{}", ran.stdout);
    assert!(ran.stdout.contains(&format!("would send POST {base}/v1/spaces?requestId=")), "{}", ran.stdout);
    assert!(ran.stdout.contains("  requestId: ") && ran.stdout.contains("\"displayName\": \"News\""), "{}", ran.stdout);
    assert!(fake.chat_requests().await.is_empty());
    assert!(fake.server.received_requests().await.unwrap().is_empty());

    let out =
        run(chatlint(dir.path()).args(["check", "--send", "--dry-run", "eng.setup.json", "--format", "json"])).json();
    let sent = &file(&out, "eng.setup.json")["sent"];
    assert_eq!(sent["status"], "dry_run");
    assert_eq!(sent["request"]["http_method"], "POST");
    assert_eq!(sent["request"]["url"], "https://chat.googleapis.com/v1/spaces:setup");
    assert_eq!(sent["request"]["body"]["requestId"], sent["request_id"]);
    assert_eq!(sent["request"]["body"]["space"]["displayName"], "Eng");

    // The id shown is the one a real run sends.
    let real = run(sender(dir.path(), &fake).args(["eng.setup.json", "--format", "json"])).json();
    assert_eq!(file(&real, "eng.setup.json")["sent"]["request_id"], sent["request_id"]);
}

#[test]
fn the_derived_id_is_the_one_the_request_id_fix_pins() {
    let dir = project(&[("eng.setup.json", &setup_body("Eng"))]);
    let checked = run(chatlint(dir.path()).args(["check", "eng.setup.json", "--format", "json"])).json();
    let fix = file(&checked, "eng.setup.json")["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["rule"] == "request-id-not-uuid")
        .and_then(|d| d["fixes"][0]["edits"][0]["new_text"].as_str())
        .expect("a fix that adds the requestId")
        .to_string();
    let dry = run(chatlint(dir.path()).args(["check", "--dry-run", "eng.setup.json", "--format", "json"])).json();
    let derived = file(&dry, "eng.setup.json")["sent"]["request_id"].as_str().unwrap().to_string();
    assert!(fix.contains(&derived), "the fix pins {fix}, --send derives {derived}");
}

#[tokio::test]
async fn without_credentials_nothing_is_sent() {
    let fake = Fake::start().await;
    let dir = project(&[("eng.setup.json", &setup_body("Eng"))]);
    let ran = run(chatlint(dir.path()).args([
        "check",
        "--send",
        "--endpoint",
        &fake.url(),
        "eng.setup.json",
        "--format",
        "json",
    ]));
    assert_eq!(ran.code, 2);
    assert!(ran.stderr.contains("no credentials"), "{}", ran.stderr);
    assert_eq!(file(&ran.json(), "eng.setup.json")["sent"]["status"], "not_sent");
    assert!(fake.server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn a_token_is_never_sent_over_plain_http_to_another_host() {
    let dir = project(&[("eng.setup.json", &setup_body("Eng"))]);
    let ran = run(chatlint(dir.path()).env("CHATLINT_ACCESS_TOKEN", TOKEN).args([
        "check",
        "--send",
        "--endpoint",
        "http://chat.example.invalid",
        "eng.setup.json",
    ]));
    assert_eq!(ran.code, 2);
    assert!(ran.stderr.contains("is plain http"), "{}", ran.stderr);
    assert!(ran.stdout.contains("not sent"), "{}", ran.stdout);
}

// ---------------------------------------------------------------- credentials

/// A fake OAuth token endpoint: the refresh-token grant (checks the client
/// and refresh token) and the JWT bearer grant (checks the signature with
/// `public_key` and the claims). Either way it issues [`TOKEN`].
struct FakeTokenEndpoint {
    public_key: Option<Vec<u8>>,
    audience: String,
}

impl Respond for FakeTokenEndpoint {
    fn respond(&self, req: &Request) -> ResponseTemplate {
        let form: HashMap<String, String> =
            reqwest::Url::parse(&format!("http://x/?{}", String::from_utf8_lossy(&req.body)))
                .unwrap()
                .query_pairs()
                .into_owned()
                .collect();
        let ok = ResponseTemplate::new(200)
            .set_body_json(json!({"access_token": TOKEN, "expires_in": 3599, "token_type": "Bearer"}));
        let refused = |why: &str| {
            // A careless server echoing the secret it got: chatlint must not repeat it.
            let echo = form.get("refresh_token").cloned().unwrap_or_default();
            ResponseTemplate::new(400)
                .set_body_json(json!({"error": "invalid_grant", "error_description": format!("{why} {echo}")}))
        };
        match form.get("grant_type").map(String::as_str) {
            Some("refresh_token") => {
                if form.get("refresh_token").map(String::as_str) != Some(REFRESH_TOKEN) {
                    return refused("Bad refresh token:");
                }
                if form.get("client_secret").map(String::as_str) != Some(CLIENT_SECRET)
                    || !form.contains_key("client_id")
                {
                    return refused("Bad client:");
                }
                ok
            }
            Some("urn:ietf:params:oauth:grant-type:jwt-bearer") => {
                let Some(jwt) = form.get("assertion") else { return refused("no assertion") };
                let parts: Vec<&str> = jwt.split('.').collect();
                let key = self.public_key.as_ref().unwrap();
                let public = aws_lc_rs::signature::UnparsedPublicKey::new(
                    &aws_lc_rs::signature::RSA_PKCS1_2048_8192_SHA256,
                    key,
                );
                let signed = format!("{}.{}", parts[0], parts[1]);
                if public.verify(signed.as_bytes(), &b64_decode(parts[2])).is_err() {
                    return refused("bad signature");
                }
                let claims: Value = serde_json::from_slice(&b64_decode(parts[1])).unwrap();
                if claims["sub"] != "alex@example.com"
                    || claims["iss"] != "ci@project.iam.gserviceaccount.com"
                    || claims["aud"] != self.audience.as_str()
                    || claims["scope"] != "https://www.googleapis.com/auth/chat.spaces.create"
                {
                    return refused("bad claims");
                }
                ok
            }
            _ => refused("unsupported grant"),
        }
    }
}

fn b64_decode(s: &str) -> Vec<u8> {
    let mut out = Vec::new();
    let (mut acc, mut bits) = (0u32, 0);
    for c in s.bytes().filter(|c| *c != b'=' && !c.is_ascii_whitespace()) {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' | b'-' => 62,
            _ => 63,
        };
        acc = acc << 6 | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    out
}

fn b64_encode(bytes: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk.iter().enumerate().fold(0u32, |n, (i, &b)| n | u32::from(b) << (16 - 8 * i));
        for i in 0..4 {
            out.push(if i <= chunk.len() { A[(n >> (18 - 6 * i) & 63) as usize] as char } else { '=' });
        }
    }
    out
}

async fn token_endpoint(fake: &Fake, public_key: Option<Vec<u8>>) -> String {
    let uri = format!("{}/token", fake.url());
    Mock::given(method("POST"))
        .and(path("/token"))
        .respond_with(FakeTokenEndpoint { public_key, audience: uri.clone() })
        .mount(&fake.server)
        .await;
    uri
}

fn authorized_user(token_uri: Option<&str>, refresh_token: &str) -> String {
    let mut v = json!({
        "type": "authorized_user",
        "client_id": "123.apps.googleusercontent.com",
        "client_secret": CLIENT_SECRET,
        "refresh_token": refresh_token,
        "quota_project_id": "proj"
    });
    if let Some(uri) = token_uri {
        v["token_uri"] = json!(uri);
    }
    v.to_string()
}

#[tokio::test]
async fn authorized_user_from_google_application_credentials() {
    let fake = Fake::start().await;
    let token_uri = token_endpoint(&fake, None).await;
    let dir = project(&[("eng.setup.json", &setup_body("Eng"))]);
    let creds = dir.path().join("adc.json");
    std::fs::write(&creds, authorized_user(Some(&token_uri), REFRESH_TOKEN)).unwrap();
    let ran = run(chatlint(dir.path()).env("GOOGLE_APPLICATION_CREDENTIALS", &creds).args([
        "check",
        "--send",
        "--endpoint",
        &fake.url(),
        "eng.setup.json",
    ]));
    assert_eq!(ran.code, 0, "{}{}", ran.stdout, ran.stderr);
    assert!(ran.stdout.contains("sent: spaces/AAAA0001"), "{}", ran.stdout);
    let chat = fake.chat_requests().await;
    assert_eq!(chat[0].headers.get("authorization").unwrap().to_str().unwrap(), format!("Bearer {TOKEN}"));

    // A refused refresh token: the error is shown, the secrets are not (run() checks).
    std::fs::write(&creds, authorized_user(Some(&token_uri), "1//TEST_REFRESH_TOKEN_d0n0tprint_revoked")).unwrap();
    let ran = run(chatlint(dir.path()).env("GOOGLE_APPLICATION_CREDENTIALS", &creds).args([
        "check",
        "--send",
        "--endpoint",
        &fake.url(),
        "eng.setup.json",
    ]));
    assert_eq!(ran.code, 2);
    assert!(ran.stderr.contains("refused the credentials") && ran.stderr.contains("invalid_grant"), "{}", ran.stderr);
    assert!(!ran.stderr.contains("_revoked") && ran.stderr.contains("[redacted]"), "{}", ran.stderr);
    assert_eq!(fake.chat_requests().await.len(), 1, "no Chat request without a token");
}

#[tokio::test]
async fn gcloud_application_default_credentials_with_an_overridden_token_uri() {
    let fake = Fake::start().await;
    let token_uri = token_endpoint(&fake, None).await;
    let dir = project(&[("news.create.json", &create_body("News"))]);
    let gcloud = dir.path().join("home").join("gcloud");
    std::fs::create_dir_all(&gcloud).unwrap();
    // gcloud's file names no token URI.
    std::fs::write(gcloud.join("application_default_credentials.json"), authorized_user(None, REFRESH_TOKEN)).unwrap();
    let ran = run(chatlint(dir.path()).args([
        "check",
        "--send",
        "--endpoint",
        &fake.url(),
        "--token-uri",
        &token_uri,
        "news.create.json",
    ]));
    assert_eq!(ran.code, 0, "{}{}", ran.stdout, ran.stderr);
    assert_eq!(fake.created(), 1);
}

#[tokio::test]
async fn token_file_and_token_env() {
    let fake = Fake::start().await;
    let dir = project(&[("eng.setup.json", &setup_body("Eng"))]);
    let token_file = dir.path().join("token.txt");
    std::fs::write(&token_file, format!("{TOKEN}\n")).unwrap();
    let ran = run(chatlint(dir.path())
        .args(["check", "--send", "--endpoint", &fake.url(), "--token-file"])
        .arg(&token_file)
        .arg("eng.setup.json"));
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    let ran = run(chatlint(dir.path()).env("MY_TOKEN", TOKEN).args([
        "check",
        "--send",
        "--endpoint",
        &fake.url(),
        "--token-env",
        "MY_TOKEN",
        "eng.setup.json",
    ]));
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    let ran = run(chatlint(dir.path()).args([
        "check",
        "--send",
        "--endpoint",
        &fake.url(),
        "--token-env",
        "UNSET_VAR_X",
        "eng.setup.json",
    ]));
    assert_eq!(ran.code, 2);
    assert!(ran.stderr.contains("UNSET_VAR_X"), "{}", ran.stderr);
    assert_eq!(fake.created(), 1);
}

#[tokio::test]
async fn service_account_with_a_subject_uses_the_jwt_bearer_grant() {
    use aws_lc_rs::encoding::{AsDer, Pkcs8V1Der};
    use aws_lc_rs::signature::{KeyPair, RsaKeyPair};
    let key = RsaKeyPair::generate(aws_lc_rs::rsa::KeySize::Rsa2048).unwrap();
    let der: Pkcs8V1Der = key.as_der().unwrap();
    let b64 = b64_encode(der.as_ref());
    let lines: Vec<&str> = b64.as_bytes().chunks(64).map(|c| std::str::from_utf8(c).unwrap()).collect();
    let pem = format!("-----BEGIN PRIVATE KEY-----\n{}\n-----END PRIVATE KEY-----\n", lines.join("\n"));

    let fake = Fake::start().await;
    let token_uri = token_endpoint(&fake, Some(key.public_key().as_ref().to_vec())).await;
    let dir = project(&[("eng.setup.json", &setup_body("Eng"))]);
    let sa = dir.path().join("sa.json");
    let key_file = json!({
        "type": "service_account",
        "project_id": "project",
        "private_key_id": "abc123",
        "private_key": pem,
        "client_email": "ci@project.iam.gserviceaccount.com",
        "client_id": "1234567890",
        "token_uri": token_uri,
    });
    std::fs::write(&sa, key_file.to_string()).unwrap();
    let ran = run(chatlint(dir.path())
        .args(["check", "--send", "--endpoint", &fake.url(), "--subject", "alex@example.com", "--credentials"])
        .arg(&sa)
        .arg("eng.setup.json"));
    assert_eq!(ran.code, 0, "{}{}", ran.stdout, ran.stderr);
    let body_of_key = &lines[1];
    assert!(!ran.stdout.contains(body_of_key) && !ran.stderr.contains(body_of_key));
    assert_eq!(fake.created(), 1);

    // Without --subject a service account is the app itself, which spaces.setup does not accept.
    let ran = run(chatlint(dir.path())
        .args(["check", "--send", "--endpoint", &fake.url(), "--credentials"])
        .arg(&sa)
        .arg("eng.setup.json"));
    assert_eq!(ran.code, 2);
    assert!(ran.stderr.contains("spaces.setup needs user authentication"), "{}", ran.stderr);
}

// ---------------------------------------------------------------- the examples

#[tokio::test]
async fn examples_are_sent_once_and_a_second_run_creates_nothing_new() {
    let fake = Fake::start().await;
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let home = tempfile::tempdir().unwrap();
    // Every valid example, of all eight methods (deletes with the opt-in).
    let files: Vec<String> = walk_json(&root.join("examples/valid"))
        .into_iter()
        .map(|p| p.strip_prefix(&root).unwrap().display().to_string())
        .collect();
    let send = || {
        let mut c = chatlint(home.path());
        c.current_dir(&root).env("CHATLINT_ACCESS_TOKEN", TOKEN).args(["check", "--send"]).args(&files).args([
            "--allow-delete",
            "--endpoint",
            &fake.url(),
            "--format",
            "json",
        ]);
        c
    };
    // Per file: its method, its status, and the resource it names.
    let outcomes = |out: &Value| -> Vec<(String, String, String, String)> {
        let mut v: Vec<_> = out["files"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                let sent = &f["sent"];
                let name = sent["space"]["name"].as_str().or(sent["membership"]["name"].as_str()).unwrap_or("");
                let s = |v: &Value| v.as_str().unwrap_or_default().to_string();
                (s(&f["path"]), s(&f["method"]), s(&sent["status"]), name.to_string())
            })
            .collect();
        v.sort();
        v
    };
    let first = run(&mut send());
    assert_eq!(first.code, 0, "{}{}", first.stdout, first.stderr);
    let first = outcomes(&first.json());
    let methods: Vec<&str> = first.iter().map(|o| o.1.as_str()).collect();
    for m in chatlint_engine::Method::all() {
        assert!(methods.contains(&m.name()), "the examples include {m}: {methods:?}");
    }
    assert!(first.iter().all(|o| o.2 == "sent"), "{first:#?}");
    let creating = first.iter().filter(|o| o.1 == "spaces.setup" || o.1 == "spaces.create").count();
    assert_eq!(fake.created(), creating, "each space once");

    let second = run(&mut send());
    assert_eq!(second.code, 0, "{}{}", second.stdout, second.stderr);
    assert_eq!(fake.created(), creating, "the second run creates no space");
    for (a, b) in first.iter().zip(outcomes(&second.json())) {
        match a.1.as_str() {
            // The same requestId answers the same space.
            "spaces.setup" | "spaces.create" => assert_eq!((&a.2, &a.3), (&b.2, &b.3), "{}", a.0),
            // The member is there already: done, nothing added.
            "spaces.members.create" => assert_eq!(b.2, "exists", "{}", a.0),
            // What was removed is gone already: done.
            "spaces.delete" | "spaces.members.delete" => assert_eq!(b.2, "gone", "{}", a.0),
            // An update sent again sets the same values.
            _ => assert_eq!(b.2, "sent", "{}", a.0),
        }
    }
    assert_eq!(fake.chat_requests().await.len(), 2 * first.len());
}

/// The `.json` files under `dir`, in name order.
fn walk_json(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let p = entry.unwrap().path();
        if p.is_dir() {
            out.extend(walk_json(&p));
        } else if p.extension().is_some_and(|e| e == "json") {
            out.push(p);
        }
    }
    out.sort();
    out
}

// ---------------------------------------------------------------- hardening (issue 12)

/// Item 7: a token file (or variable) holds exactly one token; a credentials
/// JSON, several lines or a token with spaces are refused before anything is
/// sent, naming the file and pointing to --credentials.
#[tokio::test]
async fn a_token_file_or_variable_must_hold_exactly_one_token() {
    let fake = Fake::start().await;
    let dir = project(&[("eng.setup.json", &setup_body("Eng"))]);
    let creds = dir.path().join("adc.json");
    std::fs::write(&creds, authorized_user(None, REFRESH_TOKEN)).unwrap();
    let ran = run(chatlint(dir.path())
        .args(["check", "--send", "--endpoint", &fake.url(), "--format", "json", "--token-file"])
        .arg(&creds)
        .arg("eng.setup.json"));
    assert_eq!(ran.code, 2, "{}{}", ran.stdout, ran.stderr);
    assert!(ran.stderr.contains("--token-file") && ran.stderr.contains("adc.json"), "{}", ran.stderr);
    assert!(ran.stderr.contains("--credentials"), "{}", ran.stderr);
    assert_eq!(file(&ran.json(), "eng.setup.json")["sent"]["status"], "not_sent");

    let token_file = dir.path().join("token.txt");
    for bad in [format!("{TOKEN}\n{TOKEN}\n"), format!("Bearer {TOKEN}\n"), "ya29.abc def\n".to_string()] {
        std::fs::write(&token_file, &bad).unwrap();
        let ran = run(chatlint(dir.path())
            .args(["check", "--send", "--endpoint", &fake.url(), "--token-file"])
            .arg(&token_file)
            .arg("eng.setup.json"));
        assert_eq!(ran.code, 2, "{bad:?}: {}{}", ran.stdout, ran.stderr);
        assert!(ran.stderr.contains("token.txt") && ran.stderr.contains("one access token"), "{}", ran.stderr);
        assert!(!ran.stderr.contains("ya29.abc"), "the file's text is not quoted: {}", ran.stderr);
    }
    let json = authorized_user(None, REFRESH_TOKEN);
    for var in ["CHATLINT_ACCESS_TOKEN", "MY_TOKEN"] {
        let mut c = chatlint(dir.path());
        c.env(var, &json).args(["check", "--send", "--endpoint", &fake.url(), "eng.setup.json"]);
        if var == "MY_TOKEN" {
            c.args(["--token-env", "MY_TOKEN"]);
        }
        let ran = run(&mut c);
        assert_eq!(ran.code, 2, "{var}: {}{}", ran.stdout, ran.stderr);
        assert!(ran.stderr.contains(var) && ran.stderr.contains("--credentials"), "{}", ran.stderr);
    }
    assert!(fake.server.received_requests().await.unwrap().is_empty(), "nothing may be sent");
    // One token with surrounding whitespace is fine.
    std::fs::write(&token_file, format!("\n  {TOKEN}\r\n\n")).unwrap();
    let ran = run(chatlint(dir.path())
        .args(["check", "--send", "--endpoint", &fake.url(), "--token-file"])
        .arg(&token_file)
        .arg("eng.setup.json"));
    assert_eq!(ran.code, 0, "{}{}", ran.stdout, ran.stderr);
}

/// Item 8: a 2xx answer must carry a Space (JSON with a `name`); anything
/// else is a failed request that says what came back (redacted).
#[tokio::test]
async fn a_success_status_without_a_space_is_a_failure() {
    let fake = Fake::start().await;
    // A captive portal or proxy page, echoing the token for good measure.
    fake.first(
        1,
        ResponseTemplate::new(200).set_body_raw(
            format!("<html><body>Welcome! Your token: {TOKEN}</body></html>"),
            "text/html; charset=utf-8",
        ),
    )
    .await;
    let dir = project(&[("eng.setup.json", &setup_body("Eng"))]);
    let results = dir.path().join("results.jsonl");
    let ran = run(sender(dir.path(), &fake).args(["eng.setup.json", "--format", "json", "--results"]).arg(&results));
    assert_eq!(ran.code, 1, "{}{}", ran.stdout, ran.stderr);
    let out = ran.json();
    let sent = &file(&out, "eng.setup.json")["sent"];
    assert_eq!(sent["status"], "failed", "{sent}");
    assert!(sent.get("space").is_none(), "{sent}");
    let message = sent["error"]["message"].as_str().unwrap();
    assert!(message.contains("text/html") && message.contains("<html><body>Welcome!"), "{message}");
    assert!(message.contains("[redacted]"), "{message}");
    assert_eq!(sent["error"]["http_status"], 200);
    assert_eq!(results_lines(&results)[0]["status"], "failed");
    assert_eq!(fake.chat_requests().await.len(), 1, "a 2xx is not retried");

    // JSON without a name, and an empty body.
    fake.first(1, ResponseTemplate::new(200).set_body_json(json!({"spaceType": "SPACE"}))).await;
    let ran = run(sender(dir.path(), &fake).arg("eng.setup.json"));
    assert_eq!(ran.code, 1, "{}{}", ran.stdout, ran.stderr);
    assert!(
        ran.stdout.contains("eng.setup.json: failed: HTTP 200: ") && ran.stdout.contains("no space `name`"),
        "{}",
        ran.stdout
    );
    fake.first(1, ResponseTemplate::new(204)).await;
    let ran = run(sender(dir.path(), &fake).arg("eng.setup.json"));
    assert_eq!(ran.code, 1, "{}{}", ran.stdout, ran.stderr);
    assert!(ran.stdout.contains("failed: HTTP 204: ") && ran.stdout.contains("empty"), "{}", ran.stdout);
    assert_eq!(fake.created(), 0);
}

/// Every encoding a secret may come back in: raw, form-encoded (upper and
/// lower case hex, `+` for a space), JSON-escaped (serde's, with `\/`, and
/// with every character as `\uXXXX`).
fn encodings(secret: &str) -> Vec<String> {
    let form = |lower: bool| -> String {
        secret
            .bytes()
            .map(|b| match b {
                b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'*' | b'-' | b'.' | b'_' => (b as char).to_string(),
                b' ' => "+".into(),
                _ if lower => format!("%{b:02x}"),
                _ => format!("%{b:02X}"),
            })
            .collect()
    };
    let json = serde_json::to_string(secret).unwrap();
    let json = json[1..json.len() - 1].to_string();
    let unicode: String = secret.encode_utf16().map(|u| format!("\\u{u:04x}")).collect();
    vec![secret.to_string(), form(false), form(true), json.replace('/', "\\/"), json, unicode]
}

/// Asserts that no secret appears, in any encoding, in the outputs (and in
/// the strings of stdout's JSON, decoded). A prefix of an encoding counts
/// too: a message cut in the middle of a secret leaks its start.
fn assert_no_secret_in(ran: &Ran, secrets: &[String]) {
    let mut texts = vec![ran.stdout.clone(), ran.stderr.clone()];
    fn strings(v: &Value, out: &mut Vec<String>) {
        match v {
            Value::String(s) => out.push(s.clone()),
            Value::Array(a) => a.iter().for_each(|x| strings(x, out)),
            Value::Object(o) => o.values().for_each(|x| strings(x, out)),
            _ => {}
        }
    }
    if let Ok(v) = serde_json::from_str::<Value>(&ran.stdout) {
        strings(&v, &mut texts);
    }
    for secret in secrets {
        for enc in encodings(secret) {
            let start: String = enc.chars().take(14).collect();
            for t in &texts {
                assert!(!t.contains(&start), "a secret ({enc}) was printed:\n{t}");
            }
        }
    }
}

/// A token endpoint that echoes the request it got, form body and decoded
/// fields, in its error answer; it remembers the assertions it was sent.
struct EchoingTokenEndpoint {
    assertions: Arc<Mutex<Vec<String>>>,
}

impl Respond for EchoingTokenEndpoint {
    fn respond(&self, req: &Request) -> ResponseTemplate {
        let raw = String::from_utf8_lossy(&req.body).to_string();
        let form: Vec<(String, String)> =
            reqwest::Url::parse(&format!("http://x/?{raw}")).unwrap().query_pairs().into_owned().collect();
        for (k, v) in &form {
            if k == "assertion" {
                self.assertions.lock().unwrap().push(v.clone());
            }
        }
        let decoded: Vec<String> = form.iter().map(|(k, v)| format!("{k}={v}")).collect();
        ResponseTemplate::new(400).set_body_json(json!({
            "error": "invalid_grant",
            "error_description": format!("Bad request: {raw} (that is: {})", decoded.join(", ")),
        }))
    }
}

/// Item 6: secrets echoed by a server are redacted in every encoding they
/// were sent in, the signed assertion included, on stderr and in the JSON.
#[tokio::test]
async fn echoed_secrets_are_redacted_in_every_encoding() {
    use aws_lc_rs::encoding::{AsDer, Pkcs8V1Der};
    let fake = Fake::start().await;
    let assertions = Arc::new(Mutex::new(Vec::new()));
    Mock::given(method("POST"))
        .and(path("/token"))
        .respond_with(EchoingTokenEndpoint { assertions: assertions.clone() })
        .mount(&fake.server)
        .await;
    let token_uri = format!("{}/token", fake.url());
    let dir = project(&[("eng.setup.json", &setup_body("Eng"))]);

    // authorized_user: a refresh token and a client secret with characters
    // that form encoding changes (`/`, `+`, `=`, a space).
    let refresh = "1//0gECHO-refresh+tok/en=d0n0tprint";
    let client_secret = "GOCSPX-ECHO/secret+with space=d0n0tprint";
    let creds = dir.path().join("user.json");
    let user = json!({"type": "authorized_user", "client_id": "1.apps", "client_secret": client_secret,
        "refresh_token": refresh, "token_uri": token_uri});
    std::fs::write(&creds, user.to_string()).unwrap();
    for format in ["human", "json"] {
        let ran = run(chatlint(dir.path())
            .args(["check", "--send", "--endpoint", &fake.url(), "--format", format, "--credentials"])
            .arg(&creds)
            .arg("eng.setup.json"));
        assert_eq!(ran.code, 2, "{}{}", ran.stdout, ran.stderr);
        assert!(ran.stderr.contains("invalid_grant") && ran.stderr.contains("[redacted]"), "{}", ran.stderr);
        assert_no_secret_in(&ran, &[refresh.to_string(), client_secret.to_string()]);
    }

    // service_account: the signed assertion is a secret made at run time.
    let key = aws_lc_rs::signature::RsaKeyPair::generate(aws_lc_rs::rsa::KeySize::Rsa2048).unwrap();
    let der: Pkcs8V1Der = key.as_der().unwrap();
    let pem = format!("-----BEGIN PRIVATE KEY-----\n{}\n-----END PRIVATE KEY-----\n", b64_encode(der.as_ref()));
    let sa = dir.path().join("sa.json");
    let key_file = json!({"type": "service_account", "private_key": pem, "client_email": "ci@p.iam.gserviceaccount.com",
        "token_uri": token_uri});
    std::fs::write(&sa, key_file.to_string()).unwrap();
    for format in ["human", "json"] {
        let ran = run(chatlint(dir.path())
            .args(["check", "--send", "--endpoint", &fake.url(), "--subject", "alex@example.com"])
            .args(["--format", format, "--credentials"])
            .arg(&sa)
            .arg("eng.setup.json"));
        assert_eq!(ran.code, 2, "{}{}", ran.stdout, ran.stderr);
        let sent = assertions.lock().unwrap().clone();
        assert!(!sent.is_empty());
        let mut secrets = sent.clone();
        secrets.push(pem.clone());
        assert_no_secret_in(&ran, &secrets);
        // The signature alone is enough to misuse it.
        for a in &sent {
            let signature = a.rsplit('.').next().unwrap();
            assert!(!ran.stdout.contains(signature) && !ran.stderr.contains(signature));
        }
    }

    // An access token that a Chat API error echoes JSON-escaped, in a body
    // that is not Google's error JSON (so its first line is quoted), long
    // enough that the quote is cut in the middle of an echo.
    let token = "ya29.a0ECHO/access+tok_d0n0tprint";
    let echoes: Vec<String> = encodings(token).iter().map(|e| format!("Bearer {e}")).collect();
    let body = format!("{{\"pad\":\"{}\",\"got\":[\"{}\"]}}", "x".repeat(150), echoes.join("\",\""));
    fake.first(1, ResponseTemplate::new(400).set_body_raw(body, "application/json")).await;
    fake.first(1, ResponseTemplate::new(200).set_body_raw(format!("ok {}", echoes.join(" ")), "text/plain")).await;
    for format in ["human", "json"] {
        let ran = run(chatlint(dir.path())
            .env("MY_TOKEN", token)
            .args(["check", "--send", "--endpoint", &fake.url(), "--token-env", "MY_TOKEN", "--format", format])
            .arg("eng.setup.json"));
        assert_eq!(ran.code, 1, "{}{}", ran.stdout, ran.stderr);
        assert_no_secret_in(&ran, &[token.to_string()]);
    }
}

// ---------------------------------------------------------------- a raw HTTP server

/// Listens on 127.0.0.1 and hands each connection to `serve` on a thread
/// of its own; returns the `http://` URL.
fn listen_raw(serve: impl Fn(std::net::TcpStream) + Clone + Send + 'static) -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let serve = serve.clone();
            std::thread::spawn(move || serve(stream));
        }
    });
    url
}

/// Reads one HTTP/1.1 request: its head (request line and headers, as
/// text) and its `Content-Length` body. `None` when the peer closed first.
fn read_request(stream: &std::net::TcpStream) -> std::io::Result<Option<(String, Vec<u8>)>> {
    use std::io::{BufRead, Read};
    let mut reader = std::io::BufReader::new(stream);
    let (mut head, mut length) = (String::new(), 0);
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 {
            return Ok(None);
        }
        if let Some((k, v)) = line.split_once(':')
            && k.eq_ignore_ascii_case("content-length")
        {
            length = v.trim().parse().unwrap_or(0);
        }
        head.push_str(&line);
        if line == "\r\n" {
            break;
        }
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body)?;
    Ok(Some((head, body)))
}

/// A tiny HTTP/1.1 server on 127.0.0.1 for answers wiremock cannot give:
/// bodies that are huge, endless or trickle. The request's displayName
/// picks the answer: `Boom` an endless chunked 500, `Huge` a 200 with a
/// `Content-Length` of 1 GiB, `Endless` an endless chunked 200, `Slow` a
/// 200 that sends one byte every 200 ms. "Endless" stops at 512 MiB per
/// connection, so that a client without a limit cannot exhaust the machine.
struct RawServer {
    url: String,
    /// The displayName of every request received.
    hits: Arc<Mutex<Vec<String>>>,
}

impl RawServer {
    fn start() -> RawServer {
        let hits = Arc::new(Mutex::new(Vec::new()));
        let seen = hits.clone();
        let url = listen_raw(move |stream| {
            let _ = RawServer::serve(stream, &seen);
        });
        RawServer { url, hits }
    }

    fn serve(stream: std::net::TcpStream, seen: &Mutex<Vec<String>>) -> std::io::Result<()> {
        use std::io::Write;
        let Some((_, body)) = read_request(&stream)? else { return Ok(()) };
        let body: Value = serde_json::from_slice(&body).unwrap_or_default();
        let name = body.pointer("/space/displayName").or(body.get("displayName"));
        let name = name.and_then(Value::as_str).unwrap_or("").to_string();
        seen.lock().unwrap().push(name.clone());
        let mut out = stream;
        const LIMIT: usize = 512 << 20;
        let block = vec![b' '; 64 << 10];
        let chunked = |out: &mut std::net::TcpStream, status: &str| -> std::io::Result<()> {
            write!(out, "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n")?;
            write!(out, "1\r\n{{\r\n")?;
            let mut sent = 0;
            while sent < LIMIT {
                write!(out, "{:x}\r\n", block.len())?;
                out.write_all(&block)?;
                out.write_all(b"\r\n")?;
                sent += block.len();
            }
            out.write_all(b"1\r\n}\r\n0\r\n\r\n")
        };
        match name.as_str() {
            "Boom" => chunked(&mut out, "500 Internal Server Error"),
            "Endless" => chunked(&mut out, "200 OK"),
            "Huge" => {
                write!(
                    out,
                    "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
                    1u64 << 30
                )?;
                let mut sent = 0;
                while sent < LIMIT {
                    out.write_all(&block)?;
                    sent += block.len();
                }
                Ok(())
            }
            "Slow" => {
                write!(out, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n")?;
                loop {
                    out.write_all(b"1\r\n \r\n")?;
                    out.flush()?;
                    std::thread::sleep(Duration::from_millis(200));
                }
            }
            _ => write!(out, "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n"),
        }
    }
}

/// chatlint as a plain process (for watching or signalling it), with the
/// environment of [`chatlint`]; stdout and stderr go to files in `dir`.
fn chatlint_process(dir: &Path) -> std::process::Command {
    let mut c = isolated(dir);
    c.stdout(std::fs::File::create(dir.join("stdout.txt")).unwrap())
        .stderr(std::fs::File::create(dir.join("stderr.txt")).unwrap());
    c
}

/// What a finished [`chatlint_process`] printed.
fn ran_process(dir: &Path, status: std::process::ExitStatus) -> Ran {
    Ran {
        code: status.code().unwrap_or(-1),
        stdout: std::fs::read_to_string(dir.join("stdout.txt")).unwrap(),
        stderr: std::fs::read_to_string(dir.join("stderr.txt")).unwrap(),
    }
}

/// Runs a [`chatlint_process`] to its end (at most `limit`), watching its
/// peak resident memory (VmHWM, in KiB; 0 where /proc does not tell).
fn run_watched(dir: &Path, c: &mut std::process::Command, limit: Duration) -> (Ran, u64) {
    let mut child = c.spawn().unwrap();
    let status_file = format!("/proc/{}/status", child.id());
    let deadline = Instant::now() + limit;
    let mut peak = 0;
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            child.kill().unwrap();
            panic!("chatlint did not finish within {limit:?}");
        }
        let text = std::fs::read_to_string(&status_file).unwrap_or_default();
        let hwm = text.lines().find_map(|l| l.strip_prefix("VmHWM:"));
        if let Some(kib) = hwm.and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok()) {
            peak = peak.max(kib);
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    (ran_process(dir, status), peak)
}

/// Item 5: answers are read up to a cap (the rest is not read), so a huge or
/// endless answer costs little memory and ends the request with a clear
/// error; a 5xx that is retried is not read at all.
#[test]
fn huge_and_endless_answers_are_cut_off() {
    let server = RawServer::start();
    let dir = project(&[
        ("boom.setup.json", &setup_body("Boom")),
        ("huge.create.json", &create_body("Huge")),
        ("endless.create.json", &create_body("Endless")),
    ]);
    let (ran, peak_kib) = run_watched(
        dir.path(),
        chatlint_process(dir.path()).env("CHATLINT_ACCESS_TOKEN", TOKEN).args([
            "check",
            "--send",
            "--endpoint",
            &server.url,
            "--max-attempts",
            "2",
            "--retry-delay",
            "0.01",
            "--timeout",
            "100",
            "--format",
            "json",
            ".",
        ]),
        Duration::from_secs(90),
    );
    assert_eq!(ran.code, 1, "{}{}", ran.stdout, ran.stderr);
    let out = ran.json();
    for name in ["boom.setup.json", "huge.create.json", "endless.create.json"] {
        let sent = &file(&out, name)["sent"];
        assert_eq!(sent["status"], "failed", "{sent}");
        let message = sent["error"]["message"].as_str().unwrap();
        assert!(message.contains("longer than 4 MiB"), "{name}: {message}");
    }
    assert_eq!(file(&out, "boom.setup.json")["sent"]["error"]["http_status"], 500);
    assert_eq!(file(&out, "boom.setup.json")["sent"]["attempts"], 2, "a 5xx is retried");
    assert_eq!(file(&out, "huge.create.json")["sent"]["error"]["http_status"], 200);
    let mut hits = server.hits.lock().unwrap().clone();
    hits.sort();
    assert_eq!(hits, ["Boom", "Boom", "Endless", "Huge"]);
    // Without a limit this is gigabytes; with it, a few MiB over the start-up.
    assert!(peak_kib < 256 << 10, "peak memory {peak_kib} KiB");
}

/// Item 5: an answer that never ends is bounded by the per-attempt timeout.
#[test]
fn a_trickling_answer_ends_with_the_timeout() {
    let server = RawServer::start();
    let dir = project(&[("slow.create.json", &create_body("Slow"))]);
    let started = Instant::now();
    let (ran, _) = run_watched(
        dir.path(),
        chatlint_process(dir.path()).env("CHATLINT_ACCESS_TOKEN", TOKEN).args([
            "check",
            "--send",
            "--endpoint",
            &server.url,
            "--max-attempts",
            "1",
            "--timeout",
            "2",
            "--format",
            "json",
            "slow.create.json",
        ]),
        Duration::from_secs(60),
    );
    assert!(started.elapsed() < Duration::from_secs(30), "{:?}", started.elapsed());
    assert_eq!(ran.code, 1, "{}{}", ran.stdout, ran.stderr);
    let out = ran.json();
    let sent = &file(&out, "slow.create.json")["sent"];
    assert_eq!(sent["status"], "failed", "{sent}");
    assert!(sent["error"]["message"].as_str().unwrap().starts_with("timed out"), "{sent}");
}

/// Item 9: two files that share a requestId but ask for different requests
/// would get one space between them (the second's details ignored), so the
/// batch is refused before anything is sent. The same request twice is fine.
#[tokio::test]
async fn a_request_id_shared_by_different_requests_refuses_the_batch() {
    let fake = Fake::start().await;
    let id = "1b4e28ba-2fa1-4d3b-a3f5-ef19b5a7633b";
    let pinned = |name: &str| setup_body(name).replacen('{', &format!("{{\n  \"requestId\": \"{id}\","), 1);
    let dir = project(&[
        ("eng.setup.json", &pinned("Eng")),
        ("ops.setup.json", &pinned("Ops")),
        ("news.create.json", &create_body("News")),
    ]);
    // `check` fails on this (request-id-reused is an error); turned off, what
    // is left to see is --send's own refusal, the net under the rule.
    std::fs::write(dir.path().join("chatlint.toml"), "[rules]\nrequest-id-reused = \"off\"\n").unwrap();
    for extra in [&["--send"][..], &["--send", "--send-passing"], &["--dry-run"]] {
        let ran = run(chatlint(dir.path())
            .env("CHATLINT_ACCESS_TOKEN", TOKEN)
            .args(["check", "--endpoint", &fake.url(), "--format", "json", "."])
            .args(extra));
        assert_eq!(ran.code, 1, "{extra:?}: {}{}", ran.stdout, ran.stderr);
        let said = &ran.stderr;
        assert!(said.contains("eng.setup.json") && said.contains("ops.setup.json") && said.contains(id), "{said}");
        assert!(said.contains("its own requestId"), "{said}");
        let out = ran.json();
        for name in ["eng.setup.json", "ops.setup.json", "news.create.json"] {
            assert_eq!(file(&out, name)["sent"]["status"], "blocked", "{extra:?} {name}");
        }
        assert!(file(&out, "ops.setup.json")["sent"]["reason"].as_str().unwrap().contains("eng.setup.json"));
    }
    assert!(fake.server.received_requests().await.unwrap().is_empty(), "nothing may be sent");

    // A pinned id that is another file's derived id counts too.
    let news_id = {
        let dry = run(chatlint(dir.path()).args(["check", "--dry-run", "news.create.json", "--format", "json"]));
        file(&dry.json(), "news.create.json")["sent"]["request_id"].as_str().unwrap().to_string()
    };
    let copied = setup_body("Copy").replacen('{', &format!("{{\n  \"requestId\": \"{news_id}\","), 1);
    std::fs::write(dir.path().join("copy.setup.json"), copied).unwrap();
    let ran = run(sender(dir.path(), &fake).args(["copy.setup.json", "news.create.json"]));
    assert_eq!(ran.code, 1, "{}{}", ran.stdout, ran.stderr);
    assert!(ran.stderr.contains(&news_id) && ran.stderr.contains("copy.setup.json"), "{}", ran.stderr);
    assert!(fake.server.received_requests().await.unwrap().is_empty(), "nothing may be sent");

    // The same request under one id, twice (reformatted): sent, one space.
    std::fs::write(dir.path().join("same.setup.json"), pinned("Eng").replace('\n', "")).unwrap();
    let ran = run(sender(dir.path(), &fake).args(["eng.setup.json", "same.setup.json", "--format", "json"]));
    assert_eq!(ran.code, 0, "{}{}", ran.stdout, ran.stderr);
    let out = ran.json();
    assert_eq!(file(&out, "eng.setup.json")["sent"]["space"], file(&out, "same.setup.json")["sent"]["space"]);
    assert_eq!(fake.created(), 1);
}

/// Sends a signal (`INT`, `TERM`) to a process.
fn signal(pid: u32, name: &str) {
    let ok = std::process::Command::new("kill").arg(format!("-{name}")).arg(pid.to_string()).status().unwrap();
    assert!(ok.success(), "kill -{name} {pid}");
}

/// Waits (polling, at most `limit`) until the fake has received `n` Chat requests.
async fn wait_for_requests(fake: &Fake, n: usize, limit: Duration) {
    let deadline = Instant::now() + limit;
    while fake.chat_requests().await.len() < n {
        assert!(Instant::now() < deadline, "the fake never got {n} requests");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Waits for a child to end, at most `limit`.
fn wait_for_exit(child: &mut std::process::Child, limit: Duration) -> std::process::ExitStatus {
    let deadline = Instant::now() + limit;
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        if Instant::now() > deadline {
            child.kill().unwrap();
            panic!("chatlint did not end within {limit:?} of the signal");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Item 10: SIGINT mid-batch starts no new request, lets the ones in flight
/// finish and records them, reports every file and exits 130; a re-run with
/// the same results file sends only the rest.
#[tokio::test]
async fn an_interrupt_finishes_what_is_in_flight_and_a_rerun_sends_the_rest() {
    let fake = Fake::start().await;
    fake.state.lock().unwrap().delay = Duration::from_secs(2);
    let names = ["a", "b", "c", "d", "e"];
    let files: Vec<(String, String)> =
        names.iter().map(|n| (format!("{n}.create.json"), create_body(&n.to_uppercase()))).collect();
    let refs: Vec<(&str, &str)> = files.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
    let dir = project(&refs);
    let results = dir.path().join("results.jsonl");
    let mut child = chatlint_process(dir.path())
        .env("CHATLINT_ACCESS_TOKEN", TOKEN)
        .args(["check", "--send", "--endpoint", &fake.url(), "--concurrency", "2", "--format", "json", "--results"])
        .arg(&results)
        .arg(".")
        .spawn()
        .unwrap();
    wait_for_requests(&fake, 2, Duration::from_secs(60)).await;
    signal(child.id(), "INT");
    let status = wait_for_exit(&mut child, Duration::from_secs(60));
    let ran = ran_process(dir.path(), status);
    assert_eq!(ran.code, 130, "{}{}", ran.stdout, ran.stderr);
    assert!(ran.stderr.contains("interrupted"), "{}", ran.stderr);
    let out = ran.json();
    let status_of = |out: &Value, n: &str| file(out, &format!("{n}.create.json"))["sent"]["status"].clone();
    let mut statuses: Vec<String> = names.iter().map(|n| status_of(&out, n).as_str().unwrap().to_string()).collect();
    statuses.sort();
    assert_eq!(statuses, ["interrupted", "interrupted", "interrupted", "sent", "sent"], "{out}");
    assert_eq!(out["summary"]["sent"], 2);
    let lines = results_lines(&results);
    assert_eq!(lines.len(), 2, "the finished requests are recorded: {lines:?}");
    assert!(lines.iter().all(|l| l["status"] == "sent"), "{lines:?}");
    assert_eq!(fake.chat_requests().await.len(), 2, "nothing new started after the signal");
    let first: Vec<&str> = lines.iter().map(|l| l["file"].as_str().unwrap()).collect();

    // A re-run sends only the rest.
    let again = run(sender(dir.path(), &fake).args([".", "--format", "json", "--results"]).arg(&results));
    assert_eq!(again.code, 0, "{}{}", again.stdout, again.stderr);
    let out = again.json();
    for n in names {
        let name = format!("{n}.create.json");
        let sent = &file(&out, &name)["sent"];
        if first.contains(&name.as_str()) {
            assert_eq!(sent["status"], "already_sent", "{sent}");
            let recorded = lines.iter().find(|l| l["file"] == name.as_str()).unwrap();
            assert_eq!(sent["space"]["name"], recorded["space"], "{sent}");
        } else {
            assert_eq!(sent["status"], "sent", "{sent}");
        }
    }
    assert_eq!(fake.chat_requests().await.len(), 5, "each request sent once in all");
    assert_eq!(fake.created(), 5);
    assert_eq!(results_lines(&results).len(), 5);
    let human = run(sender(dir.path(), &fake).args(["a.create.json", "--results"]).arg(&results));
    assert_eq!(human.code, 0);
    assert!(human.stdout.contains("a.create.json: already sent: spaces/AAAA"), "{}", human.stdout);
    assert_eq!(fake.chat_requests().await.len(), 5);
}

/// Item 10: a second signal does not wait for the requests in flight: the
/// run ends at once, with the report, exit 130, and those requests recorded
/// as interrupted (their fate is unknown, a re-run asks again).
#[tokio::test]
async fn a_second_signal_stops_at_once() {
    let fake = Fake::start().await;
    fake.state.lock().unwrap().hang.push("Hangs".into());
    let dir = project(&[("h.setup.json", &setup_body("Hangs")), ("n.create.json", &create_body("Next"))]);
    let results = dir.path().join("results.jsonl");
    let mut child = chatlint_process(dir.path())
        .env("CHATLINT_ACCESS_TOKEN", TOKEN)
        .args(["check", "--send", "--endpoint", &fake.url(), "--concurrency", "1", "--timeout", "100", "--results"])
        .arg(&results)
        .args(["h.setup.json", "n.create.json"])
        .spawn()
        .unwrap();
    wait_for_requests(&fake, 1, Duration::from_secs(60)).await;
    signal(child.id(), "TERM");
    std::thread::sleep(Duration::from_millis(500));
    assert!(child.try_wait().unwrap().is_none(), "the first signal waits for the request in flight");
    signal(child.id(), "INT");
    let status = wait_for_exit(&mut child, Duration::from_secs(20));
    let ran = ran_process(dir.path(), status);
    assert_eq!(ran.code, 130, "{}{}", ran.stdout, ran.stderr);
    assert!(ran.stdout.contains("h.setup.json: interrupted: "), "{}", ran.stdout);
    assert!(ran.stdout.contains("n.create.json: not sent: interrupted"), "{}", ran.stdout);
    assert!(ran.stdout.contains("Checked 2 files"), "the summary is printed: {}", ran.stdout);
    let lines = results_lines(&results);
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert_eq!((lines[0]["file"].as_str(), lines[0]["status"].as_str()), (Some("h.setup.json"), Some("interrupted")));
    assert_eq!(fake.chat_requests().await.len(), 1);
}

// ---------------------------------------------------------------- spaces.patch and spaces.members.create

/// A Chat API for the methods that change what exists: spaces.patch and
/// spaces.members.patch answer the updated Space or Membership;
/// spaces.members.create adds a member once and answers 409 ALREADY_EXISTS
/// after that; a delete removes once and answers 404 NOT_FOUND after that
/// (spaces.delete answers `Empty` with no body at all, members.delete the
/// Membership, under its own id for an email or `app`); completeImport
/// answers the Space inside its response. All as the API does.
#[derive(Clone, Default)]
struct FakeChanges {
    members: Arc<Mutex<Vec<String>>>,
    deleted: Arc<Mutex<Vec<String>>>,
}

impl Respond for FakeChanges {
    fn respond(&self, req: &Request) -> ResponseTemplate {
        let body: Value = serde_json::from_slice(&req.body).unwrap_or(Value::Null);
        let path = req.url.path();
        let name = path.trim_start_matches("/v1/");
        if req.method.as_str() == "DELETE" {
            let mut deleted = self.deleted.lock().unwrap();
            if deleted.iter().any(|d| d == name) {
                return google_error(404, "NOT_FOUND", "Resource not found.");
            }
            deleted.push(name.to_string());
            return match name.rsplit_once("/members/") {
                Some((space, id)) => {
                    let id = if id.contains("%40") || id == "app" { "100200300" } else { id };
                    ResponseTemplate::new(200).set_body_json(json!({"name": format!("{space}/members/{id}")}))
                }
                None => ResponseTemplate::new(200),
            };
        }
        if let Some(space) = name.strip_suffix(":completeImport") {
            if body != json!({}) {
                return google_error(400, "INVALID_ARGUMENT", "Invalid JSON payload received.");
            }
            return ResponseTemplate::new(200)
                .set_body_json(json!({"space": {"name": space, "spaceType": "SPACE", "importMode": false}}));
        }
        if req.method.as_str() == "PATCH" && path.starts_with("/v1/spaces/") {
            let mut space = body.clone();
            space["name"] = json!(path.trim_start_matches("/v1/"));
            return ResponseTemplate::new(200).set_body_json(space);
        }
        if req.method.as_str() == "POST" && path.ends_with("/members") {
            let who = body["member"]["name"].as_str().unwrap_or_default().to_string();
            let mut members = self.members.lock().unwrap();
            if members.contains(&who) {
                return google_error(409, "ALREADY_EXISTS", "Membership already exists.");
            }
            members.push(who.clone());
            let parent = path.trim_start_matches("/v1/").trim_end_matches("/members");
            return ResponseTemplate::new(200).set_body_json(
                json!({ "name": format!("{parent}/members/{}", members.len()), "member": body["member"] }),
            );
        }
        google_error(404, "NOT_FOUND", "no such method")
    }
}

#[tokio::test]
async fn patch_and_members_go_to_their_urls_and_a_second_add_is_already_done() {
    let server = MockServer::start().await;
    let fake = FakeChanges::default();
    Mock::given(path_regex("^/v1/spaces/")).respond_with(fake.clone()).mount(&server).await;
    let patch =
        r#"{"space": {"name": "spaces/AAAAAAAAAAA", "displayName": "Launch crew"}, "updateMask": "displayName"}"#;
    let add =
        r#"{"parent": "spaces/AAAAAAAAAAA", "membership": {"member": {"name": "users/123456789", "type": "HUMAN"}}}"#;
    let bare = r#"{"member": {"name": "users/987654321", "type": "HUMAN"}}"#;
    let dir = project(&[("rename.patch.json", patch), ("alex.member.json", add), ("sam.member.json", bare)]);
    std::fs::write(
        dir.path().join("chatlint.toml"),
        "[[requests]]\npath = \"sam.member.json\"\nparent = \"spaces/BBBBBBBBBBB\"\n",
    )
    .unwrap();
    let send = || {
        let mut c = chatlint(dir.path());
        c.env("CHATLINT_ACCESS_TOKEN", TOKEN).args([
            "check",
            ".",
            "--send",
            "--endpoint",
            &server.uri(),
            "--format",
            "json",
        ]);
        run(&mut c)
    };
    let first = send();
    assert_eq!(first.code, 0, "{}{}", first.stdout, first.stderr);
    let out = first.json();
    assert_eq!(file(&out, "rename.patch.json")["sent"]["space"]["name"], "spaces/AAAAAAAAAAA");
    assert_eq!(file(&out, "alex.member.json")["sent"]["membership"], "spaces/AAAAAAAAAAA/members/1");
    assert!(file(&out, "rename.patch.json")["sent"].get("request_id").is_none(), "spaces.patch takes no requestId");

    let requests = server.received_requests().await.unwrap();
    let patched = requests.iter().find(|r| r.method.as_str() == "PATCH").expect("a PATCH was sent");
    assert_eq!(patched.url.path(), "/v1/spaces/AAAAAAAAAAA");
    assert_eq!(patched.url.query(), Some("updateMask=displayName"));
    let body: Value = serde_json::from_slice(&patched.body).unwrap();
    assert_eq!(body, json!({"name": "spaces/AAAAAAAAAAA", "displayName": "Launch crew"}), "the bare Space on the wire");
    let posted: Vec<(String, Value)> = requests
        .iter()
        .filter(|r| r.method.as_str() == "POST")
        .map(|r| (r.url.path().to_string(), serde_json::from_slice(&r.body).unwrap()))
        .collect();
    assert!(
        posted.contains(&(
            "/v1/spaces/AAAAAAAAAAA/members".into(),
            json!({"member": {"name": "users/123456789", "type": "HUMAN"}})
        )),
        "{posted:?}"
    );
    assert!(posted.iter().any(|(p, _)| p == "/v1/spaces/BBBBBBBBBBB/members"), "the configured parent: {posted:?}");

    // Again: the members are there already; that is done, not a failure.
    let second = send();
    assert_eq!(second.code, 0, "{}{}", second.stdout, second.stderr);
    let out = second.json();
    for name in ["alex.member.json", "sam.member.json"] {
        assert_eq!(file(&out, name)["sent"]["status"], "exists", "{out}");
    }

    // With a results file, a re-run makes no request and names the
    // membership the first run added.
    let kim = r#"{"parent": "spaces/AAAAAAAAAAA", "membership": {"member": {"name": "users/kim", "type": "HUMAN"}}}"#;
    std::fs::write(dir.path().join("kim.member.json"), kim).unwrap();
    let recorded = || {
        let mut c = chatlint(dir.path());
        c.env("CHATLINT_ACCESS_TOKEN", TOKEN).args([
            "check",
            "kim.member.json",
            "--send",
            "--endpoint",
            &server.uri(),
            "--results",
            "sent.jsonl",
        ]);
        run(&mut c)
    };
    let first = recorded();
    assert!(first.stdout.contains("kim.member.json: sent: spaces/AAAAAAAAAAA/members/3"), "{}", first.stdout);
    let before = server.received_requests().await.unwrap().len();
    let again = recorded();
    assert_eq!(again.code, 0, "{}{}", again.stdout, again.stderr);
    assert!(
        again.stdout.contains("kim.member.json: already sent: spaces/AAAAAAAAAAA/members/3 (sent.jsonl records it"),
        "{}",
        again.stdout
    );
    assert_eq!(server.received_requests().await.unwrap().len(), before, "no request the second time");
}

#[tokio::test]
async fn dry_run_shows_the_verb_the_url_with_its_query_and_the_body() {
    let patch = r#"{"space": {"name": "spaces/AAAAAAAAAAA", "displayName": "Launch crew"}, "updateMask": "displayName", "useAdminAccess": true}"#;
    let dir = project(&[("rename.patch.json", patch)]);
    let ran = run(chatlint(dir.path()).args(["check", "rename.patch.json", "--dry-run"]));
    assert_eq!(ran.code, 0, "{}{}", ran.stdout, ran.stderr);
    assert!(
        ran.stdout.contains(
            "would send PATCH https://chat.googleapis.com/v1/spaces/AAAAAAAAAAA?updateMask=displayName&useAdminAccess=true"
        ),
        "{}",
        ran.stdout
    );
    assert!(ran.stdout.contains("\"displayName\": \"Launch crew\""), "{}", ran.stdout);
}

// ---------------------------------------------------------------- issue 18: roles, removals, completeImport

const ROLE: &str = r#"{"membership": {"name": "spaces/AAAAAAAAAAA/members/123456789", "role": "ROLE_ASSISTANT_MANAGER"}, "updateMask": "role"}"#;
const REMOVE: &str = r#"{"name": "spaces/AAAAAAAAAAA/members/kim@example.com"}"#;
const RETIRE: &str = r#"{"name": "spaces/BBBBBBBBBBB"}"#;
const COMPLETE: &str = r#"{"name": "spaces/CCCCCCCCCCC"}"#;

#[tokio::test]
async fn a_role_change_is_a_patch_of_the_membership_with_role_in_the_mask() {
    let (server, _) = members_fake().await;
    let dir = project(&[("kim.role.json", ROLE)]);
    let ran = send_to(dir.path(), &server.uri(), &["kim.role.json", "--format", "json"]);
    assert_eq!(ran.code, 0, "{}{}", ran.stdout, ran.stderr);
    assert_eq!(file(&ran.json(), "kim.role.json")["sent"]["membership"], "spaces/AAAAAAAAAAA/members/123456789");
    let got = server.received_requests().await.unwrap();
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].method.as_str(), "PATCH");
    assert_eq!(got[0].url.path(), "/v1/spaces/AAAAAAAAAAA/members/123456789");
    assert_eq!(got[0].url.query(), Some("updateMask=role"));
    let body: Value = serde_json::from_slice(&got[0].body).unwrap();
    assert_eq!(
        body,
        json!({"name": "spaces/AAAAAAAAAAA/members/123456789", "role": "ROLE_ASSISTANT_MANAGER"}),
        "the Membership is the body"
    );
    // An answer about another membership of that space is no success.
    let other = answering(ResponseTemplate::new(200).set_body_json(json!({"name": "spaces/AAAAAAAAAAA/members/1"})));
    let other = other.await;
    let ran = send_to(dir.path(), &other.uri(), &["kim.role.json"]);
    assert_eq!(ran.code, 1, "{}{}", ran.stdout, ran.stderr);
    assert!(ran.stdout.contains("the answer names `spaces/AAAAAAAAAAA/members/1`"), "{}", ran.stdout);
}

#[tokio::test]
async fn deletes_without_allow_delete_are_refused_before_anything_is_sent() {
    let (server, _) = members_fake().await;
    let dir = project(&[
        ("kim.remove.json", REMOVE),
        ("old.delete.json", RETIRE),
        ("kim.role.json", ROLE),
        ("done.complete-import.json", COMPLETE),
    ]);
    let ran = send_to(dir.path(), &server.uri(), &[".", "--format", "json"]);
    assert_eq!(ran.code, 1, "a refusal of files: {}{}", ran.stdout, ran.stderr);
    let out = ran.json();
    assert!(ran.stderr.contains("nothing sent: "), "{}", ran.stderr);
    for (name, what) in [
        ("kim.remove.json", "spaces.members.delete would remove spaces/AAAAAAAAAAA/members/kim@example.com for good"),
        ("old.delete.json", "spaces.delete would remove spaces/BBBBBBBBBBB for good"),
    ] {
        assert!(ran.stderr.contains(&format!("{name}: {what}")), "{name}: {}", ran.stderr);
        let f = file(&out, name);
        assert_eq!(f["sent"]["status"], "not_sent", "{f}");
        assert!(f["sent"]["reason"].as_str().unwrap().contains("pass --allow-delete"), "{f}");
    }
    let others = file(&out, "kim.role.json");
    assert_eq!(others["sent"]["status"], "not_sent");
    assert!(others["sent"]["reason"].as_str().unwrap().contains("2 files cannot be sent"), "{others}");
    assert!(server.received_requests().await.unwrap().is_empty(), "nothing reached the server");
}

#[tokio::test]
async fn with_allow_delete_a_delete_has_no_body_and_a_second_is_already_gone() {
    let (server, _) = members_fake().await;
    let dir = project(&[("kim.remove.json", REMOVE), ("old.delete.json", RETIRE)]);
    let send = |format: &str| {
        send_to(dir.path(), &server.uri(), &[".", "--allow-delete", "--results", "sent.jsonl", "--format", format])
    };
    let first = send("json");
    assert_eq!(first.code, 0, "{}{}", first.stdout, first.stderr);
    let out = first.json();
    assert_eq!(file(&out, "old.delete.json")["sent"]["deleted"], "spaces/BBBBBBBBBBB", "an Empty answer");
    assert_eq!(file(&out, "kim.remove.json")["sent"]["deleted"], "spaces/AAAAAAAAAAA/members/100200300");
    let got = server.received_requests().await.unwrap();
    let mut seen: Vec<(String, String, usize)> =
        got.iter().map(|r| (r.method.to_string(), r.url.path().to_string(), r.body.len())).collect();
    seen.sort();
    assert_eq!(
        seen,
        [
            ("DELETE".to_string(), "/v1/spaces/AAAAAAAAAAA/members/kim%40example.com".to_string(), 0),
            ("DELETE".to_string(), "/v1/spaces/BBBBBBBBBBB".to_string(), 0),
        ],
        "DELETEs without a body"
    );
    assert!(got.iter().all(|r| r.headers.get("content-type").is_none()), "no JSON body is announced");
    // The journal records them like any other request.
    let lines = results_lines(&dir.path().join("sent.jsonl"));
    assert_eq!(lines.len(), 2);
    assert!(lines.iter().all(|l| l["request"]["http_method"] == "DELETE" && l["status"] == "sent"), "{lines:?}");

    // Without the journal the same deletes go out again: the API answers
    // 404, which for a delete means done.
    std::fs::remove_file(dir.path().join("sent.jsonl")).unwrap();
    let second = send("human");
    assert_eq!(second.code, 0, "{}{}", second.stdout, second.stderr);
    assert!(
        second.stdout.contains("old.delete.json: already gone (the API answered 404 NOT_FOUND: Resource not found.)"),
        "{}",
        second.stdout
    );
    assert!(second.stdout.contains("2 already gone, nothing new sent"), "{}", second.stdout);
    let lines = results_lines(&dir.path().join("sent.jsonl"));
    assert!(lines.iter().all(|l| l["status"] == "gone" && l["http_status"] == 404), "{lines:?}");
    // And with the journal, a third run makes no request at all.
    let before = server.received_requests().await.unwrap().len();
    let third = send("human");
    assert_eq!(third.code, 0, "{}{}", third.stdout, third.stderr);
    assert_eq!(server.received_requests().await.unwrap().len(), before);
}

#[tokio::test]
async fn a_404_without_googles_status_is_no_proof_of_gone() {
    let server = answering(ResponseTemplate::new(404).set_body_string("<html>Not Found</html>")).await;
    let dir = project(&[("old.delete.json", RETIRE)]);
    let ran = send_to(dir.path(), &server.uri(), &["old.delete.json", "--allow-delete"]);
    assert_eq!(ran.code, 1, "{}{}", ran.stdout, ran.stderr);
    assert!(ran.stdout.contains("old.delete.json: failed: HTTP 404"), "{}", ran.stdout);
}

#[tokio::test]
async fn complete_import_posts_to_its_custom_verb_and_answers_the_space() {
    let (server, _) = members_fake().await;
    let dir = project(&[("done.complete-import.json", COMPLETE)]);
    let ran = send_to(dir.path(), &server.uri(), &["done.complete-import.json", "--format", "json"]);
    assert_eq!(ran.code, 0, "{}{}", ran.stdout, ran.stderr);
    assert_eq!(file(&ran.json(), "done.complete-import.json")["sent"]["space"]["name"], "spaces/CCCCCCCCCCC");
    let got = server.received_requests().await.unwrap();
    assert_eq!(got.len(), 1);
    assert_eq!((got[0].method.as_str(), got[0].url.path()), ("POST", "/v1/spaces/CCCCCCCCCCC:completeImport"));
    assert_eq!(serde_json::from_slice::<Value>(&got[0].body).unwrap(), json!({}), "the name is in the path");
    // The Space must be inside the response message.
    let flat = answering(ResponseTemplate::new(200).set_body_json(json!({"name": "spaces/CCCCCCCCCCC"}))).await;
    let ran = send_to(dir.path(), &flat.uri(), &["done.complete-import.json"]);
    assert_eq!(ran.code, 1, "{}{}", ran.stdout, ran.stderr);
    assert!(ran.stdout.contains("the answer holds no space"), "{}", ran.stdout);
}

#[test]
fn a_dry_run_shows_deletes_loudly_and_says_whether_they_are_allowed() {
    let dir = project(&[("old.delete.json", RETIRE)]);
    let ran = run(chatlint(dir.path()).args(["check", "old.delete.json", "--dry-run"]));
    assert_eq!(ran.code, 0, "{}{}", ran.stdout, ran.stderr);
    assert!(
        ran.stdout.contains(
            "old.delete.json: would send DELETE https://chat.googleapis.com/v1/spaces/BBBBBBBBBBB\n  \
             DESTRUCTIVE: removes it for good; --send refuses it without --allow-delete\n  no body"
        ),
        "{}",
        ran.stdout
    );
    let ran =
        run(chatlint(dir.path()).args(["check", "old.delete.json", "--dry-run", "--allow-delete", "--format", "json"]));
    assert_eq!(ran.code, 0, "{}{}", ran.stdout, ran.stderr);
    let out = ran.json();
    let request = &file(&out, "old.delete.json")["sent"]["request"];
    assert_eq!(request["destructive"], json!({"allow_delete": true}), "{request}");
    assert!(request.get("body").is_none(), "{request}");
    let ran = run(chatlint(dir.path()).args(["check", "old.delete.json", "--dry-run", "--format", "concise"]));
    assert!(
        ran.stdout.contains("[DESTRUCTIVE: removes it for good; --send refuses it without --allow-delete]"),
        "{}",
        ran.stdout
    );
}

// ---------------------------------------------------------------- issue 17: the network, credentials and words

/// A proxy on 127.0.0.1 that records what reaches it (each request's head
/// and body, as text) and answers every request `502 Bad Gateway`.
struct FakeProxy {
    url: String,
    seen: Arc<Mutex<Vec<String>>>,
}

impl FakeProxy {
    fn start() -> FakeProxy {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let log = seen.clone();
        let url = listen_raw(move |stream| {
            use std::io::Write;
            let Ok(Some((head, body))) = read_request(&stream) else { return };
            log.lock().unwrap().push(format!("{head}{}", String::from_utf8_lossy(&body)));
            let _ = (&stream).write_all(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
        });
        FakeProxy { url, seen }
    }

    fn seen(&self) -> Vec<String> {
        self.seen.lock().unwrap().clone()
    }
}

/// `c` with every proxy variable set to `proxy`, and `NO_PROXY` as given
/// (`None`: unset).
fn through_proxy<'a>(c: &'a mut Command, proxy: &str, no_proxy: Option<&str>) -> &'a mut Command {
    for var in ["HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"] {
        c.env(var, proxy);
    }
    c.env_remove("NO_PROXY").env_remove("no_proxy");
    if let Some(list) = no_proxy {
        c.env("NO_PROXY", list);
    }
    c
}

/// A3: with every proxy variable set, requests to loopback (the Chat API
/// and the token endpoint on 127.0.0.1 and as `localhost`) go direct,
/// whatever NO_PROXY says: the proxy never sees the bearer token, the
/// refresh token or the client secret.
#[tokio::test]
async fn loopback_is_never_proxied_so_no_secret_crosses_a_proxy_in_clear() {
    let proxy = FakeProxy::start();
    let fake = Fake::start().await;
    let token_uri = token_endpoint(&fake, None).await;
    let dir = project(&[("eng.setup.json", &setup_body("Eng"))]);
    let creds = dir.path().join("adc.json");
    std::fs::write(&creds, authorized_user(Some(&token_uri), REFRESH_TOKEN)).unwrap();
    let localhost = fake.url().replace("127.0.0.1", "localhost");
    for (endpoint, no_proxy) in [(fake.url(), None), (localhost, Some("example.com"))] {
        let mut c = chatlint(dir.path());
        through_proxy(&mut c, &proxy.url, no_proxy);
        let ran = run(c
            .args(["check", "--send", "--endpoint", &endpoint, "--max-attempts", "1", "--credentials"])
            .arg(&creds)
            .arg("eng.setup.json"));
        assert_eq!(ran.code, 0, "{endpoint}: {}{}", ran.stdout, ran.stderr);
        assert_eq!(proxy.seen(), Vec::<String>::new(), "{endpoint}: the proxy saw requests");
    }
    assert_eq!(fake.created(), 1, "the second run returned the same space");
}

/// A3: https still goes through the proxy, as a CONNECT tunnel that the
/// proxy cannot read into: it sees the host, never the token.
#[tokio::test]
async fn https_goes_through_the_proxy_as_a_tunnel_only() {
    let proxy = FakeProxy::start();
    let dir = project(&[("eng.setup.json", &setup_body("Eng"))]);
    let mut c = chatlint(dir.path());
    through_proxy(&mut c, &proxy.url, None);
    let ran = run(c.env("CHATLINT_ACCESS_TOKEN", TOKEN).args([
        "check",
        "--send",
        "--endpoint",
        "https://chat.example.invalid",
        "--max-attempts",
        "1",
        "eng.setup.json",
    ]));
    assert_eq!(ran.code, 1, "{}{}", ran.stdout, ran.stderr);
    let seen = proxy.seen();
    assert_eq!(seen.len(), 1, "{seen:?}");
    assert!(seen[0].starts_with("CONNECT chat.example.invalid:443 "), "{seen:?}");
    assert!(!seen[0].contains(TOKEN) && !seen[0].to_ascii_lowercase().contains("authorization"), "{seen:?}");
}

/// A service account key file without a usable key (enough for what is
/// refused before a token is asked for), its token URI at `fake`.
fn service_account_without_key(token_uri: &str) -> String {
    json!({
        "type": "service_account",
        "private_key": "-----BEGIN PRIVATE KEY-----\nnot a key\n-----END PRIVATE KEY-----\n",
        "client_email": "app@project.iam.gserviceaccount.com",
        "token_uri": token_uri,
    })
    .to_string()
}

/// A member file (`spaces.members.create`) adding `user` to spaces/AAA.
fn member_body(user: &str, admin: bool) -> String {
    let admin = if admin { r#""useAdminAccess": true, "# } else { "" };
    format!(
        r#"{{"parent": "spaces/AAA", {admin}"membership": {{"member": {{"name": "users/{user}", "type": "HUMAN"}}}}}}"#
    )
}

/// A13: `useAdminAccess` with app credentials (a service account without a
/// subject) is refused before anything is sent, naming the file; the other
/// files say which file stopped them, without repeating its reason.
#[tokio::test]
async fn admin_access_with_app_credentials_is_refused_before_sending() {
    let fake = Fake::start().await;
    let token_uri = token_endpoint(&fake, None).await;
    let dir = project(&[("boss.member.json", &member_body("1", true)), ("kim.member.json", &member_body("2", false))]);
    std::fs::write(dir.path().join("sa.json"), service_account_without_key(&token_uri)).unwrap();
    let ran = run(chatlint(dir.path()).args([
        "check",
        "--send",
        "--endpoint",
        &fake.url(),
        "--credentials",
        "sa.json",
        "boss.member.json",
        "kim.member.json",
    ]));
    assert_eq!(ran.code, 2, "{}{}", ran.stdout, ran.stderr);
    assert!(
        ran.stderr.contains("boss.member.json: useAdminAccess needs user authentication")
            && ran.stderr.contains("--subject"),
        "{}",
        ran.stderr
    );
    assert!(
        ran.stdout.contains("boss.member.json: not sent: useAdminAccess needs user authentication"),
        "{}",
        ran.stdout
    );
    assert!(
        ran.stdout.contains("kim.member.json: not sent: nothing was sent because boss.member.json cannot be sent\n"),
        "{}",
        ran.stdout
    );
    assert_eq!(fake.server.received_requests().await.unwrap().len(), 0, "no token asked for, nothing sent");
}

/// A14: a Retry-After longer than chatlint waits (a number beyond u64, a
/// date in the year 9999) ends the retries with a message saying so; one
/// that is neither seconds nor a date is retried after the backoff, saying so.
#[tokio::test]
async fn a_huge_or_unreadable_retry_after_is_not_read_as_absent() {
    for huge in ["99999999999999999999999", "Fri, 31 Dec 9999 23:59:59 GMT"] {
        let fake = Fake::start().await;
        fake.first(1, google_error(429, "RESOURCE_EXHAUSTED", "Quota exceeded").insert_header("Retry-After", huge))
            .await;
        let dir = project(&[("news.create.json", &create_body("News"))]);
        let ran = run(sender(dir.path(), &fake).arg("news.create.json"));
        assert_eq!(ran.code, 1, "{huge}: {}{}", ran.stdout, ran.stderr);
        assert!(
            ran.stderr.contains(
                "news.create.json: HTTP 429: the server asks to wait more than a day (Retry-After), longer than the \
                 300 s chatlint waits; not retried"
            ),
            "{huge}: {}",
            ran.stderr
        );
        assert!(
            ran.stdout.contains("news.create.json: failed: 429 RESOURCE_EXHAUSTED: Quota exceeded"),
            "{}",
            ran.stdout
        );
        assert_eq!(fake.chat_requests().await.len(), 1, "{huge}: not retried");
    }
    let fake = Fake::start().await;
    fake.first(1, google_error(503, "UNAVAILABLE", "Try later").insert_header("Retry-After", "soon")).await;
    let dir = project(&[("news.create.json", &create_body("News"))]);
    let ran = run(sender(dir.path(), &fake).arg("news.create.json"));
    assert_eq!(ran.code, 0, "{}{}", ran.stdout, ran.stderr);
    assert!(
        ran.stderr.contains("HTTP 503 with a Retry-After that is neither seconds nor an HTTP date, so the wait is"),
        "{}",
        ran.stderr
    );
    assert_eq!(fake.chat_requests().await.len(), 2);
}

/// A16: a redirect is not followed (it could carry the token elsewhere),
/// and the failure says it was a redirect and where to; for the Chat API
/// and the token endpoint alike.
#[tokio::test]
async fn a_redirect_says_where_it_leads_and_is_not_followed() {
    let fake = Fake::start().await;
    let moved = ResponseTemplate::new(307).insert_header("Location", "https://elsewhere.example/v1/spaces:setup");
    fake.first(1, moved).await;
    let dir = project(&[("eng.setup.json", &setup_body("Eng"))]);
    let ran = run(sender(dir.path(), &fake).arg("eng.setup.json"));
    assert_eq!(ran.code, 1, "{}{}", ran.stdout, ran.stderr);
    assert!(
        ran.stdout.contains(
            "eng.setup.json: failed: HTTP 307: the server answered with a redirect to \
             https://elsewhere.example/v1/spaces:setup; chatlint does not follow redirects"
        ),
        "{}",
        ran.stdout
    );
    assert_eq!(fake.chat_requests().await.len(), 1);

    let fake = Fake::start().await;
    Mock::given(path("/token"))
        .respond_with(ResponseTemplate::new(302).insert_header("Location", "/login?next=token"))
        .mount(&fake.server)
        .await;
    let creds = dir.path().join("adc.json");
    std::fs::write(&creds, authorized_user(Some(&format!("{}/token", fake.url())), REFRESH_TOKEN)).unwrap();
    let ran = run(chatlint(dir.path())
        .args(["check", "--send", "--endpoint", &fake.url(), "--credentials"])
        .arg(&creds)
        .arg("eng.setup.json"));
    assert_eq!(ran.code, 2, "{}{}", ran.stdout, ran.stderr);
    let to = format!("a redirect to {}/login?next=token;", fake.url());
    assert!(ran.stderr.contains(&to), "{}", ran.stderr);
    let got = fake.server.received_requests().await.unwrap();
    assert!(got.iter().all(|r| r.url.path() == "/token"), "nothing followed the redirect");
}

/// B5: a member already in the space is "already a member" (what a 409
/// means comes from the method table), and the summary counts those apart
/// from what was newly sent.
#[tokio::test]
async fn members_already_there_are_counted_apart_from_new_sends() {
    let fake = Fake::start().await;
    let dir = project(&[
        ("a.member.json", &member_body("1", false)),
        ("b.member.json", &member_body("2", false)),
        ("c.member.json", &member_body("3", false)),
    ]);
    let first = run(sender(dir.path(), &fake).arg("."));
    assert_eq!(first.code, 0, "{}{}", first.stdout, first.stderr);
    assert!(
        first.stdout.contains("Checked 3 files: 0 errors, 0 warnings, 0 hints; sent 3 requests\n"),
        "{}",
        first.stdout
    );

    let again = run(sender(dir.path(), &fake).arg("."));
    assert_eq!(again.code, 0, "{}{}", again.stdout, again.stderr);
    assert!(
        again.stdout.contains(
            "a.member.json: already a member (the API answered 409 ALREADY_EXISTS: Membership already exists.)\n"
        ),
        "{}",
        again.stdout
    );
    assert!(
        again.stdout.contains("; 3 already members, nothing new sent\n") && !again.stdout.contains("sent 3 requests"),
        "{}",
        again.stdout
    );

    std::fs::write(dir.path().join("d.member.json"), member_body("4", false)).unwrap();
    let mixed = run(sender(dir.path(), &fake).arg("."));
    assert!(mixed.stdout.contains("; sent 1 request, 3 already members\n"), "{}", mixed.stdout);
    let json = run(sender(dir.path(), &fake).args([".", "--format", "json"])).json();
    assert_eq!((&json["summary"]["sent"], &json["summary"]["exists"]), (&json!(4), &json!(4)), "{json}");
}

/// B8: the server's findings go through the same `[[ignore]]` step as every
/// other finding: an entry for `server-rejected` at a pointer silences that
/// one (and counts as used); `--strict` shows it again.
#[tokio::test]
async fn an_ignore_entry_silences_a_server_finding_at_its_pointer() {
    let fake = Fake::start().await;
    let rejected = || {
        ResponseTemplate::new(400).set_body_json(json!({"error": {
        "code": 400, "message": "Invalid space setup request.", "status": "INVALID_ARGUMENT",
        "details": [{"@type": "type.googleapis.com/google.rpc.BadRequest", "fieldViolations": [
            {"field": "space.display_name", "description": "Display name is reserved."},
            {"field": "memberships[0].member.name", "description": "User not found."}
        ]}]}}))
    };
    let dir = project(&[("eng.setup.json", &setup_body("Eng"))]);
    std::fs::write(
        dir.path().join("chatlint.toml"),
        "[[ignore]]\npath = \"eng.setup.json\"\nrule = \"server-rejected\"\npointer = \"/space/displayName\"\n\
         reason = \"the name is reserved on purpose\"\n",
    )
    .unwrap();
    let pointers = |out: &Value| -> Vec<String> {
        let found = file(out, "eng.setup.json")["diagnostics"].as_array().unwrap().clone();
        found.iter().filter(|d| d["rule"] == "server-rejected").map(|d| d["pointer"].as_str().unwrap().into()).collect()
    };
    fake.first(1, rejected()).await;
    let ran = run(sender(dir.path(), &fake).args(["eng.setup.json", "--format", "json"]));
    assert_eq!(ran.code, 1, "the request still failed: {}{}", ran.stdout, ran.stderr);
    let out = ran.json();
    assert_eq!(pointers(&out), ["/memberships/0/member/name"], "{out}");
    assert_eq!(out["unused_ignores"], json!([]), "the entry was used");

    fake.first(1, rejected()).await;
    let strict = run(sender(dir.path(), &fake).args(["eng.setup.json", "--format", "json", "--strict"]));
    assert_eq!(pointers(&strict.json()), ["/space/displayName", "/memberships/0/member/name"]);
}

/// Waits (polling, at most `limit`) until the file at `path` holds `needle`;
/// returns its text.
fn wait_for_text(path: &Path, needle: &str, limit: Duration) -> String {
    let deadline = Instant::now() + limit;
    loop {
        let text = std::fs::read_to_string(path).unwrap_or_default();
        if text.contains(needle) {
            return text;
        }
        assert!(Instant::now() < deadline, "never saw {needle:?} in {}: {text}", path.display());
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// B2: the first Ctrl+C says at once what the run waits for (the requests
/// in flight, bounded by --timeout) and what a second one does to them and
/// the results file; the second then stops the run.
#[tokio::test]
async fn a_first_interrupt_says_what_it_waits_for_and_what_a_second_does() {
    let fake = Fake::start().await;
    fake.state.lock().unwrap().hang.push("Hangs".into());
    let dir = project(&[("h.setup.json", &setup_body("Hangs")), ("n.create.json", &create_body("Next"))]);
    let mut child = chatlint_process(dir.path())
        .env("CHATLINT_ACCESS_TOKEN", TOKEN)
        .args(["check", "--send", "--endpoint", &fake.url(), "--concurrency", "1", "--timeout", "100"])
        .args(["--results", "sent.jsonl", "h.setup.json", "n.create.json"])
        .spawn()
        .unwrap();
    wait_for_requests(&fake, 1, Duration::from_secs(60)).await;
    signal(child.id(), "INT");
    // The --timeout is 100 s: the note comes long before the request could end.
    let said = wait_for_text(&dir.path().join("stderr.txt"), "interrupted: ", Duration::from_secs(20));
    assert!(
        said.contains(
            "chatlint: interrupted: no new request starts; waiting for the 1 request in flight (at most 100 s); a \
             second Ctrl+C stops now: it is recorded as interrupted in sent.jsonl, the server may have acted on it, \
             and a re-run sends it again\n"
        ),
        "{said}"
    );
    assert!(child.try_wait().unwrap().is_none(), "still waiting for the request in flight");
    signal(child.id(), "INT");
    let status = wait_for_exit(&mut child, Duration::from_secs(20));
    assert_eq!(ran_process(dir.path(), status).code, 130);
}

/// This repository's folder (the examples live there).
fn repository() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Every folder under `dir`, `dir` included.
fn folders(dir: &Path) -> Vec<PathBuf> {
    let mut all = vec![dir.to_path_buf()];
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        if entry.file_type().unwrap().is_dir() {
            all.extend(folders(&entry.path()));
        }
    }
    all
}

/// B1: what `check` passes, `--send` sends. For every example folder that
/// `check` passes (exit 0), `check --send --dry-run` exits 0 and plans
/// every request file in it.
#[test]
fn every_folder_check_passes_is_planned_whole_by_a_dry_run() {
    let home = tempfile::tempdir().unwrap();
    let mut passed = 0;
    for folder in folders(&repository().join("examples")) {
        let shown = folder.strip_prefix(repository()).unwrap().display().to_string();
        let checked = run(chatlint(home.path()).current_dir(repository()).args(["check", &shown]));
        if checked.code != 0 {
            continue;
        }
        passed += 1;
        let planned = run(chatlint(home.path()).current_dir(repository()).args([
            "check",
            &shown,
            "--send",
            "--dry-run",
            "--format",
            "json",
        ]));
        assert_eq!(planned.code, 0, "{shown}: {}{}", planned.stdout, planned.stderr);
        for f in planned.json()["files"].as_array().unwrap() {
            if !f["method"].is_null() {
                assert_eq!(f["sent"]["status"], "dry_run", "{shown}: {f}");
            }
        }
    }
    assert!(passed >= 2, "examples/valid and examples/valid/bare pass");
}

/// B1: a bare member body with no `parent` given anywhere cannot be sent,
/// so `check` fails on it (an error, not a warning), and a dry run is
/// stopped by the gate, naming the file, instead of refusing at the end.
#[test]
fn a_required_parameter_given_nowhere_fails_the_check() {
    let bare = r#"{"member": {"name": "users/123456789", "type": "HUMAN"}}"#;
    let dir = project(&[("sam.member.json", bare), ("eng.setup.json", &setup_body("Eng"))]);
    let checked = run(chatlint(dir.path()).args(["check", "."]));
    assert_eq!(checked.code, 1, "{}{}", checked.stdout, checked.stderr);
    assert!(checked.stdout.contains("parameter-not-given") && checked.stdout.contains("1 error"), "{}", checked.stdout);
    let planned = run(chatlint(dir.path()).args(["check", ".", "--dry-run"]));
    assert_eq!(planned.code, 1, "{}{}", planned.stdout, planned.stderr);
    assert!(planned.stdout.contains("sam.member.json: not sent: this file has errors"), "{}", planned.stdout);
}

/// B1: with the finding turned off, `--send` still refuses the file; that
/// file's line says why, the others only name it, and the exit code is 1
/// (a problem in the files, as the exit-code table says).
#[test]
fn a_request_that_cannot_be_built_is_refused_with_its_own_reason() {
    let bare = r#"{"member": {"name": "users/123456789", "type": "HUMAN"}}"#;
    let dir = project(&[("sam.member.json", bare), ("eng.setup.json", &setup_body("Eng"))]);
    std::fs::write(dir.path().join("chatlint.toml"), "[rules]\nparameter-not-given = \"off\"\n").unwrap();
    let planned = run(chatlint(dir.path()).args(["check", ".", "--dry-run"]));
    assert_eq!(planned.code, 1, "{}{}", planned.stdout, planned.stderr);
    assert!(planned.stdout.contains("sam.member.json: not sent: no `parent` for this file"), "{}", planned.stdout);
    assert!(
        planned.stdout.contains("eng.setup.json: not sent: nothing was sent because sam.member.json cannot be sent\n"),
        "{}",
        planned.stdout
    );
    assert!(planned.stderr.contains("chatlint: nothing sent: sam.member.json: no `parent`"), "{}", planned.stderr);
}

/// A token endpoint that says a token lives longer than time can count
/// (`expires_in` of u64::MAX) is taken at its word, not a crash.
#[tokio::test]
async fn a_token_lifetime_beyond_counting_is_no_crash() {
    let fake = Fake::start().await;
    let answer = json!({"access_token": TOKEN, "expires_in": u64::MAX, "token_type": "Bearer"});
    Mock::given(path("/token"))
        .respond_with(ResponseTemplate::new(200).set_body_json(answer))
        .mount(&fake.server)
        .await;
    let dir = project(&[("eng.setup.json", &setup_body("Eng"))]);
    let creds = dir.path().join("adc.json");
    std::fs::write(&creds, authorized_user(Some(&format!("{}/token", fake.url())), REFRESH_TOKEN)).unwrap();
    let ran = run(chatlint(dir.path())
        .args(["check", "--send", "--endpoint", &fake.url(), "--credentials"])
        .arg(&creds)
        .arg("eng.setup.json"));
    assert_eq!(ran.code, 0, "{}{}", ran.stdout, ran.stderr);
    assert_eq!(fake.created(), 1);
}

/// B1: two setup files that share a requestId for different requests are
/// a batch `--send` refuses whole, so `check` fails on them too.
#[test]
fn a_shared_request_id_fails_the_check_as_the_send_would() {
    let id = "6f1c2b9e-4a7d-4c1e-9b2a-1d3e5f7a9b0c";
    let with_id =
        |name: &str| format!(r#"{{"requestId": "{id}", "space": {{"spaceType": "SPACE", "displayName": "{name}"}}}}"#);
    let dir = project(&[("a.setup.json", &with_id("A")), ("b.setup.json", &with_id("B"))]);
    let checked = run(chatlint(dir.path()).args(["check", "."]));
    assert_eq!(checked.code, 1, "{}{}", checked.stdout, checked.stderr);
    assert!(checked.stdout.contains("request-id-reused") && checked.stdout.contains("1 error"), "{}", checked.stdout);
}

// ---------------------------------------------------------------- what is sent, what is recorded (issue 17)

/// A fake that answers every request with `answer` and keeps what it got.
async fn answering(answer: ResponseTemplate) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(path_regex("^/")).respond_with(answer).mount(&server).await;
    server
}

/// `chatlint check ARGS --send` against `endpoint` with the test token.
fn send_to(dir: &Path, endpoint: &str, args: &[&str]) -> Ran {
    let mut c = chatlint(dir);
    c.env("CHATLINT_ACCESS_TOKEN", TOKEN).args(["check", "--send", "--endpoint", endpoint]).args(args);
    run(&mut c)
}

const MEMBER_BODY: &str = r#"{"member": {"name": "users/123456789", "type": "HUMAN"}}"#;

#[tokio::test]
async fn names_that_would_reshape_the_url_are_errors_from_file_flag_and_config() {
    let server = answering(ResponseTemplate::new(200).set_body_json(json!({"name": "spaces/AAA"}))).await;
    let patch =
        |name: &str| json!({"space": {"name": name, "displayName": "x"}, "updateMask": "displayName"}).to_string();
    let member = |parent: &str| {
        json!({"parent": parent, "membership": serde_json::from_str::<Value>(MEMBER_BODY).unwrap()}).to_string()
    };
    let dir = project(&[
        ("a.patch.json", &patch("spaces/AAA\\messages\\BBB")),
        ("b.patch.json", &patch("spaces/..\\spaces:setup")),
        ("c.member.json", &member("spaces/AAA\\messages?")),
        ("d.member.json", &member("spaces/AAA#frag")),
        ("e.member.json", MEMBER_BODY),
        ("f.member.json", MEMBER_BODY),
    ]);
    std::fs::write(
        dir.path().join("chatlint.toml"),
        "[[requests]]\npath = \"e.member.json\"\nparent = \"spaces/AAA?useAdminAccess=true&x=\"\n",
    )
    .unwrap();
    // Even --send-passing sends none of them: each is an error finding.
    let ran = send_to(
        dir.path(),
        &server.uri(),
        &[
            "a.patch.json",
            "b.patch.json",
            "c.member.json",
            "d.member.json",
            "e.member.json",
            "--send-passing",
            "--format",
            "json",
        ],
    );
    assert_eq!(ran.code, 1, "{}{}", ran.stdout, ran.stderr);
    let out = ran.json();
    for (name, rule) in [
        ("a.patch.json", "space-name-format"),
        ("b.patch.json", "space-name-format"),
        ("c.member.json", "parent-format"),
        ("d.member.json", "parent-format"),
        ("e.member.json", "parent-format"),
    ] {
        let f = file(&out, name);
        assert_eq!(f["sent"]["status"], "skipped", "{name}: {f}");
        assert!(
            f["diagnostics"].as_array().unwrap().iter().any(|d| d["rule"] == rule && d["severity"] == "error"),
            "{name}: {f}"
        );
    }
    let flag = send_to(dir.path(), &server.uri(), &["f.member.json", "--parent", "spaces/%2e%2e"]);
    assert_eq!(flag.code, 1, "{}{}", flag.stdout, flag.stderr);
    assert!(flag.stdout.contains("parent-format"), "{}", flag.stdout);
    assert!(server.received_requests().await.unwrap().is_empty(), "nothing reached the server");
}

#[tokio::test]
async fn an_id_is_sent_as_one_encoded_segment() {
    let server = answering(ResponseTemplate::new(200).set_body_json(json!({"name": "spaces/a+b@c!/members/1"}))).await;
    let dir = project(&[("m.member.json", MEMBER_BODY)]);
    let ran = send_to(dir.path(), &server.uri(), &["m.member.json", "--parent", "spaces/a+b@c!"]);
    assert_eq!(ran.code, 0, "{}{}", ran.stdout, ran.stderr);
    let got = server.received_requests().await.unwrap();
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].url.path(), "/v1/spaces/a%2Bb%40c%21/members");
    assert_eq!(got[0].url.query(), None);
}

#[tokio::test]
async fn an_answer_about_another_resource_is_a_failure() {
    // A members answer must be a member of that space; a patch answers the space it patched.
    let server = answering(ResponseTemplate::new(200).set_body_json(json!({"name": "spaces/OTHER/members/1"}))).await;
    let dir = project(&[("m.member.json", MEMBER_BODY)]);
    let ran = send_to(dir.path(), &server.uri(), &["m.member.json", "--parent", "spaces/AAA"]);
    assert_eq!(ran.code, 1, "{}{}", ran.stdout, ran.stderr);
    assert!(
        ran.stdout.contains("the answer names `spaces/OTHER/members/1`, which is not in `spaces/AAA`"),
        "{}",
        ran.stdout
    );
    let server = answering(ResponseTemplate::new(200).set_body_json(json!({"name": "spaces/OTHER"}))).await;
    let patch = r#"{"space": {"name": "spaces/AAA", "displayName": "x"}, "updateMask": "displayName"}"#;
    let dir = project(&[("p.patch.json", patch)]);
    let ran = send_to(dir.path(), &server.uri(), &["p.patch.json"]);
    assert_eq!(ran.code, 1, "{}{}", ran.stdout, ran.stderr);
    assert!(ran.stdout.contains("the answer names `spaces/OTHER`, which is not in `spaces/AAA`"), "{}", ran.stdout);
}

/// A members fake that adds anyone once (then 409), as the API does.
async fn members_fake() -> (MockServer, FakeChanges) {
    let server = MockServer::start().await;
    let fake = FakeChanges::default();
    Mock::given(path_regex("^/v1/spaces/")).respond_with(fake.clone()).mount(&server).await;
    (server, fake)
}

/// The paths a server was sent, in order.
async fn paths_received(server: &MockServer) -> Vec<String> {
    server.received_requests().await.unwrap().iter().map(|r| r.url.path().to_string()).collect()
}

#[tokio::test]
async fn a_record_stands_only_for_the_request_as_sent() {
    let (server, _) = members_fake().await;
    let (other, _) = members_fake().await;
    let dir = project(&[("m.member.json", MEMBER_BODY)]);
    let config = |parent: &str| {
        std::fs::write(
            dir.path().join("chatlint.toml"),
            format!("[[requests]]\npath = \"m.member.json\"\nparent = \"{parent}\"\n"),
        )
        .unwrap()
    };
    let send = |endpoint: &str, extra: &[&str]| {
        let mut args = vec!["m.member.json", "--results", "r.jsonl"];
        args.extend_from_slice(extra);
        send_to(dir.path(), endpoint, &args)
    };
    config("spaces/AAA");
    let first = send(&server.uri(), &[]);
    assert!(first.stdout.contains("m.member.json: sent: spaces/AAA/members/1"), "{}{}", first.stdout, first.stderr);
    let again = send(&server.uri(), &[]);
    assert!(again.stdout.contains("m.member.json: already sent: spaces/AAA/members/1"), "{}", again.stdout);
    assert_eq!(paths_received(&server).await, ["/v1/spaces/AAA/members"]);

    // Another parent in chatlint.toml is another request: it is sent
    // (this fake knows the member already: 409, done).
    config("spaces/BBB");
    let moved = send(&server.uri(), &[]);
    assert_eq!(moved.code, 0, "{}{}", moved.stdout, moved.stderr);
    assert!(moved.stdout.contains("m.member.json: already a member"), "{}", moved.stdout);
    // So is another --parent, and another endpoint.
    let flag = send(&server.uri(), &["--parent", "spaces/CCC"]);
    assert!(flag.stdout.contains("m.member.json: already a member"), "{}{}", flag.stdout, flag.stderr);
    let elsewhere = send(&other.uri(), &[]);
    assert!(elsewhere.stdout.contains("m.member.json: sent: spaces/BBB/members/1"), "{}", elsewhere.stdout);
    assert_eq!(
        paths_received(&server).await,
        ["/v1/spaces/AAA/members", "/v1/spaces/BBB/members", "/v1/spaces/CCC/members"]
    );
    assert_eq!(paths_received(&other).await, ["/v1/spaces/BBB/members"]);
    let lines = results_lines(&dir.path().join("r.jsonl"));
    assert_eq!(lines.len(), 4);
    assert_eq!(lines[1]["request"]["url"], format!("{}/v1/spaces/BBB/members", server.uri()));
    assert_eq!(lines[1]["request"]["http_method"], "POST");
}

#[tokio::test]
async fn a_line_of_an_older_chatlint_skips_nothing() {
    let fake = Fake::start().await;
    let dir = project(&[("a.setup.json", &setup_body("A"))]);
    let results = dir.path().join("r.jsonl");
    // What chatlint wrote before: file and requestId only.
    let id = run(chatlint(dir.path()).args(["check", "a.setup.json", "--dry-run", "--format", "json"])).json();
    let id = file(&id, "a.setup.json")["sent"]["request_id"].as_str().unwrap().to_string();
    std::fs::write(&results, format!("{{\"file\":\"a.setup.json\",\"request_id\":\"{id}\",\"status\":\"sent\"}}\n"))
        .unwrap();
    let ran = run(sender(dir.path(), &fake).args(["a.setup.json", "--results", "r.jsonl"]));
    assert_eq!(ran.code, 0, "{}{}", ran.stdout, ran.stderr);
    assert!(ran.stdout.contains("a.setup.json: sent: spaces/AAAA0001"), "{}", ran.stdout);
    assert!(ran.stderr.contains("1 line from an older chatlint"), "{}", ran.stderr);
    assert_eq!(fake.chat_requests().await.len(), 1);
}

#[cfg(unix)]
#[tokio::test]
async fn results_must_be_a_regular_file() {
    let fake = Fake::start().await;
    let dir = project(&[("a.setup.json", &setup_body("A"))]);
    let fifo = dir.path().join("fifo.jsonl");
    assert!(std::process::Command::new("mkfifo").arg(&fifo).status().unwrap().success());
    for results in [Path::new("/dev/zero"), fifo.as_path()] {
        for dry in [true, false] {
            let mut c = sender(dir.path(), &fake);
            c.args(["a.setup.json", "--results"]).arg(results);
            if dry {
                c.arg("--dry-run");
            }
            let ran = run(&mut c);
            assert_eq!(ran.code, 2, "{results:?} {dry}: {}{}", ran.stdout, ran.stderr);
            assert!(ran.stderr.contains("not a regular file"), "{}", ran.stderr);
        }
    }
    assert!(fake.chat_requests().await.is_empty());
}

#[tokio::test]
async fn a_cut_line_does_not_swallow_the_next_record() {
    let fake = Fake::start().await;
    let dir = project(&[("a.setup.json", &setup_body("A")), ("b.setup.json", &setup_body("B"))]);
    let results = dir.path().join("r.jsonl");
    // A run killed in the middle of a line, and a byte that is not UTF-8.
    std::fs::write(&results, b"\xff\n{\"time\":\"2026-11-24T12:3").unwrap();
    let first = run(sender(dir.path(), &fake).args(["a.setup.json", "--results", "r.jsonl"]));
    assert_eq!(first.code, 0, "{}{}", first.stdout, first.stderr);
    assert!(
        first.stderr.contains("line 1 is not UTF-8") && first.stderr.contains("line 2 is cut short"),
        "{}",
        first.stderr
    );
    let again = run(sender(dir.path(), &fake).args(["a.setup.json", "b.setup.json", "--results", "r.jsonl"]));
    assert_eq!(again.code, 0, "{}{}", again.stdout, again.stderr);
    assert!(again.stdout.contains("a.setup.json: already sent"), "{}", again.stdout);
    assert_eq!(fake.chat_requests().await.len(), 2, "a once, b once");
}

/// A results file that cannot be written (here: the file size limit, which
/// fails the write as a full disk does) stops new requests and fails the run.
#[cfg(target_os = "linux")]
#[tokio::test]
async fn a_record_that_cannot_be_written_stops_the_run() {
    let fake = Fake::start().await;
    let names: Vec<String> = (0..5).map(|i| format!("f{i}.create.json")).collect();
    let files: Vec<(&str, String)> = names.iter().map(|n| (n.as_str(), create_body(n))).collect();
    let refs: Vec<(&str, &str)> = files.iter().map(|(a, b)| (*a, b.as_str())).collect();
    let dir = project(&refs);
    // 16 KiB already there, over the limit below (8 blocks: 4 or 8 KiB): the first new record fails.
    std::fs::write(dir.path().join("r.jsonl"), format!("{}\n", " ".repeat(16 << 10))).unwrap();
    let chatlint = assert_cmd::cargo::cargo_bin("chatlint");
    let env = isolated(dir.path());
    // SIGXFSZ ignored (the write fails instead of killing), files up to 8 blocks.
    let script = "trap '' XFSZ; ulimit -f 8; exec \"$0\" \"$@\"";
    let mut sh = std::process::Command::new("sh");
    sh.current_dir(dir.path()).envs(env.get_envs().filter_map(|(k, v)| Some((k.to_owned(), v?.to_owned()))));
    sh.env("CHATLINT_ACCESS_TOKEN", TOKEN)
        .args(["-c", script])
        .arg(&chatlint)
        .args(["check", "--send", "--endpoint", &fake.url(), "--concurrency", "1", "--results", "r.jsonl"])
        .args(&names);
    let ran = run(&mut Command::from_std(sh));
    assert_eq!(ran.code, 1, "{}{}", ran.stdout, ran.stderr);
    assert!(ran.stderr.contains("r.jsonl: could not write a record"), "{}", ran.stderr);
    assert!(ran.stdout.contains("not recorded: --results r.jsonl: could not write a record"), "{}", ran.stdout);
    assert!(ran.stdout.contains("so no new request was started"), "{}", ran.stdout);
    assert_eq!(fake.chat_requests().await.len(), 1, "no request after the one whose record failed");
}

#[tokio::test]
async fn a_second_run_with_the_same_results_file_is_refused() {
    let fake = Fake::start().await;
    fake.state.lock().unwrap().hang.push("Hangs".into());
    let dir = project(&[("h.setup.json", &setup_body("Hangs")), ("n.create.json", &create_body("Next"))]);
    let mut first = chatlint_process(dir.path())
        .env("CHATLINT_ACCESS_TOKEN", TOKEN)
        .args(["check", "--send", "--endpoint", &fake.url(), "--results", "r.jsonl", "h.setup.json"])
        .spawn()
        .unwrap();
    // The first run holds the file once its request is out.
    wait_for_requests(&fake, 1, Duration::from_secs(60)).await;
    let second = run(sender(dir.path(), &fake).args(["n.create.json", "--results", "r.jsonl"]));
    first.kill().unwrap();
    first.wait().unwrap();
    assert_eq!(second.code, 2, "{}{}", second.stdout, second.stderr);
    assert!(second.stderr.contains("another chatlint run is using it"), "{}", second.stderr);
    assert_eq!(fake.chat_requests().await.len(), 1, "the second run sent nothing");
    // Once the first has ended, the file is free.
    let third = run(sender(dir.path(), &fake).args(["n.create.json", "--results", "r.jsonl"]));
    assert_eq!(third.code, 0, "{}{}", third.stdout, third.stderr);
}
