//! The courier: the one thread of a reporter that sends. It takes the
//! queue's batches as they are due and has them written into requests in
//! the spool, and sends what waits there, oldest first, one request at a
//! time, so that the host never waits on the network. While it waits on a
//! collector it goes on taking batches (`interleave`): a collector that
//! hangs holds back sending, never the writing.
//!
//! A network error, 429 or 5xx leaves the request waiting and the courier
//! backs off, exponentially with jitter (1 s doubling to 5 min), and never
//! sooner than a collector's `Retry-After`, which is kept in the outbox for
//! the other processes of the host too. Uploads are rate-limited (at most
//! [`BURST`] requests in any second). Any other status is a refusal for
//! good: the request is dropped, counted, and one warning names the likely
//! fix. A delivered request's events are added to the local record, with
//! when they were delivered.
//!
//! At shutdown the courier gets until shortly before a deadline to send
//! what can go now (it never waits out a backoff): what it cannot send by
//! then, the request it is sending included, is written to the outbox for
//! the next process (or, sent from the outbox, is pending again: the
//! system drops its claim's lock).

use std::collections::VecDeque;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant, SystemTime};

use super::batch::Queue;
use super::failures::Failures;
use super::http::{Sent, Transport};
use super::outbox::Pending;
use super::spool::Spool;
use crate::local::Record;
use crate::spans::Span;

/// The first wait after a failed attempt; it doubles with each failure in a
/// row, up to [`MAX_BACKOFF`].
const FIRST_BACKOFF: Duration = Duration::from_secs(1);
const MAX_BACKOFF: Duration = Duration::from_secs(300);
/// Failed attempts in a row after which the failure is reported (it is
/// also reported when it is still there at shutdown).
const REPORTED_AFTER: u32 = 3;
/// The most batches taken in at once (a queue of the largest size holds
/// 128).
const MAX_BATCHES_AT_ONCE: usize = 128;

/// The most requests sent in any one second.
pub(crate) const BURST: usize = 10;

/// The courier of one reporter.
pub(crate) struct Courier {
    shared: Arc<Shared>,
}

/// Where the courier takes the host's spans from.
pub(crate) struct Intake {
    pub queue: Arc<Queue>,
    /// Writes a batch into requests in the spool (and counts it out of
    /// the queue).
    pub deliver: Box<dyn Fn(Vec<Span>) + Send + Sync>,
}

struct Shared {
    spool: Arc<Spool>,
    intake: Intake,
    /// How many requests waited behind the last one taken (0 once none
    /// waits): how far sending is behind, for the sampler.
    behind: Arc<AtomicUsize>,
    transport: Transport,
    record: Option<Arc<Record>>,
    failures: Arc<Failures>,
    /// Requests the collector refused for good.
    refused: AtomicU64,
    state: Mutex<State>,
    changed: Condvar,
}

#[derive(Default)]
struct State {
    /// Something may wait: kept since the courier last looked, or left
    /// after a failed attempt.
    work: bool,
    /// No attempt before this (the backoff, or a collector's wait).
    not_before: Option<Instant>,
    /// No attempt before this either: the rate limit's next free place,
    /// which (unlike a backoff) a finishing courier waits for when it
    /// comes before the end.
    paced: Option<Instant>,
    /// Failed attempts in a row.
    failed: u32,
    /// Why the last attempt failed, when it did.
    last_failure: Option<String>,
    /// Set by [`Courier::finish`]: the courier stops by then.
    stop: Option<Instant>,
    /// Whether the thread runs.
    alive: bool,
}

impl Courier {
    /// Starts the courier, which first sends what earlier runs left.
    pub(crate) fn start(
        spool: Arc<Spool>,
        intake: Intake,
        transport: Transport,
        record: Option<Arc<Record>>,
        failures: Arc<Failures>,
        behind: Arc<AtomicUsize>,
    ) -> Courier {
        let shared = Arc::new(Shared {
            spool,
            intake,
            behind,
            transport,
            record,
            failures,
            refused: AtomicU64::new(0),
            state: Mutex::new(State {
                work: true,
                alive: true,
                ..State::default()
            }),
            changed: Condvar::new(),
        });
        // A full batch wakes the courier (a weak handle: the queue must
        // not keep the courier alive).
        let woken = Arc::downgrade(&shared);
        shared.intake.queue.on_full(move || {
            if let Some(shared) = woken.upgrade() {
                // Under the lock the courier waits with: never missed.
                let _state = shared.lock();
                shared.changed.notify_all();
            }
        });
        let running = Arc::clone(&shared);
        let spawned = std::thread::Builder::new()
            .name("crewtel-courier".into())
            .spawn(move || running.run());
        if spawned.is_err() {
            // What is kept on disk waits for the next process.
            shared.lock().alive = false;
        }
        Courier { shared }
    }

    /// Whether its thread runs (it could be started).
    pub(crate) fn is_running(&self) -> bool {
        self.shared.lock().alive
    }

    /// Gives the courier until shortly before `deadline` to send what
    /// waits, then writes what it has not sent to disk (the request it is
    /// sending included), and returns, whatever the collector does.
    pub(crate) fn finish(&self, deadline: Instant, bound: Duration) {
        // The last fifth of the bound is for the disk.
        let deadline = deadline.checked_sub(bound / 5).unwrap_or(deadline);
        let mut state = self.shared.lock();
        state.stop = Some(deadline);
        // The host has just written what its queue held into the spool.
        state.work = true;
        self.shared.changed.notify_all();
        while state.alive {
            let now = Instant::now();
            if now >= deadline {
                break;
            }
            state = match self.shared.changed.wait_timeout(state, deadline - now) {
                Ok((state, _)) => state,
                Err(poisoned) => poisoned.into_inner().0,
            };
        }
        let cut_short = state.alive;
        let last_failure = state.last_failure.take();
        drop(state);
        self.shared.spool.close();
        if let Some(why) = last_failure {
            self.shared.failures.report(&kept(&why));
        }
        // Still sending at the bound, with a backlog: a collector slower to
        // answer than the bound (or hanging) would otherwise get nothing
        // more, run after run, without a word.
        let waiting = self.shared.spool.pending().requests;
        if cut_short && waiting >= 2 {
            self.shared.failures.report(&format!(
                "the collector did not answer within the shutdown bound ({} ms); {waiting} requests wait in the outbox for the next run (CREWTEL_SHUTDOWN_TIMEOUT, in milliseconds, gives a slow collector longer)",
                bound.as_millis()
            ));
        }
    }

    /// What waits to be sent.
    pub(crate) fn pending(&self) -> Pending {
        self.shared.spool.pending()
    }

    /// When the next attempt is due, if one waits on a backoff or on a
    /// collector's `Retry-After`.
    pub(crate) fn next_attempt(&self) -> Option<SystemTime> {
        // The file first: the courier's lock is never held over I/O.
        let quiet = self.shared.spool.disk().and_then(|d| d.quiet_until());
        let state = self.shared.lock();
        let backoff = state
            .not_before
            .filter(|_| state.work)
            .and_then(|at| at.checked_duration_since(Instant::now()))
            .map(|wait| SystemTime::now() + wait);
        backoff.max(quiet)
    }

    /// Requests dropped: refused by the collector, past the outbox's bounds,
    /// set aside as damaged.
    pub(crate) fn refused(&self) -> u64 {
        self.shared.refused.load(Ordering::Relaxed)
    }

    pub(crate) fn overflowed(&self) -> u64 {
        self.shared.spool.overflowed()
    }

    pub(crate) fn damaged(&self) -> u64 {
        self.shared.spool.damaged()
    }
}

impl Drop for Courier {
    /// A courier dropped without [`Courier::finish`] (its pipeline could not
    /// be built) stops after what it is doing now.
    fn drop(&mut self) {
        let mut state = self.shared.lock();
        if state.stop.is_none() {
            state.stop = Some(Instant::now());
        }
        self.shared.changed.notify_all();
    }
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Writes the batches that are due into requests in the spool: at
    /// most a queue's worth, so that a flood never keeps the courier from
    /// sending.
    fn take_in(&self) {
        let mut took = false;
        for _ in 0..MAX_BATCHES_AT_ONCE {
            let Some(batch) = self.intake.queue.take(false) else {
                break;
            };
            (self.intake.deliver)(batch);
            took = true;
        }
        if took {
            self.lock().work = true;
        }
    }

    fn run(self: Arc<Self>) {
        // The client (and the trust store it reads) is made now, while the
        // host works, not when the first export is due. While it waits on
        // a collector, it takes what is due from the queue.
        let this = Arc::downgrade(&self);
        self.transport.prepare(Arc::new(move || {
            if let Some(shared) = this.upgrade() {
                shared.take_in();
            }
        }));
        let mut sends: VecDeque<Instant> = VecDeque::with_capacity(BURST);
        while self.wait_for_work() {
            self.deliver(&mut sends);
        }
        self.lock().alive = false;
        self.changed.notify_all();
    }

    /// Waits until something may be sent and an attempt is due; `false`
    /// when the courier is to stop instead.
    ///
    /// Its lock is never held over I/O (the quiet file is read before it
    /// is taken): the host's thread takes it to wake the courier.
    fn wait_for_work(&self) -> bool {
        loop {
            // Read only when something may be sent: the host wakes the
            // courier for each batch, which needs no file.
            let work = self.lock().work;
            let quiet = self
                .spool
                .disk()
                .filter(|_| work)
                .and_then(|disk| disk.quiet_until_lately())
                .and_then(|until| until.duration_since(SystemTime::now()).ok());
            if quiet.is_some() {
                // What is kept while the collector is quiet goes to disk.
                self.spool.hold_back();
            }
            let mut state = self.lock();
            let now = Instant::now();
            if state.stop.is_some_and(|stop| now >= stop || !state.work) {
                return false;
            }
            let quiet = quiet.filter(|_| state.work).map(|wait| now + wait);
            let held = state.not_before.max(quiet).filter(|at| *at > now);
            let paced = state.paced.filter(|at| *at > now);
            if state.work && held.is_none() && paced.is_none() {
                state.work = false;
                return true;
            }
            if let Some(stop) = state.stop
                && (held.is_some() || paced.is_some_and(|paced| paced > stop))
            {
                // Finishing sends what can go now; it never waits out a
                // backoff (what waits is the next process's).
                return false;
            }
            let intake = self.intake.queue.due();
            if intake.is_some_and(|due| due <= Instant::now()) {
                drop(state);
                self.take_in();
                continue;
            }
            let until = [held.max(paced).filter(|_| state.work), state.stop, intake]
                .into_iter()
                .flatten()
                .min();
            // Woken by the host (a batch's first span, a full batch), a
            // finish, or the time; the lock goes with the wait.
            let _woken = match until {
                Some(until) => match self.changed.wait_timeout(state, until - now) {
                    Ok((state, _)) => state,
                    Err(poisoned) => poisoned.into_inner().0,
                },
                None => self
                    .changed
                    .wait(state)
                    .unwrap_or_else(|poisoned| poisoned.into_inner()),
            };
        }
    }

    /// Sends what waits, oldest first, until it is all sent or an attempt
    /// fails.
    fn deliver(&self, sends: &mut VecDeque<Instant>) {
        loop {
            // What the queue has due goes first, into the outbox.
            self.take_in();
            let stop = self.lock().stop;
            if stop.is_some_and(|stop| Instant::now() >= stop) || !self.pace(sends) {
                return;
            }
            // Another process may have been asked for quiet meanwhile.
            if let Some(until) = self.spool.disk().and_then(|disk| disk.quiet_until_lately()) {
                self.spool.hold_back();
                let wait = until.duration_since(SystemTime::now()).unwrap_or_default();
                let mut state = self.lock();
                state.not_before = Some(Instant::now() + wait);
                state.work = true;
                return;
            }
            let Some(taken) = self.spool.take() else {
                self.behind.store(0, Ordering::Relaxed);
                return;
            };
            self.behind.store(taken.behind, Ordering::Relaxed);
            sends.push_back(Instant::now());
            match self.transport.send(&taken.request) {
                Sent::Delivered => {
                    // Gone from the spool first: a file an exit wrote for
                    // it meanwhile is deleted before the record's I/O.
                    let lines = self.spool.delivered(taken);
                    if let Some(record) = &self.record {
                        record.append(&lines, &crate::local::Stamp::now("delivered"));
                    }
                    let mut state = self.lock();
                    state.failed = 0;
                    state.last_failure = None;
                    state.not_before = None;
                }
                Sent::Refused { why, .. } => {
                    self.failures.report(&why);
                    self.refused.fetch_add(1, Ordering::Relaxed);
                    // Refused: not delivered, so not in the record.
                    let _ = self.spool.delivered(taken);
                }
                Sent::Later { why, retry_after } => {
                    self.spool.retry(taken);
                    // Not sending is not being slow: what waits while the
                    // collector is away is the outbox's to keep, not a
                    // reason to sample.
                    self.behind.store(0, Ordering::Relaxed);
                    if let (Some(wait), Some(disk)) = (retry_after, self.spool.disk()) {
                        disk.ask_quiet_until(SystemTime::now() + wait);
                    }
                    let lasting = {
                        let mut state = self.lock();
                        state.failed = state.failed.saturating_add(1);
                        state.last_failure = Some(why.clone());
                        let wait = backoff(state.failed).max(retry_after.unwrap_or_default());
                        state.not_before = Some(Instant::now() + wait);
                        state.work = true;
                        state.failed >= REPORTED_AFTER
                    };
                    // A passing failure (one 429, a collector restarting)
                    // is no news: reported when it lasts, or is still there
                    // at the end; never under the lock (a host's warning
                    // sink may be slow, or emit).
                    if lasting {
                        self.failures.report(&kept(&why));
                    }
                    return;
                }
            }
        }
    }

    /// Whether one more request may go now; when [`BURST`] went in the
    /// last second, `false`, and the courier waits (taking batches
    /// meanwhile) until one more may.
    fn pace(&self, sends: &mut VecDeque<Instant>) -> bool {
        let now = Instant::now();
        while sends
            .front()
            .is_some_and(|sent| now.duration_since(*sent) >= Duration::from_secs(1))
        {
            sends.pop_front();
        }
        if sends.len() < BURST {
            return true;
        }
        let mut state = self.lock();
        state.paced = Some(sends[0] + Duration::from_secs(1));
        state.work = true;
        false
    }
}

/// The wait after `failed` failed attempts in a row: `FIRST_BACKOFF`
/// doubled each time, at most `MAX_BACKOFF`, between half of that and all of
/// it (jitter, so that many processes do not retry in step).
fn backoff(failed: u32) -> Duration {
    let full = FIRST_BACKOFF
        .saturating_mul(1 << failed.saturating_sub(1).min(16))
        .min(MAX_BACKOFF);
    let half = full / 2;
    half + half.mul_f64(fastrand::f64())
}

/// A passing failure, as reported: what happens to what it kept back.
fn kept(why: &str) -> String {
    format!("{why}; what was not sent is kept and sent later")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_backoff_doubles_with_jitter_up_to_its_bound() {
        for failed in 1..40 {
            let full = FIRST_BACKOFF
                .saturating_mul(1 << (failed - 1).min(16))
                .min(MAX_BACKOFF);
            let wait = backoff(failed);
            assert!(wait >= full / 2 && wait <= full, "{failed}: {wait:?}");
        }
        assert!(backoff(1) <= Duration::from_secs(1));
        assert!(backoff(30) >= MAX_BACKOFF / 2);
        let waits: std::collections::BTreeSet<Duration> = (0..20).map(|_| backoff(5)).collect();
        assert!(waits.len() > 1, "jitter: the waits differ");
    }
}
