//! Framing in front of tower-lsp-server, so that garbage cannot stop it.
//!
//! tower-lsp-server stops reading for good after the first frame it cannot
//! decode (bad headers, a body that is not JSON or not a JSON-RPC message:
//! its framed reader ends the stream on a decoding error). This module reads
//! the client's frames itself, answers the broken ones with the JSON-RPC
//! error the protocol asks for (`-32700` parse error, `-32600` invalid
//! request, id `null`), and passes only well-formed frames on. Outgoing
//! frames and those error answers share one writer, a whole frame at a time.
//!
//! # Resynchronisation
//!
//! A frame whose `Content-Length` is wrong must cost that frame only. The
//! reader ([`Framer`]) relies on one fact: a *frame start* — a header block
//! beginning with `Content-Length:` or `Content-Type:` whose lines are all
//! `token: value`, with exactly one all-digit `Content-Length`, ended by a
//! blank line (`\r\n\r\n`) — can never occur inside valid JSON. (A JSON
//! string cannot hold a raw CR or LF, so the header line would have to end
//! after the string's closing quote, which then sits in the value or the
//! name; outside strings, `Content-Length` is not JSON.) So:
//!
//! - The body is trusted when its declared bytes parse as JSON (and decode
//!   as tower-lsp-server will decode them: see `check`). Otherwise the
//!   frame is broken (too **short**: the JSON is cut; too **long**: the
//!   declared bytes run into the next frame, `…}Content-Length: 52\r\n\r\n{…`):
//!   it gets one `-32700` answer, and the reader searches for the next frame
//!   start from the broken frame's second byte, dropping everything before
//!   it silently (the cut body's tail belongs to the broken frame). Searching
//!   from there, not from the end of the declared body, finds a following
//!   frame whether the length was too short or too long, even one whose
//!   header line a garbage header swallowed as a value.
//! - A header block without a valid `Content-Length` (`}Content-Length: 52`,
//!   a cut body's tail run into the next header) is a broken frame of its
//!   own: a frame start inside it is taken, else reading goes on after its
//!   blank line.
//! - While fewer bytes than declared have arrived, a frame start among them
//!   means the length was too long: the reader does not wait for bytes that
//!   belong to the next frame.
//! - When the input is quiet for [`IDLE`] with a body still incomplete (a
//!   client that sent one request with a length too long and waits for its
//!   answer), the reader looks at what it has: a complete JSON value (plus
//!   whitespace) or bytes that can never become JSON make the frame broken;
//!   the start of a JSON value keeps it waiting (a slow client, a large body).
//!   The same quiet moment answers bytes at a frame boundary that cannot
//!   start a header block. After such an answer the reader looks again once
//!   the input has stayed quiet for another [`IDLE`]: the frame start it
//!   moved on to may claim too many bytes as well. A frame's correct body
//!   is never a complete JSON value before its last byte (bar trailing
//!   whitespace), so a slow client cannot lose a good frame to the timer.
//!
//! A following well-formed frame is never lost: every broken frame restarts
//! the search at most one byte after its own start, a frame start is never
//! taken inside valid JSON, and each step moves forward. `Content-Length`
//! above `MAX_BODY` is refused (`-32600`) the same way, without waiting
//! for its bytes. Tests: the unit tests below (a property test with random
//! garbage, reads cut anywhere and pauses anywhere) and `tests/lsp.rs`.
//!
//! `shutdown` and `exit` take no parameters; some clients send `"params": {}`
//! (or `[]`), which tower-lsp-server refuses, so an empty `params` is dropped
//! from those two. After passing `exit` on, the reader stops.

use serde::Deserialize;
use serde::de::IgnoredAny;
use std::borrow::Cow;
use std::ops::ControlFlow;
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::sync::mpsc;
use tower_lsp_server::jsonrpc::Id;

/// A header block longer than this without its blank line is garbage.
const MAX_HEADER: usize = 8 * 1024;
/// A body longer than this is refused (its bytes are skipped).
const MAX_BODY: usize = 256 * 1024 * 1024;
/// How long the input may stay quiet, while a frame is incomplete, before
/// the reader decides whether it can still become a frame.
pub const IDLE: Duration = Duration::from_millis(100);
/// The header names a frame start begins with, in lower case.
const STARTS: [&[u8]; 2] = [b"content-length", b"content-type"];

/// The shape tower-lsp-server's `Request` accepts (responses are a subset
/// of it): `jsonrpc` "2.0", an optional string `method`, an optional id.
#[derive(Deserialize)]
#[allow(dead_code)]
struct Probe<'a> {
    #[serde(borrow)]
    jsonrpc: Cow<'a, str>,
    #[serde(default, borrow)]
    method: Cow<'a, str>,
    #[serde(default)]
    params: Option<IgnoredAny>,
    #[serde(default)]
    id: Option<Id>,
}

/// A well-formed message, ready for tower-lsp-server.
#[derive(Debug, PartialEq)]
struct Checked<'a> {
    body: Cow<'a, [u8]>,
    exit: bool,
}

/// What is wrong with a body, as a JSON-RPC error code and message; or the
/// body to pass on.
fn check(body: &[u8]) -> Result<Checked<'_>, (i64, String)> {
    let text = std::str::from_utf8(body).map_err(|e| (-32700, format!("Parse error: the body is not UTF-8 ({e})")))?;
    // Decoded into values, as tower-lsp-server will (it stops reading after
    // a body it cannot decode): beyond the grammar, no lone surrogate escape
    // (a JavaScript string can hold one), no number beyond f64, nesting
    // within serde_json's 128 levels.
    if let Err(e) = serde_json::from_str::<serde_json::Value>(text) {
        return Err((-32700, format!("Parse error: {e}")));
    }
    match serde_json::from_str::<Probe>(text) {
        Ok(p) if p.jsonrpc == "2.0" => {
            let void = matches!(p.method.as_ref(), "shutdown" | "exit");
            let body = if void { without_empty_params(body) } else { Cow::Borrowed(body) };
            Ok(Checked { body, exit: p.method == "exit" })
        }
        Ok(_) => Err((-32600, "Invalid Request: `jsonrpc` must be \"2.0\"".into())),
        Err(e) => Err((-32600, format!("Invalid Request: {e}"))),
    }
}

/// The body without its `params` member when that is `{}`, `[]` or `null`
/// (for `shutdown` and `exit`, which take none).
fn without_empty_params(body: &[u8]) -> Cow<'_, [u8]> {
    use serde_json::Value;
    let Ok(Value::Object(mut message)) = serde_json::from_slice::<Value>(body) else { return Cow::Borrowed(body) };
    let empty = match message.get("params") {
        Some(Value::Object(o)) => o.is_empty(),
        Some(Value::Array(a)) => a.is_empty(),
        Some(Value::Null) => true,
        _ => false,
    };
    if !empty {
        return Cow::Borrowed(body);
    }
    message.remove("params");
    serde_json::to_vec(&message).map_or(Cow::Borrowed(body), Cow::Owned)
}

fn error_frame(code: i64, message: &str) -> Vec<u8> {
    let body = serde_json::json!({ "jsonrpc": "2.0", "id": null, "error": { "code": code, "message": message } });
    frame(body.to_string().as_bytes())
}

fn frame(body: &[u8]) -> Vec<u8> {
    let mut out = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
    out.extend_from_slice(body);
    out
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    memchr::memmem::find(hay, needle)
}

/// The `Content-Length` of a header block, if it has exactly one valid one.
fn content_length(headers: &[u8]) -> Option<usize> {
    let text = std::str::from_utf8(headers).ok()?;
    let mut len = None;
    for line in text.split("\r\n") {
        let (name, value) = line.split_once(':')?;
        if name.trim().eq_ignore_ascii_case("content-length") {
            if len.is_some() {
                return None;
            }
            len = Some(value.trim().parse::<usize>().ok()?);
        }
    }
    len
}

/// An HTTP token character (RFC 9110): what a header name is made of. Not
/// `"`, which is what keeps frame starts out of JSON text.
fn is_token(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

/// A header line `token: value`, strictly: the name is a token, unpadded.
fn strict_line(line: &str) -> Option<(&str, &str)> {
    let (name, value) = line.split_once(':')?;
    (!name.is_empty() && name.bytes().all(is_token)).then_some((name, value))
}

/// The `Content-Length` of a header block that is a frame start: strict
/// lines, exactly one `Content-Length`, all digits.
fn strict_content_length(headers: &[u8]) -> Option<usize> {
    let text = std::str::from_utf8(headers).ok()?;
    let mut len = None;
    for line in text.split("\r\n") {
        let (name, value) = strict_line(line)?;
        if name.eq_ignore_ascii_case("content-length") {
            let value = value.trim_matches([' ', '\t']);
            if len.is_some() || value.is_empty() || !value.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            len = Some(value.parse::<usize>().ok()?);
        }
    }
    len
}

/// Whether `bytes` can still grow into a header block: its complete lines
/// are header lines, and the last, cut one is a name so far (or a line).
fn header_so_far(bytes: &[u8]) -> bool {
    let text = String::from_utf8_lossy(bytes);
    let mut lines: Vec<&str> = text.split("\r\n").collect();
    let last = lines.pop().unwrap_or_default();
    let last = last.strip_suffix('\r').unwrap_or(last);
    let name = |line: &str| {
        let name = line.split_once(':').map_or(line, |(n, _)| n).trim();
        name.bytes().all(is_token)
    };
    lines.iter().all(|l| l.contains(':') && !l.trim().is_empty() && name(l)) && name(last)
}

/// Where the next frame start is, searching from `from`.
#[derive(Debug, PartialEq)]
enum Start {
    /// A complete frame start (header block and blank line) at this offset.
    Found(usize),
    /// Something at this offset may still become one (more bytes needed);
    /// nothing before it can.
    Partial(usize),
    /// Nothing in the buffer can.
    None,
}

/// Finds the next frame start at or after `from`, skipping one that ends
/// where `skip.0` says with the length `skip.1` (the broken frame's own
/// header, seen again from inside). Linear in the bytes searched: candidates
/// are found by their colon, and the next blank line is looked up once for
/// all candidates before it.
fn find_start(buf: &[u8], from: usize, skip: Option<(usize, usize)>) -> Start {
    let from = from.min(buf.len());
    // (searched from, the first blank line there)
    let mut blank: Option<(usize, Option<usize>)> = None;
    for colon in memchr::memchr_iter(b':', &buf[from..]).map(|c| c + from) {
        let Some(name) =
            STARTS.iter().find(|n| colon >= from + n.len() && buf[colon - n.len()..colon].eq_ignore_ascii_case(n))
        else {
            continue;
        };
        let at = colon - name.len();
        if *name == b"content-length" {
            // Digits (and blanks) up to the end of the line, or of the buffer.
            let value = buf[colon + 1..].iter().take_while(|b| matches!(b, b' ' | b'\t' | b'0'..=b'9')).count();
            if buf.get(colon + 1 + value).is_some_and(|&b| b != b'\r') {
                continue;
            }
        }
        let end = match blank {
            Some((searched, found)) if searched <= at && found.is_none_or(|end| end >= at) => found,
            _ => {
                let found = find(&buf[at..], b"\r\n\r\n").map(|end| end + at);
                blank = Some((at, found));
                found
            }
        };
        match end {
            Some(end) if end - at <= MAX_HEADER => {
                if let Some(len) = strict_content_length(&buf[at..end])
                    && skip != Some((end + 4, len))
                {
                    return Start::Found(at);
                }
            }
            _ if buf.len() - at < MAX_HEADER + 4 && strict_so_far(&buf[at..]) => return Start::Partial(at),
            _ => {}
        }
    }
    // A name cut by the end of the buffer.
    for at in buf.len().saturating_sub(STARTS[0].len()).max(from)..buf.len() {
        let rest = &buf[at..];
        if STARTS.iter().any(|n| rest.len() <= n.len() && rest.eq_ignore_ascii_case(&n[..rest.len()])) {
            return Start::Partial(at);
        }
    }
    Start::None
}

/// Whether a cut header block that starts with a known name can still be a
/// frame start: its complete lines are strict header lines.
fn strict_so_far(rest: &[u8]) -> bool {
    let mut lines = rest.split(|&b| b == b'\n').peekable();
    while let Some(line) = lines.next() {
        if lines.peek().is_none() {
            return true; // the cut one
        }
        let line = line.strip_suffix(b"\r").and_then(|l| std::str::from_utf8(l).ok());
        if line.and_then(strict_line).is_none() {
            return false;
        }
    }
    true
}

/// What the reader made of the client's bytes.
#[derive(Debug, PartialEq)]
pub enum Event {
    /// A well-formed message to pass on; `exit` when it is that notification.
    Message { body: Vec<u8>, exit: bool },
    /// The answer to a broken frame or to bytes outside any frame: a
    /// JSON-RPC error code and message (sent with id `null`).
    Error(i64, String),
}

#[derive(Debug)]
enum State {
    /// A header block should start here (blank lines are skipped).
    Boundary,
    /// After a broken frame: dropping bytes up to the next frame start,
    /// searching from `from`; `skip` as in [`find_start`]. With `end`, the
    /// broken frame was a header block alone, `buf[..end]`: only a frame
    /// start inside it is looked for, and a boundary follows it.
    Resync { from: usize, skip: Option<(usize, usize)>, end: Option<usize> },
    /// The header block is `buf[..body]`; `len` body bytes are due. No frame
    /// start can be before `scan` in the body.
    Body { body: usize, len: usize, scan: usize },
}

/// The client → server framing, without IO: bytes in ([`Framer::push`]),
/// events out ([`Framer::next_event`]); [`Framer::idle`] when the input has
/// been quiet for [`IDLE`]. See the module's documentation.
#[derive(Debug)]
pub struct Framer {
    buf: Vec<u8>,
    state: State,
    /// The current quiet moment has been looked at.
    idle_seen: bool,
}

impl Default for Framer {
    fn default() -> Self {
        Framer { buf: Vec::with_capacity(64 * 1024), state: State::Boundary, idle_seen: false }
    }
}

impl Framer {
    pub fn push(&mut self, bytes: &[u8]) {
        self.buf.extend_from_slice(bytes);
        self.idle_seen = false;
    }

    /// Whether a quiet input should be reported with [`Framer::idle`].
    pub fn wants_idle(&self) -> bool {
        !self.idle_seen && !self.buf.is_empty() && !matches!(self.state, State::Resync { .. })
    }

    /// The frame that starts at `buf[0]` is broken: answer it, and look for
    /// the next frame start from its second byte.
    fn broken(&mut self, code: i64, message: String, skip: Option<(usize, usize)>) -> Event {
        self.state = State::Resync { from: 1, skip, end: None };
        Event::Error(code, message)
    }

    /// The next event, or `None` when more bytes are needed.
    pub fn next_event(&mut self) -> Option<Event> {
        loop {
            match self.state {
                State::Boundary => {
                    let blank = self.buf.iter().take_while(|b| matches!(b, b' ' | b'\t' | b'\r' | b'\n')).count();
                    self.buf.drain(..blank);
                    if self.buf.is_empty() {
                        return None;
                    }
                    let window = &self.buf[..self.buf.len().min(MAX_HEADER + 4)];
                    let Some(end) = find(window, b"\r\n\r\n") else {
                        if self.buf.len() < MAX_HEADER + 4 {
                            return None;
                        }
                        return Some(self.broken(-32700, "Parse error: no header block (Content-Length)".into(), None));
                    };
                    match content_length(&self.buf[..end]) {
                        None => {
                            self.state = State::Resync { from: 1, skip: None, end: Some(end + 4) };
                            let message = "Parse error: missing or invalid Content-Length header".into();
                            return Some(Event::Error(-32700, message));
                        }
                        Some(len) if len > MAX_BODY => {
                            let message = "Invalid Request: the message is too large".into();
                            return Some(self.broken(-32600, message, Some((end + 4, len))));
                        }
                        Some(len) => self.state = State::Body { body: end + 4, len, scan: end + 4 },
                    }
                }
                State::Resync { from, skip, end: Some(end) } => {
                    // The whole header block is buffered: the search is final.
                    let at = match find_start(&self.buf, from, skip) {
                        Start::Found(at) if at < end => at,
                        _ => end,
                    };
                    self.buf.drain(..at);
                    self.state = State::Boundary;
                }
                State::Resync { from, skip, end: None } => match find_start(&self.buf, from, skip) {
                    Start::Found(at) => {
                        self.buf.drain(..at);
                        self.state = State::Boundary;
                    }
                    Start::Partial(at) => {
                        self.buf.drain(..at);
                        let skip = skip.filter(|&(end, _)| end > at).map(|(end, len)| (end - at, len));
                        self.state = State::Resync { from: 0, skip, end: None };
                        return None;
                    }
                    Start::None => {
                        self.buf.clear();
                        self.state = State::Resync { from: 0, skip: None, end: None };
                        return None;
                    }
                },
                State::Body { body, len, scan } => {
                    if self.buf.len() - body >= len {
                        return Some(match check(&self.buf[body..body + len]) {
                            Ok(Checked { body: message, exit }) => {
                                let message = message.into_owned();
                                self.buf.drain(..body + len);
                                self.state = State::Boundary;
                                Event::Message { body: message, exit }
                            }
                            Err((-32700, why)) => {
                                let message = format!(
                                    "{why} (in the {len} bytes of its Content-Length; skipped to the next Content-Length header)"
                                );
                                self.broken(-32700, message, Some((body, len)))
                            }
                            Err((code, message)) => {
                                self.buf.drain(..body + len);
                                self.state = State::Boundary;
                                Event::Error(code, message)
                            }
                        });
                    }
                    // Fewer bytes than declared: a frame start among them
                    // means the declared length was too long.
                    match find_start(&self.buf, scan, None) {
                        Start::Found(at) => {
                            let message = format!(
                                "Parse error: Content-Length {len} is too long: a new frame starts after {} bytes of the body",
                                at - body
                            );
                            return Some(self.broken(-32700, message, Some((body, len))));
                        }
                        Start::Partial(at) => self.state = State::Body { body, len, scan: at },
                        Start::None => self.state = State::Body { body, len, scan: self.buf.len() },
                    }
                    return None;
                }
            }
        }
    }

    /// The input has been quiet for [`IDLE`]: decide what an incomplete
    /// frame is (see the module's documentation). A decision moves on to
    /// bytes not looked at yet (a broken header block can hide another frame
    /// start that claims too many bytes too), so after one the reader wants
    /// another quiet moment; after none, not until more bytes come.
    pub fn idle(&mut self) -> Option<Event> {
        if !self.wants_idle() {
            return None;
        }
        let event = self.decide_when_quiet();
        self.idle_seen = event.is_none();
        event
    }

    fn decide_when_quiet(&mut self) -> Option<Event> {
        match self.state {
            State::Body { body, len, .. } => {
                let rest = &self.buf[body..];
                let mut json = serde_json::Deserializer::from_slice(rest);
                match IgnoredAny::deserialize(&mut json).and_then(|_| json.end()) {
                    Err(e) if e.is_eof() => None,
                    Ok(()) => {
                        let message = format!(
                            "Parse error: Content-Length {len} is too long: the body is complete JSON after {} bytes, and no more came",
                            rest.len()
                        );
                        Some(self.broken(-32700, message, Some((body, len))))
                    }
                    Err(e) => Some(self.broken(-32700, format!("Parse error: {e}"), Some((body, len)))),
                }
            }
            State::Boundary if !header_so_far(&self.buf) => {
                let message = "Parse error: bytes outside any frame (no Content-Length header), and no more came";
                Some(self.broken(-32700, message.into(), None))
            }
            _ => None,
        }
    }
}

/// Passes a message on to the server, or an error answer to the client.
/// Breaks after passing `exit` on (nothing after it matters) or when the
/// server has gone.
async fn deliver<W>(event: Event, server: &mut W, errors: &mpsc::UnboundedSender<Vec<u8>>) -> ControlFlow<()>
where
    W: AsyncWrite + Unpin,
{
    match event {
        Event::Message { body, exit } => {
            let written = server.write_all(&frame(&body)).await.is_ok() && server.flush().await.is_ok();
            if written && !exit { ControlFlow::Continue(()) } else { ControlFlow::Break(()) }
        }
        Event::Error(code, message) => {
            let _ = errors.send(error_frame(code, &message));
            ControlFlow::Continue(())
        }
    }
}

/// Reads frames from the client and writes the good ones to `server`;
/// sends error answers for the bad ones to `errors`. Returns at the end of
/// the input, after passing `exit` on, or when the server has gone.
pub async fn pump_input<R, W>(mut input: R, mut server: W, errors: mpsc::UnboundedSender<Vec<u8>>)
where
    R: AsyncRead + Unpin,
    W: AsyncWrite + Unpin,
{
    let mut framer = Framer::default();
    let mut chunk = vec![0u8; 64 * 1024];
    loop {
        while let Some(event) = framer.next_event() {
            if deliver(event, &mut server, &errors).await.is_break() {
                return;
            }
        }
        let read = if framer.wants_idle() {
            match tokio::time::timeout(IDLE, input.read(&mut chunk)).await {
                Ok(read) => read,
                Err(_quiet) => {
                    if let Some(event) = framer.idle()
                        && deliver(event, &mut server, &errors).await.is_break()
                    {
                        return;
                    }
                    continue;
                }
            }
        } else {
            input.read(&mut chunk).await
        };
        match read {
            Ok(0) | Err(_) => return,
            Ok(n) => framer.push(&chunk[..n]),
        }
    }
}

/// Copies the server's frames to the client, with the error answers
/// between whole frames. Returns when the server has closed its output.
pub async fn pump_output<R, W>(mut server: R, mut errors: mpsc::UnboundedReceiver<Vec<u8>>, mut output: W)
where
    R: AsyncRead + Unpin,
    W: AsyncWrite + Unpin,
{
    let mut buf: Vec<u8> = Vec::with_capacity(64 * 1024);
    let mut chunk = vec![0u8; 64 * 1024];
    let mut errors_open = true;
    loop {
        // Write out every complete frame the server produced.
        while let Some(end) = find(&buf, b"\r\n\r\n") {
            let Some(len) = content_length(&buf[..end]) else {
                // Cannot happen with tower-lsp-server's encoder; pass it on.
                let _ = output.write_all(&buf).await;
                buf.clear();
                break;
            };
            if buf.len() < end + 4 + len {
                break;
            }
            let whole: Vec<u8> = buf.drain(..end + 4 + len).collect();
            if output.write_all(&whole).await.is_err() {
                return;
            }
        }
        let _ = output.flush().await;
        tokio::select! {
            n = server.read(&mut chunk) => match n {
                Ok(0) | Err(_) => {
                    let _ = output.write_all(&buf).await;
                    let _ = output.flush().await;
                    return;
                }
                Ok(n) => buf.extend_from_slice(&chunk[..n]),
            },
            e = errors.recv(), if errors_open => match e {
                Some(frame) => {
                    if output.write_all(&frame).await.is_err() {
                        return;
                    }
                }
                None => errors_open = false,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies_tower_lsp_would_reject_are_caught() {
        assert!(check(br#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{}}"#).is_ok());
        assert!(check(br#"{"jsonrpc":"2.0","method":"exit"}"#).is_ok());
        assert!(check(br#"{"jsonrpc":"2.0","id":1,"result":null}"#).is_ok());
        assert_eq!(check(b"not json").unwrap_err().0, -32700);
        assert_eq!(check(b"\xff").unwrap_err().0, -32700);
        assert_eq!(check(br#"{"jsonrpc":"2.0","method":"m","params":"\ud800"}"#).unwrap_err().0, -32700);
        assert_eq!(check(br#"{"jsonrpc":"2.0","method":"m","params":[1e400]}"#).unwrap_err().0, -32700);
        for bad in [
            &b"[]"[..],
            b"{}",
            br#"{"jsonrpc":"1.0"}"#,
            br#"{"jsonrpc":"2.0","id":1.5}"#,
            br#"{"jsonrpc":"2.0","method":null}"#,
        ] {
            assert_eq!(check(bad).unwrap_err().0, -32600, "{}", String::from_utf8_lossy(bad));
        }
    }

    #[test]
    fn content_length_is_required_once() {
        assert_eq!(content_length(b"Content-Length: 12"), Some(12));
        assert_eq!(content_length(b"content-length:3\r\nContent-Type: application/vscode-jsonrpc"), Some(3));
        assert_eq!(content_length(b"Content-Type: x"), None);
        assert_eq!(content_length(b"Content-Length: -1"), None);
        assert_eq!(content_length(b"garbage"), None);
        assert_eq!(content_length(b"Content-Length: 1\r\nContent-Length: 2"), None);
    }
}

#[cfg(test)]
mod framing {
    use super::*;
    use proptest::prelude::*;
    use serde_json::{Value, json};

    /// Everything the framer makes of `chunks`, with a quiet moment after
    /// each chunk whose flag is set.
    fn run(chunks: &[(&[u8], bool)]) -> Vec<Event> {
        let mut f = Framer::default();
        let mut events = Vec::new();
        for (bytes, pause) in chunks {
            f.push(bytes);
            events.extend(std::iter::from_fn(|| f.next_event()));
            if *pause {
                events.extend(f.idle());
                events.extend(std::iter::from_fn(|| f.next_event()));
            }
        }
        events
    }

    fn framed(body: &str, len: usize) -> Vec<u8> {
        format!("Content-Length: {len}\r\n\r\n{body}").into_bytes()
    }

    fn id_of(body: &[u8]) -> Value {
        serde_json::from_slice::<Value>(body).unwrap()["id"].clone()
    }

    /// The ids of the messages, and the codes of the errors, in order.
    fn summary(events: &[Event]) -> Vec<Value> {
        events
            .iter()
            .map(|e| match e {
                Event::Message { body, .. } => id_of(body),
                Event::Error(code, _) => json!(code),
            })
            .collect()
    }

    fn cafe(id: &str) -> String {
        let td = json!({ "uri": "file:///a.setup.json", "languageId": "json", "version": 1, "text": "\"Le café\"" });
        json!({ "jsonrpc": "2.0", "id": id, "method": "textDocument/didOpen", "params": { "textDocument": td } })
            .to_string()
    }

    #[test]
    fn a_content_length_off_by_one_either_way_costs_only_that_frame() {
        let (short, long, good) = (cafe("short"), cafe("long"), cafe("good"));
        let mut stream = framed(&short, short.chars().count()); // one byte short
        stream.extend(framed(&long, long.len() + 1)); // one byte too many
        stream.extend(framed(&good, good.len()));
        let want = [json!(-32700), json!(-32700), json!("good")];
        // In one read; a byte per read; a byte per read with a pause after each.
        assert_eq!(summary(&run(&[(&stream, false)])), want);
        let bytes: Vec<(&[u8], bool)> = stream.chunks(1).map(|b| (b, false)).collect();
        assert_eq!(summary(&run(&bytes)), want);
        let paused: Vec<(&[u8], bool)> = stream.chunks(1).map(|b| (b, true)).collect();
        assert_eq!(summary(&run(&paused)), want);
    }

    #[test]
    fn a_too_long_frame_is_answered_when_the_input_goes_quiet() {
        let (long, good) = (cafe("long"), cafe("good"));
        let long = framed(&long, long.len() + 10);
        // No pause: still waiting for the missing bytes.
        assert_eq!(run(&[(&long, false)]), []);
        let good = framed(&good, good.len());
        let events = run(&[(&long, true), (&good, false)]);
        assert_eq!(summary(&events), [json!(-32700), json!("good")]);
        // A body that can never become JSON is answered at the pause too;
        // the start of one is waited for.
        assert_eq!(summary(&run(&[(b"Content-Length: 50\r\n\r\n{\"a\":]", true)])), [json!(-32700)]);
        assert_eq!(run(&[(b"Content-Length: 50\r\n\r\n{\"a\":", true)]), []);
        assert_eq!(run(&[(b"Content-Length: 50\r\n\r\n", true)]), []);
        // Bytes that cannot start a header block, then quiet.
        assert_eq!(summary(&run(&[(b"{\"jsonrpc\":\"2.0\"}", true)])), [json!(-32700)]);
        assert_eq!(run(&[(b"Content-Length: 12\r", true)]), []);
    }

    #[test]
    fn each_decision_at_a_quiet_moment_gets_a_look_of_its_own() {
        // Found by fuzz/ (lsp_transport): junk header lines hide a second
        // frame start whose length also swallows the good frame's header.
        // The client sends nothing more (it waits for its answer); the pump
        // looks at the quiet input again after each decision.
        let good = cafe("good");
        let n = good.len();
        let mut stream = format!("Content-Length:{}\r\nvcontent-Length:{}\r\n*", n + 100, n + 6).into_bytes();
        stream.extend(framed(&good, n));
        let mut f = Framer::default();
        f.push(&stream);
        let mut events: Vec<Event> = std::iter::from_fn(|| f.next_event()).collect();
        while let Some(e) = f.idle() {
            events.push(e);
            events.extend(std::iter::from_fn(|| f.next_event()));
        }
        assert_eq!(summary(&events), [json!(-32700), json!(-32700), json!("good")]);
        // A quiet moment that decides nothing is looked at once.
        assert_eq!(run(&[(b"Content-Length: 50\r\n\r\n{\"a\":", true)]), []);
        assert!(!f.wants_idle());
    }

    #[test]
    fn a_huge_content_length_is_refused_without_waiting_for_its_bytes() {
        let good = cafe("good");
        let mut stream = b"Content-Length: 1000000000000\r\n\r\n{\"jsonrpc\":\"2.0\"}".to_vec();
        stream.extend(framed(&good, good.len()));
        assert_eq!(summary(&run(&[(&stream, false)])), [json!(-32600), json!("good")]);
    }

    #[test]
    fn a_header_block_without_a_length_is_one_broken_frame() {
        let good = cafe("good");
        // The blank line ends it; what follows is judged on its own.
        let mut stream = b"Content-Type: text/plain\r\n\r\nxyz\r\n\r\n".to_vec();
        stream.extend(framed(&good, good.len()));
        assert_eq!(summary(&run(&[(&stream, false)])), [json!(-32700), json!(-32700), json!("good")]);
        // A cut body's tail before the next header: one error, for the cut frame.
        let cut = cafe("cut");
        let mut stream = framed(&cut, cut.len() - 3);
        stream.extend(framed(&good, good.len()));
        assert_eq!(summary(&run(&[(&stream, false)])), [json!(-32700), json!("good")]);
    }

    #[test]
    fn a_broken_frame_is_answered_once_whatever_its_headers() {
        let good = cafe("good");
        let cut = cafe("cut");
        let mut stream =
            format!("Content-Type: application/vscode-jsonrpc\r\nContent-Length: {}\r\n\r\n{cut}", cut.len() - 1)
                .into_bytes();
        stream.extend(framed(&good, good.len()));
        assert_eq!(summary(&run(&[(&stream, false)])), [json!(-32700), json!("good")]);
    }

    #[test]
    fn shutdown_and_exit_lose_empty_params_and_exit_is_flagged() {
        let pass =
            |body: &str| check(body.as_bytes()).map(|c| (String::from_utf8(c.body.into_owned()).unwrap(), c.exit));
        for params in ["{}", "[]", "null"] {
            let (body, exit) =
                pass(&format!(r#"{{"jsonrpc":"2.0","id":1,"method":"shutdown","params":{params}}}"#)).unwrap();
            assert_eq!(
                serde_json::from_str::<Value>(&body).unwrap(),
                json!({"jsonrpc":"2.0","id":1,"method":"shutdown"})
            );
            assert!(!exit);
            let (body, exit) = pass(&format!(r#"{{"jsonrpc":"2.0","method":"exit","params":{params}}}"#)).unwrap();
            assert_eq!(serde_json::from_str::<Value>(&body).unwrap(), json!({"jsonrpc":"2.0","method":"exit"}));
            assert!(exit);
        }
        // Other methods, and params that are not empty, are left as they are.
        let hover = r#"{"jsonrpc":"2.0","id":1,"method":"hover","params":{}}"#;
        assert_eq!(pass(hover).unwrap(), (hover.to_string(), false));
        let odd = r#"{"jsonrpc":"2.0","id":1,"method":"shutdown","params":{"a":1}}"#;
        assert_eq!(pass(odd).unwrap(), (odd.to_string(), false));
    }

    #[test]
    fn frame_starts_are_strict() {
        let start = |s: &str| find_start(s.as_bytes(), 0, None);
        assert_eq!(start("xx}Content-Length: 5\r\n\r\n{"), Start::Found(3));
        assert_eq!(start("content-type: a\r\ncontent-length:5\r\n\r\n"), Start::Found(0));
        assert_eq!(start("Content-Length: 5"), Start::Partial(0));
        assert_eq!(start("Content-Length: 5\""), Start::None);
        assert_eq!(start("xContent-Length"), Start::Partial(1));
        assert_eq!(start("Content-Type: a\r\nX"), Start::Partial(0));
        assert_eq!(start("Content-Type: a\r\n{X\r\n"), Start::None);
        assert_eq!(start("abc Conte"), Start::Partial(4));
        assert_eq!(start("Content-Length: 5\"\r\n\r\n"), Start::None);
        assert_eq!(start("Content-Length\": 5\r\n\r\n"), Start::None);
        assert_eq!(start("Content-Type: x\"\r\n\r\n"), Start::None);
        assert_eq!(start("Content-Length: 5\r\nContent-Length: 5\r\n\r\n"), Start::Found(19));
        assert_eq!(start("{\"contentChanges\":1}"), Start::None);
    }

    /// Text that looks like frames, for strings inside JSON bodies.
    fn tricky_text() -> impl Strategy<Value = String> {
        let pieces =
            ["Content-Length: 12", "Content-Type: a", "\r\n\r\n", "\r\n", ": ", "\"", "{}", "café", "🚀", "c", "x"];
        prop::collection::vec(prop::sample::select(pieces.to_vec()), 0..8).prop_map(|p| p.concat())
    }

    fn json_value() -> impl Strategy<Value = Value> {
        let leaf =
            prop_oneof![Just(Value::Null), any::<i64>().prop_map(Value::from), tricky_text().prop_map(Value::from),];
        leaf.prop_recursive(3, 24, 4, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..4).prop_map(Value::from),
                prop::collection::vec((tricky_text(), inner), 0..4)
                    .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }

    /// Bytes a confused client might put between frames.
    fn garbage() -> impl Strategy<Value = Vec<u8>> {
        let pieces = [
            "Content-Length: ",
            "Content-Length: 5\r\n",
            "Content-Length: 0",
            "content-length:12",
            "Content-Type: x\r\n",
            "X-A: ",
            "\r\n",
            "\r\n\r\n",
            ":",
            "{",
            "}",
            "\"",
            "[",
            "café",
            "Content-Le",
            "99999999999999999999999",
            "1000000000000",
            "{\"jsonrpc\":\"2.0\",\"id\":\"g\",\"method\":\"m\"}",
        ];
        prop_oneof![
            prop::collection::vec(prop::sample::select(pieces.to_vec()), 1..6).prop_map(|p| p.concat().into_bytes()),
            prop::collection::vec(any::<u8>(), 0..24),
            // A header with some length, or a whole message with a wrong one.
            (0usize..300).prop_map(|n| format!("Content-Length: {n}\r\n\r\n").into_bytes()),
            (-5i64..=5, 0usize..40).prop_map(|(delta, cut)| {
                let body = cafe("g");
                let len = (body.len() as i64 + delta) as usize;
                let mut f = framed(&body, len);
                f.truncate(f.len().saturating_sub(cut));
                f
            }),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(400))]

        /// The key fact of the resynchronisation: valid JSON never holds a
        /// frame start, however header-like its strings and whitespace.
        #[test]
        fn no_frame_start_inside_json(value in json_value(), pretty in any::<bool>()) {
            let text = if pretty { serde_json::to_string_pretty(&value).unwrap() } else { value.to_string() };
            let text = text.replace('\n', "\r\n\r\n");
            prop_assert!(serde_json::from_str::<Value>(&text).is_ok());
            prop_assert!(!matches!(find_start(text.as_bytes(), 0, None), Start::Found(_)), "{}", text);
        }

        /// Random garbage between well-formed frames, the stream cut into
        /// reads anywhere, the client pausing anywhere: every well-formed
        /// frame comes out, in order.
        #[test]
        fn garbage_between_frames_never_costs_a_later_frame(
            parts in prop::collection::vec((prop::collection::vec(garbage(), 0..4), tricky_text()), 1..6),
            reads in prop::collection::vec((1usize..300, any::<bool>()), 1..20),
        ) {
            let mut stream = Vec::new();
            for (i, (garbage, text)) in parts.iter().enumerate() {
                stream.extend(garbage.concat());
                let body = json!({ "jsonrpc": "2.0", "id": format!("frame-{i}"), "method": "m", "params": { "t": text } });
                let body = body.to_string();
                stream.extend(framed(&body, body.len()));
            }
            let mut chunks = Vec::new();
            let mut rest = &stream[..];
            for (n, pause) in reads.iter().cycle() {
                if rest.is_empty() {
                    break;
                }
                let (chunk, more) = rest.split_at((*n).min(rest.len()));
                chunks.push((chunk, *pause));
                rest = more;
            }
            let ids: Vec<Value> = run(&chunks)
                .iter()
                .filter_map(|e| match e {
                    Event::Message { body, .. } => Some(id_of(body)),
                    Event::Error(..) => None,
                })
                .filter(|id| id.as_str().is_some_and(|s| s.starts_with("frame-")))
                .collect();
            let want: Vec<Value> = (0..parts.len()).map(|i| json!(format!("frame-{i}"))).collect();
            prop_assert_eq!(ids, want);
        }
    }
}
