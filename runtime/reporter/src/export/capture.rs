//! The end of a reporter built onto a [`Capture`]: each event, after the
//! whole pipeline, kept in the capture; nothing leaves the process.

use crewtel::testing::{Capture, Captured};

use crate::spans::{End, Span};

pub(crate) struct ToCapture {
    capture: Capture,
}

impl ToCapture {
    pub(crate) fn new(capture: Capture) -> ToCapture {
        ToCapture { capture }
    }
}

impl End for ToCapture {
    fn export(&self, batch: Vec<Span>) {
        for span in batch {
            let mut captured = Captured::new(span.name, span.ids);
            captured.parent = span.parent.map(|span_id| span.ids.child(span_id));
            captured.consent = span.note.consent;
            captured.attributes = span.attributes;
            captured.error_type = span.error_type.map(|error| error.into_owned());
            captured.catalogues = span.note.catalogues().collect();
            self.capture.push(captured);
        }
    }
}
