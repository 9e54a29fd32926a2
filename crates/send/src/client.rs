//! HTTP: the one client of a run, where a bearer token may go, and sending a
//! request with retries.

use super::interrupt::{self, Stop};
use super::retry::{self, Policy, RetryAfter};
use reqwest::Url;
use std::time::{Duration, SystemTime};

/// Builds the client of a run: a per-request timeout (connect, send and read
/// the answer), no redirects (a redirect must not carry a token elsewhere),
/// and a proxy only where one cannot read a secret (see [`proxy`]).
pub fn build(timeout: Duration) -> Result<reqwest::Client, String> {
    // `no_proxy()` drops reqwest's own reading of the environment, which
    // would also send plain http (loopback) through HTTP_PROXY or ALL_PROXY.
    let mut builder = reqwest::Client::builder()
        .no_proxy()
        .timeout(timeout)
        .connect_timeout(timeout)
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(concat!("chatlint/", env!("CARGO_PKG_VERSION")));
    if let Some(p) = proxy(&|k| std::env::var(k).ok())? {
        builder = builder.proxy(p);
    }
    builder.build().map_err(|e| format!("could not set up HTTP: {}", chain(&e)))
}

/// Loopback hosts, never proxied whatever `NO_PROXY` says.
const LOOPBACK: &str = "localhost,127.0.0.0/8,::1";

/// The proxy of a run, from the environment (`env` reads a variable).
///
/// Every request of a run carries a secret (a bearer token, a refresh
/// token, a client secret, a signed assertion), so only https goes through
/// a proxy: `https_proxy`, `HTTPS_PROXY`, `all_proxy` or `ALL_PROXY`, the
/// first set, reached by a CONNECT tunnel that the proxy cannot read into.
/// Plain http (which [`secure_url`] allows to loopback only) is never
/// proxied, so `HTTP_PROXY` is not read; nor is loopback over https. The
/// hosts in `NO_PROXY` (or `no_proxy`) go direct too.
pub fn proxy(env: &dyn Fn(&str) -> Option<String>) -> Result<Option<reqwest::Proxy>, String> {
    let set = |k: &str| env(k).filter(|v| !v.trim().is_empty()).map(|v| (k.to_string(), v.trim().to_string()));
    let Some((var, url)) = ["https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"].into_iter().find_map(set) else {
        return Ok(None);
    };
    let url = if url.contains("://") { url } else { format!("http://{url}") };
    // The value is not quoted: a proxy URL may hold a password.
    let proxy =
        reqwest::Proxy::https(url.as_str()).map_err(|e| format!("the proxy in {var} is not usable: {}", chain(&e)))?;
    let listed = ["NO_PROXY", "no_proxy"].into_iter().find_map(set).map(|(_, v)| v);
    let direct = match listed {
        Some(list) => format!("{LOOPBACK},{list}"),
        None => LOOPBACK.to_string(),
    };
    Ok(Some(proxy.no_proxy(reqwest::NoProxy::from_string(&direct))))
}

/// Parses a URL that will receive a secret (a bearer token, a refresh token,
/// an assertion): https, or plain http only to a loopback address (an
/// emulator or a test server on this machine).
pub fn secure_url(text: &str, what: &str) -> Result<Url, String> {
    let url = Url::parse(text).map_err(|e| format!("{what} `{text}` is not a URL: {e}"))?;
    match url.scheme() {
        "https" => Ok(url),
        "http" if is_loopback(&url) => Ok(url),
        "http" => Err(format!(
            "{what} `{text}` is plain http: credentials are only sent over https, or over http to a loopback \
             address (localhost, 127.0.0.1, ::1)"
        )),
        other => Err(format!("{what} `{text}` has the scheme `{other}`; expected https")),
    }
}

fn is_loopback(url: &Url) -> bool {
    let Some(host) = url.host_str() else { return false };
    let host = host.trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost") || host.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// The most of an answer that is read: 4 MiB. The Chat API's and the token
/// endpoint's answers (a Space, an error with its details, a token) are a
/// few KiB, so this is plenty; a longer answer is not one of theirs, and
/// reading it whole would take memory without bound (an endless body never
/// ends). The rest is not read: the connection is dropped.
pub const MAX_ANSWER_BYTES: usize = 4 << 20;

/// A final answer: any status that is not retried, or the last one when
/// the attempts ran out.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    /// The `Content-Type` header, when the server sent one.
    pub content_type: Option<String>,
    /// At most [`MAX_ANSWER_BYTES`] of it (invalid UTF-8 replaced).
    pub body: String,
    pub attempts: u32,
}

/// No usable answer: the request timed out or could not connect, every
/// time, or the answer was longer than [`MAX_ANSWER_BYTES`], or a signal
/// stopped it.
#[derive(Debug)]
pub struct Failure {
    /// The HTTP status, when an answer came.
    pub http_status: Option<u16>,
    pub message: String,
    pub attempts: u32,
    /// A signal ended it: it was not retried, or its answer not awaited.
    pub interrupted: bool,
}

/// How one attempt ended.
enum Attempt {
    /// Final: the answer, or the reason there is none.
    Done(Result<Answer, Failure>),
    /// To be retried after `delay`; `why` says what went wrong.
    Retry { why: String, delay: Duration, status: Option<u16> },
}

/// Sends the request `make` builds (once per attempt, with the same
/// content), retrying 429, 5xx, timeouts and connection failures under
/// `policy`. `label` names the request in the retry `notes`. An answer that
/// is retried is not read; a final one is read up to [`MAX_ANSWER_BYTES`].
/// The client's timeout bounds each attempt, reading the answer included.
/// After a first signal (`stop`) nothing is retried; after a second, the
/// attempt in flight is abandoned.
pub async fn send(
    policy: &Policy,
    label: &str,
    notes: &super::Notes,
    stop: &Stop,
    make: impl Fn() -> reqwest::RequestBuilder,
) -> Result<Answer, Failure> {
    let max = policy.max_attempts.max(1);
    let note = |text: &str| notes(&format!("{label}: {text}"));
    let mut attempt = 0;
    loop {
        attempt += 1;
        let step = tokio::select! {
            biased;
            _ = stop.at_least(interrupt::ABANDON) => {
                return Err(Failure {
                    http_status: None,
                    message: "a second signal stopped the wait for the answer (the server may have acted on the \
                              request; a re-run sends it again, with the same requestId)"
                        .into(),
                    attempts: attempt,
                    interrupted: true,
                });
            }
            step = one_attempt(policy, &make, attempt, max, &note) => step,
        };
        let (why, delay, status) = match step {
            Attempt::Done(result) => return result,
            Attempt::Retry { why, delay, status } => (why, delay, status),
        };
        if stop.level() >= interrupt::FINISH {
            return Err(Failure {
                http_status: status,
                message: format!("{why}; not retried after the signal"),
                attempts: attempt,
                interrupted: true,
            });
        }
        notes(&format!("{label}: {why}; retrying in {:.1} s (attempt {} of {max})", delay.as_secs_f64(), attempt + 1));
        tokio::select! {
            biased;
            _ = stop.at_least(interrupt::FINISH) => {
                return Err(Failure {
                    http_status: status,
                    message: format!("{why}; not retried after the signal"),
                    attempts: attempt,
                    interrupted: true,
                });
            }
            _ = tokio::time::sleep(delay) => {}
        }
    }
}

/// Attempt number `attempt` of `max`; `note` says why an answer that could
/// be retried is not.
async fn one_attempt(
    policy: &Policy,
    make: &impl Fn() -> reqwest::RequestBuilder,
    attempt: u32,
    max: u32,
    note: &(dyn Fn(&str) + Sync),
) -> Attempt {
    let failure = |http_status, message| {
        Attempt::Done(Err(Failure { http_status, message, attempts: attempt, interrupted: false }))
    };
    let resp = match make().send().await {
        Ok(resp) => resp,
        Err(e) if attempt < max && transient(&e) => {
            return Attempt::Retry { why: describe(&e, 0), delay: policy.backoff(attempt), status: None };
        }
        Err(e) => return failure(None, describe(&e, 0)),
    };
    let status = resp.status().as_u16();
    let retry_after = resp.headers().get(reqwest::header::RETRY_AFTER).map(|v| match v.to_str() {
        Ok(v) => retry::parse_retry_after(v, SystemTime::now()),
        Err(_) => RetryAfter::Unreadable,
    });
    let content_type =
        resp.headers().get(reqwest::header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).map(str::to_string);
    if retry::retryable_status(status) && attempt < max {
        let retry = match retry_after {
            // A wait longer than chatlint's longest ends the retries.
            Some(RetryAfter::Wait(d)) if d > policy.max_retry_after => {
                note(&format!(
                    "HTTP {status}: the server asks to wait {} (Retry-After), longer than the {} s chatlint waits; \
                     not retried",
                    retry::say_wait(d),
                    policy.max_retry_after.as_secs()
                ));
                None
            }
            Some(RetryAfter::Wait(d)) => Some((format!("HTTP {status}"), d)),
            Some(RetryAfter::Unreadable) => Some((
                format!(
                    "HTTP {status} with a Retry-After that is neither seconds nor an HTTP date, so the wait is \
                     chatlint's backoff"
                ),
                policy.backoff(attempt),
            )),
            None => Some((format!("HTTP {status}"), policy.backoff(attempt))),
        };
        if let Some((why, delay)) = retry {
            // Not read: only the last answer's body is shown.
            drop(resp);
            return Attempt::Retry { why, delay, status: Some(status) };
        }
    }
    if (300..400).contains(&status) {
        return failure(Some(status), redirect(&resp));
    }
    match read_capped(resp).await {
        Ok(Some(body)) => Attempt::Done(Ok(Answer { status, content_type, body, attempts: attempt })),
        Ok(None) => {
            let ct = content_type.map(|c| format!(" ({c})")).unwrap_or_default();
            let message = format!(
                "HTTP {status}: the answer{ct} is longer than {} MiB, the most chatlint reads; it was not read \
                 to the end",
                MAX_ANSWER_BYTES >> 20
            );
            failure(Some(status), message)
        }
        Err(e) if attempt >= max => failure(Some(status), describe(&e, status)),
        Err(e) => Attempt::Retry { why: describe(&e, status), delay: policy.backoff(attempt), status: Some(status) },
    }
}

/// Says where a redirect leads (never followed: see [`build`]). The
/// `Location` comes from the server: resolved against the request's URL,
/// control characters escaped, and at most [`QUOTED_LOCATION`] characters;
/// the caller scrubs secrets from it like any server text.
fn redirect(resp: &reqwest::Response) -> String {
    let location = resp.headers().get(reqwest::header::LOCATION).map(|v| String::from_utf8_lossy(v.as_bytes()));
    let Some(location) = location.filter(|l| !l.trim().is_empty()) else {
        return "the server answered with a redirect without a Location; chatlint does not follow redirects".into();
    };
    let target = resp.url().join(location.trim()).map_or_else(|_| location.trim().to_string(), |u| u.to_string());
    let mut shown: String = target
        .chars()
        .take(QUOTED_LOCATION)
        .flat_map(|c| if c.is_control() { c.escape_default().collect() } else { vec![c] })
        .collect();
    if target.chars().nth(QUOTED_LOCATION).is_some() {
        shown.push('…');
    }
    format!(
        "the server answered with a redirect to {shown}; chatlint does not follow redirects, which could carry the \
         credentials elsewhere: if that is the right server, use its address"
    )
}

/// How many characters of a redirect's target a message shows.
const QUOTED_LOCATION: usize = 200;

/// Reads an answer's body, at most [`MAX_ANSWER_BYTES`] of it: `None` when
/// it is longer (announced by `Content-Length`, or found while reading; the
/// rest is left unread).
async fn read_capped(mut resp: reqwest::Response) -> Result<Option<String>, reqwest::Error> {
    if resp.content_length().is_some_and(|n| n > MAX_ANSWER_BYTES as u64) {
        return Ok(None);
    }
    let mut body = Vec::new();
    while let Some(chunk) = resp.chunk().await? {
        if body.len() + chunk.len() > MAX_ANSWER_BYTES {
            return Ok(None);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(Some(String::from_utf8_lossy(&body).into_owned()))
}

fn transient(e: &reqwest::Error) -> bool {
    e.is_timeout() || e.is_connect() || e.is_request() || e.is_body()
}

fn describe(e: &reqwest::Error, status: u16) -> String {
    let what = if e.is_timeout() {
        "timed out".to_string()
    } else if e.is_connect() {
        "could not connect".to_string()
    } else if status != 0 {
        format!("HTTP {status}, and reading the answer failed")
    } else {
        "the request failed".to_string()
    };
    format!("{what} ({})", chain(e))
}

/// An error and its causes, `a: b: c`, without repeats.
pub fn chain(e: &dyn std::error::Error) -> String {
    let mut parts = vec![e.to_string()];
    let mut cur = e.source();
    while let Some(s) = cur {
        let text = s.to_string();
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        cur = s.source();
    }
    parts.join(": ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_go_over_https_or_to_loopback_only() {
        for ok in [
            "https://chat.googleapis.com",
            "http://127.0.0.1:8080",
            "http://127.9.9.9",
            "http://localhost:1234/x",
            "http://[::1]:99",
        ] {
            assert!(secure_url(ok, "the endpoint").is_ok(), "{ok}");
        }
        for bad in ["http://chat.googleapis.com", "http://10.0.0.1", "http://localhost.example.com", "ftp://x", "nope"]
        {
            assert!(secure_url(bad, "the endpoint").is_err(), "{bad}");
        }
    }

    #[test]
    fn only_https_has_a_proxy() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |k: &str| pairs.iter().find(|(n, _)| *n == k).map(|(_, v)| v.to_string())
        };
        // HTTP_PROXY is for plain http, which is never proxied.
        assert!(proxy(&env(&[("HTTP_PROXY", "http://p:3128"), ("http_proxy", "p:1")])).unwrap().is_none());
        assert!(proxy(&env(&[])).unwrap().is_none());
        for set in [&[("HTTPS_PROXY", "p:3128")][..], &[("ALL_PROXY", "http://p:3128"), ("NO_PROXY", "x.com")]] {
            assert!(proxy(&env(set)).unwrap().is_some(), "{set:?}");
        }
        let err = proxy(&env(&[("all_proxy", "http://user:pw@[::bad")])).unwrap_err();
        assert!(err.contains("all_proxy") && !err.contains("pw@"), "{err}");
    }

    #[tokio::test]
    async fn a_signal_ends_the_wait_for_a_retry() {
        // Nothing listens on port 1: every attempt fails at once and is retried after 10 s.
        let policy = Policy { max_attempts: 5, base_delay: Duration::from_secs(10), ..Policy::default() };
        let client = build(Duration::from_secs(5)).unwrap();
        let notes: crate::Notes = std::sync::Arc::new(|_: &str| {});
        let (signals, stop) = interrupt::manual();
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(200)).await;
            signals.send_modify(|n| *n += 1);
        });
        let started = std::time::Instant::now();
        let failure = send(&policy, "t", &notes, &stop, || client.post("http://127.0.0.1:1/")).await.unwrap_err();
        assert!(started.elapsed() < Duration::from_secs(5), "{:?}", started.elapsed());
        assert!(failure.interrupted && failure.attempts == 1, "{failure:?}");
        assert!(failure.message.ends_with("not retried after the signal"), "{}", failure.message);
    }
}
