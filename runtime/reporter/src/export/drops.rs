//! What the pipeline dropped, by reason: what `status()` shows.

use serde::Serialize;

/// What was dropped, by reason. Events are counted one by one until they
/// are built into an export request; after that, requests are.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Drops {
    /// Events: the export queue was full.
    pub queue_full: u64,
    /// Events too large to send (over 1 MiB on the wire).
    pub too_large: u64,
    /// Events that ended after the reporter shut down, or that still
    /// waited in its queue when its shutdown bound ran out (a disk too slow
    /// to take them in time).
    pub after_shutdown: u64,
    /// Events whose host code panicked while they were built.
    pub host_code_panicked: u64,
    /// Requests the collector refused for good (a 4xx status other than
    /// 429).
    pub refused: u64,
    /// Requests dropped, oldest first, past the outbox's bounds (500
    /// requests, 32 MiB).
    pub outbox_full: u64,
    /// Outbox files set aside (renamed `.damaged`): damaged, or not
    /// crewtel's.
    pub damaged: u64,
}
