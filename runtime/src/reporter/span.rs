//! The reporter's spans: opened by `Reporter::start`, sent when they end.

use opentelemetry::KeyValue;

use super::contain::Containment;
use crate::export::{OpenSpan, Pipeline};
use crate::sink::{AnyEvent, ERROR_TYPE_KEY, EndSpan, SpanIds};

/// A span the reporter opened, and where its panics stop.
pub(super) struct Span<'r> {
    pub(super) pipeline: &'r Pipeline,
    pub(super) open: OpenSpan,
    /// The every-event context, added when it ends.
    pub(super) common: &'r [KeyValue],
    pub(super) containment: &'r Containment,
    /// Whether what starts inside it is its child.
    pub(super) tree: bool,
    /// Where what ended the span is noted, when a reader wants it.
    pub(super) notes: Option<&'r crate::notes::Notes>,
}

impl EndSpan for Span<'_> {
    /// Ends the span: its own attributes, then what the end adds, then the
    /// every-event context, each key once (the first wins). When host code
    /// called for `end` panics, the span is dropped (and counted), never
    /// sent as a success.
    fn end(self: Box<Self>, end: Option<&dyn AnyEvent>, error_type: Option<&str>) {
        let Span {
            pipeline,
            open,
            common,
            containment,
            notes,
            ..
        } = *self;
        let span_id = open.ids().span_id;
        // What was noted of a span that is dropped is never read: forgotten.
        let forget = || {
            if let Some(notes) = notes {
                notes.take(span_id);
            }
        };
        if let (Some(notes), Some(end)) = (notes, end) {
            notes.note(span_id, None, end.catalogue());
        }
        let mut attributes = match end {
            Some(end) => match containment.run(|| end.key_values()) {
                Some(attributes) => attributes,
                None => return forget(),
            },
            None => Vec::new(),
        };
        if let Some(error_type) = error_type {
            attributes.push(KeyValue::new(ERROR_TYPE_KEY, error_type.to_owned()));
        }
        let error_type = error_type.map(|name| std::borrow::Cow::Owned(name.to_owned()));
        if !pipeline.finish(open, &attributes, common, error_type) {
            forget();
        }
    }

    fn ids(&self) -> Option<SpanIds> {
        self.tree.then(|| self.open.ids())
    }
}
