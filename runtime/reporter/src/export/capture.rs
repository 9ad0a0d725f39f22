//! The exporter of a reporter built onto a [`Capture`]: each event, after
//! the whole pipeline, kept in the capture; nothing leaves the process.

use opentelemetry::trace::{SpanId, Status};
use opentelemetry_sdk::error::OTelSdkResult;
use opentelemetry_sdk::trace::{SpanData, SpanExporter};

use std::sync::Arc;

use crewtel::sink::SpanIds;
use crewtel::testing::{Capture, Captured};

use super::sdk_attributes::from_sdk;
use crate::notes::Notes;

pub(crate) struct ToCapture {
    capture: Capture,
    notes: Arc<Notes>,
}

impl ToCapture {
    pub(crate) fn new(capture: Capture, notes: Arc<Notes>) -> ToCapture {
        ToCapture { capture, notes }
    }
}

impl core::fmt::Debug for ToCapture {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("ToCapture").finish_non_exhaustive()
    }
}

impl SpanExporter for ToCapture {
    async fn export(&self, batch: Vec<SpanData>) -> OTelSdkResult {
        for span in batch {
            let trace_id = u128::from_be_bytes(span.span_context.trace_id().to_bytes());
            let ids = SpanIds {
                trace_id,
                span_id: u64::from_be_bytes(span.span_context.span_id().to_bytes()),
            };
            let parent = (span.parent_span_id != SpanId::INVALID).then(|| SpanIds {
                trace_id,
                span_id: u64::from_be_bytes(span.parent_span_id.to_bytes()),
            });
            let name = match span.name {
                std::borrow::Cow::Borrowed(name) => name,
                // Every span crewtel sends is named by a `&'static str`.
                std::borrow::Cow::Owned(_) => "(unnamed)",
            };
            let error_type = match &span.status {
                Status::Error { description } => Some(description.to_string()),
                _ => None,
            };
            let note = self.notes.take(ids.span_id);
            let mut captured = Captured::new(name, ids);
            captured.parent = parent;
            captured.consent = note.consent;
            captured.attributes = span.attributes.into_iter().map(from_sdk).collect();
            captured.error_type = error_type;
            captured.catalogues = note.catalogues;
            self.capture.push(captured);
        }
        Ok(())
    }
}
