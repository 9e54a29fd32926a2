//! `chatlint lsp`: the language server, over standard input and output.
//!
//! An adapter like the CLI: every document goes through the same
//! per-document pipeline ([`chatlint_workspace::pipeline`]) as
//! `chatlint check`, so the editor shows exactly what the command line
//! reports for the same file and config. This is the only place that knows
//! LSP types and UTF-16. The modules, one job each:
//!
//! - [`transport`]: framing that answers garbage instead of stopping;
//! - `server`: the LSP handlers, capability negotiation, scheduling;
//! - [`documents`]: open documents and incremental edits;
//! - [`analysis`]: config and method selection, running the engine;
//! - `pool`: the fixed set of threads the analyses run on;
//! - `diagnostics`: findings as LSP diagnostics;
//! - [`position`]: byte offsets ↔ UTF-16 / UTF-8 positions;
//! - [`cursor`]: what is at the cursor, in valid or half-typed JSON;
//! - `docs`: field and rule documentation (Markdown);
//! - [`hover`], [`completion`], `actions`: the editor features.
//!
//! Public: [`serve`] and [`run`], and what the fuzz targets drive without a
//! client (the transport's framer, a document's analysis, the cursor,
//! hover and completion); the handlers, the pool, the diagnostics and the
//! quick fixes are the server's own.

mod actions;
pub mod analysis;
pub mod completion;
pub mod cursor;
mod diagnostics;
mod docs;
pub mod documents;
pub mod hover;
mod pool;
pub mod position;
mod server;
pub mod transport;

use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite};
use tower_lsp_server::{LspService, Server};

/// Serves one client over `input`/`output` until it sends `exit` or closes
/// the input. Returns whether it asked for `shutdown` first (a clean stop).
/// Needs a Tokio runtime with timers (the transport waits with timeouts).
pub async fn serve<I, O>(input: I, output: O) -> bool
where
    I: AsyncRead + Unpin,
    O: AsyncWrite + Unpin,
{
    let shutdown = Arc::new(AtomicBool::new(false));
    let flag = shutdown.clone();
    let (service, socket) = LspService::new(move |client| server::Backend::new(client, flag));
    // client → transport → (pipe) → tower-lsp-server → (pipe) → transport → client
    let (to_server, server_in) = tokio::io::duplex(PIPE);
    let (server_out, from_server) = tokio::io::duplex(PIPE);
    let (errors_tx, errors_rx) = tokio::sync::mpsc::unbounded_channel();
    let server = async move { Server::new(server_in, server_out, socket).serve(service).await };
    let main = async { tokio::join!(server, transport::pump_output(from_server, errors_rx, output)) };
    tokio::pin!(main);
    tokio::select! {
        _ = &mut main => {}
        _ = transport::pump_input(input, to_server, errors_tx) => {
            // The input ended, or the client sent `exit`. Let the server
            // finish and flush, but not forever: a handler waiting for the
            // client's answer to a request of the server's (registering a
            // file watcher, say) would otherwise keep it alive for good.
            let _ = tokio::time::timeout(GRACE, main).await;
        }
    }
    shutdown.load(Ordering::SeqCst)
}

/// The in-process pipes' buffer size.
const PIPE: usize = 256 * 1024;
/// The runtime's blocking threads: standard input's reader and standard
/// output's writer, with room to spare.
const BLOCKING_THREADS: usize = 4;
/// How long the server may take to wind down after its input has ended.
const GRACE: Duration = Duration::from_secs(1);

/// `chatlint lsp`. Exits 0 after `shutdown` and `exit`, 1 when the client
/// went away (or sent `exit`) without `shutdown`, as the protocol says.
pub fn run() -> ExitCode {
    // Standard input and output are read and written on the runtime's
    // blocking threads, one read and one write at a time; analyses run on
    // their own pool (`pool`). A cap keeps a flood of small writes from
    // leaving a new thread behind each (threads go idle a moment late).
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .max_blocking_threads(BLOCKING_THREADS)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("chatlint lsp: cannot start the async runtime: {e}");
            return ExitCode::from(2);
        }
    };
    let clean = runtime.block_on(serve(tokio::io::stdin(), tokio::io::stdout()));
    // The stdin reader may be blocked in a read that never returns (the
    // client keeps the pipe open after `exit`): don't wait for it.
    runtime.shutdown_timeout(Duration::from_millis(100));
    if clean { ExitCode::SUCCESS } else { ExitCode::from(1) }
}
