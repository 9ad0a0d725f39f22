//! The end of local mode: each event goes to the local record on this
//! machine, with when it was kept, and nowhere else (no socket is opened).

use std::sync::Arc;

use crate::debug;
use crate::local::Record;
use crate::spans::{End, Span};

/// Appends each event to the record.
pub(crate) struct Keep {
    record: Arc<Record>,
}

impl Keep {
    pub(crate) fn new(record: Arc<Record>) -> Keep {
        Keep { record }
    }
}

impl End for Keep {
    fn export(&self, batch: Vec<Span>) {
        let lines: Vec<String> = batch.iter().map(debug::line).collect();
        self.record
            .append(&lines, &crate::local::Stamp::now("kept_locally"));
    }
}
