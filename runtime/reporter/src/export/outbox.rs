//! The outbox: export requests kept on disk until a collector takes them,
//! so that what could not be sent yet is not lost.
//!
//! Each request the courier cannot send at once (`spool` decides) is
//! written as a file of its own, *pending*. A process sends one by *claiming* it (a lock on the
//! file, then a rename to a name that carries its process id: only one
//! process can win both), so that several processes on one data directory
//! never send the same request twice; it is deleted when the collector accepts it (or
//! refuses it for good), and released to the pending ones when it could not
//! be sent now. A claim whose process is gone (a crash, an exit while the
//! collector hung) is pending again: the system dropped its lock. The bytes are kept exactly as they were
//! built, so every attempt carries the same trace and span ids.
//!
//! Files are the user's alone (0600 in a folder of 0700); a file that is not
//! a request crewtel wrote is set aside (renamed `.damaged`) with one
//! warning, never sent; past the bounds the oldest pending requests are
//! dropped and counted. A collector's `Retry-After` is kept here too
//! (`quiet-until`), so that the next process waits as well.

use std::fs::{self, File};
use std::hash::{BuildHasher, RandomState};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use crate::local::{write_private, write_private_locked};
use crate::warning::WarningSink;

/// The outbox's folder, in the host's data folder.
pub(crate) const OUTBOX_DIR: &str = "outbox";

/// The most bytes the outbox holds, all requests together.
pub(crate) const MAX_BYTES: u64 = 32 << 20;
/// The most requests it holds.
pub(crate) const MAX_REQUESTS: usize = 500;
/// The largest request file read back.
const MAX_REQUEST_BYTES: u64 = 8 << 20;

const MAGIC: &str = "crewtel-outbox 1";
/// When a collector asked for quiet until: seconds since 1970.
const QUIET_FILE: &str = "quiet-until";
/// The longest quiet a collector can ask for (as `Retry-After` is capped).
const MAX_QUIET: std::time::Duration = std::time::Duration::from_secs(3600);
/// How long a file set aside is kept, for a person to look at.
const DAMAGED_KEPT: std::time::Duration = std::time::Duration::from_secs(7 * 24 * 3600);
const PENDING: &str = "otlp";
const CLAIMED: &str = "sending";

/// A request as it is sent: its body and the headers that describe it, and
/// the lines its events add to the local record once it is delivered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Stored {
    pub content_type: String,
    pub content_encoding: Option<String>,
    pub body: Vec<u8>,
    /// One JSON object per event, without a line break.
    pub lines: Vec<String>,
}

/// What waits to be sent.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Pending {
    /// Requests kept, claimed ones included.
    pub requests: usize,
    /// When the oldest was kept.
    pub oldest: Option<SystemTime>,
    /// When the oldest no process is sending was kept: the next to take.
    pub next: Option<SystemTime>,
}

/// The outbox of one host's reporter.
pub(crate) struct Outbox {
    dir: PathBuf,
    pid: u32,
    random: RandomState,
    counter: AtomicU64,
    /// Dropped past the bounds.
    overflowed: AtomicU64,
    /// Set aside as damaged or foreign.
    damaged: AtomicU64,
    warned_damaged: AtomicBool,
    warn: WarningSink,
    /// What is pending and until when it is quiet, as read lately.
    lately_pending: Lately<Pending>,
    lately_quiet: Lately<Option<SystemTime>>,
}

/// How long what was read of the folder is taken as still true by the
/// courier, which asks before every request: another process's change is
/// seen that much later, this process's own at once.
const LATELY: std::time::Duration = std::time::Duration::from_secs(1);

/// A value read from the folder, kept for [`LATELY`].
struct Lately<T>(Mutex<Option<(Instant, T)>>);

impl<T: Copy> Lately<T> {
    fn new() -> Lately<T> {
        Lately(Mutex::new(None))
    }

    fn get(&self, read: impl FnOnce() -> T) -> T {
        let mut kept = self.0.lock().unwrap_or_else(|p| p.into_inner());
        match *kept {
            Some((at, value)) if at.elapsed() < LATELY => value,
            _ => {
                let value = read();
                *kept = Some((Instant::now(), value));
                value
            }
        }
    }

    fn reset(&self) {
        *self.0.lock().unwrap_or_else(|p| p.into_inner()) = None;
    }
}

/// A request this process has claimed: deleted when delivered, pending
/// again when released (or when this process is gone).
#[derive(Debug)]
pub(crate) struct Claim {
    path: PathBuf,
    /// The file, locked while it is claimed.
    _lock: File,
}

impl Outbox {
    /// The outbox in `dir`, created private if need be; why not, when it
    /// cannot be (the caller warns once and keeps requests in memory only).
    pub(crate) fn open(dir: PathBuf, warn: WarningSink) -> Result<Outbox, crate::local::Refused> {
        crate::local::private_dir(&dir)?;
        Ok(Outbox {
            dir,
            pid: std::process::id(),
            random: RandomState::new(),
            counter: AtomicU64::new(0),
            overflowed: AtomicU64::new(0),
            damaged: AtomicU64::new(0),
            warned_damaged: AtomicBool::new(false),
            warn,
            lately_pending: Lately::new(),
            lately_quiet: Lately::new(),
        })
    }

    /// Requests dropped past the bounds.
    pub(crate) fn overflowed(&self) -> u64 {
        self.overflowed.load(Ordering::Relaxed)
    }

    /// Files set aside because they were damaged or not crewtel's.
    pub(crate) fn damaged(&self) -> u64 {
        self.damaged.load(Ordering::Relaxed)
    }

    /// Writes `request`, pending, for any process to send; the oldest
    /// pending requests are dropped (and counted) to keep the bounds.
    #[cfg(test)]
    pub(crate) fn keep(&self, request: &Stored) -> Result<(), std::io::ErrorKind> {
        self.keep_since(request, SystemTime::now())
    }

    /// [`keep`](Self::keep) for a request made at `since`: its name says
    /// so, which puts it in its place among the pending ones (the oldest
    /// go first) and ages it from then.
    pub(crate) fn keep_since(
        &self,
        request: &Stored,
        since: SystemTime,
    ) -> Result<(), std::io::ErrorKind> {
        self.write(request, since, false).map(drop)
    }

    /// [`keep_since`](Self::keep_since) for a request this process is
    /// sending: claimed as it is written (locked before it takes its
    /// name), so that no other process sends it while this one may still
    /// be answered; pending for any when this process is gone.
    pub(crate) fn keep_claimed(
        &self,
        request: &Stored,
        since: SystemTime,
    ) -> Result<Claim, std::io::ErrorKind> {
        self.write(request, since, true)
            .map(|(path, lock)| Claim { path, _lock: lock })
    }

    /// Writes `request` made at `since`, pending or `claimed` by this
    /// process (its file then locked, and returned open to keep it so),
    /// then keeps the bounds.
    fn write(
        &self,
        request: &Stored,
        since: SystemTime,
        claimed: bool,
    ) -> Result<(PathBuf, File), std::io::ErrorKind> {
        let base = self.new_name(since);
        let tmp = self.dir.join(format!(".tmp-{base}"));
        let name = match claimed {
            true => format!("{base}.{PENDING}.{}.{CLAIMED}", self.pid),
            false => format!("{base}.{PENDING}"),
        };
        let path = self.dir.join(name);
        let parts: [&[u8]; 2] = [&head(request), &request.body];
        let file = write_private_locked(&tmp, &path, &parts, claimed).map_err(|e| e.kind())?;
        self.lately_pending.reset();
        self.keep_bounds();
        Ok((path, file))
    }

    /// The oldest pending request, claimed by this process; `None` when
    /// none is pending (a damaged one is set aside on the way).
    ///
    /// A claim is a lock held on the file (`flock`, which the system drops
    /// when the process ends, however it ends) and a rename that says so:
    /// the lock is taken before the rename, so a process that finds a
    /// claimed file it can lock knows its claimer is gone.
    #[cfg(test)]
    pub(crate) fn take(&self) -> Option<(Stored, Claim)> {
        self.take_next().map(|(stored, claim, _)| (stored, claim))
    }

    /// [`take`](Self::take), and how many more requests were pending.
    pub(crate) fn take_next(&self) -> Option<(Stored, Claim, usize)> {
        let names = self.pending_names();
        let waiting = names.len();
        for (at, name) in names.into_iter().enumerate() {
            let from = self.dir.join(&name);
            let Ok(mut file) = File::open(&from) else {
                continue; // another process took it
            };
            if file.try_lock().is_err() {
                continue; // another process is taking it
            }
            let claimed = self.dir.join(format!("{name}.{}.{CLAIMED}", self.pid));
            if fs::rename(&from, &claimed).is_err() {
                continue; // another process took it and let it go
            }
            self.lately_pending.reset();
            let request = read_request(&mut file).and_then(decode);
            let claim = Claim {
                path: claimed,
                _lock: file,
            };
            match request {
                Some(request) => return Some((request, claim, waiting - at - 1)),
                None => self.set_aside(&claim.path, &name),
            }
        }
        // Nothing to take: what was read lately (claims since delivered,
        // requests dropped past the bounds) is read again.
        self.lately_pending.reset();
        None
    }

    /// What waits, by the names of the files (nothing is read or moved).
    pub(crate) fn pending(&self) -> Pending {
        pending_in(&self.dir)
    }

    /// [`pending`](Self::pending), as read within the last second.
    pub(crate) fn pending_lately(&self) -> Pending {
        self.lately_pending.get(|| self.pending())
    }

    /// [`quiet_until`](Self::quiet_until), as read within the last second.
    pub(crate) fn quiet_until_lately(&self) -> Option<SystemTime> {
        self.lately_quiet
            .get(|| self.quiet_until())
            .filter(|until| *until > SystemTime::now())
    }

    /// Until when a collector asked (any process of this host) not to be
    /// sent anything, if that is still ahead (at most an hour: a damaged
    /// file, or one written by a clock that was wrong, is removed).
    pub(crate) fn quiet_until(&self) -> Option<SystemTime> {
        let path = self.dir.join(QUIET_FILE);
        let text = fs::read_to_string(&path).ok()?;
        let now = SystemTime::now();
        let until = text
            .trim()
            .parse()
            .ok()
            .and_then(|seconds| UNIX_EPOCH.checked_add(std::time::Duration::from_secs(seconds)))
            // A second of slack: the kept time is rounded up.
            .filter(|until| *until <= now + MAX_QUIET + std::time::Duration::from_secs(1));
        match until {
            Some(until) => (until > now).then_some(until),
            None => {
                let _ = fs::remove_file(&path);
                None
            }
        }
    }

    /// Keeps a collector's request for quiet until `until` (at most an
    /// hour ahead), for every process of this host; a longer wait already
    /// kept stays.
    pub(crate) fn ask_quiet_until(&self, until: SystemTime) {
        let until = until.min(SystemTime::now() + MAX_QUIET);
        if self.quiet_until().is_some_and(|kept| kept >= until) {
            return;
        }
        // Rounded up: nobody retries before the collector's time.
        let seconds = until
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs() + u64::from(d.subsec_nanos() > 0));
        self.lately_quiet.reset();
        let tmp = self
            .dir
            .join(format!(".tmp-{}", self.new_name(SystemTime::now())));
        let _ = write_private(
            &tmp,
            &self.dir.join(QUIET_FILE),
            seconds.to_string().as_bytes(),
        );
    }

    /// Names of pending requests, oldest first; claims of processes that are
    /// gone are released first, and leftovers of interrupted writes removed.
    fn pending_names(&self) -> Vec<String> {
        let Ok(entries) = fs::read_dir(&self.dir) else {
            return Vec::new();
        };
        let mut pending = Vec::new();
        for entry in entries.flatten() {
            let Ok(name) = entry.file_name().into_string() else {
                continue;
            };
            if name.ends_with(&format!(".{PENDING}")) {
                pending.push(name);
            } else if let Some(base) = claimed_base(&name) {
                // Locked: its claimer is sending it. Lockable: it is gone.
                let stale = File::open(entry.path()).is_ok_and(|file| file.try_lock().is_ok());
                if stale && fs::rename(entry.path(), self.dir.join(base)).is_ok() {
                    pending.push(base.to_owned());
                }
            } else if (name.starts_with(".tmp-") && older_than(&entry.path(), ONE_HOUR))
                || (name.ends_with(".damaged") && older_than(&entry.path(), DAMAGED_KEPT))
            {
                // An interrupted write's leftover, or a file set aside long
                // enough ago.
                let _ = fs::remove_file(entry.path());
            } else if !name.ends_with(".damaged")
                && !name.ends_with(&format!(".{CLAIMED}"))
                && !name.starts_with(".tmp-")
                && name != QUIET_FILE
            {
                // A file crewtel did not write.
                self.set_aside(&entry.path(), &name);
            }
        }
        pending.sort();
        pending
    }

    /// Drops the oldest pending requests while the outbox is past a bound.
    fn keep_bounds(&self) {
        let Ok(entries) = fs::read_dir(&self.dir) else {
            return;
        };
        let mut files: Vec<(String, u64)> = entries
            .flatten()
            .filter_map(|entry| {
                let name = entry.file_name().into_string().ok()?;
                let size = entry.metadata().ok()?.len();
                (name.ends_with(&format!(".{PENDING}")) || name.ends_with(&format!(".{CLAIMED}")))
                    .then_some((name, size))
            })
            .collect();
        files.sort();
        let mut bytes: u64 = files.iter().map(|(_, size)| size).sum();
        let mut count = files.len();
        for (name, size) in &files {
            if bytes <= MAX_BYTES && count <= MAX_REQUESTS {
                break;
            }
            // Only pending ones: a claimed request is being sent.
            if name.ends_with(&format!(".{PENDING}"))
                && fs::remove_file(self.dir.join(name)).is_ok()
            {
                self.overflowed.fetch_add(1, Ordering::Relaxed);
                bytes -= size;
                count -= 1;
            }
        }
    }

    /// Renames the file at `path` (once named `name`) to `<name>.damaged`.
    fn set_aside(&self, path: &Path, name: &str) {
        let _ = fs::rename(path, self.dir.join(format!("{name}.damaged")));
        self.damaged.fetch_add(1, Ordering::Relaxed);
        if !self.warned_damaged.swap(true, Ordering::Relaxed) {
            (self.warn)(
                "crewtel: a file in the telemetry outbox is not a request crewtel wrote, or is damaged; it was set aside (renamed `.damaged`) and is never sent",
            );
        }
    }

    /// `<nanoseconds since 1970 at `since`, 20 digits>-<random>`: sorted
    /// by name, the oldest first; unique across processes.
    fn new_name(&self, since: SystemTime) -> String {
        let nanos = since
            .duration_since(UNIX_EPOCH)
            .map_or(0, |since| since.as_nanos());
        let n = self.counter.fetch_add(1, Ordering::Relaxed);
        let random = self.random.hash_one((n, self.pid));
        format!("{nanos:020}-{random:016x}")
    }
}

impl Claim {
    /// The collector took it (or refused it for good): it is gone.
    pub(crate) fn delivered(self) {
        let _ = fs::remove_file(&self.path);
    }

    /// Not sent now: pending again, for a later attempt (by any process).
    pub(crate) fn release(self) {
        let name = self
            .path
            .file_name()
            .and_then(|n| n.to_str())
            .and_then(|name| {
                let base = name.strip_suffix(&format!(".{CLAIMED}"))?;
                Some(base.rsplit_once('.')?.0.to_owned())
            });
        if let (Some(name), Some(dir)) = (name, self.path.parent()) {
            let _ = fs::rename(&self.path, dir.join(name));
        }
    }
}

/// What waits in the outbox at `dir`, by the names of its files (nothing is
/// read, moved or created).
pub(crate) fn pending_in(dir: &Path) -> Pending {
    let Ok(entries) = fs::read_dir(dir) else {
        return Pending::default();
    };
    let mut pending = Pending::default();
    let (pending_suffix, claimed_suffix) = (format!(".{PENDING}"), format!(".{CLAIMED}"));
    for entry in entries.flatten() {
        let Ok(name) = entry.file_name().into_string() else {
            continue;
        };
        let waiting = name.ends_with(&pending_suffix);
        if !waiting && !name.ends_with(&claimed_suffix) {
            continue;
        }
        pending.requests += 1;
        let kept = name
            .split('-')
            .next()
            .and_then(|nanos| nanos.parse::<u64>().ok())
            .map(|nanos| UNIX_EPOCH + std::time::Duration::from_nanos(nanos));
        if let Some(kept) = kept {
            let earlier = |at: Option<SystemTime>| Some(at.map_or(kept, |at| at.min(kept)));
            pending.oldest = earlier(pending.oldest);
            if waiting {
                pending.next = earlier(pending.next);
            }
        }
    }
    pending
}

/// For a claimed request's name, `<base>.<pid>.sending`: `<base>`.
fn claimed_base(name: &str) -> Option<&str> {
    let rest = name.strip_suffix(&format!(".{CLAIMED}"))?;
    let (base, pid) = rest.rsplit_once('.')?;
    pid.parse::<u32>().ok()?;
    Some(base)
}

const ONE_HOUR: std::time::Duration = std::time::Duration::from_secs(3600);

fn older_than(path: &Path, age: std::time::Duration) -> bool {
    fs::metadata(path)
        .and_then(|meta| meta.modified())
        .ok()
        .and_then(|modified| modified.elapsed().ok())
        .is_some_and(|elapsed| elapsed > age)
}

/// What a request's file holds before its body: the magic line, the
/// headers, the record lines, and an empty line.
fn head(request: &Stored) -> Vec<u8> {
    let mut out = format!("{MAGIC}\ncontent-type: {}\n", request.content_type).into_bytes();
    if let Some(encoding) = &request.content_encoding {
        out.extend_from_slice(format!("content-encoding: {encoding}\n").as_bytes());
    }
    for line in &request.lines {
        out.extend_from_slice(format!("record: {line}\n").as_bytes());
    }
    out.push(b'\n');
    out
}

/// The request in `bytes` (a file's, the body moved to the front in
/// place), or `None` when they are not one crewtel wrote.
fn decode(mut bytes: Vec<u8>) -> Option<Stored> {
    let end = bytes.windows(2).position(|w| w == b"\n\n")?;
    let head = std::str::from_utf8(&bytes[..end]).ok()?;
    let mut lines = head.lines();
    if lines.next()? != MAGIC {
        return None;
    }
    let mut content_type = None;
    let mut content_encoding = None;
    let mut record = Vec::new();
    for line in lines {
        match line.split_once(": ")? {
            ("content-type", value) => content_type = Some(value.to_owned()),
            ("content-encoding", value) => content_encoding = Some(value.to_owned()),
            ("record", value) => record.push(value.to_owned()),
            _ => return None,
        }
    }
    let content_type = content_type.filter(|t| t.starts_with("application/"))?;
    bytes.drain(..end + 2);
    Some(Stored {
        content_type,
        content_encoding,
        body: bytes,
        lines: record,
    })
}

/// The bytes of a request file; `None` when it cannot be read or is larger
/// than any request crewtel writes (a cut request is never sent).
fn read_request(file: &mut File) -> Option<Vec<u8>> {
    let mut bytes = Vec::new();
    file.take(MAX_REQUEST_BYTES + 1)
        .read_to_end(&mut bytes)
        .ok()?;
    (bytes.len() as u64 <= MAX_REQUEST_BYTES).then_some(bytes)
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("crewtel-outbox-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        dir
    }

    fn outbox(dir: &Path) -> (Outbox, Arc<Mutex<Vec<String>>>) {
        let lines = Arc::new(Mutex::new(Vec::new()));
        let sink = Arc::clone(&lines);
        let warn: WarningSink =
            Arc::new(move |line: &str| sink.lock().unwrap().push(line.to_owned()));
        (Outbox::open(dir.to_owned(), warn).unwrap(), lines)
    }

    /// A request's file, as `keep` writes it.
    fn encode(request: &Stored) -> Vec<u8> {
        [head(request), request.body.clone()].concat()
    }

    fn request(body: &[u8]) -> Stored {
        Stored {
            content_type: "application/x-protobuf".into(),
            content_encoding: Some("gzip".into()),
            body: body.to_vec(),
            lines: vec![r#"{"name":"Tool Usage"}"#.into()],
        }
    }

    /// The bodies pending, oldest first (each taken and released).
    fn pending(outbox: &Outbox) -> Vec<Vec<u8>> {
        let mut claims = Vec::new();
        while let Some((request, claim)) = outbox.take() {
            claims.push((request.body, claim));
        }
        claims
            .into_iter()
            .map(|(body, claim)| {
                claim.release();
                body
            })
            .collect()
    }

    #[test]
    fn a_released_request_is_pending_with_its_exact_bytes_and_a_delivered_one_is_gone() {
        let dir = scratch("release");
        let (outbox, _) = outbox(&dir);
        outbox.keep(&request(b"first\n\nbytes")).unwrap();
        outbox.keep(&request(b"second")).unwrap();
        outbox.keep(&request(b"third")).unwrap();
        let (first, claim) = outbox.take().unwrap();
        assert_eq!(first, request(b"first\n\nbytes"), "oldest first, exact");
        let (second, delivered) = outbox.take().unwrap();
        assert_eq!(second.body, b"second");
        delivered.delivered();
        assert_eq!(
            pending(&outbox),
            [b"third".to_vec()],
            "a claim is not pending"
        );
        claim.release();
        assert_eq!(
            pending(&outbox),
            [b"first\n\nbytes".to_vec(), b"third".to_vec()]
        );
        assert_eq!(outbox.pending().requests, 2);
    }

    #[test]
    fn what_is_pending_is_counted_with_the_age_of_the_oldest() {
        let dir = scratch("count");
        let (outbox, _) = outbox(&dir);
        assert_eq!(outbox.pending(), Pending::default());
        let before = SystemTime::now();
        outbox.keep(&request(b"a")).unwrap();
        outbox.keep(&request(b"b")).unwrap();
        let (_, claim) = outbox.take().unwrap();
        let pending = outbox.pending();
        assert_eq!(pending.requests, 2, "a claimed request still waits");
        let oldest = pending.oldest.unwrap();
        assert!(
            oldest >= before - std::time::Duration::from_secs(1) && oldest <= SystemTime::now()
        );
        claim.delivered();
        assert_eq!(outbox.pending().requests, 1);
    }

    #[test]
    fn a_request_for_quiet_is_kept_for_every_process_until_it_passes() {
        let dir = scratch("quiet");
        let (outbox, _) = outbox(&dir);
        assert_eq!(outbox.quiet_until(), None);
        let until = SystemTime::now() + std::time::Duration::from_secs(60);
        outbox.ask_quiet_until(until);
        let (other, warnings) = self::outbox(&dir);
        let read = other.quiet_until().unwrap();
        assert!(
            read >= until && read <= until + std::time::Duration::from_secs(1),
            "rounded up"
        );
        let passed = SystemTime::now() - std::time::Duration::from_secs(1);
        let seconds = passed.duration_since(UNIX_EPOCH).unwrap().as_secs();
        fs::write(dir.join(QUIET_FILE), seconds.to_string()).unwrap();
        assert_eq!(other.quiet_until(), None, "a wait that has passed");
        outbox.keep(&request(b"a")).unwrap();
        assert_eq!(pending(&other).len(), 1);
        assert!(
            warnings.lock().unwrap().is_empty(),
            "the file is crewtel's own"
        );
    }

    #[test]
    fn a_foreign_or_damaged_file_is_set_aside_with_one_warning_and_never_taken() {
        let dir = scratch("damaged");
        let (outbox, warnings) = outbox(&dir);
        fs::write(dir.join("00000000000000000001-x.otlp"), b"not a request").unwrap();
        fs::write(dir.join("notes.txt"), b"the user's own file").unwrap();
        outbox.keep(&request(b"good")).unwrap();
        assert_eq!(pending(&outbox), [b"good".to_vec()]);
        assert_eq!(
            warnings.lock().unwrap().len(),
            1,
            "{:?}",
            warnings.lock().unwrap()
        );
        assert!(dir.join("00000000000000000001-x.otlp.damaged").exists());
        assert_eq!(outbox.damaged(), 2);
        assert_eq!(pending(&outbox), [b"good".to_vec()], "set aside for good");
    }

    #[test]
    fn a_claim_whose_claimer_is_gone_is_pending_again_and_a_held_one_is_not() {
        let dir = scratch("stale");
        let (outbox, _) = outbox(&dir);
        // Its claimer is gone: nobody holds its lock (whatever its process
        // id, this process's own included, as in a container's PID 1).
        let own = std::process::id();
        fs::write(
            dir.join(format!("00000000000000000001-a.otlp.{own}.sending")),
            encode(&request(b"orphan")),
        )
        .unwrap();
        // Held: another claimer sends it now.
        let held = dir.join("00000000000000000002-b.otlp.1.sending");
        fs::write(&held, encode(&request(b"in flight"))).unwrap();
        let lock = File::open(&held).unwrap();
        lock.lock().unwrap();
        assert_eq!(pending(&outbox), [b"orphan".to_vec()]);
        // Two outboxes on one folder (two processes): one claim each.
        let (other, _) = self::outbox(&dir);
        let (first, claim) = outbox.take().unwrap();
        assert_eq!(first.body, b"orphan");
        assert!(other.take().is_none(), "a held claim is not taken twice");
        let waiting = other.pending();
        assert_eq!(waiting.requests, 2, "both claims count as pending");
        assert!(waiting.oldest.is_some());
        assert_eq!(waiting.next, None, "neither is there to take");
        drop(lock);
        assert_eq!(
            other.take().unwrap().0.body,
            b"in flight",
            "its claimer let go"
        );
        claim.delivered();
    }

    #[test]
    fn a_damaged_or_outlandish_quiet_file_is_removed_and_a_longer_wait_stays() {
        let dir = scratch("quiet-damaged");
        let (outbox, warnings) = outbox(&dir);
        for text in ["18446744073709551615", "soon", "99999999999"] {
            fs::write(dir.join(QUIET_FILE), text).unwrap();
            assert_eq!(outbox.quiet_until(), None, "{text}");
            assert!(!dir.join(QUIET_FILE).exists(), "{text}");
        }
        let now = SystemTime::now();
        outbox.ask_quiet_until(now + std::time::Duration::from_secs(600));
        outbox.ask_quiet_until(now + std::time::Duration::from_secs(5));
        let kept = outbox.quiet_until().unwrap();
        assert!(
            kept >= now + std::time::Duration::from_secs(600),
            "the longer wait stays"
        );
        outbox.ask_quiet_until(now + std::time::Duration::from_secs(999_999));
        let capped = outbox.quiet_until().unwrap();
        assert!(capped <= SystemTime::now() + MAX_QUIET + std::time::Duration::from_secs(1));
        assert!(warnings.lock().unwrap().is_empty());
    }

    #[test]
    fn a_request_file_larger_than_any_request_is_set_aside() {
        let dir = scratch("huge");
        let (outbox, warnings) = outbox(&dir);
        let mut bytes = encode(&request(b""));
        bytes.resize(MAX_REQUEST_BYTES as usize + 10, b'x');
        fs::write(dir.join("00000000000000000001-a.otlp"), bytes).unwrap();
        assert!(outbox.take().is_none());
        assert_eq!(outbox.damaged(), 1);
        assert_eq!(warnings.lock().unwrap().len(), 1);
    }

    #[test]
    fn past_its_bound_the_oldest_pending_requests_are_dropped_and_counted() {
        let dir = scratch("bounds");
        let (outbox, _) = outbox(&dir);
        for i in 0..MAX_REQUESTS + 3 {
            outbox.keep(&request(format!("{i}").as_bytes())).unwrap();
        }
        let kept = pending(&outbox);
        assert_eq!(kept.len(), MAX_REQUESTS);
        assert_eq!(kept[0], b"3".to_vec(), "the oldest went first");
        assert_eq!(outbox.overflowed(), 3);
    }

    #[cfg(unix)]
    #[test]
    fn its_files_are_the_users_alone() {
        use std::os::unix::fs::PermissionsExt;
        let dir = scratch("private");
        let (outbox, _) = outbox(&dir);
        outbox.keep(&request(b"x")).unwrap();
        outbox.ask_quiet_until(SystemTime::now());
        let mode = |path: &Path| fs::metadata(path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&dir), 0o700);
        for entry in fs::read_dir(&dir).unwrap() {
            assert_eq!(mode(&entry.unwrap().path()), 0o600);
        }
    }
}
