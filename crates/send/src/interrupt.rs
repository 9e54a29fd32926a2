//! SIGINT and SIGTERM (Ctrl+C on Windows) while sending.
//!
//! The first signal asks the run to stop: no new request starts, no
//! request is retried, the requests in flight finish (each bounded by the
//! timeout) and are recorded. The second does not wait for them: they are
//! abandoned (recorded as interrupted) and the run ends at once. Either way
//! the send step returns its summary, and the command line prints it.
//!
//! The handler is installed when sending starts (before that, a signal ends
//! the process as usual: nothing has been sent) and stays installed for the
//! rest of the process, which only prints the report after sending.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;
use tokio::sync::watch;

/// How many stop signals have arrived.
#[derive(Debug, Clone)]
pub struct Stop(watch::Receiver<u32>);

/// The first signal: stop starting and retrying requests.
pub const FINISH: u32 = 1;
/// The second signal: abandon the requests in flight.
pub const ABANDON: u32 = 2;

impl Stop {
    /// A stop that never comes.
    pub fn never() -> Stop {
        Stop(watch::channel(0).1)
    }

    /// The signals received so far.
    pub fn level(&self) -> u32 {
        *self.0.borrow()
    }

    /// Completes once `n` signals have arrived (never, when they cannot).
    pub async fn at_least(&self, n: u32) {
        let mut rx = self.0.clone();
        loop {
            if *rx.borrow_and_update() >= n {
                return;
            }
            if rx.changed().await.is_err() {
                std::future::pending::<()>().await;
            }
        }
    }
}

/// Counts the requests in flight, for what the first signal says.
#[derive(Debug, Clone, Default)]
pub struct InFlight(Arc<AtomicUsize>);

/// One request in flight, until dropped.
pub struct Flying(Arc<AtomicUsize>);

impl InFlight {
    pub fn enter(&self) -> Flying {
        self.0.fetch_add(1, Ordering::SeqCst);
        Flying(self.0.clone())
    }

    pub fn count(&self) -> usize {
        self.0.load(Ordering::SeqCst)
    }
}

impl Drop for Flying {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Says at once, when the first signal comes, what the run now waits for
/// and what a second signal would do (a run that waits up to `timeout` in
/// silence looks hung). `results`: the results file, if any.
pub async fn announce(stop: Stop, flying: InFlight, timeout: Duration, results: Option<String>, notes: super::Notes) {
    stop.at_least(FINISH).await;
    let n = flying.count();
    let waiting = match n {
        0 => "no request is in flight".to_string(),
        1 => format!("waiting for the 1 request in flight (at most {} s)", timeout.as_secs()),
        n => format!("waiting for the {n} requests in flight (each at most {} s)", timeout.as_secs()),
    };
    let journal = match &results {
        Some(path) => format!("recorded as interrupted in {path}"),
        None => "reported as interrupted".to_string(),
    };
    let second = if n == 0 {
        String::new()
    } else {
        format!(
            "; a second Ctrl+C stops now: {} {journal}, the server may have acted on {}, and a re-run sends {} \
             again",
            if n == 1 { "it is" } else { "they are" },
            if n == 1 { "it" } else { "them" },
            if n == 1 { "it" } else { "them" },
        )
    };
    notes(&format!("interrupted: no new request starts; {waiting}{second}"));
}

/// A stop that the caller triggers (for tests): send the signal count.
#[cfg(test)]
pub fn manual() -> (watch::Sender<u32>, Stop) {
    let (tx, rx) = watch::channel(0);
    (tx, Stop(rx))
}

/// Starts counting SIGINT and SIGTERM. Call it inside the runtime; when the
/// handlers cannot be installed, the stop never comes (signals keep their
/// default effect).
pub fn listen() -> Stop {
    let (tx, rx) = watch::channel(0);
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let (Ok(mut int), Ok(mut term)) = (signal(SignalKind::interrupt()), signal(SignalKind::terminate())) else {
            return Stop::never();
        };
        tokio::spawn(async move {
            loop {
                tokio::select! {
                    _ = int.recv() => {}
                    _ = term.recv() => {}
                }
                tx.send_modify(|n| *n += 1);
            }
        });
    }
    #[cfg(not(unix))]
    tokio::spawn(async move {
        while tokio::signal::ctrl_c().await.is_ok() {
            tx.send_modify(|n| *n += 1);
        }
    });
    Stop(rx)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn counts_and_waits() {
        let (tx, rx) = watch::channel(0);
        let stop = Stop(rx);
        assert_eq!(stop.level(), 0);
        let waiting = tokio::spawn({
            let stop = stop.clone();
            async move { stop.at_least(ABANDON).await }
        });
        tx.send_modify(|n| *n += 1);
        tokio::task::yield_now().await;
        assert!(!waiting.is_finished());
        tx.send_modify(|n| *n += 1);
        waiting.await.unwrap();
        assert_eq!(stop.level(), 2);
        let never = Stop::never();
        let timed = tokio::time::timeout(std::time::Duration::from_millis(20), never.at_least(FINISH)).await;
        assert!(timed.is_err());
    }
}
