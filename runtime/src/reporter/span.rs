//! Spans that take time: opened by `Reporter::start`, sent when they end.

use std::borrow::Cow;

use opentelemetry::KeyValue;

use super::contain::Containment;
use crate::config::Limits;
use crate::debug::DebugSink;
use crate::error_type::ErrorType;
use crate::export::{OpenSpan, Pipeline};
use crate::telemetry::{Event, Telemetry};
use crate::{limits, otel};

/// The key [`ActiveSpan::fail`] sends the error's type under.
pub const ERROR_TYPE_KEY: &str = "error_type";

/// A span opened by [`Reporter::start`](super::Reporter::start); it is sent
/// when it ends (dropping it ends it too).
#[must_use = "a span is sent when it ends: call `end`, `end_with` or `fail`"]
pub struct ActiveSpan<'r> {
    pub(super) open: Option<Open<'r>>,
    pub(super) containment: &'r Containment,
}

#[allow(
    clippy::large_enum_variant,
    reason = "lives on the stack for one span; boxing would cost an allocation per span"
)]
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

impl ActiveSpan<'_> {
    /// Ends the span.
    pub fn end(mut self) {
        self.finish(Vec::new(), None);
    }

    /// Ends the span, adding the attributes `event` allows (a task's output
    /// when its crew shares).
    ///
    /// When host code called for `event` panics, the span is dropped (and
    /// counted), never sent as a success.
    pub fn end_with<T: Telemetry + ?Sized>(mut self, event: Event<'_, T>) {
        if self.open.is_some() {
            match self.containment.run(|| event.key_values()) {
                Some(attributes) => self.finish(attributes, None),
                None => self.open = None,
            }
        }
    }

    /// Ends the span with an error status and `error_type`: the error's short
    /// type name (`ToolError`, `io::Error`), never its message, which may
    /// hold prompts, output or credentials.
    ///
    /// Any error does: a `std::error::Error`, a `Box<dyn Error + Send +
    /// Sync>` (sent as [`DYN_ERROR`](crate::DYN_ERROR)), an `anyhow::Error`.
    pub fn fail<E: ErrorType + ?Sized>(mut self, error: &E) {
        if self.open.is_some() {
            let error_type = error.error_type();
            self.finish(
                vec![KeyValue::new(ERROR_TYPE_KEY, error_type.clone())],
                Some(error_type),
            );
        }
    }

    /// Ends the span: its own attributes, then what the end adds, then the
    /// every-event context, each key once (the first wins).
    fn finish(&mut self, attributes: Vec<KeyValue>, error_type: Option<Cow<'static, str>>) {
        match self.open.take() {
            None => {}
            Some(Open::Debug {
                out,
                limits,
                name,
                attributes: mut all,
                common,
            }) => {
                otel::append_new(&mut all, &attributes);
                otel::append_new(&mut all, common);
                limits::apply(limits, &mut all);
                out.write(name, &all, error_type.is_some());
            }
            Some(Open::Export {
                pipeline,
                span,
                common,
            }) => pipeline.finish(span, &attributes, common, error_type),
        }
    }
}

impl Drop for ActiveSpan<'_> {
    fn drop(&mut self) {
        self.finish(Vec::new(), None);
    }
}
