//! Credentials: where the access token comes from, and getting (and
//! refreshing) it.
//!
//! In order of precedence:
//! 1. `--token-env VAR`, `--token-file FILE` or `--credentials FILE` (at most one);
//! 2. an access token in `CHATLINT_ACCESS_TOKEN`;
//! 3. the credentials file named by `GOOGLE_APPLICATION_CREDENTIALS`;
//! 4. gcloud's application-default credentials
//!    (`$CLOUDSDK_CONFIG` or `~/.config/gcloud`, `application_default_credentials.json`).
//!
//! A credentials file is an `authorized_user` JSON (a refresh token, which is
//! exchanged for an access token at its token URI) or a `service_account`
//! key (a JWT bearer grant, acting as `--subject` through domain-wide
//! delegation). `--token-uri` overrides the token URI of either. Getting
//! the access token from a source is `token`'s job.

use super::secret::Secret;
use serde::Deserialize;
use std::path::{Path, PathBuf};

/// Google's OAuth 2.0 token endpoint, used when the file names none.
pub const GOOGLE_TOKEN_URI: &str = "https://oauth2.googleapis.com/token";
/// The environment variable read for an access token when no flag names one.
pub const TOKEN_ENV: &str = "CHATLINT_ACCESS_TOKEN";

/// Where the credentials are asked to come from (the command line's
/// `--token-env`, `--token-file`, `--credentials`, `--subject`, `--scope`,
/// `--token-uri`).
#[derive(Debug, Default, Clone)]
pub struct Options {
    pub token_env: Option<String>,
    pub token_file: Option<PathBuf>,
    pub credentials: Option<PathBuf>,
    pub subject: Option<String>,
    pub scopes: Vec<String>,
    pub token_uri: Option<String>,
    /// The scopes a service account asks for when `scopes` is empty: as a
    /// user (with a subject) and as the app. The method table's.
    pub default_user_scopes: Vec<String>,
    pub default_app_scopes: Vec<String>,
}

/// Where an access token comes from.
#[derive(Debug)]
pub enum Source {
    /// A ready access token (it is not refreshed).
    Token {
        token: Secret,
        origin: String,
    },
    AuthorizedUser(AuthorizedUser),
    ServiceAccount(ServiceAccount),
}

#[derive(Debug)]
pub struct AuthorizedUser {
    pub origin: String,
    pub client_id: String,
    pub client_secret: Secret,
    pub refresh_token: Secret,
    pub token_uri: String,
}

#[derive(Debug)]
pub struct ServiceAccount {
    pub origin: String,
    pub client_email: String,
    pub private_key: Secret,
    pub private_key_id: Option<String>,
    pub token_uri: String,
    /// The user to act as; `None` authenticates as the app.
    pub subject: Option<String>,
    pub scopes: Vec<String>,
}

impl Source {
    /// Where the credentials came from, for messages.
    pub fn origin(&self) -> &str {
        match self {
            Source::Token { origin, .. } => origin,
            Source::AuthorizedUser(u) => &u.origin,
            Source::ServiceAccount(s) => &s.origin,
        }
    }

    /// The token URI this source will call, if any.
    pub fn token_uri(&self) -> Option<&str> {
        match self {
            Source::Token { .. } => None,
            Source::AuthorizedUser(u) => Some(&u.token_uri),
            Source::ServiceAccount(s) => Some(&s.token_uri),
        }
    }

    /// Authenticates as the app itself (not as a user): a service account
    /// without a subject. `spaces.setup` needs a user.
    pub fn is_app(&self) -> bool {
        matches!(self, Source::ServiceAccount(s) if s.subject.is_none())
    }

    /// Every secret of the source, to scrub from server messages.
    pub fn secrets(&self) -> Vec<&Secret> {
        match self {
            Source::Token { token, .. } => vec![token],
            Source::AuthorizedUser(u) => vec![&u.client_secret, &u.refresh_token],
            Source::ServiceAccount(s) => vec![&s.private_key],
        }
    }
}

/// Finds the credentials (no network). `env` reads environment variables.
pub fn resolve(opts: &Options, env: &dyn Fn(&str) -> Option<String>) -> Result<Source, String> {
    let chosen = [opts.token_env.is_some(), opts.token_file.is_some(), opts.credentials.is_some()];
    if chosen.iter().filter(|c| **c).count() > 1 {
        return Err("use only one of --token-env, --token-file and --credentials".into());
    }
    let source = if let Some(var) = &opts.token_env {
        let token = env(var)
            .filter(|t| !t.trim().is_empty())
            .ok_or_else(|| format!("--token-env {var}: the environment variable `{var}` is not set or empty"))?;
        let token = one_token(&token, &format!("--token-env {var}: the environment variable `{var}`"), false)?;
        Source::Token { token, origin: format!("the environment variable {var}") }
    } else if let Some(path) = &opts.token_file {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("--token-file {}: could not read it: {e}", path.display()))?;
        if text.trim().is_empty() {
            return Err(format!("--token-file {}: the file is empty", path.display()));
        }
        let token = one_token(&text, &format!("--token-file {}: the file", path.display()), true)?;
        Source::Token { token, origin: format!("the file {}", path.display()) }
    } else if let Some(path) = &opts.credentials {
        load_file(path, opts, &format!("--credentials {}", path.display()))?
    } else if let Some(token) = env(TOKEN_ENV).filter(|t| !t.trim().is_empty()) {
        let token = one_token(&token, &format!("the environment variable {TOKEN_ENV}"), false)?;
        Source::Token { token, origin: format!("the environment variable {TOKEN_ENV}") }
    } else if let Some(path) = env("GOOGLE_APPLICATION_CREDENTIALS").filter(|p| !p.is_empty()) {
        let path = PathBuf::from(path);
        load_file(&path, opts, &format!("GOOGLE_APPLICATION_CREDENTIALS ({})", path.display()))?
    } else if let Some(path) = gcloud_adc_path(env).filter(|p| p.is_file()) {
        load_file(&path, opts, &format!("gcloud's application-default credentials ({})", path.display()))?
    } else {
        return Err(format!(
            "no credentials: set {TOKEN_ENV} to an access token, pass --token-env, --token-file or --credentials, \
             set GOOGLE_APPLICATION_CREDENTIALS, or run `gcloud auth application-default login` \
             (see docs/send.md)"
        ));
    };
    if opts.subject.is_some() && !matches!(source, Source::ServiceAccount(_)) {
        return Err(format!(
            "--subject is for service account keys, but the credentials come from {}",
            source.origin()
        ));
    }
    Ok(source)
}

/// Checks that `text` is exactly one access token (surrounding whitespace
/// trimmed): one line of the characters of an OAuth 2.0 bearer token
/// (RFC 6750 `b64token`: letters, digits, `-._~+/`, then `=` padding).
/// Anything else (a credentials JSON, several lines, `Bearer …`, spaces) is
/// refused, because sending it would hand the whole text to the server as a
/// bearer token. `what` names where it came from ("--token-file F: the
/// file"); errors never quote the text.
fn one_token(text: &str, what: &str, is_file: bool) -> Result<Secret, String> {
    let token = text.trim();
    let fix = if is_file {
        "for a credentials JSON (`authorized_user` or `service_account`), pass the file with --credentials FILE"
    } else {
        "for a credentials JSON (`authorized_user` or `service_account`), put it in a file and pass \
         --credentials FILE (or set GOOGLE_APPLICATION_CREDENTIALS to the file)"
    };
    let refuse = |why: &str| Err(format!("{what} must hold exactly one access token, but {why}; {fix}"));
    if token.starts_with(['{', '[']) {
        return refuse("it holds JSON");
    }
    let lines = token.lines().filter(|l| !l.trim().is_empty()).count();
    if lines > 1 {
        return refuse(&format!("it has {lines} lines"));
    }
    if token.get(..7).is_some_and(|p| p.eq_ignore_ascii_case("bearer ")) {
        return refuse("it starts with `Bearer `: write the token alone");
    }
    if let Some(at) = token.chars().position(char::is_whitespace) {
        return refuse(&format!("it has a space at character {}", at + 1));
    }
    let body = token.trim_end_matches('=');
    let valid = |c: char| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_' | '~' | '+' | '/');
    if body.is_empty() {
        return refuse("it has no token characters");
    }
    if let Some(at) = body.chars().position(|c| !valid(c)) {
        return refuse(&format!("character {} is not one of a token's (letters, digits, `-._~+/`, then `=`)", at + 1));
    }
    Ok(Secret::new(token))
}

/// gcloud's application-default credentials file.
fn gcloud_adc_path(env: &dyn Fn(&str) -> Option<String>) -> Option<PathBuf> {
    let dir = if let Some(d) = env("CLOUDSDK_CONFIG").filter(|d| !d.is_empty()) {
        PathBuf::from(d)
    } else if cfg!(windows) {
        PathBuf::from(env("APPDATA")?).join("gcloud")
    } else {
        PathBuf::from(env("HOME")?).join(".config").join("gcloud")
    };
    Some(dir.join("application_default_credentials.json"))
}

#[derive(Deserialize)]
struct RawFile {
    #[serde(rename = "type")]
    kind: Option<String>,
    client_id: Option<String>,
    client_secret: Option<Secret>,
    refresh_token: Option<Secret>,
    client_email: Option<String>,
    private_key: Option<Secret>,
    private_key_id: Option<String>,
    token_uri: Option<String>,
}

fn load_file(path: &Path, opts: &Options, origin: &str) -> Result<Source, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{origin}: could not read it: {e}"))?;
    parse_file(&text, opts, origin)
}

/// Parses a credentials JSON. Error messages name the problem and position,
/// never the file's content.
pub fn parse_file(text: &str, opts: &Options, origin: &str) -> Result<Source, String> {
    let raw: RawFile = serde_json::from_str(text).map_err(|e| {
        let kind = match e.classify() {
            serde_json::error::Category::Data => "a field has the wrong type",
            _ => "it is not valid JSON",
        };
        format!("{origin}: not a credentials file: {kind} (line {}, column {})", e.line(), e.column())
    })?;
    let missing =
        |field: &str| format!("{origin}: the `{}` credentials lack `{field}`", raw.kind.as_deref().unwrap_or(""));
    let token_uri = |from_file: Option<String>| {
        opts.token_uri.clone().or(from_file).filter(|u| !u.is_empty()).unwrap_or_else(|| GOOGLE_TOKEN_URI.to_string())
    };
    match raw.kind.as_deref() {
        Some("authorized_user") => Ok(Source::AuthorizedUser(AuthorizedUser {
            origin: origin.to_string(),
            client_id: raw.client_id.clone().ok_or_else(|| missing("client_id"))?,
            client_secret: raw.client_secret.ok_or_else(|| missing("client_secret"))?,
            refresh_token: raw.refresh_token.ok_or_else(|| missing("refresh_token"))?,
            token_uri: token_uri(raw.token_uri),
        })),
        Some("service_account") => {
            let asked = match (opts.scopes.is_empty(), opts.subject.is_some()) {
                (false, _) => &opts.scopes,
                (true, true) => &opts.default_user_scopes,
                (true, false) => &opts.default_app_scopes,
            };
            let scopes = asked.iter().map(|s| expand_scope(s)).collect();
            Ok(Source::ServiceAccount(ServiceAccount {
                origin: origin.to_string(),
                client_email: raw.client_email.clone().ok_or_else(|| missing("client_email"))?,
                private_key: raw.private_key.ok_or_else(|| missing("private_key"))?,
                private_key_id: raw.private_key_id,
                token_uri: token_uri(raw.token_uri),
                subject: opts.subject.clone(),
                scopes,
            }))
        }
        Some(other) => Err(format!(
            "{origin}: credentials of type `{other}` are not supported; use an access token, an `authorized_user` \
             file or a `service_account` key"
        )),
        None => Err(format!("{origin}: not a credentials file (no `type`)")),
    }
}

/// `chat.spaces` → `https://www.googleapis.com/auth/chat.spaces`.
pub fn expand_scope(s: &str) -> String {
    if s.contains("://") { s.to_string() } else { format!("https://www.googleapis.com/auth/{s}") }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::interrupt::Stop;
    use crate::retry::Policy;
    use crate::token::TokenProvider;
    use std::collections::HashMap;

    fn env_of(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> + use<> {
        let map: HashMap<String, String> = pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        move |k| map.get(k).cloned()
    }

    const USER: &str = r#"{"type":"authorized_user","client_id":"id.apps","client_secret":"CS_very_secret",
        "refresh_token":"RT_very_secret","quota_project_id":"p"}"#;
    const ACCOUNT: &str = r#"{"type":"service_account","client_email":"ci@p.iam.gserviceaccount.com",
        "private_key":"PK_very_secret","private_key_id":"k1","token_uri":"https://oauth2.googleapis.com/token"}"#;

    #[test]
    fn debug_output_has_no_secret() {
        let opts = Options { subject: Some("alex@example.com".into()), ..Options::default() };
        let user = parse_file(USER, &Options::default(), "test").unwrap();
        let account = parse_file(ACCOUNT, &opts, "test").unwrap();
        let token = resolve(&Options::default(), &env_of(&[(TOKEN_ENV, "AT_very_secret")])).unwrap();
        let client = reqwest::Client::new();
        let provider = TokenProvider::new(
            parse_file(USER, &Options::default(), "t").unwrap(),
            client,
            Policy::default(),
            std::sync::Arc::new(|_: &str| {}),
            Stop::never(),
        );
        for shown in [format!("{user:?}"), format!("{account:#?}"), format!("{token:?}"), format!("{provider:?}")] {
            assert!(!shown.contains("very_secret"), "{shown}");
            assert!(shown.contains("redacted"), "{shown}");
        }
    }

    #[test]
    fn a_token_is_one_line_of_token_characters() {
        for ok in ["ya29.a0AfB_byC-x~y+z/w==", "  tok\n", "\r\nabc\r\n"] {
            assert!(one_token(ok, "t", true).is_ok(), "{ok:?}");
        }
        for (bad, says) in [
            (USER, "JSON"),
            ("abc\ndef", "2 lines"),
            ("Bearer abc", "Bearer"),
            ("abc def", "space at character 4"),
            ("ab\"c", "character 3"),
            ("===", "no token characters"),
            ("a=b", "character 2"),
        ] {
            let err = one_token(bad, "--token-file t: the file", true).err().unwrap();
            assert!(err.contains(says) && err.contains("--credentials FILE"), "{bad:?}: {err}");
            assert!(!err.contains("very_secret") && !err.contains("def"), "{err}");
        }
        let env = env_of(&[(TOKEN_ENV, USER)]);
        let err = resolve(&Options::default(), &env).err().unwrap();
        assert!(err.contains(TOKEN_ENV) && err.contains("--credentials"), "{err}");
    }

    #[test]
    fn file_errors_do_not_quote_the_file() {
        let bad = r#"{"type":"authorized_user","refresh_token":12345678}"#;
        let err = parse_file(bad, &Options::default(), "f").err().unwrap();
        assert!(!err.contains("12345678"), "{err}");
        let err = parse_file(
            r#"{"type":"authorized_user","client_id":"x","client_secret":"S3CR3T"}"#,
            &Options::default(),
            "f",
        )
        .err()
        .unwrap();
        assert!(err.contains("refresh_token") && !err.contains("S3CR3T"), "{err}");
    }

    #[test]
    fn precedence_and_defaults() {
        let dir = std::env::temp_dir().join(format!("chatlint-auth-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("gcloud")).unwrap();
        let adc = dir.join("gcloud").join("application_default_credentials.json");
        std::fs::write(&adc, USER).unwrap();
        let sa = dir.join("sa.json");
        std::fs::write(&sa, ACCOUNT).unwrap();
        let gcloud = dir.join("gcloud").display().to_string();
        let sa_path = sa.display().to_string();

        let from_adc = resolve(&Options::default(), &env_of(&[("CLOUDSDK_CONFIG", &gcloud)])).unwrap();
        assert!(matches!(&from_adc, Source::AuthorizedUser(u) if u.token_uri == GOOGLE_TOKEN_URI));
        let overridden = Options { token_uri: Some("http://127.0.0.1:9/token".into()), ..Options::default() };
        let from_adc = resolve(&overridden, &env_of(&[("CLOUDSDK_CONFIG", &gcloud)])).unwrap();
        assert_eq!(from_adc.token_uri(), Some("http://127.0.0.1:9/token"));

        let env = env_of(&[("CLOUDSDK_CONFIG", &gcloud), ("GOOGLE_APPLICATION_CREDENTIALS", &sa_path)]);
        let app = Options { default_app_scopes: vec!["chat.app.spaces.create".into()], ..Options::default() };
        let from_gac = resolve(&app, &env).unwrap();
        assert!(from_gac.is_app());
        assert!(matches!(&from_gac, Source::ServiceAccount(s)
            if s.scopes == ["https://www.googleapis.com/auth/chat.app.spaces.create"]));
        let as_user = Options {
            subject: Some("alex@example.com".into()),
            scopes: vec!["chat.spaces".into()],
            ..Options::default()
        };
        let from_gac = resolve(&as_user, &env).unwrap();
        assert!(matches!(&from_gac, Source::ServiceAccount(s)
            if s.scopes == ["https://www.googleapis.com/auth/chat.spaces"] && s.subject.is_some()));

        let env = env_of(&[(TOKEN_ENV, "tok"), ("GOOGLE_APPLICATION_CREDENTIALS", &sa_path)]);
        assert!(matches!(resolve(&Options::default(), &env).unwrap(), Source::Token { .. }));
        let err = resolve(&as_user, &env).err().unwrap();
        assert!(err.contains("--subject"), "{err}");

        let none = resolve(&Options::default(), &env_of(&[("HOME", &dir.display().to_string())])).err().unwrap();
        assert!(none.starts_with("no credentials"), "{none}");
        let two = Options { token_env: Some("A".into()), credentials: Some(sa.clone()), ..Options::default() };
        assert!(resolve(&two, &env_of(&[])).is_err());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
