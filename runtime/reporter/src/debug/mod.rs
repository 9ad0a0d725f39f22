//! `CREWTEL_DEBUG`: each event printed as one JSON line (for tools), or
//! with `CREWTEL_DEBUG=pretty` readably (for a person: `pretty`), nothing
//! sent. The printer is an end of the one pipeline (`export`), so what it
//! prints is what would be sent, after the same limits.

mod escape;
mod line;
mod pretty;

pub(crate) use line::line;

pub(crate) use pretty::Pretty;

use std::io::Write;
use std::sync::Mutex;

use crewtel::attribute::KeyValue;

use crate::spans::{End, Span};

/// Where debug lines go: stderr unless the host says otherwise.
pub(crate) struct DebugSink {
    /// The output, and the header line not yet written before the first event.
    out: Mutex<(Box<dyn Write + Send>, Option<String>)>,
}

impl DebugSink {
    /// Prints to `out`; `header` (the resource) goes before the first event.
    pub(crate) fn new(out: Box<dyn Write + Send>, header: String) -> Self {
        DebugSink {
            out: Mutex::new((out, Some(header))),
        }
    }

    /// Writes `line` and a newline. A write error is ignored: debug output
    /// must not fail the host, nor a host's writer that panics (it stops
    /// here; the lines after it are still written).
    pub(crate) fn write(&self, line: &str) {
        let mut guard = self
            .out
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let (out, header) = &mut *guard;
        let written = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            if let Some(header) = header.take() {
                let _ = writeln!(out, "{header}");
            }
            let _ = writeln!(out, "{line}");
        }));
        let _ = written.map_err(std::mem::forget);
    }
}

/// The debug printer as an end: each span, as it ends, one line.
#[derive(Debug)]
pub(crate) struct Exporter {
    out: DebugSink,
}

impl Exporter {
    pub(crate) fn new(out: DebugSink) -> Self {
        Exporter { out }
    }
}

impl core::fmt::Debug for DebugSink {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("DebugSink")
    }
}

impl End for Exporter {
    fn export(&self, batch: Vec<Span>) {
        for span in batch {
            self.out.write(&line(&span));
        }
    }
}

/// `{"resource": {...}}`: the environment data every export carries.
pub(crate) fn resource_line(resource: &[KeyValue]) -> String {
    let mut out = b"{\"resource\":".to_vec();
    line::attributes(&mut out, resource);
    out.push(b'}');
    line::text(out)
}
