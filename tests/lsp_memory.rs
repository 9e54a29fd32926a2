//! How much memory the language server holds for a large document (issue
//! 12: a 4 MB request once cost 340 MB, 85 times the document). A counting
//! allocator sees every heap byte of this test binary, which runs only this
//! test, so the peak is the server's own.

#![cfg(feature = "lsp")]

use serde_json::{Value, json};
use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};

struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            let now = LIVE.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            PEAK.fetch_max(now, Ordering::Relaxed);
        }
        p
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

#[path = "common/big_request.rs"]
mod big_request;
use big_request::big_request;

async fn send<W: AsyncWriteExt + Unpin>(w: &mut W, msg: Value) {
    let body = msg.to_string();
    w.write_all(format!("Content-Length: {}\r\n\r\n{body}", body.len()).as_bytes()).await.unwrap();
    w.flush().await.unwrap();
}

async fn receive<R: tokio::io::AsyncBufRead + Unpin>(r: &mut R) -> Value {
    let mut len = 0;
    loop {
        let mut line = String::new();
        assert!(r.read_line(&mut line).await.unwrap() > 0, "the server closed its output");
        if let Some(n) = line.strip_prefix("Content-Length: ") {
            len = n.trim().parse().unwrap();
        }
        if line == "\r\n" {
            break;
        }
    }
    let mut body = vec![0; len];
    r.read_exact(&mut body).await.unwrap();
    serde_json::from_slice(&body).unwrap()
}

#[tokio::test]
async fn a_four_megabyte_document_costs_a_small_multiple_of_itself() {
    let text = big_request(4 << 20);
    let (client, server) = tokio::io::duplex(1 << 16);
    let (server_read, server_write) = tokio::io::split(server);
    let serving = tokio::spawn(chatlint_lsp::serve(server_read, server_write));
    let (read, mut write) = tokio::io::split(client);
    let mut read = BufReader::new(read);
    let init = json!({ "processId": null, "rootUri": null, "capabilities": {} });
    send(&mut write, json!({ "jsonrpc": "2.0", "id": 1, "method": "initialize", "params": init })).await;
    receive(&mut read).await;
    send(&mut write, json!({ "jsonrpc": "2.0", "method": "initialized", "params": {} })).await;

    let before = LIVE.load(Ordering::Relaxed);
    PEAK.store(before, Ordering::Relaxed);
    let uri = "file:///w/big.setup.json";
    let td = json!({ "uri": uri, "languageId": "json", "version": 1, "text": text });
    send(&mut write, json!({ "jsonrpc": "2.0", "method": "textDocument/didOpen", "params": { "textDocument": td } }))
        .await;
    drop(td);
    let diagnostics = loop {
        let msg = receive(&mut read).await;
        if msg["method"] == "textDocument/publishDiagnostics" && msg["params"]["uri"] == uri {
            break msg["params"]["diagnostics"].clone();
        }
    };
    let codes: Vec<&str> = diagnostics.as_array().unwrap().iter().filter_map(|d| d["code"].as_str()).collect();
    assert!(codes.contains(&"too-many-memberships"), "{codes:?}");
    let held = LIVE.load(Ordering::Relaxed).saturating_sub(before);
    let peak = PEAK.load(Ordering::Relaxed) - before;
    let mib = |n: usize| n as f64 / f64::from(1 << 20);
    eprintln!(
        "document {:.1} MiB: peak {:.1} MiB ({:.1}x), held afterwards {:.1} MiB ({:.1}x)",
        mib(text.len()),
        mib(peak),
        peak as f64 / text.len() as f64,
        mib(held),
        held as f64 / text.len() as f64
    );
    // The peak counts this test's own copies too (the text, its JSON frame).
    // It was 85x (issue 12), 42x with serde_json maps and a span map of
    // pointer strings; about 15x with the engine's compact document.
    assert!(peak < 20 * text.len(), "peak {:.1} MiB for a {:.1} MiB document", mib(peak), mib(text.len()));
    assert!(held < 8 * text.len(), "{:.1} MiB held for a {:.1} MiB document", mib(held), mib(text.len()));

    send(&mut write, json!({ "jsonrpc": "2.0", "id": 2, "method": "shutdown" })).await;
    send(&mut write, json!({ "jsonrpc": "2.0", "method": "exit" })).await;
    drop(write);
    let _ = serving.await;
}
