//! Where export requests wait for the courier: the outbox on disk when
//! there is one, else (or when a write to it fails: a full or read-only
//! disk) memory, within the same bounds.
//!
//! The last few requests written to disk are also held in memory, so that
//! the courier sends them without reading their files back (it claims the
//! files all the same), and the buffers of sent requests are handed back
//! to the encoder to write the next ones in.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

use super::outbox::{self, Claim, Outbox, Pending, Stored};
use crate::warning::WarningSink;

/// How many requests written to disk are also held in memory.
const HELD: usize = 4;

/// How many buffers of sent requests wait to be written in again.
const SPARE: usize = 2;

/// The largest buffer kept spare: a request's, in the size estimate.
const MAX_SPARE_BYTES: usize = 4 << 20;

/// Requests waiting to be sent.
pub(crate) struct Spool {
    disk: Option<Arc<Outbox>>,
    /// Requests kept in memory, each with when it was kept, oldest first.
    memory: Mutex<VecDeque<(SystemTime, Stored)>>,
    /// The last requests written to disk, by their files' names.
    held: Mutex<VecDeque<(String, Stored)>>,
    /// Buffers of requests sent, for the next ones.
    spare: Mutex<Vec<Vec<u8>>>,
    /// Requests dropped from memory past the bounds.
    overflowed: AtomicU64,
    warned: AtomicBool,
    warn: WarningSink,
}

/// A request taken to be sent: given back with [`Spool::delivered`] or
/// [`Spool::retry`].
pub(crate) struct Taken {
    pub request: Stored,
    /// How many more requests wait behind it (in memory and on disk, of
    /// any process of the host).
    pub behind: usize,
    place: Place,
}

enum Place {
    Disk(Claim),
    Memory(SystemTime),
}

impl Spool {
    pub(crate) fn new(disk: Option<Arc<Outbox>>, warn: WarningSink) -> Spool {
        Spool {
            disk,
            memory: Mutex::new(VecDeque::new()),
            held: Mutex::new(VecDeque::with_capacity(HELD + 1)),
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

    /// Keeps `request` until it is sent: on disk, or, when that fails, in
    /// memory with one warning.
    pub(crate) fn keep(&self, request: Stored) {
        if let Some(disk) = &self.disk {
            match disk.keep(&request) {
                Ok(name) => {
                    if let Ok(mut held) = self.held.lock() {
                        held.push_back((name, request));
                        if held.len() > HELD {
                            // Its file stays: it is read back when taken.
                            held.pop_front();
                        }
                    }
                    return;
                }
                Err(why) => {
                    if !self.warned.swap(true, Ordering::Relaxed) {
                        (self.warn)(&format!(
                            "crewtel: the telemetry outbox cannot be written ({why}); events that cannot be sent now are kept in memory only"
                        ));
                    }
                }
            }
        }
        self.remember(SystemTime::now(), request, false);
    }

    /// The oldest request waiting (memory first: it cannot outlive the
    /// process), taken out until it is given back.
    pub(crate) fn take(&self) -> Option<Taken> {
        let remembered = self
            .memory
            .lock()
            .ok()
            .and_then(|mut m| m.pop_front().map(|first| (first, m.len())));
        if let Some(((kept, request), behind)) = remembered {
            let on_disk = self.disk.as_ref().map_or(0, |d| d.pending().requests);
            return Some(Taken {
                request,
                behind: behind + on_disk,
                place: Place::Memory(kept),
            });
        }
        let held = |name: &str| {
            let mut held = self.held.lock().ok()?;
            let at = held.iter().position(|(held, _)| held == name)?;
            held.remove(at).map(|(_, request)| request)
        };
        let Some((request, claim, behind)) = self.disk.as_ref()?.take_with(held) else {
            // Nothing pending: what is still held went some other way
            // (another process sent it, or the bounds dropped it).
            if let Ok(mut held) = self.held.lock() {
                held.clear();
            }
            return None;
        };
        Some(Taken {
            request,
            behind,
            place: Place::Disk(claim),
        })
    }

    /// The collector took it, or refused it for good: it is gone, and its
    /// buffer is spare.
    pub(crate) fn delivered(&self, taken: Taken) {
        if let Place::Disk(claim) = taken.place {
            claim.delivered();
        }
        if let Ok(mut spare) = self.spare.lock()
            && spare.len() < SPARE
            && taken.request.body.capacity() <= MAX_SPARE_BYTES
        {
            let mut body = taken.request.body;
            body.clear();
            spare.push(body);
        }
    }

    /// A buffer to write the next request in: one of a request sent, or a
    /// new one.
    pub(crate) fn buffer(&self) -> Vec<u8> {
        self.spare
            .lock()
            .ok()
            .and_then(|mut spare| spare.pop())
            .unwrap_or_default()
    }

    /// Not sent now: waiting again, first in line.
    pub(crate) fn retry(&self, taken: Taken) {
        match taken.place {
            Place::Disk(claim) => claim.release(),
            Place::Memory(kept) => self.remember(kept, taken.request, true),
        }
    }

    fn remember(&self, kept: SystemTime, request: Stored, first: bool) {
        let Ok(mut memory) = self.memory.lock() else {
            return;
        };
        if first {
            memory.push_front((kept, request));
        } else {
            memory.push_back((kept, request));
        }
        let bytes = |m: &VecDeque<(SystemTime, Stored)>| -> u64 {
            m.iter().map(|(_, r)| r.body.len() as u64).sum()
        };
        while memory.len() > outbox::MAX_REQUESTS || bytes(&memory) > outbox::MAX_BYTES {
            memory.pop_front();
            self.overflowed.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// What waits, on disk and in memory.
    pub(crate) fn pending(&self) -> Pending {
        let mut pending = self.disk.as_ref().map(|d| d.pending()).unwrap_or_default();
        if let Ok(memory) = self.memory.lock() {
            pending.requests += memory.len();
            if let Some((kept, _)) = memory.front() {
                pending.oldest = Some(pending.oldest.map_or(*kept, |o| o.min(*kept)));
            }
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
        assert_eq!(spool.pending().requests, 1);
        spool.retry(a);
        assert_eq!(spool.pending().requests, 2);
        let again = spool.take().unwrap();
        assert_eq!(
            again.request.body, b"a",
            "a retried request keeps its place"
        );
        spool.delivered(again);
        assert_eq!(spool.take().unwrap().request.body, b"b");
        assert!(spool.take().is_none());
    }

    #[test]
    fn when_the_disk_fails_requests_wait_in_memory_with_one_warning() {
        let dir = std::env::temp_dir().join(format!("crewtel-spool-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let warnings = Arc::new(Mutex::new(Vec::new()));
        let sink = Arc::clone(&warnings);
        let warn: WarningSink =
            Arc::new(move |line: &str| sink.lock().unwrap().push(line.to_owned()));
        let disk = Arc::new(Outbox::open(dir.clone(), Arc::clone(&warn)).unwrap());
        let spool = Spool::new(Some(disk), warn);
        spool.keep(request("on disk"));
        // The folder goes (a full disk fails the same way: the write).
        std::fs::remove_dir_all(&dir).unwrap();
        std::fs::write(&dir, b"").unwrap();
        spool.keep(request("a"));
        spool.keep(request("b"));
        assert_eq!(
            warnings.lock().unwrap().len(),
            1,
            "{:?}",
            warnings.lock().unwrap()
        );
        assert!(warnings.lock().unwrap()[0].contains("memory"));
        assert_eq!(spool.take().unwrap().request.body, b"a");
        assert_eq!(spool.take().unwrap().request.body, b"b");
        assert!(spool.take().is_none());
        let _ = std::fs::remove_file(&dir);
    }

    /// The last requests written are sent from memory (their files are
    /// claimed, not read back), older ones from their files; a sent
    /// request's buffer is handed out for the next.
    #[test]
    fn the_last_requests_written_are_sent_from_memory_and_their_buffers_reused() {
        let dir = std::env::temp_dir().join(format!("crewtel-spool-held-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let disk = Arc::new(Outbox::open(dir.clone(), quiet()).unwrap());
        let spool = Spool::new(Some(disk), quiet());
        for i in 0..=HELD {
            spool.keep(request(&format!("request {i}")));
        }
        // Every file now says something else: what is read back shows it.
        let mut files: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|entry| entry.unwrap().path())
            .collect();
        files.sort();
        for file in &files {
            let mut bytes = std::fs::read(file).unwrap();
            let at = bytes.len() - 1;
            bytes[at] = b'X';
            std::fs::write(file, bytes).unwrap();
        }
        let first = spool.take().unwrap();
        assert_eq!(
            first.request.body, b"request X",
            "no longer held: read back"
        );
        spool.delivered(first);
        for i in 1..=HELD {
            let taken = spool.take().unwrap();
            assert_eq!(taken.request.body, format!("request {i}").as_bytes());
            spool.delivered(taken);
        }
        assert!(spool.take().is_none());
        assert!(
            std::fs::read_dir(&dir).unwrap().next().is_none(),
            "all delivered"
        );
        let buffer = spool.buffer();
        assert!(buffer.is_empty() && buffer.capacity() >= "request 0".len());
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
        spool.delivered(taken);
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
            spool.delivered(taken);
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
