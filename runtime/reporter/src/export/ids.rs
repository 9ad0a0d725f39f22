//! A span's ids are made when it starts, so that what happens inside it can
//! name it as its parent before it ends; the SDK, which makes ids itself
//! when a span is built (at its end, here), is handed them through its id
//! generator.

use std::cell::Cell;

use opentelemetry::trace::{SpanId, TraceId};
use opentelemetry_sdk::trace::{IdGenerator, RandomIdGenerator};

use crewtel::sink::SpanIds;

thread_local! {
    /// The ids of the span being built on this thread, if any.
    static NEXT: Cell<Option<SpanIds>> = const { Cell::new(None) };
}

/// The pipeline's id generator: the ids of the span being built, else
/// random ones (the SDK's own generator).
#[derive(Debug, Default)]
pub(crate) struct Preset {
    random: RandomIdGenerator,
}

impl IdGenerator for Preset {
    fn new_trace_id(&self) -> TraceId {
        match NEXT.get() {
            Some(ids) => TraceId::from(ids.trace_id),
            None => self.random.new_trace_id(),
        }
    }

    fn new_span_id(&self) -> SpanId {
        match NEXT.get() {
            Some(ids) => SpanId::from(ids.span_id),
            None => self.random.new_span_id(),
        }
    }
}

impl Preset {
    /// Fresh ids for a span that starts now: in `trace`, or in a new trace.
    pub(crate) fn fresh(&self, trace: Option<u128>) -> SpanIds {
        SpanIds {
            trace_id: trace
                .unwrap_or_else(|| u128::from_be_bytes(self.random.new_trace_id().to_bytes())),
            span_id: u64::from_be_bytes(self.random.new_span_id().to_bytes()),
        }
    }
}

/// Runs `build` with `ids` as the ids the generator hands out on this thread.
pub(crate) fn building<R>(ids: SpanIds, build: impl FnOnce() -> R) -> R {
    /// Clears the ids however `build` returns.
    struct Reset;
    impl Drop for Reset {
        fn drop(&mut self) {
            NEXT.set(None);
        }
    }
    NEXT.set(Some(ids));
    let _reset = Reset;
    build()
}
