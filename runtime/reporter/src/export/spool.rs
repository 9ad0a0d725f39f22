//! Where export requests wait for the courier: in memory while the
//! courier can send them at once, and in the outbox on disk once it cannot
//! (a failed attempt, a collector's wait, more than a few waiting, the
//! process exiting), so that nothing it could not send yet is lost. When
//! the disk cannot be written (full, read-only) they wait in memory,
//! within the outbox's bounds.
//!
//! A request the courier sends from memory is written to disk too when
//! the process exits before the collector has answered it (the host's
//! thread does that, at the shutdown bound), claimed by this process so
//! that no other sends it meanwhile; the courier deletes the file if the
//! answer comes after all. The buffers of sent requests are handed
//! back to the encoder to write the next ones in.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::SystemTime;

use super::outbox::{self, Claim, Outbox, Pending, Stored};
use crate::warning::WarningSink;

/// How many requests wait in memory, while the courier sends, before the
/// oldest go to disk.
const IN_MEMORY: usize = 4;

/// How many buffers of sent requests wait to be written in again.
const SPARE: usize = 2;

/// The largest buffer kept spare: a request's, in the size estimate.
const MAX_SPARE_BYTES: usize = 4 << 20;

/// Requests waiting to be sent.
pub(crate) struct Spool {
    disk: Option<Arc<Outbox>>,
    /// Requests not on disk, each with when it was made, oldest first.
    memory: Mutex<VecDeque<(SystemTime, Stored)>>,
    /// The request being sent from memory, if one is.
    sending: Mutex<Option<Sending>>,
    /// Whether the courier cannot send now (its last attempt failed, or a
    /// collector asked for quiet): what is kept goes to disk at once.
    held_back: AtomicBool,
    /// Whether the process is exiting: what is kept goes to disk at once,
    /// whatever the courier does.
    closing: AtomicBool,
    /// Buffers of requests sent, for the next ones.
    spare: Mutex<Vec<Vec<u8>>>,
    /// Requests dropped from memory past the bounds.
    overflowed: AtomicU64,
    warned: AtomicBool,
    warn: WarningSink,
}

/// A request being sent from memory.
struct Sending {
    request: Arc<Stored>,
    made: SystemTime,
    /// Its file, once the process exiting wrote one: claimed by this
    /// process, which may still be answered.
    file: Option<Claim>,
}

/// A request taken to be sent: given back with [`Spool::delivered`] or
/// [`Spool::retry`].
pub(crate) struct Taken {
    pub request: Arc<Stored>,
    /// How many more requests wait behind it (in memory and on disk, of
    /// any process of the host).
    pub behind: usize,
    place: Place,
}

enum Place {
    Disk(Claim),
    /// Made at this time.
    Memory(SystemTime),
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl Spool {
    pub(crate) fn new(disk: Option<Arc<Outbox>>, warn: WarningSink) -> Spool {
        Spool {
            disk,
            memory: Mutex::new(VecDeque::with_capacity(IN_MEMORY + 1)),
            sending: Mutex::new(None),
            held_back: AtomicBool::new(false),
            closing: AtomicBool::new(false),
            spare: Mutex::new(Vec::with_capacity(SPARE)),
            overflowed: AtomicU64::new(0),
            warned: AtomicBool::new(false),
            warn,
        }
    }

    /// The outbox on disk, if requests are kept there.
    pub(crate) fn disk(&self) -> Option<&Outbox> {
        self.disk.as_deref()
    }

    /// Keeps `request` until it is sent: in memory while the courier can
    /// send it at once, else on disk.
    pub(crate) fn keep(&self, request: Stored) {
        let mut memory = lock(&self.memory);
        memory.push_back((SystemTime::now(), request));
        let room = match &self.disk {
            Some(_)
                if self.held_back.load(Ordering::Relaxed)
                    || self.closing.load(Ordering::Relaxed) =>
            {
                0
            }
            Some(_) => IN_MEMORY,
            None => usize::MAX,
        };
        self.write_past(&mut memory, room);
        self.keep_memory_bounds(&mut memory);
    }

    /// Writes the oldest requests in `memory` to disk while it holds more
    /// than `room`; what cannot be written stays there, with one warning.
    /// Under memory's lock, so that a request is always in memory, being
    /// sent or on disk, where a spill at exit finds it.
    fn write_past(&self, memory: &mut VecDeque<(SystemTime, Stored)>, room: usize) {
        let Some(disk) = &self.disk else {
            return;
        };
        while memory.len() > room {
            let Some((made, request)) = memory.front() else {
                break;
            };
            match disk.keep_since(request, *made) {
                Ok(_) => {
                    memory.pop_front();
                }
                Err(why) => return self.cannot_write(why),
            }
        }
    }

    /// The disk refused a write: warned about once.
    fn cannot_write(&self, why: std::io::ErrorKind) {
        if !self.warned.swap(true, Ordering::Relaxed) {
            (self.warn)(&format!(
                "crewtel: the telemetry outbox cannot be written ({why}); events that cannot be sent now are kept in memory only"
            ));
        }
    }

    /// Drops the oldest requests in memory while it holds more than the
    /// outbox's bounds.
    fn keep_memory_bounds(&self, memory: &mut VecDeque<(SystemTime, Stored)>) {
        let mut bytes: u64 = memory.iter().map(|(_, r)| r.body.len() as u64).sum();
        while memory.len() > outbox::MAX_REQUESTS || bytes > outbox::MAX_BYTES {
            if let Some((_, dropped)) = memory.pop_front() {
                bytes -= dropped.body.len() as u64;
            }
            self.overflowed.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// Writes to disk what waits in memory, and the request being sent
    /// from memory: the courier cannot send them now, or the process
    /// exits. Without a disk they stay where they are.
    pub(crate) fn spill(&self) {
        let Some(disk) = &self.disk else {
            return;
        };
        // Both locks, memory's first (as `take` and `retry` take them): a
        // request is in memory or being sent, never between the two unseen.
        let mut memory = lock(&self.memory);
        {
            let mut sending = lock(&self.sending);
            if let Some(sending) = sending.as_mut().filter(|s| s.file.is_none()) {
                match disk.keep_claimed(&sending.request, sending.made) {
                    Ok(claim) => sending.file = Some(claim),
                    Err(why) => self.cannot_write(why),
                }
            }
        }
        self.write_past(&mut memory, 0);
    }

    /// The oldest request waiting, taken out until it is given back.
    pub(crate) fn take(&self) -> Option<Taken> {
        let on_disk = self
            .disk
            .as_ref()
            .map(|d| d.pending_lately())
            .unwrap_or_default();
        let mut memory = lock(&self.memory);
        // What another process is sending is not waiting here; with
        // nothing in memory, a claim whose process is gone may be.
        let older_on_disk = match (memory.front(), on_disk.next) {
            (Some((made, _)), Some(next)) => next < *made,
            (Some(_), None) => false,
            (None, _) => on_disk.requests > 0,
        };
        if older_on_disk {
            drop(memory);
            if let Some((request, claim, behind)) = self.disk.as_ref().and_then(|d| d.take_next()) {
                return Some(Taken {
                    request: Arc::new(request),
                    behind: behind + lock(&self.memory).len(),
                    place: Place::Disk(claim),
                });
            }
            // What is on disk is being sent by another process.
            memory = lock(&self.memory);
        }
        let (made, request) = memory.pop_front()?;
        let behind = memory.len() + on_disk.requests;
        let request = Arc::new(request);
        // Before memory's lock goes: see `spill`.
        *lock(&self.sending) = Some(Sending {
            request: Arc::clone(&request),
            made,
            file: None,
        });
        drop(memory);
        Some(Taken {
            request,
            behind,
            place: Place::Memory(made),
        })
    }

    /// The collector took it, or refused it for good: it is gone, and its
    /// buffer is spare. Returns its record lines.
    #[must_use = "a delivered request's lines go to the record"]
    pub(crate) fn delivered(&self, taken: Taken) -> Vec<String> {
        self.held_back.store(false, Ordering::Relaxed);
        match taken.place {
            Place::Disk(claim) => claim.delivered(),
            Place::Memory(_) => {
                if let Some(written) = lock(&self.sending).take().and_then(|s| s.file) {
                    written.delivered();
                }
            }
        }
        let request = match Arc::try_unwrap(taken.request) {
            Ok(request) => request,
            Err(shared) => return shared.lines.clone(),
        };
        let mut spare = lock(&self.spare);
        if spare.len() < SPARE && request.body.capacity() <= MAX_SPARE_BYTES {
            let mut body = request.body;
            body.clear();
            spare.push(body);
        }
        request.lines
    }

    /// A buffer to write the next request in: one of a request sent, or a
    /// new one.
    pub(crate) fn buffer(&self) -> Vec<u8> {
        lock(&self.spare).pop().unwrap_or_default()
    }

    /// Not sent now: waiting again, first in line, and on disk with what
    /// else waits (the courier cannot send for a while).
    pub(crate) fn retry(&self, taken: Taken) {
        self.held_back.store(true, Ordering::Relaxed);
        match taken.place {
            Place::Disk(claim) => claim.release(),
            Place::Memory(made) => {
                // Back in memory before the slot empties (see `spill`).
                let mut memory = lock(&self.memory);
                let written = lock(&self.sending).take().and_then(|s| s.file);
                match written {
                    Some(claim) => claim.release(),
                    None => {
                        let request = Arc::try_unwrap(taken.request)
                            .unwrap_or_else(|shared| Stored::clone(&shared));
                        memory.push_front((made, request));
                    }
                }
            }
        }
        self.spill();
    }

    /// The process exits: what waits goes to disk, and so does whatever
    /// the courier still keeps (a batch it was writing, a request it
    /// could not send).
    pub(crate) fn close(&self) {
        self.closing.store(true, Ordering::Relaxed);
        self.spill();
    }

    /// The courier cannot send for a while (a collector asked for quiet):
    /// what is kept goes to disk.
    pub(crate) fn hold_back(&self) {
        self.held_back.store(true, Ordering::Relaxed);
        self.spill();
    }

    /// What waits, on disk and in memory, the request being sent
    /// included.
    pub(crate) fn pending(&self) -> Pending {
        // Both locks, as `spill` takes them, over the folder's listing: a
        // request moving between the three is counted once.
        let memory = lock(&self.memory);
        let sending = lock(&self.sending);
        let mut pending = self.disk.as_ref().map(|d| d.pending()).unwrap_or_default();
        let mut count = |made: SystemTime| {
            pending.requests += 1;
            pending.oldest = Some(pending.oldest.map_or(made, |o| o.min(made)));
        };
        if let Some(sending) = sending.as_ref().filter(|s| s.file.is_none()) {
            count(sending.made);
        }
        for (made, _) in memory.iter() {
            count(*made);
        }
        pending
    }

    /// Requests dropped past the bounds, on disk or in memory.
    pub(crate) fn overflowed(&self) -> u64 {
        let disk = self.disk.as_ref().map_or(0, |d| d.overflowed());
        disk + self.overflowed.load(Ordering::Relaxed)
    }

    /// Files set aside as damaged.
    pub(crate) fn damaged(&self) -> u64 {
        self.disk.as_ref().map_or(0, |d| d.damaged())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(body: &str) -> Stored {
        Stored {
            content_type: "application/x-protobuf".into(),
            content_encoding: None,
            body: body.as_bytes().to_vec(),
            lines: Vec::new(),
        }
    }

    fn quiet() -> WarningSink {
        Arc::new(|_: &str| {})
    }

    #[test]
    fn without_a_disk_requests_wait_in_memory_in_order_and_a_retry_goes_first() {
        let spool = Spool::new(None, quiet());
        spool.keep(request("a"));
        spool.keep(request("b"));
        let a = spool.take().unwrap();
        assert_eq!(a.request.body, b"a");
        assert_eq!(spool.pending().requests, 2, "the one being sent counts");
        spool.retry(a);
        assert_eq!(spool.pending().requests, 2);
        let again = spool.take().unwrap();
        assert_eq!(
            again.request.body, b"a",
            "a retried request keeps its place"
        );
        let _ = spool.delivered(again);
        assert_eq!(spool.take().unwrap().request.body, b"b");
        assert!(spool.take().is_none());
    }

    fn scratch(name: &str) -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("crewtel-spool-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        dir
    }

    fn files(dir: &std::path::Path) -> usize {
        std::fs::read_dir(dir).map_or(0, Iterator::count)
    }

    fn on_disk(name: &str) -> (Spool, std::path::PathBuf) {
        let dir = scratch(name);
        let disk = Arc::new(Outbox::open(dir.clone(), quiet()).unwrap());
        (Spool::new(Some(disk), quiet()), dir)
    }

    #[test]
    fn when_the_disk_fails_requests_wait_in_memory_with_one_warning() {
        let dir = scratch("fails");
        let warnings = Arc::new(Mutex::new(Vec::new()));
        let sink = Arc::clone(&warnings);
        let warn: WarningSink =
            Arc::new(move |line: &str| sink.lock().unwrap().push(line.to_owned()));
        let disk = Arc::new(Outbox::open(dir.clone(), Arc::clone(&warn)).unwrap());
        let spool = Spool::new(Some(disk), warn);
        // The folder goes (a full disk fails the same way: the write).
        std::fs::remove_dir_all(&dir).unwrap();
        std::fs::write(&dir, b"").unwrap();
        for i in 0..IN_MEMORY + 3 {
            spool.keep(request(&i.to_string()));
        }
        spool.spill();
        assert_eq!(
            warnings.lock().unwrap().len(),
            1,
            "{:?}",
            warnings.lock().unwrap()
        );
        assert!(warnings.lock().unwrap()[0].contains("memory"));
        for i in 0..IN_MEMORY + 3 {
            assert_eq!(spool.take().unwrap().request.body, i.to_string().as_bytes());
        }
        assert!(spool.take().is_none());
        let _ = std::fs::remove_file(&dir);
    }

    /// While the courier sends, the last requests wait in memory, no file
    /// written; past a few the oldest go to disk, and are sent first; a
    /// sent request's buffer is handed out for the next.
    #[test]
    fn a_few_requests_wait_in_memory_more_on_disk_and_the_oldest_go_first() {
        let (spool, dir) = on_disk("few");
        for i in 0..IN_MEMORY {
            spool.keep(request(&format!("request {i}")));
        }
        assert_eq!(files(&dir), 0, "nothing written while few wait");
        spool.keep(request(&format!("request {IN_MEMORY}")));
        assert_eq!(files(&dir), 1, "the oldest written");
        assert_eq!(spool.pending().requests, IN_MEMORY + 1);
        for i in 0..=IN_MEMORY {
            let taken = spool.take().unwrap();
            assert_eq!(taken.request.body, format!("request {i}").as_bytes());
            assert_eq!(taken.behind, IN_MEMORY - i);
            let _ = spool.delivered(taken);
        }
        assert!(spool.take().is_none());
        assert_eq!(files(&dir), 0, "all delivered");
        let buffer = spool.buffer();
        assert!(buffer.is_empty() && buffer.capacity() >= "request 0".len());
        let _ = std::fs::remove_dir_all(&dir);
    }

    /// A failed attempt writes the request and what waits behind it to
    /// disk, and so is every request kept until one is delivered.
    #[test]
    fn a_failed_attempt_puts_what_waits_on_disk_until_one_is_delivered() {
        let (spool, dir) = on_disk("retry");
        spool.keep(request("a"));
        spool.keep(request("b"));
        let a = spool.take().unwrap();
        spool.retry(a);
        assert_eq!(files(&dir), 2, "both written");
        spool.keep(request("c"));
        assert_eq!(files(&dir), 3, "written at once while held back");
        let again = spool.take().unwrap();
        assert_eq!(
            again.request.body, b"a",
            "a retried request keeps its place"
        );
        let _ = spool.delivered(again);
        spool.keep(request("d"));
        assert_eq!(files(&dir), 2, "d waits in memory again");
        let order: Vec<Vec<u8>> = std::iter::from_fn(|| {
            let taken = spool.take()?;
            let body = taken.request.body.clone();
            let _ = spool.delivered(taken);
            Some(body)
        })
        .collect();
        assert_eq!(order, [b"b", b"c", b"d"]);
        assert_eq!(files(&dir), 0);
        let _ = std::fs::remove_dir_all(&dir);
    }

    /// At exit, what waits in memory and the request being sent go to
    /// disk; an answer that comes after all deletes the sent one's file.
    #[test]
    fn a_spill_writes_what_waits_and_what_is_sent_and_a_late_answer_forgets_it() {
        let (spool, dir) = on_disk("spill");
        spool.keep(request("sending"));
        spool.keep(request("waiting"));
        let sending = spool.take().unwrap();
        assert_eq!(spool.pending().requests, 2, "the one being sent counts");
        spool.spill();
        assert_eq!(files(&dir), 2);
        assert_eq!(spool.pending().requests, 2, "each counted once");
        let _ = spool.delivered(sending);
        assert_eq!(files(&dir), 1, "the one delivered is forgotten");
        let left = spool.take().unwrap();
        assert_eq!(left.request.body, b"waiting");
        spool.retry(left);
        assert_eq!(files(&dir), 1);
        let _ = std::fs::remove_dir_all(&dir);

        // The request being sent, not answered: its file stays, once.
        let (spool, dir) = on_disk("spill-unanswered");
        spool.keep(request("sending"));
        let sending = spool.take().unwrap();
        spool.spill();
        spool.retry(sending);
        assert_eq!(files(&dir), 1);
        let _ = std::fs::remove_dir_all(&dir);
    }

    /// The request being sent, written at exit, is this process's claim:
    /// another process does not send it while this one may still be
    /// answered, and may once its claim is let go (or the process gone).
    #[test]
    fn the_request_being_sent_is_written_claimed_at_exit() {
        let (spool, dir) = on_disk("claimed");
        spool.keep(request("sending"));
        let sending = spool.take().unwrap();
        spool.spill();
        let other = Outbox::open(dir.clone(), quiet()).unwrap();
        assert!(other.take().is_none(), "claimed: not another's to send");
        spool.retry(sending);
        let (released, claim) = other.take().unwrap();
        assert_eq!(released.body, b"sending");
        claim.delivered();
        assert_eq!(files(&dir), 0);
        let _ = std::fs::remove_dir_all(&dir);
    }

    /// Once the process exits, what the courier still keeps (a batch it
    /// was writing when the spill came) goes to disk at once, even after a
    /// delivery.
    #[test]
    fn once_closed_every_request_kept_is_written() {
        let (spool, dir) = on_disk("closed");
        spool.keep(request("before"));
        spool.close();
        assert_eq!(files(&dir), 1);
        spool.keep(request("after"));
        assert_eq!(files(&dir), 2, "written at once");
        let taken = spool.take().unwrap();
        let _ = spool.delivered(taken);
        spool.keep(request("later still"));
        assert_eq!(files(&dir), 2, "one delivered, one more written");
        let _ = std::fs::remove_dir_all(&dir);
    }

    /// A buffer larger than a request's size is not kept spare: an idle
    /// process holds no more than [`SPARE`] of them.
    #[test]
    fn only_a_request_sized_buffer_is_kept_spare() {
        let spool = Spool::new(None, quiet());
        let mut large = request("large");
        large.body.reserve(MAX_SPARE_BYTES + 1);
        spool.keep(large);
        let taken = spool.take().unwrap();
        let _ = spool.delivered(taken);
        assert_eq!(
            spool.buffer().capacity(),
            0,
            "a new buffer, not the large one"
        );
        for _ in 0..SPARE + 2 {
            spool.keep(request("small"));
        }
        for _ in 0..SPARE + 2 {
            let taken = spool.take().unwrap();
            let _ = spool.delivered(taken);
        }
        assert_eq!(spool.spare.lock().unwrap().len(), SPARE);
    }

    #[test]
    fn memory_keeps_the_outboxs_bounds() {
        let spool = Spool::new(None, quiet());
        for i in 0..outbox::MAX_REQUESTS + 2 {
            spool.keep(request(&i.to_string()));
        }
        assert_eq!(spool.pending().requests, outbox::MAX_REQUESTS);
        assert_eq!(spool.overflowed(), 2);
        assert_eq!(spool.take().unwrap().request.body, b"2", "the oldest went");
    }
}
