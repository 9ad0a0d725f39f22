//! A connection that lends its thread while it waits: when the courier
//! waits on the collector's answer, it waits in slices of [`SLICE`], and
//! between two slices does what else is due on its thread (writing the
//! queue's batches into the outbox); and between two pieces of a request it
//! writes out. One thread both writes and sends, and a collector that
//! hangs, or a slow link, holds back sending, never the writing.
//!
//! It sits in ureq's chain of connectors right after the TCP connection
//! (or the proxy's tunnel), under TLS: TLS waits through it as any read.

use std::fmt;
use std::sync::Arc;

use ureq::unversioned::transport::time::Duration as Wait;
use ureq::unversioned::transport::{Buffers, ConnectionDetails, Connector, NextTimeout, Transport};

/// The longest the courier waits on a collector without doing what else
/// is due.
const SLICE: std::time::Duration = std::time::Duration::from_millis(20);

/// The shortest last read of a wait.
const LAST_READ: std::time::Duration = std::time::Duration::from_millis(1);

/// What is done between two slices of a wait.
pub(crate) type Work = Arc<dyn Fn() + Send + Sync>;

/// The connector that wraps each connection.
#[derive(Clone)]
pub(crate) struct Interleave {
    work: Work,
}

impl Interleave {
    pub(crate) fn new(work: Work) -> Interleave {
        Interleave { work }
    }
}

impl fmt::Debug for Interleave {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Interleave").finish_non_exhaustive()
    }
}

impl<In: Transport> Connector<In> for Interleave {
    type Out = Interleaved<In>;

    fn connect(
        &self,
        _: &ConnectionDetails,
        chained: Option<In>,
    ) -> Result<Option<Self::Out>, ureq::Error> {
        Ok(chained.map(|inner| Interleaved {
            inner,
            work: Arc::clone(&self.work),
            worked: std::time::Instant::now(),
        }))
    }
}

/// A connection whose waits for input are sliced.
pub(crate) struct Interleaved<T> {
    inner: T,
    work: Work,
    /// When the work last ran.
    worked: std::time::Instant,
}

impl<T> Interleaved<T> {
    fn work(&mut self) {
        (self.work)();
        self.worked = std::time::Instant::now();
    }
}

impl<T> fmt::Debug for Interleaved<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Interleaved").finish_non_exhaustive()
    }
}

impl<T: Transport> Transport for Interleaved<T> {
    fn buffers(&mut self) -> &mut dyn Buffers {
        self.inner.buffers()
    }

    /// Writes as the connection would. A body goes out in pieces of
    /// ureq's output buffer (128 KiB): between two, when a slice has
    /// passed, the work runs, so a slow link holds back sending, not the
    /// writing. (One piece that a collector does not read holds the thread
    /// until the timeout: its progress is the connection's to know.)
    fn transmit_output(&mut self, amount: usize, timeout: NextTimeout) -> Result<(), ureq::Error> {
        if self.worked.elapsed() >= SLICE {
            self.work();
        }
        self.inner.transmit_output(amount, timeout)
    }

    /// Waits as the connection would, at most until `timeout`, a slice at
    /// a time: a slice that ends without input is not a timeout until the
    /// whole wait is over. (A read that timed out took nothing: the
    /// connection is as it was.)
    fn await_input(&mut self, timeout: NextTimeout) -> Result<bool, ureq::Error> {
        // `None`: no end (no timeout was set).
        let end =
            (!timeout.after.is_not_happening()).then(|| std::time::Instant::now() + *timeout.after);
        loop {
            let left = end.map(|end| end.saturating_duration_since(std::time::Instant::now()));
            // Near the end, the rest of the wait in one (and a last read,
            // however late the work ran: an answer already there is read,
            // not taken for a timeout and sent again).
            let last = left.is_some_and(|left| left <= 2 * SLICE);
            let after = match left {
                Some(left) if last => left.max(LAST_READ),
                _ => SLICE,
            };
            let slice = NextTimeout {
                after: Wait::from(after),
                ..timeout
            };
            match self.inner.await_input(slice) {
                Err(ureq::Error::Timeout(_)) if !last => self.work(),
                other => return other,
            }
        }
    }

    fn is_open(&mut self) -> bool {
        self.inner.is_open()
    }

    fn is_tls(&self) -> bool {
        self.inner.is_tls()
    }
}
