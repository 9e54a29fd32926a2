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
