//! The batch thread of a pipeline that keeps or sends (local mode, OTLP):
//! spans wait in a queue the pipeline bounds, and go to the end in batches
//! of at most `size` (the queue's bound, at most [`MAX_BATCH`]), when that
//! many wait or `delay` after the last batch; at shutdown what waits goes
//! at once, within the host's bound.

use std::sync::mpsc;
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use crate::spans::Span;

/// The most spans one batch carries.
pub(crate) const MAX_BATCH: usize = 512;

#[derive(Default)]
struct Queue {
    spans: Vec<Span>,
    stop: bool,
}

struct Shared {
    queue: Mutex<Queue>,
    changed: Condvar,
    /// The most spans a batch carries.
    size: usize,
}

/// The queue and its thread.
pub(crate) struct Batcher {
    shared: Arc<Shared>,
    /// Says when the thread has handed over everything, at shutdown.
    done: Mutex<Option<mpsc::Receiver<()>>>,
}

impl Batcher {
    /// Starts the thread, which hands each batch to `deliver`. `None` when
    /// no thread can be started (nothing is then queued).
    pub(crate) fn start(
        delay: Duration,
        size: usize,
        deliver: impl Fn(Vec<Span>) + Send + 'static,
    ) -> Option<Batcher> {
        let shared = Arc::new(Shared {
            queue: Mutex::new(Queue::default()),
            changed: Condvar::new(),
            size: size.clamp(1, MAX_BATCH),
        });
        let (done, finished) = mpsc::channel();
        let running = Arc::clone(&shared);
        std::thread::Builder::new()
            .name("crewtel-batch".into())
            .spawn(move || {
                running.run(delay, deliver);
                let _ = done.send(());
            })
            .ok()?;
        Some(Batcher {
            shared,
            done: Mutex::new(Some(finished)),
        })
    }

    /// Queues `span` (the pipeline has counted it in already).
    pub(crate) fn push(&self, span: Span) {
        let full = {
            let mut queue = self.shared.lock();
            queue.spans.push(span);
            // Once: the thread looks at the length again when it wakes.
            queue.spans.len() == self.shared.size
        };
        if full {
            self.shared.changed.notify_one();
        }
    }

    /// Hands over what waits and stops the thread, waiting for it at most
    /// `bound`.
    pub(crate) fn stop(&self, bound: Duration) {
        self.shared.lock().stop = true;
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
    fn lock(&self) -> std::sync::MutexGuard<'_, Queue> {
        self.queue
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn run(&self, delay: Duration, deliver: impl Fn(Vec<Span>)) {
        let mut due = Instant::now() + delay;
        loop {
            let (batch, stop) = {
                let mut queue = self.lock();
                while !queue.stop && queue.spans.len() < self.size {
                    let now = Instant::now();
                    if now >= due {
                        break;
                    }
                    queue = self
                        .changed
                        .wait_timeout(queue, due - now)
                        .map_or_else(|poisoned| poisoned.into_inner().0, |(queue, _)| queue);
                }
                let take = match queue.stop {
                    true => queue.spans.len(),
                    false => queue.spans.len().min(self.size),
                };
                (queue.spans.drain(..take).collect::<Vec<_>>(), queue.stop)
            };
            due = Instant::now() + delay;
            for chunk in chunks(batch, self.size) {
                deliver(chunk);
            }
            if stop {
                return;
            }
        }
    }
}

/// `batch` in batches of at most `size`, in order.
fn chunks(mut batch: Vec<Span>, size: usize) -> Vec<Vec<Span>> {
    let mut chunks = Vec::new();
    while batch.len() > size {
        let rest = batch.split_off(size);
        chunks.push(std::mem::replace(&mut batch, rest));
    }
    if !batch.is_empty() {
        chunks.push(batch);
    }
    chunks
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
        let batcher = Batcher::start(Duration::from_secs(3600), MAX_BATCH, deliver).unwrap();
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
        let batcher = Batcher::start(Duration::from_secs(3600), 3, deliver).unwrap();
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
        let batcher = Batcher::start(Duration::from_millis(20), MAX_BATCH, deliver).unwrap();
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
        let batcher = Batcher::start(Duration::from_secs(3600), MAX_BATCH, |_| {
            std::thread::sleep(Duration::from_secs(3600));
        })
        .unwrap();
        batcher.push(span(1));
        let started = Instant::now();
        batcher.stop(Duration::from_millis(50));
        assert!(started.elapsed() < Duration::from_secs(5));
    }
}
