//! The exporter of local mode: each event goes to the local record on this
//! machine, with when it was kept, and nowhere else (no socket is opened).

use std::sync::Arc;

use opentelemetry_sdk::error::OTelSdkResult;
use opentelemetry_sdk::trace::{SpanData, SpanExporter};

use crate::debug;
use crate::local::Record;
use crate::notes::Notes;

/// Appends each event to the record.
pub(crate) struct Keep {
    record: Arc<Record>,
    /// Each span's consent, as the reporter noted it.
    notes: Option<Arc<Notes>>,
}

impl Keep {
    pub(crate) fn new(record: Arc<Record>, notes: Option<Arc<Notes>>) -> Keep {
        Keep { record, notes }
    }
}

impl core::fmt::Debug for Keep {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Keep").finish_non_exhaustive()
    }
}

impl SpanExporter for Keep {
    async fn export(&self, batch: Vec<SpanData>) -> OTelSdkResult {
        let lines: Vec<String> = batch
            .iter()
            .map(|span| debug::line(span, self.notes.as_deref()))
            .collect();
        self.record
            .append(&crate::local::stamped(&lines, "kept_locally"));
        Ok(())
    }
}
