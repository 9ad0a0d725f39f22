//! The queue of a pipeline that keeps or sends (local mode, OTLP): spans
//! wait in it, bounded by the pipeline, and leave in batches of at most
//! `size` (the queue's bound, at most [`MAX_BATCH`]) when that many wait or
//! `delay` after the last batch; at shutdown what waits leaves at once.
//!
//! Who takes the batches is the pipeline's choice: the courier, between and
//! during its sends (OTLP: one thread), or a thread of the queue's own
//! ([`Batcher`], local mode).

use std::collections::VecDeque;
use std::sync::mpsc;
use std::sync::{Arc, Condvar, Mutex, OnceLock};
use std::time::{Duration, Instant};

use crate::spans::Span;

/// The most spans one batch carries.
pub(crate) const MAX_BATCH: usize = 512;

/// Spans waiting for their batch.
pub(crate) struct Queue {
    inner: Mutex<Waiting>,
    /// The most spans a batch carries.
    size: usize,
    delay: Duration,
    /// Told when a batch's worth waits.
    wake: OnceLock<Box<dyn Fn() + Send + Sync>>,
}

struct Waiting {
    /// Oldest first; taken from the front without moving the rest.
    spans: VecDeque<Span>,
    /// When the next batch is due, however few wait.
    due: Instant,
}

impl Queue {
    pub(crate) fn new(size: usize, delay: Duration) -> Queue {
        Queue {
            inner: Mutex::new(Waiting {
                spans: VecDeque::new(),
                due: Instant::now() + delay,
            }),
            size: size.clamp(1, MAX_BATCH),
            delay,
            wake: OnceLock::new(),
        }
    }

    /// What to call when the first span of a batch arrives (its time is
    /// set) and when a batch's worth waits (set once).
    pub(crate) fn on_full(&self, wake: impl Fn() + Send + Sync + 'static) {
        let _ = self.wake.set(Box::new(wake));
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Waiting> {
        self.inner
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Queues `span` (the pipeline has counted it in already).
    pub(crate) fn push(&self, span: Span) {
        let wake = {
            let mut waiting = self.lock();
            let first = waiting.spans.is_empty();
            if first {
                // After a quiet spell, the batch it starts leaves `delay`
                // from now, with what joins it meanwhile.
                let now = Instant::now();
                if waiting.due < now {
                    waiting.due = now + self.delay;
                }
            }
            waiting.spans.push_back(span);
            // Full once: the taker looks at the length again when it takes.
            first || waiting.spans.len() == self.size
        };
        if wake && let Some(wake) = self.wake.get() {
            wake();
        }
    }

    /// The next batch, if one is due (a batch's worth waits, or the delay
    /// since the last is over), or, with `all`, whatever waits.
    pub(crate) fn take(&self, all: bool) -> Option<Vec<Span>> {
        let now = Instant::now();
        let mut waiting = self.lock();
        if waiting.spans.is_empty() {
            return None;
        }
        if !all && waiting.spans.len() < self.size && now < waiting.due {
            return None;
        }
        let take = waiting.spans.len().min(self.size);
        let batch: Vec<Span> = waiting.spans.drain(..take).collect();
        waiting.due = now + self.delay;
        Some(batch)
    }

    /// When the next batch is due; `None` while nothing waits.
    pub(crate) fn due(&self) -> Option<Instant> {
        let waiting = self.lock();
        match waiting.spans.len() {
            0 => None,
            n if n >= self.size => Some(Instant::now()),
            _ => Some(waiting.due),
        }
    }
}

/// A thread of the queue's own, handing each batch to `deliver` (local
/// mode, where nothing else runs).
pub(crate) struct Batcher {
    queue: Arc<Queue>,
    shared: Arc<Shared>,
    /// Says when the thread has handed over everything, at shutdown.
    done: Mutex<Option<mpsc::Receiver<()>>>,
}

#[derive(Default)]
struct Shared {
    stop: Mutex<bool>,
    changed: Condvar,
}

impl Batcher {
    /// Starts the thread over `queue`. `None` when no thread can be
    /// started (nothing is then queued).
    pub(crate) fn start(
        queue: Arc<Queue>,
        deliver: impl Fn(Vec<Span>) + Send + 'static,
    ) -> Option<Batcher> {
        let shared = Arc::new(Shared::default());
        let woken = Arc::clone(&shared);
        // Under the lock the thread waits with, so that a batch filled
        // while it looks is never missed.
        queue.on_full(move || {
            let _stopped = woken.lock();
            woken.changed.notify_one();
        });
        let (done, finished) = mpsc::channel();
        let running = Arc::clone(&shared);
        let taken = Arc::clone(&queue);
        std::thread::Builder::new()
            .name("crewtel-batch".into())
            .spawn(move || {
                running.run(&taken, deliver);
                let _ = done.send(());
            })
            .ok()?;
        Some(Batcher {
            queue,
            shared,
            done: Mutex::new(Some(finished)),
        })
    }

    /// Queues `span` (the pipeline has counted it in already).
    pub(crate) fn push(&self, span: Span) {
        self.queue.push(span);
    }

    /// Hands over what waits and stops the thread, waiting for it at most
    /// `bound`.
    pub(crate) fn stop(&self, bound: Duration) {
        *self.shared.lock() = true;
        self.shared.changed.notify_one();
        let finished = self
            .done
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .take();
        if let Some(finished) = finished {
            let _ = finished.recv_timeout(bound);
        }
    }
}

impl Shared {
    fn lock(&self) -> std::sync::MutexGuard<'_, bool> {
        self.stop
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn run(&self, queue: &Queue, deliver: impl Fn(Vec<Span>)) {
        loop {
            let stop = *self.lock();
            while let Some(batch) = queue.take(stop) {
                deliver(batch);
            }
            if stop {
                return;
            }
            let stopped = self.lock();
            if *stopped {
                continue;
            }
            // Woken by a full batch, a stop, or the next batch's time.
            let wait = queue.due().map_or(Duration::from_secs(3600), |due| {
                due.saturating_duration_since(Instant::now())
            });
            if !wait.is_zero() {
                let _ = self.changed.wait_timeout(stopped, wait);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spans::Note;
    use crewtel::sink::SpanIds;
    use std::time::SystemTime;

    fn span(n: u64) -> Span {
        Span {
            name: "Tool Usage",
            ids: SpanIds::new(1, n),
            parent: None,
            start: SystemTime::now(),
            end: SystemTime::now(),
            attributes: Vec::new(),
            dropped_attributes: 0,
            error_type: None,
            note: Note::default(),
            wire: None,
        }
    }

    /// The span ids of each batch delivered, in order.
    type Batches = Arc<Mutex<Vec<Vec<u64>>>>;

    fn recording() -> (Batches, impl Fn(Vec<Span>) + Send + 'static) {
        let batches = Arc::new(Mutex::new(Vec::new()));
        let kept = Arc::clone(&batches);
        let deliver = move |batch: Vec<Span>| {
            let ids = batch.iter().map(|span| span.ids.span_id).collect();
            kept.lock().unwrap().push(ids);
        };
        (batches, deliver)
    }

    #[test]
    fn a_full_batch_goes_before_the_delay_and_the_rest_at_stop_in_order() {
        let (batches, deliver) = recording();
        let batcher = Batcher::start(
            Arc::new(Queue::new(MAX_BATCH, Duration::from_secs(3600))),
            deliver,
        )
        .unwrap();
        for n in 0..(MAX_BATCH as u64 + 10) {
            batcher.push(span(n));
        }
        let deadline = Instant::now() + Duration::from_secs(10);
        while batches.lock().unwrap().is_empty() && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(5));
        }
        assert_eq!(
            batches.lock().unwrap().first().map(Vec::len),
            Some(MAX_BATCH)
        );
        batcher.stop(Duration::from_secs(10));
        let all: Vec<u64> = batches.lock().unwrap().concat();
        assert_eq!(all, (0..MAX_BATCH as u64 + 10).collect::<Vec<_>>());
        assert!(batches.lock().unwrap().iter().all(|b| b.len() <= MAX_BATCH));
    }

    #[test]
    fn a_queue_smaller_than_a_batch_goes_when_it_is_full() {
        let (batches, deliver) = recording();
        let batcher =
            Batcher::start(Arc::new(Queue::new(3, Duration::from_secs(3600))), deliver).unwrap();
        for n in 0..3 {
            batcher.push(span(n));
        }
        let deadline = Instant::now() + Duration::from_secs(10);
        while batches.lock().unwrap().is_empty() && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(5));
        }
        assert_eq!(*batches.lock().unwrap(), [vec![0, 1, 2]]);
        batcher.stop(Duration::from_secs(1));
    }

    #[test]
    fn what_waits_goes_once_the_delay_is_over() {
        let (batches, deliver) = recording();
        let batcher = Batcher::start(
            Arc::new(Queue::new(MAX_BATCH, Duration::from_millis(20))),
            deliver,
        )
        .unwrap();
        batcher.push(span(7));
        let deadline = Instant::now() + Duration::from_secs(10);
        while batches.lock().unwrap().is_empty() && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(5));
        }
        assert_eq!(*batches.lock().unwrap(), [vec![7]]);
        batcher.stop(Duration::from_secs(1));
    }

    #[test]
    fn stop_waits_no_longer_than_its_bound_for_an_end_that_hangs() {
        let batcher = Batcher::start(
            Arc::new(Queue::new(MAX_BATCH, Duration::from_secs(3600))),
            |_| {
                std::thread::sleep(Duration::from_secs(3600));
            },
        )
        .unwrap();
        batcher.push(span(1));
        let started = Instant::now();
        batcher.stop(Duration::from_millis(50));
        assert!(started.elapsed() < Duration::from_secs(5));
    }
}
