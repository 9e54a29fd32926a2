//! Framing in front of tower-lsp-server, so that garbage cannot stop it.
//!
//! tower-lsp-server stops reading for good after the first frame it cannot
//! decode (bad headers, a body that is not JSON or not a JSON-RPC message:
//! its framed reader ends the stream on a decoding error). This module reads
//! the client's frames itself, answers the broken ones with the JSON-RPC
//! error the protocol asks for (`-32700` parse error, `-32600` invalid
//! request, id `null`), and passes only well-formed frames on. Outgoing
//! frames and those error answers share one writer, a whole frame at a time.

use serde::Deserialize;
use serde::de::IgnoredAny;
use std::borrow::Cow;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::sync::mpsc;
use tower_lsp_server::jsonrpc::Id;

/// A header block longer than this without its blank line is garbage.
const MAX_HEADER: usize = 8 * 1024;
/// A body longer than this is refused (its bytes are skipped).
const MAX_BODY: usize = 256 * 1024 * 1024;

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

/// What is wrong with a body, as a JSON-RPC error code and message.
fn check(body: &[u8]) -> Result<(), (i64, String)> {
    let text = std::str::from_utf8(body).map_err(|e| (-32700, format!("Parse error: the body is not UTF-8 ({e})")))?;
    if let Err(e) = serde_json::from_str::<IgnoredAny>(text) {
        return Err((-32700, format!("Parse error: {e}")));
    }
    match serde_json::from_str::<Probe>(text) {
        Ok(p) if p.jsonrpc == "2.0" => Ok(()),
        Ok(_) => Err((-32600, "Invalid Request: `jsonrpc` must be \"2.0\"".into())),
        Err(e) => Err((-32600, format!("Invalid Request: {e}"))),
    }
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
    hay.windows(needle.len()).position(|w| w == needle)
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

/// Reads frames from the client and writes the good ones to `server`;
/// sends error answers for the bad ones to `errors`. Returns at the end of
/// the input (or when the server has gone).
pub async fn pump_input<R, W>(mut input: R, mut server: W, errors: mpsc::UnboundedSender<Vec<u8>>)
where
    R: AsyncRead + Unpin,
    W: AsyncWrite + Unpin,
{
    let mut buf: Vec<u8> = Vec::with_capacity(64 * 1024);
    let mut chunk = vec![0u8; 64 * 1024];
    let mut read = async |buf: &mut Vec<u8>| -> bool {
        match input.read(&mut chunk).await {
            Ok(0) | Err(_) => false,
            Ok(n) => {
                buf.extend_from_slice(&chunk[..n]);
                true
            }
        }
    };
    loop {
        // The header block.
        let end = loop {
            if let Some(i) = find(&buf, b"\r\n\r\n") {
                break i;
            }
            if buf.len() > MAX_HEADER {
                let _ = errors.send(error_frame(-32700, "Parse error: no header block (Content-Length)"));
                // Resynchronise on the next header, if any.
                match find(&buf[1..], b"Content-Length").map(|i| i + 1) {
                    Some(i) => drop(buf.drain(..i)),
                    None => buf.clear(),
                }
                continue;
            }
            if !read(&mut buf).await {
                return;
            }
        };
        let len = content_length(&buf[..end]);
        buf.drain(..end + 4);
        let Some(len) = len else {
            let _ = errors.send(error_frame(-32700, "Parse error: missing or invalid Content-Length header"));
            continue;
        };
        if len > MAX_BODY {
            let _ = errors.send(error_frame(-32600, "Invalid Request: the message is too large"));
            let mut left = len;
            while left > 0 {
                if buf.is_empty() && !read(&mut buf).await {
                    return;
                }
                let n = left.min(buf.len());
                buf.drain(..n);
                left -= n;
            }
            continue;
        }
        while buf.len() < len {
            if !read(&mut buf).await {
                return;
            }
        }
        let body: Vec<u8> = buf.drain(..len).collect();
        match check(&body) {
            Ok(()) => {
                if server.write_all(&frame(&body)).await.is_err() || server.flush().await.is_err() {
                    return;
                }
            }
            Err((code, message)) => {
                let _ = errors.send(error_frame(code, &message));
            }
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
