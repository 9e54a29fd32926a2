//! Any bytes from a client, then one well-formed frame: the language
//! server's framing (crates/lsp/src/transport.rs) gets the frame back, as
//! its "Resynchronisation" section promises, however the bytes are cut
//! into reads and wherever the client pauses, at the latest when the client
//! then waits for the answer.
#![no_main]

use chatlint_lsp::transport::{Event, Framer};
use libfuzzer_sys::fuzz_target;

/// The frame sent after the garbage. Its string holds what a header looks
/// like (escaped, as JSON must), which must not fool the reader.
const BODY: &str =
    r#"{"jsonrpc":"2.0","id":"sentinel","method":"textDocument/hover","params":{"t":"Content-Length: 9\r\n\r\n{}"}}"#;

fuzz_target!(|data: &[u8]| {
    // Two bytes seed where the stream is cut into reads and where the
    // client pauses; the rest is what it sends before the good frame.
    let (seed, garbage) = data.split_at(data.len().min(2));
    let mut rng = seed.iter().fold(0x9e37_79b9_u32, |r, &b| r.rotate_left(8) ^ u32::from(b));
    let mut next = move || {
        // xorshift32; the state starts non-zero (high bits of the constant), so stays so.
        rng ^= rng << 13;
        rng ^= rng >> 17;
        rng ^= rng << 5;
        rng
    };
    let mut stream = garbage.to_vec();
    stream.extend(format!("Content-Length: {}\r\n\r\n{BODY}", BODY.len()).bytes());

    let mut framer = Framer::default();
    let mut events = Vec::new();
    let mut rest = &stream[..];
    while !rest.is_empty() {
        let n = (1 + next() as usize % 64).min(rest.len());
        framer.push(&rest[..n]);
        rest = &rest[n..];
        // Each call does bounded work and the loop ends: a stuck reader
        // shows up as a libFuzzer timeout.
        events.extend(std::iter::from_fn(|| framer.next_event()));
        if next() % 4 == 0 {
            // The input stays quiet for transport::IDLE here.
            events.extend(framer.idle());
            events.extend(std::iter::from_fn(|| framer.next_event()));
        }
    }

    // The client now waits for its answer: the input stays quiet, and the
    // pump (pump_input) looks at it again after each decision it makes. A
    // frame start that a header block of the garbage swallowed is found
    // only then. A quiet moment that decides nothing ends the wait.
    while let Some(event) = framer.idle() {
        events.push(event);
        events.extend(std::iter::from_fn(|| framer.next_event()));
    }

    let mut last = None;
    for event in &events {
        match event {
            // Only well-formed JSON-RPC reaches tower-lsp-server.
            Event::Message { body, .. } => {
                let value: serde_json::Value = serde_json::from_slice(body)
                    .unwrap_or_else(|e| panic!("passed on a body that is not JSON ({e}): {body:?}"));
                assert_eq!(value["jsonrpc"], "2.0", "passed on a body that is not JSON-RPC 2.0");
                last = Some(body.as_slice());
            }
            Event::Error(code, _) => assert!([-32700, -32600].contains(code), "unexpected error code {code}"),
        }
    }
    // The good frame comes out, last.
    assert_eq!(last, Some(BODY.as_bytes()), "the well-formed frame after the garbage was lost: {events:?}");
});
