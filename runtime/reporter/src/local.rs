//! What stays on the user's machine: the record of every event sent (a
//! bounded, rotating JSON-lines file) and the first-run notice's marker.
//!
//! Both live in the user's data directory (`CREWTEL_DATA_DIR` overrides it),
//! under the host's service name. Nothing here runs when telemetry is off.

use std::fs::{self, File, OpenOptions};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use crate::warning::WarningSink;

/// The default most bytes of one record file; with its one rotated
/// predecessor the record holds at most twice this.
pub(crate) const DEFAULT_RECORD_MAX_BYTES: u64 = 1 << 20;

/// The record's file name in the host's folder.
pub(crate) const RECORD_FILE: &str = "sent.jsonl";

/// The folder crewtel keeps a host's files in, if one can be found.
pub(crate) fn host_dir(data_dir: Option<PathBuf>, service: &str) -> Option<PathBuf> {
    let base = data_dir.or_else(|| dirs::data_dir().map(|dir| dir.join("crewtel")))?;
    Some(base.join(safe_name(service)))
}

/// Writes `bytes` to `path` whole or not at all, the file the user's alone
/// (0600): first to `tmp` (a new file), then renamed over `path`; `tmp` is
/// gone either way.
pub(crate) fn write_private(tmp: &Path, path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    write_private_locked(tmp, path, &[bytes], false).map(drop)
}

/// [`write_private`] of `parts` one after the other (without joining them
/// in memory first), the file locked (`flock`) before it takes its name
/// when `lock` says so, and returned open: the lock lasts as long as the
/// file is open, or the process.
pub(crate) fn write_private_locked(
    tmp: &Path,
    path: &Path,
    parts: &[&[u8]],
    lock: bool,
) -> std::io::Result<File> {
    use std::io::Write;
    let mut options = fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let written = options.open(tmp).and_then(|mut file| {
        parts.iter().try_for_each(|part| file.write_all(part))?;
        if lock {
            file.try_lock().map_err(std::io::Error::from)?;
        }
        fs::rename(tmp, path)?;
        Ok(file)
    });
    if written.is_err() {
        let _ = fs::remove_file(tmp);
    }
    written
}

/// When lines were delivered, or kept in local mode: written first in
/// each line of the record, as `key` and the time in RFC 3339.
pub(crate) struct Stamp {
    /// `{"key":"time"`, what each line starts with.
    head: String,
}

impl Stamp {
    /// Now, under `key`.
    pub(crate) fn now(key: &str) -> Stamp {
        let at = humantime::format_rfc3339_seconds(std::time::SystemTime::now());
        Stamp {
            head: format!("{{\"{key}\":\"{at}\""),
        }
    }

    /// The bytes of `line` (a JSON object) stamped, with its newline.
    fn len(&self, line: &str) -> u64 {
        let stamped = match line.strip_prefix('{') {
            Some(rest) => self.head.len() + usize::from(!rest.starts_with('}')) + rest.len(),
            None => line.len(),
        };
        stamped as u64 + 1
    }

    /// Appends `line` stamped, and its newline. A line is one JSON object
    /// (`debug::line`); one that is not (a damaged outbox file) is written
    /// with the stamp in front all the same, as broken as it came.
    fn write(&self, out: &mut Vec<u8>, line: &str) {
        match line.strip_prefix('{') {
            Some(rest) => {
                out.extend_from_slice(self.head.as_bytes());
                if !rest.starts_with('}') {
                    out.push(b',');
                }
                out.extend_from_slice(rest.as_bytes());
            }
            None => out.extend_from_slice(line.as_bytes()),
        }
        out.push(b'\n');
    }
}

/// A service name as a folder's name: letters, digits, `-`, `_` and `.`
/// kept, anything else `_`.
pub(crate) fn safe_name(service: &str) -> String {
    let service: String = service
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '_'
            }
        })
        .collect();
    if service.is_empty() {
        "unknown_service".to_owned()
    } else {
        service
    }
}

/// An append-only record of sent events, one JSON object a line, rotated to
/// `<path>.1` when it would grow past its bound.
///
/// It holds what shared crews sent, so it is the user's alone: created 0600
/// in a folder of 0700, an existing one of wider permissions tightened, a
/// file or folder that is a symbolic link or belongs to someone else
/// refused (with one warning), and its bound kept even by one long line
/// (which is left out, and counted).
pub(crate) struct Record {
    path: PathBuf,
    max_bytes: u64,
    /// The first line of every file: the resource the events went with.
    header: String,
    /// The open file and its size; opened on first use.
    file: Mutex<Option<(File, u64)>>,
    /// Events that left but are not in the record (too long for its bound,
    /// or the record refused).
    left_out: AtomicU64,
    warned: AtomicBool,
    warn: WarningSink,
}

impl Record {
    pub(crate) fn new(path: PathBuf, max_bytes: u64, header: String, warn: WarningSink) -> Record {
        Record {
            header,
            path,
            max_bytes: max_bytes.max(1),
            file: Mutex::new(None),
            left_out: AtomicU64::new(0),
            warned: AtomicBool::new(false),
            warn,
        }
    }

    #[cfg(test)]
    pub(crate) fn path(&self) -> &Path {
        &self.path
    }

    /// Events that left the process but are not in the record.
    pub(crate) fn left_out(&self) -> u64 {
        self.left_out.load(Ordering::Relaxed)
    }

    /// Appends lines, each stamped, each file's share in one write. I/O
    /// errors are ignored: the record is for the user's information and
    /// must never fail the export, let alone the host.
    pub(crate) fn append(&self, lines: &[String], stamp: &Stamp) {
        let Ok(mut guard) = self.file.lock() else {
            return;
        };
        // What goes to the open file, and how many lines that is.
        let room = lines.iter().map(|line| stamp.len(line)).sum::<u64>();
        let mut pending = (Vec::with_capacity(usize::try_from(room).unwrap_or(0)), 0);
        for line in lines {
            let bytes = stamp.len(line);
            if self.header.len() as u64 + 1 + bytes > self.max_bytes {
                // Not even a file of its own would keep the bound.
                self.left_out.fetch_add(1, Ordering::Relaxed);
                continue;
            }
            if guard.is_none() {
                *guard = self.opened();
            }
            // Full, a file this process wrote or one it found: the line
            // goes to a new one.
            if guard
                .as_ref()
                .is_some_and(|(_, size)| size + bytes > self.max_bytes)
            {
                self.write(&mut guard, &mut pending);
                *guard = None;
                let _ = fs::rename(&self.path, rotated(&self.path));
                *guard = self.opened();
            }
            match guard.as_mut() {
                Some((_, size)) => {
                    *size += bytes;
                    stamp.write(&mut pending.0, line);
                    pending.1 += 1;
                }
                None => {
                    self.left_out.fetch_add(1, Ordering::Relaxed);
                }
            }
        }
        self.write(&mut guard, &mut pending);
    }

    /// Writes `pending`'s lines to the open file (whose size counts them
    /// already), and empties it. When a write fails part way, its lines
    /// are counted out, a torn last line is ended (so that the next line
    /// is a line of its own: other processes may be appending to the same
    /// file, so nothing is cut off), and the file is opened afresh next
    /// time, its size read from it.
    fn write(&self, file: &mut Option<(File, u64)>, pending: &mut (Vec<u8>, u64)) {
        let (bytes, lines) = pending;
        if bytes.is_empty() {
            return;
        }
        if let Some((open, _)) = file.as_mut()
            && open.write_all(bytes).is_err()
        {
            self.left_out.fetch_add(*lines, Ordering::Relaxed);
            let _ = open.write_all(b"\n");
            *file = None;
        }
        bytes.clear();
        *lines = 0;
    }

    /// The file opened, or `None` (and one warning) when it is refused.
    fn opened(&self) -> Option<(File, u64)> {
        self.open().map_err(|why| self.refused(why)).ok()
    }

    fn refused(&self, why: Refused) {
        if !self.warned.swap(true, Ordering::Relaxed) {
            (self.warn)(&format!(
                "crewtel: the local record of sent events is not kept ({why}); sending is not affected"
            ));
        }
    }

    /// Opens the file for appending; a new one starts with the header.
    fn open(&self) -> Result<(File, u64), Refused> {
        if let Some(parent) = self.path.parent().filter(|p| !p.as_os_str().is_empty()) {
            private_dir(parent)?;
        }
        let mut options = OpenOptions::new();
        options.create(true).append(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            let no_follow = rustix::fs::OFlags::NOFOLLOW.bits();
            options
                .mode(0o600)
                .custom_flags(i32::try_from(no_follow).unwrap_or(0));
        }
        let mut file = options
            .open(&self.path)
            .map_err(|_| Refused::FileNotOpened)?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::{MetadataExt, PermissionsExt};
            let meta = file.metadata().map_err(|e| Refused::Unreadable(e.kind()))?;
            if !meta.is_file() || meta.uid() != own_uid() {
                return Err(Refused::FileNotOwn);
            }
            if meta.mode() & 0o077 != 0 {
                file.set_permissions(fs::Permissions::from_mode(0o600))
                    .map_err(|_| Refused::FileLoose)?;
            }
        }
        let mut size = file.metadata().map(|m| m.len()).unwrap_or(0);
        if size == 0 && writeln!(file, "{}", self.header).is_ok() {
            size = self.header.len() as u64 + 1;
        }
        Ok((file, size))
    }
}

#[cfg(unix)]
fn own_uid() -> u32 {
    rustix::process::geteuid().as_raw()
}

/// Why a file or folder of crewtel's own (the record, the outbox, a kept
/// choice) is not used: it is not the user's alone, or cannot be made so.
/// Prints as the end of a warning: "its folder is a symbolic link".
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Refused {
    FolderNotCreated,
    FolderIsLink,
    FolderNotOwn,
    /// Its permissions let others in, and cannot be tightened.
    FolderLoose,
    /// It cannot be opened, or is a symbolic link (`O_NOFOLLOW`).
    FileNotOpened,
    FileNotOwn,
    FileLoose,
    /// Its metadata cannot be read.
    Unreadable(std::io::ErrorKind),
}

impl core::fmt::Display for Refused {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(match self {
            Refused::FolderNotCreated => "its folder cannot be created",
            Refused::FolderIsLink => "its folder is a symbolic link",
            Refused::FolderNotOwn => "its folder belongs to another user",
            Refused::FolderLoose => "its folder's permissions cannot be tightened",
            Refused::FileNotOpened => "its file cannot be opened, or is a symbolic link",
            Refused::FileNotOwn => "its file belongs to another user",
            Refused::FileLoose => "its file's permissions cannot be tightened",
            Refused::Unreadable(kind) => return kind.fmt(f),
        })
    }
}

impl std::error::Error for Refused {}

/// Creates a folder (and its parents) only its owner can enter; an existing
/// one of the user's own is tightened to that, one that is a symbolic link
/// or someone else's is refused.
pub(crate) fn private_dir(dir: &Path) -> Result<(), Refused> {
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir).map_err(|_| Refused::FolderNotCreated)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::{MetadataExt, PermissionsExt};
        let meta = fs::symlink_metadata(dir).map_err(|e| Refused::Unreadable(e.kind()))?;
        if meta.file_type().is_symlink() {
            return Err(Refused::FolderIsLink);
        }
        if meta.uid() != own_uid() {
            return Err(Refused::FolderNotOwn);
        }
        if meta.mode() & 0o077 != 0 {
            fs::set_permissions(dir, fs::Permissions::from_mode(0o700))
                .map_err(|_| Refused::FolderLoose)?;
        }
    }
    Ok(())
}

pub(crate) fn rotated(path: &Path) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(".1");
    PathBuf::from(name)
}

/// The last `n` events of a record, oldest first, across its rotation (the
/// resource header of each file is left out).
pub(crate) fn tail(path: &Path, n: usize) -> Vec<String> {
    let mut lines = Vec::new();
    for file in [rotated(path), path.to_owned()] {
        if let Ok(file) = File::open(file) {
            lines.extend(
                BufReader::new(file)
                    .lines()
                    .map_while(Result::ok)
                    .filter(|line| !line.starts_with(r#"{"resource""#)),
            );
        }
    }
    let skip = lines.len().saturating_sub(n);
    lines.split_off(skip)
}

/// How the names of the first-run notice's markers begin.
pub(crate) const NOTICE_MARKER: &str = "notice-shown-";

/// Whether the first-run notice of this catalogue version was shown to this
/// user; `mark` records that it now has been.
pub(crate) struct NoticeMarker {
    path: PathBuf,
}

impl NoticeMarker {
    pub(crate) fn new(dir: &Path, version: &str) -> NoticeMarker {
        let version: String = version
            .chars()
            .filter(|c| c.is_ascii_alphanumeric())
            .collect();
        NoticeMarker {
            path: dir.join(format!("{NOTICE_MARKER}{version}")),
        }
    }

    pub(crate) fn shown(&self) -> bool {
        self.path.exists()
    }

    pub(crate) fn mark(&self) {
        if let Some(parent) = self.path.parent()
            && private_dir(parent).is_ok()
        {
            let _ = File::create(&self.path);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("crewtel-local-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        dir
    }

    #[test]
    fn the_record_rotates_and_keeps_its_bound() {
        let dir = scratch("rotate");
        let record = Record::new(
            dir.join("sent.jsonl"),
            100,
            r#"{"resource":{}}"#.to_owned(),
            std::sync::Arc::new(|_: &str| {}),
        );
        let lines: Vec<String> = (0..50).map(|i| format!("{{\"n\":\"{i:03}\"}}")).collect();
        record.append(
            &lines,
            &Stamp {
                head: "{\"k\":0".into(),
            },
        );
        let current = fs::metadata(record.path()).unwrap().len();
        let old = fs::metadata(rotated(record.path())).unwrap().len();
        assert!(current <= 100 && old <= 100, "{current} and {old} bytes");
        let last = tail(record.path(), 3);
        assert_eq!(
            last,
            [
                r#"{"k":0,"n":"047"}"#,
                r#"{"k":0,"n":"048"}"#,
                r#"{"k":0,"n":"049"}"#
            ]
        );
        // Lines are whole: every one still parses.
        for line in tail(record.path(), 100) {
            serde_json::from_str::<serde_json::Value>(&line).unwrap();
        }
        let _ = fs::remove_dir_all(dir);
    }

    #[test]
    fn a_nearly_full_record_from_before_is_rotated_before_it_overflows() {
        let dir = scratch("full");
        let path = dir.join("sent.jsonl");
        let header = r#"{"resource":{}}"#;
        let stamp = Stamp {
            head: "{\"k\":0".into(),
        };
        let line = r#"{"n":"000"}"#.to_owned();
        // A file an earlier run left 10 bytes short of the bound.
        let earlier = Record::new(
            path.clone(),
            1000,
            header.to_owned(),
            std::sync::Arc::new(|_: &str| {}),
        );
        earlier.append(std::slice::from_ref(&line), &stamp);
        let size = fs::metadata(&path).unwrap().len();
        let record = Record::new(
            path.clone(),
            size + 10,
            header.to_owned(),
            std::sync::Arc::new(|_: &str| {}),
        );
        record.append(std::slice::from_ref(&line), &stamp);
        assert!(
            fs::metadata(&path).unwrap().len() <= size + 10,
            "past the bound"
        );
        assert_eq!(fs::metadata(rotated(&path)).unwrap().len(), size);
        let now = fs::read_to_string(&path).unwrap();
        assert_eq!(now, format!("{header}\n{{\"k\":0,\"n\":\"000\"}}\n"));
        assert_eq!(record.left_out(), 0);
        let _ = fs::remove_dir_all(dir);
    }

    #[cfg(unix)]
    #[test]
    fn only_its_owner_can_read_the_record() {
        use std::os::unix::fs::PermissionsExt;
        let dir = scratch("private");
        let record = Record::new(
            dir.join("deep").join("sent.jsonl"),
            1000,
            "{}".to_owned(),
            std::sync::Arc::new(|_: &str| {}),
        );
        record.append(&["{}".to_owned()], &Stamp::now("delivered"));
        let mode = |path: &Path| fs::metadata(path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(record.path()), 0o600);
        assert_eq!(mode(&dir.join("deep")), 0o700);
        let _ = fs::remove_dir_all(dir);
    }

    #[test]
    fn a_stamped_line_says_when_first() {
        let stamp = Stamp::now("delivered");
        let mut out = Vec::new();
        for line in [r#"{"name":"Tool Usage"}"#, "{}"] {
            let before = out.len();
            stamp.write(&mut out, line);
            assert_eq!((out.len() - before) as u64, stamp.len(line), "{line}");
        }
        let out = String::from_utf8(out).unwrap();
        let lines: Vec<&str> = out.lines().collect();
        assert!(lines[0].starts_with(r#"{"delivered":""#), "{}", lines[0]);
        assert!(
            lines[0].ends_with(r#"Z","name":"Tool Usage"}"#),
            "{}",
            lines[0]
        );
        for line in &lines {
            serde_json::from_str::<serde_json::Value>(line).expect("JSON");
        }
    }

    #[test]
    fn host_dirs_are_named_safely() {
        let dir = host_dir(Some(PathBuf::from("/data")), "my framework/../x").unwrap();
        assert_eq!(dir, PathBuf::from("/data/my_framework_.._x"));
        assert_eq!(dir.components().count(), 3);
    }

    #[test]
    fn the_notice_marker_is_per_version() {
        let dir = scratch("notice");
        let v1 = NoticeMarker::new(&dir, "v1");
        assert!(!v1.shown());
        v1.mark();
        assert!(v1.shown());
        assert!(!NoticeMarker::new(&dir, "v2").shown());
        let _ = fs::remove_dir_all(dir);
    }
}
