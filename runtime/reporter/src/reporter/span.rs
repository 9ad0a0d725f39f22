//! The reporter's spans: opened by `Reporter::start`, sent when they end.

use std::sync::Arc;

use crewtel::attribute::KeyValue;

use super::Shared;
use crate::export::OpenSpan;
use crewtel::Consent;
use crewtel::{
    attribute::ERROR_TYPE_KEY,
    sink::{AnyEvent, EndSpan, SpanIds},
};

/// A span the reporter opened. It holds what it needs (the pipeline, the
/// every-event context, where its panics stop), so that it borrows nothing
/// and may end on any thread, after the reporter shut down too (then it is
/// dropped and counted).
pub(super) struct Span {
    pub(super) shared: Arc<Shared>,
    pub(super) open: OpenSpan,
    /// The consent it was started under, which bounds what ends it.
    pub(super) consent: Consent,
}

impl EndSpan for Span {
    /// Ends the span: its own attributes, then what the end adds, then the
    /// every-event context, each key once (the first wins). When host code
    /// called for `end` panics, the span is dropped (and counted), never
    /// sent as a success.
    fn end(self: Box<Self>, end: Option<&dyn AnyEvent>, error_type: Option<&str>) {
        let Span {
            shared, mut open, ..
        } = *self;
        let Some(pipeline) = &shared.pipeline else {
            return;
        };
        let mut attributes = match end {
            Some(end) => {
                open.ended_by(end.catalogue());
                match shared.containment.run(|| end.key_values()) {
                    Some(attributes) => attributes,
                    None => return,
                }
            }
            None => Vec::new(),
        };
        if let Some(error_type) = error_type {
            attributes.push(KeyValue::new(ERROR_TYPE_KEY, error_type.to_owned()));
        }
        let error_type = error_type.map(|name| std::borrow::Cow::Owned(name.to_owned()));
        pipeline.finish(open, &attributes, &shared.common, error_type);
    }

    fn consent(&self) -> Consent {
        self.consent
    }

    fn ids(&self) -> Option<SpanIds> {
        self.shared.tree.then(|| self.open.ids())
    }
}
