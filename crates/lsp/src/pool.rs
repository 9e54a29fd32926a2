//! A fixed set of threads that run the analyses, so that the work in
//! flight is bounded however many documents the client opens at once (a
//! thread per analysis once meant hundreds of threads for a burst of
//! opens). Jobs run in the order they were given; what a job analyses is
//! up to it (the server's jobs read the document's latest text when they
//! start, so a queued job never analyses an outdated version).

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, Mutex, PoisonError};

type Job = Box<dyn FnOnce() + Send>;

pub struct Pool {
    jobs: Sender<Job>,
    /// No thread could be started: jobs run where they are given.
    inline: bool,
}

impl Pool {
    /// `threads` threads (at least one). They end when the pool is dropped
    /// and the jobs queued by then are done.
    pub fn new(threads: usize) -> Pool {
        let (jobs, queue) = channel::<Job>();
        let queue = Arc::new(Mutex::new(queue));
        let mut started = 0;
        for i in 0..threads.max(1) {
            let queue = queue.clone();
            match std::thread::Builder::new().name(format!("chatlint-analysis-{i}")).spawn(move || work(&queue)) {
                Ok(_) => started += 1,
                Err(_) => break, // fewer threads than asked for still do the work
            }
        }
        Pool { jobs, inline: started == 0 }
    }

    /// As many threads as the machine has cores, within 1..=4.
    pub fn for_this_machine() -> Pool {
        Pool::new(std::thread::available_parallelism().map_or(2, |n| n.get()).clamp(1, 4))
    }

    /// Runs `job` on a pool thread; `None` if it panicked (a bug in the
    /// analysis costs that analysis, not the server).
    pub async fn run<T: Send + 'static>(&self, job: impl FnOnce() -> T + Send + 'static) -> Option<T> {
        if self.inline {
            return catch_unwind(AssertUnwindSafe(job)).ok();
        }
        let (done, result) = tokio::sync::oneshot::channel();
        let job: Job = Box::new(move || {
            if let Ok(value) = catch_unwind(AssertUnwindSafe(job)) {
                let _ = done.send(value);
            }
        });
        self.jobs.send(job).ok()?;
        result.await.ok()
    }
}

fn work(queue: &Mutex<Receiver<Job>>) {
    loop {
        // The lock is held only while waiting for the next job.
        let next = queue.lock().unwrap_or_else(PoisonError::into_inner).recv();
        match next {
            Ok(job) => job(),
            Err(_) => return, // the pool is gone
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn jobs_run_and_a_panic_costs_only_its_own_result() {
        let pool = Pool::new(2);
        assert_eq!(pool.run(|| 6 * 7).await, Some(42));
        assert_eq!(pool.run(|| -> i32 { panic!("a bug") }).await, None);
        assert_eq!(pool.run(|| "still here").await, Some("still here"));
    }
}
