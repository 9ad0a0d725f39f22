//! The reporter's spans: opened by `Reporter::start`, sent when they end.

use opentelemetry::KeyValue;

use super::contain::Containment;
use crate::config::Limits;
use crate::debug::DebugSink;
use crate::export::{OpenSpan, Pipeline};
use crate::sink::{AnyEvent, ERROR_TYPE_KEY, EndSpan};
use crate::{limits, otel};

/// A span the reporter opened, and where its panics stop.
pub(super) struct Span<'r> {
    pub(super) open: Open<'r>,
    pub(super) containment: &'r Containment,
}

pub(super) enum Open<'r> {
    Debug {
        out: &'r DebugSink,
        limits: Limits,
        name: &'static str,
        attributes: Vec<KeyValue>,
        common: &'r [KeyValue],
    },
    Export {
        pipeline: &'r Pipeline,
        span: OpenSpan,
        common: &'r [KeyValue],
    },
}

impl EndSpan for Span<'_> {
    /// Ends the span: its own attributes, then what the end adds, then the
    /// every-event context, each key once (the first wins). When host code
    /// called for `end` panics, the span is dropped (and counted), never
    /// sent as a success.
    fn end(self: Box<Self>, end: Option<&dyn AnyEvent>, error_type: Option<&str>) {
        let Span { open, containment } = *self;
        let mut attributes = match end {
            Some(end) => match containment.run(|| end.key_values()) {
                Some(attributes) => attributes,
                None => return,
            },
            None => Vec::new(),
        };
        if let Some(error_type) = error_type {
            attributes.push(KeyValue::new(ERROR_TYPE_KEY, error_type.to_owned()));
        }
        let error_type = error_type.map(|name| std::borrow::Cow::Owned(name.to_owned()));
        match open {
            Open::Debug {
                out,
                limits,
                name,
                attributes: mut all,
                common,
            } => {
                otel::append_new(&mut all, &attributes);
                otel::append_new(&mut all, common);
                limits::apply(limits, &mut all);
                out.write(name, &all, error_type.is_some());
            }
            Open::Export {
                pipeline,
                span,
                common,
            } => pipeline.finish(span, &attributes, common, error_type),
        }
    }
}
