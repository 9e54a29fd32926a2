//! Getting the access token from where the credentials came from
//! (`auth::Source`), and refreshing it: the refresh-token grant of an
//! `authorized_user` file, the JWT bearer grant (RFC 7523) of a service
//! account key, each one form POST to the token URI over the run's client.

use super::auth::{AuthorizedUser, ServiceAccount, Source};
use super::client::{self, secure_url};
use super::interrupt::Stop;
use super::jwt;
use super::retry::Policy;
use super::secret::Secret;
use serde::Deserialize;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// A token request's form fields.
type Form = Vec<(&'static str, String)>;

/// Hands out a valid access token, fetching and refreshing it as needed.
pub struct TokenProvider {
    source: Source,
    client: reqwest::Client,
    policy: Policy,
    notes: super::Notes,
    stop: Stop,
    cached: tokio::sync::Mutex<Option<(Secret, Option<Instant>)>>,
    /// Secrets made during the run (signed assertions, issued access
    /// tokens), scrubbed like the source's own.
    issued: std::sync::Mutex<Vec<Secret>>,
}

impl std::fmt::Debug for TokenProvider {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenProvider").field("source", &self.source).finish_non_exhaustive()
    }
}

#[derive(Deserialize)]
struct TokenAnswer {
    access_token: Option<Secret>,
    expires_in: Option<u64>,
}

#[derive(Deserialize)]
struct TokenError {
    error: Option<String>,
    error_description: Option<String>,
}

impl TokenProvider {
    /// `stop`: a signal stops retrying the token endpoint (see `interrupt`).
    pub fn new(
        source: Source,
        client: reqwest::Client,
        policy: Policy,
        notes: super::Notes,
        stop: Stop,
    ) -> TokenProvider {
        TokenProvider {
            source,
            client,
            policy,
            notes,
            stop,
            cached: tokio::sync::Mutex::new(None),
            issued: std::sync::Mutex::new(Vec::new()),
        }
    }

    /// A token valid for at least another minute.
    pub async fn token(&self) -> Result<Secret, String> {
        let mut cached = self.cached.lock().await;
        if let Some((token, expiry)) = cached.as_ref()
            && expiry.is_none_or(|e| e > Instant::now() + Duration::from_secs(60))
        {
            return Ok(token.clone());
        }
        let (token, expiry) = self.fetch().await?;
        *cached = Some((token.clone(), expiry));
        Ok(token)
    }

    async fn fetch(&self) -> Result<(Secret, Option<Instant>), String> {
        let (uri, form) = match &self.source {
            Source::Token { token, .. } => return Ok((token.clone(), None)),
            Source::AuthorizedUser(u) => (&u.token_uri, self.refresh_grant(u)),
            Source::ServiceAccount(s) => (&s.token_uri, self.jwt_grant(s)?),
        };
        let origin = self.source.origin();
        let url = secure_url(uri, "the token URI")?;
        let answer = client::send(&self.policy, "token endpoint", &self.notes, &self.stop, || {
            self.client.post(url.clone()).form(&form)
        })
        .await
        .map_err(|f| format!("could not get an access token from {uri}: {}", self.scrub(&f.message)))?;
        if !(200..300).contains(&answer.status) {
            let why = match serde_json::from_str::<TokenError>(&answer.body) {
                Ok(TokenError { error: Some(e), error_description: d }) => match d {
                    Some(d) => format!("{e}: {d}"),
                    None => e,
                },
                _ => "no OAuth error in the answer".to_string(),
            };
            let why = self.scrub(&why);
            return Err(format!(
                "the token endpoint {uri} refused the credentials from {origin}: HTTP {} {why}",
                answer.status
            ));
        }
        let parsed: TokenAnswer = serde_json::from_str(&answer.body)
            .map_err(|_| format!("the token endpoint {uri} answered without a readable token"))?;
        let token = parsed
            .access_token
            .filter(|t| !t.is_empty())
            .ok_or_else(|| format!("the token endpoint {uri} answered without an access_token"))?;
        self.register(&token);
        // A lifetime too long to count is no expiry (the token is kept).
        let expiry = parsed.expires_in.and_then(|s| Instant::now().checked_add(Duration::from_secs(s)));
        Ok((token, expiry))
    }

    /// The refresh-token grant of an `authorized_user` file (RFC 6749 §6).
    fn refresh_grant(&self, u: &AuthorizedUser) -> Form {
        vec![
            ("grant_type", "refresh_token".into()),
            ("client_id", u.client_id.clone()),
            ("client_secret", u.client_secret.expose().into()),
            ("refresh_token", u.refresh_token.expose().into()),
        ]
    }

    /// The JWT bearer grant of a service account (RFC 7523): a signed
    /// assertion of who it is, whom it acts as, and the scopes.
    fn jwt_grant(&self, s: &ServiceAccount) -> Result<Form, String> {
        let now = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
        let scope = s.scopes.join(" ");
        let claims = jwt::Claims {
            issuer: &s.client_email,
            subject: s.subject.as_deref(),
            scope: &scope,
            audience: &s.token_uri,
            issued_at: now,
        };
        let assertion = jwt::sign(&claims, &s.private_key, s.private_key_id.as_deref())
            .map_err(|e| format!("{}: {e}", s.origin))?;
        self.register(&assertion);
        Ok(vec![
            ("grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer".into()),
            ("assertion", assertion.expose().into()),
        ])
    }

    /// Remembers a secret made during the run, to scrub it too.
    fn register(&self, secret: &Secret) {
        self.issued.lock().unwrap_or_else(|p| p.into_inner()).push(secret.clone());
    }

    /// Removes every secret of the source, and every one made during the
    /// run, from a text a server sent, in any encoding (see [`Secret::redact_in`]).
    pub fn scrub(&self, text: &str) -> String {
        let issued = self.issued.lock().unwrap_or_else(|p| p.into_inner());
        self.source.secrets().into_iter().chain(issued.iter()).fold(text.to_string(), |t, s| s.redact_in(&t))
    }
}
